// Applies linux.resources to the container's cgroups, per version and
// controller. Controllers not listed here are not supported yet.
import type { Device, Resources } from '../spec/types.js';
import { deviceRules } from './device-rules.js';
import type { Hierarchy } from './hierarchy.js';
import type { CgroupPaths } from './manager.js';
import { applyDeviceRules } from './v1/devices.js';

export function applyResources(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined, devices: Device[] | undefined): void {
  const devicesV1 = hierarchies.find((h) => h.version === 1 && h.controllers.includes('devices'));
  if (devicesV1) applyDeviceRules(paths[devicesV1.mountpoint]!, deviceRules(resources?.devices, devices));
}
