// cgroup v1 devices controller: the access list as devices.allow and
// devices.deny writes, in order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { RuntimeError } from '../../errors.js';
import { type DeviceRule, v1RuleLine } from '../device-rules.js';

export function applyDeviceRules(dir: string, rules: readonly DeviceRule[]): void {
  for (const rule of rules) {
    const file = join(dir, rule.allow ? 'devices.allow' : 'devices.deny');
    const line = v1RuleLine(rule);
    try {
      writeFileSync(file, line);
    } catch (e) {
      throw new RuntimeError(`write ${JSON.stringify(line)} to ${file}: ${(e as Error).message}`);
    }
  }
}
