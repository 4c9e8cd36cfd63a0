// kill --all on cgroup v2: cgroup.kill (Linux 5.14+) sends SIGKILL to every
// process of the cgroup and its descendants in one step, frozen ones and
// those forking meanwhile included, where walking cgroup.procs could race.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type Hierarchy, hostHierarchies, isCgroup2Only } from '../hierarchy.js';
import type { CgroupPaths } from '../manager.js';
import { writeCgroupFile } from '../write.js';

/** Writes 1 to dir/cgroup.kill; false when there is no such file or it cannot be written. */
export function killCgroupV2(dir: string): boolean {
  if (!existsSync(join(dir, 'cgroup.kill'))) return false;
  try {
    writeCgroupFile(dir, 'cgroup.kill', '1');
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILL to the container's whole cgroup on a cgroup v2 only host (on a
 * hybrid one the v1 hierarchies rule, as with runc). false: signal each
 * process instead.
 */
export function killContainerCgroup(paths: CgroupPaths, hierarchies: Hierarchy[] = hostHierarchies()): boolean {
  if (!isCgroup2Only(hierarchies)) return false;
  const v2 = hierarchies.find((h) => h.version === 2)!;
  const dir = paths[v2.mountpoint];
  return dir !== undefined && killCgroupV2(dir);
}
