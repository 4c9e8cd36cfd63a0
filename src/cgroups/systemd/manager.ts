// The systemd cgroup driver (--systemd-cgroup): systemd creates, limits and
// removes the container's cgroup as a transient scope unit; tsrun then
// writes the limits systemd has no property for through the cgroupfs
// drivers, and pause, ps, kill --all and events use the scope's cgroup
// directly like any other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PlanError, RuntimeError } from '../../errors.js';
import { logger } from '../../log/logger.js';
import type { Device, Resources } from '../../spec/types.js';
import { isRootless } from '../../util/rootless.js';
import { deviceRules } from '../device-rules.js';
import type { Hierarchy } from '../hierarchy.js';
import { addProcess, type CgroupPaths, createCgroups, destroyCgroups } from '../manager.js';
import { applyLimits, applyResources, isUnifiedHost } from '../resources.js';
import { planV2 } from '../v2/index.js';
import { callSystemd } from './call.js';
import { deviceProperties } from './device-properties.js';
import { resourcePropertiesV1, resourcePropertiesV2, unitProperties } from './properties.js';
import { parseSystemdPath, type SystemdUnitPath } from './unit-path.js';
import type { UnitProperty } from './unit-property.js';

export interface SystemdScope {
  unit: SystemdUnitPath;
  /** the scope's cgroup directory in every hierarchy */
  paths: CgroupPaths;
}

/** The scope for a container and where its cgroup will be; no systemd call yet. */
export function systemdScope(cgroupsPath: string | undefined, id: string, hierarchies: Hierarchy[]): SystemdScope {
  // runc would ask the user's own systemd instance (user.slice); tsrun does not yet
  if (isRootless()) throw new RuntimeError('the systemd cgroup driver is not available to rootless containers yet: run without --systemd-cgroup');
  const unit = parseSystemdPath(cgroupsPath, id);
  if (unit.unit.endsWith('.slice')) {
    // runc passes it on and systemd refuses it ("Cannot set property PIDs"): say why up front
    throw new PlanError('/linux/cgroupsPath', `${JSON.stringify(unit.unit)} is a slice, which cannot hold processes: give a name without ".slice" for the container's scope`);
  }
  const paths: CgroupPaths = {};
  for (const h of hierarchies) {
    // A mount of a sub-tree (root != "/") shows paths relative to that root.
    const underRoot = h.root !== '/' && (unit.cgroup === h.root || unit.cgroup.startsWith(`${h.root}/`));
    paths[h.mountpoint] = join(h.mountpoint, underRoot ? unit.cgroup.slice(h.root.length) : unit.cgroup);
  }
  return { unit, paths };
}

function resourceProperties(hierarchies: Hierarchy[], resources: Resources | undefined): UnitProperty[] {
  return isUnifiedHost(hierarchies) ? resourcePropertiesV2(resources) : resourcePropertiesV1(resources);
}

/**
 * Asks systemd for the scope holding `pid` with the container's limits and
 * device list, waits for it, then writes the cgroup files like the cgroupfs
 * driver (on cgroup v1 also the hierarchies systemd does not manage).
 */
export function startScope(scope: SystemdScope, pid: number, hierarchies: Hierarchy[], resources: Resources | undefined, devices: Device[] | undefined): void {
  const unified = isUnifiedHost(hierarchies);
  // A bad value is refused before systemd hears of it.
  if (unified) planV2(resources);
  const device = deviceProperties(deviceRules(resources?.devices, devices), readFileSync('/proc/devices', 'utf8'));
  for (const w of device.warnings) logger.warn(w);
  const properties = [...unitProperties(scope.unit, pid), ...device.properties, ...resourceProperties(hierarchies, resources)];
  callSystemd({ op: 'start', unit: scope.unit.unit, properties });
  try {
    if (unified) {
      // systemd made the directory and put the process in it; its device
      // filter enforces the list, so only the limits are written here.
      applyLimits(hierarchies, scope.paths, resources);
    } else {
      createCgroups(scope.paths);
      addProcess(scope.paths, pid);
      applyResources(hierarchies, scope.paths, resources, devices);
    }
  } catch (e) {
    try {
      stopScope(scope.unit.unit);
      destroyCgroups(scope.paths); // v1 hierarchies systemd does not manage
    } catch {
      // the first error is the one to report
    }
    throw e;
  }
}

/** `update`: the unit's properties (until reboot), then the files. Device rules stay. */
export function updateScope(unit: string, hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources): void {
  if (isUnifiedHost(hierarchies)) planV2(resources);
  callSystemd({ op: 'set', unit, properties: resourceProperties(hierarchies, resources) });
  applyLimits(hierarchies, paths, resources);
}

/** Stops the unit and waits: systemd removes its cgroup. A unit already gone is fine. */
export function stopScope(unit: string): void {
  callSystemd({ op: 'stop', unit });
}
