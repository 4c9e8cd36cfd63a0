// The cgroup v2 directory the container's init starts inside (clone3 with
// CLONE_INTO_CGROUP, in the addon): it never runs outside its cgroup. The
// cgroup.procs writes that follow stay, for v1 hierarchies and for kernels
// or cgroups where clone3 could not do it; a second write is a no-op.
import { type Hierarchy, hostHierarchies } from '../hierarchy.js';
import type { CgroupPaths } from '../manager.js';

export function spawnCgroupDir(paths: CgroupPaths, hierarchies: Hierarchy[] = hostHierarchies()): string | undefined {
  const v2 = hierarchies.find((h) => h.version === 2);
  return v2 ? paths[v2.mountpoint] : undefined;
}
