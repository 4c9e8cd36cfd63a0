// The device access list on cgroup v2: an eBPF program (device-filter.ts)
// attached to the container's cgroup, replacing the one attached before.
// Removing the cgroup detaches it; nothing else has to be cleaned up.
import { RuntimeError } from '../../errors.js';
import { logger } from '../../log/logger.js';
import { native } from '../../native/index.js';
import { isRootless } from '../../util/rootless.js';
import type { DeviceRule } from '../device-rules.js';
import { deviceFilter } from './device-filter.js';

export function applyDeviceFilter(dir: string, rules: readonly DeviceRule[]): void {
  try {
    native().replaceDeviceFilter(dir, deviceFilter(rules));
  } catch (e) {
    // Rootless, bpf(2) is not ours to call: the rules go unenforced, as with runc.
    if (isRootless() && (e as NodeJS.ErrnoException).code === 'EPERM') {
      logger.warn(`device rules not enforced: ${(e as Error).message}`);
      return;
    }
    throw new RuntimeError(`apply /linux/resources/devices as a cgroup v2 device filter: ${(e as Error).message}`);
  }
}
