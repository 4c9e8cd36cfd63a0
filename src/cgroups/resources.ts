// Applies linux.resources to the container's cgroups, after they are created
// and before the container's first process joins them.
//
// On a host with cgroup v1 controllers (v1 or hybrid) every limit goes to the
// v1 hierarchy of its controller; the cgroup2 hierarchy of a hybrid host only
// gets `unified` keys, and only files it has. On a cgroup v2 host the needed
// controllers are enabled and the v2 equivalents are written. A value that
// cannot be applied is a PlanError naming its field, except values that mean
// "no limit" or the default, which are skipped.
import { PlanError } from '../errors.js';
import type { Device, Resources } from '../spec/types.js';
import { type DeviceRule, deviceRules } from './device-rules.js';
import { type Hierarchy, isCgroup2Only } from './hierarchy.js';
import type { CgroupPaths } from './manager.js';
import { applyDeviceRules } from './v1/devices.js';
import { hostV1, placeV1, planV1 } from './v1/index.js';
import { applyWrites, type PlacedWrite, pointer, RESOURCES } from './write.js';
import { availableControllers, enableControllers } from './v2/controllers.js';
import { planV2 } from './v2/index.js';
import { applyDeviceFilter } from './v2/devices.js';
import { ioHostV2 } from './v2/io.js';
import { planUnified } from './v2/unified.js';

/** v1 hierarchies with real controllers (not only a name= one like systemd's). */
function v1Hierarchies(hierarchies: Hierarchy[]): Hierarchy[] {
  return hierarchies.filter((h) => h.version === 1 && h.controllers.some((c) => !c.startsWith('name=')));
}

/** True on a cgroup v2 only host: limits go to the unified hierarchy. */
export function isUnifiedHost(hierarchies: Hierarchy[]): boolean {
  return isCgroup2Only(hierarchies);
}

function applyV1(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined): void {
  const v1 = v1Hierarchies(hierarchies);
  const dirOf = (controller: string): string | undefined => {
    const h = v1.find((x) => x.controllers.includes(controller));
    return h ? paths[h.mountpoint] : undefined;
  };
  const writes: PlacedWrite[] = placeV1(planV1(resources, hostV1(dirOf)), dirOf);

  // `unified` on a hybrid host: files the cgroup2 hierarchy has, as they are.
  let unifiedDir: string | undefined;
  if (resources?.unified && Object.keys(resources.unified).length > 0) {
    const v2 = hierarchies.find((h) => h.version === 2);
    if (!v2) throw new PlanError(pointer(RESOURCES, 'unified'), 'cannot apply: this host has no cgroup v2 hierarchy');
    unifiedDir = paths[v2.mountpoint]!;
    for (const write of planUnified(resources.unified)) writes.push({ dir: unifiedDir, write });
  }
  const have = unifiedDir ? availableControllers(unifiedDir) : new Set<string>();
  applyWrites(writes, ({ dir, write }) =>
    dir === unifiedDir && write.controller !== '' && !have.has(write.controller)
      ? `the ${write.controller} controller is not enabled in the cgroup v2 hierarchy of this host, which uses cgroup v1`
      : 'not supported by this kernel',
  );
}

function applyV2(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined): void {
  const v2 = hierarchies.find((h) => h.version === 2)!;
  const dir = paths[v2.mountpoint]!;
  // Plan once for the controllers (and to refuse a bad config before
  // touching the host), enable them, then plan with what the kernel offers.
  // Every controller is enabled, wanted or not, as runc does: the
  // statistics need them.
  const controllers = planV2(resources).map((w) => w.controller);
  const why = enableControllers(v2.mountpoint, dir, controllers);
  const writes = planV2(resources, { io: ioHostV2(dir) }).map((write) => ({ dir, write }));
  applyWrites(writes, ({ write }) => why.get(write.controller) ?? 'not supported by this kernel');
}

/** Every limit except the device access list (what `update` changes). */
export function applyLimits(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined): void {
  if (isUnifiedHost(hierarchies)) applyV2(hierarchies, paths, resources);
  else applyV1(hierarchies, paths, resources);
}

/**
 * `update` on cgroup v2: a new device program replaces the attached one
 * (runc does so on every update); on v1 the devices cgroup keeps its list.
 */
export function applyDeviceRulesAgain(hierarchies: Hierarchy[], paths: CgroupPaths, rules: DeviceRule[] | undefined): void {
  if (!rules || !isUnifiedHost(hierarchies)) return;
  const dir = paths[hierarchies.find((h) => h.version === 2)!.mountpoint];
  if (dir) applyDeviceFilter(dir, rules);
}

export function applyResources(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined, devices: Device[] | undefined): void {
  applyLimits(hierarchies, paths, resources);
  if (isUnifiedHost(hierarchies)) {
    const dir = paths[hierarchies.find((h) => h.version === 2)!.mountpoint];
    if (dir) applyDeviceFilter(dir, deviceRules(resources?.devices, devices));
    return;
  }
  // A hybrid host: the v1 devices controller only, as runc there.
  const devicesV1 = hierarchies.find((h) => h.version === 1 && h.controllers.includes('devices'));
  // Rootless, the container may have no devices cgroup: its rules go unenforced, as with runc.
  const devicesDir = devicesV1 && paths[devicesV1.mountpoint];
  if (devicesDir) applyDeviceRules(devicesDir, deviceRules(resources?.devices, devices));
}
