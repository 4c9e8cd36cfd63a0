// What a "cgroup" mount in config.json becomes: the container's own cgroup
// directories bound at the destination, never the host's whole hierarchy.
import { basename, posix } from 'node:path';

import { MOUNT_ATTR, MS } from '../plan/mount-options.js';
import type { PlanMount } from '../plan/types.js';
import type { Hierarchy } from './hierarchy.js';
import type { CgroupPaths } from './manager.js';

const HIDDEN = MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC;

function bind(source: string, destination: string, readonly: boolean): PlanMount {
  return {
    source,
    destination,
    type: 'bind',
    flags: MS.BIND | MS.REC,
    data: '',
    propagation: 0n,
    attrSet: HIDDEN | (readonly ? MOUNT_ATTR.RDONLY : 0n),
    attrClr: 0n,
    recursiveAttr: false,
  };
}

export interface CgroupMountPlan {
  mounts: PlanMount[];
  symlinks: { path: string; target: string }[];
}

export function cgroupMountPlan(destination: string, readonly: boolean, hierarchies: Hierarchy[], paths: CgroupPaths): CgroupMountPlan {
  const v1 = hierarchies.filter((h) => h.version === 1);
  if (v1.length === 0) {
    const v2 = hierarchies.find((h) => h.version === 2);
    return { mounts: v2 ? [bind(paths[v2.mountpoint]!, destination, readonly)] : [], symlinks: [] };
  }
  const hidden = MS.NOSUID | MS.NODEV | MS.NOEXEC;
  const mounts: PlanMount[] = [
    { source: 'tmpfs', destination, type: 'tmpfs', flags: hidden, data: 'mode=755', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false },
  ];
  const symlinks: CgroupMountPlan['symlinks'] = [];
  for (const h of hierarchies) {
    const name = basename(h.mountpoint);
    mounts.push(bind(paths[h.mountpoint]!, posix.join(destination, name), readonly));
    // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host.
    if (name.includes(',')) {
      for (const c of name.split(',')) symlinks.push({ path: posix.join(destination, c), target: name });
    }
  }
  if (readonly) {
    mounts.push({
      source: 'tmpfs',
      destination,
      type: 'tmpfs',
      flags: MS.REMOUNT | MS.RDONLY | hidden,
      data: 'mode=755',
      propagation: 0n,
      attrSet: 0n,
      attrClr: 0n,
      recursiveAttr: false,
    });
  }
  return { mounts, symlinks };
}
