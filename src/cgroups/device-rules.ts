// The device access list a container ends up with: the rules of
// linux.resources.devices, then the devices every container may use, then
// the devices its config creates (like runc).
import type { Device, DeviceCgroupRule } from '../spec/types.js';

export interface DeviceRule {
  allow: boolean;
  type: 'a' | 'c' | 'b';
  /** -1 for any */
  major: number;
  minor: number;
  access: string;
}

const ANY = -1;

/** Always allowed: mknod of anything, the default devices, ttys and ptys. */
export const DEFAULT_ALLOWED: readonly DeviceRule[] = [
  { allow: true, type: 'c', major: ANY, minor: ANY, access: 'm' },
  { allow: true, type: 'b', major: ANY, minor: ANY, access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 136, minor: ANY, access: 'rwm' },
];

function fromConfig(rule: DeviceCgroupRule): DeviceRule {
  return {
    allow: rule.allow,
    type: rule.type ?? 'a',
    major: rule.major ?? ANY,
    minor: rule.minor ?? ANY,
    access: rule.access ?? 'rwm',
  };
}

function fromDevice(d: Device): DeviceRule | undefined {
  if (d.type === 'p') return undefined;
  return { allow: true, type: d.type === 'b' ? 'b' : 'c', major: d.major ?? 0, minor: d.minor ?? 0, access: 'rwm' };
}

export function deviceRules(resources: readonly DeviceCgroupRule[] = [], devices: readonly Device[] = []): DeviceRule[] {
  const out = resources.map(fromConfig);
  out.push(...DEFAULT_ALLOWED);
  for (const d of devices) {
    const r = fromDevice(d);
    if (r) out.push(r);
  }
  return out;
}

/** The v1 devices.allow / devices.deny line for a rule. */
export function v1RuleLine(rule: DeviceRule): string {
  if (rule.type === 'a') return 'a';
  const n = (x: number) => (x === ANY ? '*' : String(x));
  return `${rule.type} ${n(rule.major)}:${n(rule.minor)} ${rule.access}`;
}
