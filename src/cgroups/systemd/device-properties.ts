// The container's device access list as systemd's DevicePolicy= and
// DeviceAllow=, so that systemd's own device filter (eBPF on cgroup v2)
// agrees with it. systemd only knows allow lists: the rules are first folded,
// in order, into a default (allow or deny) and exceptions, as the kernel's
// v1 devices controller would.
import type { DeviceRule } from '../device-rules.js';
import type { UnitProperty } from './unit-property.js';

const ANY = -1;
const PERMS = ['r', 'w', 'm'] as const;

interface Exception {
  type: 'b' | 'c';
  major: number;
  minor: number;
  perms: Set<string>;
}

function permsText(perms: Set<string>): string {
  return PERMS.filter((p) => perms.has(p)).join('');
}

/** The folded rule set: a default and the exceptions to it. */
export class DeviceRuleSet {
  defaultAllow = false;
  private readonly exceptions = new Map<string, Exception>();

  apply(rule: DeviceRule): void {
    if (rule.type === 'a') {
      // "a" resets everything to allow-all or deny-all
      this.defaultAllow = rule.allow;
      this.exceptions.clear();
      return;
    }
    const perms = new Set([...rule.access].filter((c) => (PERMS as readonly string[]).includes(c)));
    // an exception to the default is added; a rule like the default removes one
    if (rule.allow !== this.defaultAllow) this.add(rule, perms);
    else this.remove(rule, perms);
  }

  private key(type: string, major: number, minor: number): string {
    return `${type} ${major}:${minor}`;
  }

  private add(rule: DeviceRule, perms: Set<string>): void {
    const key = this.key(rule.type, rule.major, rule.minor);
    const old = this.exceptions.get(key);
    this.exceptions.set(key, { type: rule.type as 'b' | 'c', major: rule.major, minor: rule.minor, perms: new Set([...(old?.perms ?? []), ...perms]) });
  }

  private remove(rule: DeviceRule, perms: Set<string>): void {
    // A hole in a wildcard exception cannot be expressed (nor by the kernel).
    for (const [major, minor] of [[ANY, rule.minor], [rule.major, ANY], [ANY, ANY]] as const) {
      if (major === rule.major && minor === rule.minor) continue;
      const wider = this.exceptions.get(this.key(rule.type, major, minor));
      if (wider && [...perms].some((p) => wider.perms.has(p))) {
        throw new Error(`the device rule ${describe(rule)} would punch a hole in the wider rule ${this.key(rule.type, major, minor).replace(/-1/g, '*')} ${permsText(wider.perms)}`);
      }
    }
    const key = this.key(rule.type, rule.major, rule.minor);
    const old = this.exceptions.get(key);
    if (!old) return;
    for (const p of perms) old.perms.delete(p);
    if (old.perms.size === 0) this.exceptions.delete(key);
  }

  /** The exceptions ordered by major, minor, then type. */
  entries(): Exception[] {
    return [...this.exceptions.values()].sort((a, b) => a.major - b.major || a.minor - b.minor || a.type.localeCompare(b.type));
  }
}

function describe(rule: DeviceRule): string {
  const n = (x: number) => (x === ANY ? '*' : String(x));
  return `${rule.type} ${n(rule.major)}:${n(rule.minor)} ${rule.access}`;
}

/** "char-pts" for c 136 from /proc/devices, undefined when the major is not listed. */
export function deviceGroup(procDevices: string, type: 'b' | 'c', major: number): string | undefined {
  let section: 'b' | 'c' | undefined;
  for (const raw of procDevices.split('\n')) {
    const line = raw.trim();
    if (line === 'Character devices:') section = 'c';
    else if (line === 'Block devices:') section = 'b';
    else if (section === type) {
      const m = /^(\d+)\s+(\S+)$/.exec(line);
      if (m && Number(m[1]) === major) return `${type === 'c' ? 'char' : 'block'}-${m[2]}`;
    }
  }
  return undefined;
}

export interface DeviceProperties {
  properties: UnitProperty[];
  /** rules systemd cannot express, for the log */
  warnings: string[];
}

/** DevicePolicy= and DeviceAllow= for the rules (in config order, defaults included). */
export function deviceProperties(rules: readonly DeviceRule[], procDevices: string): DeviceProperties {
  const set = new DeviceRuleSet();
  for (const rule of rules) set.apply(rule);
  const warnings: string[] = [];
  const allow = (entries: [string, string][]): UnitProperty => ({ name: 'DeviceAllow', signature: 'a(ss)', value: entries });
  if (set.defaultAllow) {
    const denied = set.entries();
    if (denied.length > 0) warnings.push(`systemd cannot deny single devices: ${denied.map((e) => `${e.type} ${e.major === ANY ? '*' : e.major}:${e.minor === ANY ? '*' : e.minor}`).join(', ')} stay allowed by systemd`);
    return { properties: [{ name: 'DevicePolicy', signature: 's', value: 'auto' }, allow([])], warnings };
  }
  const entries: [string, string][] = [];
  for (const e of set.entries()) {
    const perms = permsText(e.perms);
    const kind = e.type === 'c' ? 'char' : 'block';
    if (e.major === ANY) {
      if (e.minor !== ANY) {
        warnings.push(`systemd cannot express the device rule ${e.type} *:${e.minor} ${perms}: left out`);
        continue;
      }
      entries.push([`${kind}-*`, perms]);
    } else if (e.minor === ANY) {
      const group = deviceGroup(procDevices, e.type, e.major);
      if (!group) {
        warnings.push(`no device group for ${e.type} ${e.major}:* in /proc/devices: rule left out`);
        continue;
      }
      entries.push([group, perms]);
    } else {
      entries.push([`/dev/${kind}/${e.major}:${e.minor}`, perms]);
    }
  }
  // strict: nothing but the list; the empty list first resets what a unit had
  return { properties: [{ name: 'DevicePolicy', signature: 's', value: 'strict' }, allow([]), allow(entries)], warnings };
}
