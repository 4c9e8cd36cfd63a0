// cgroup v1 devices controller: the access list as devices.allow and
// devices.deny writes, in order.
import { type DeviceRule, v1RuleLine } from '../device-rules.js';
import { writeCgroupFile } from '../write.js';

/** The writes for an access list; pure. */
export function planDeviceRules(rules: readonly DeviceRule[]): { file: string; value: string }[] {
  return rules.map((rule) => ({ file: rule.allow ? 'devices.allow' : 'devices.deny', value: v1RuleLine(rule) }));
}

export function applyDeviceRules(dir: string, rules: readonly DeviceRule[]): void {
  for (const { file, value } of planDeviceRules(rules)) writeCgroupFile(dir, file, value);
}
