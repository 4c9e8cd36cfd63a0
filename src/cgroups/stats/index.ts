// A container's cgroup statistics and OOM kill count, from cgroup v1 or v2
// whichever holds the host's controllers. On a hybrid host (v1 controllers
// plus a cgroup2 mount without them) everything comes from v1, like runc.
import { readdirSync } from 'node:fs';

import { type Hierarchy, hostHierarchies } from '../hierarchy.js';
import type { CgroupPaths } from '../manager.js';
import { hostFiles, type StatsFiles } from './files.js';
import { hugePageSizesFromNames } from './parse.js';
import type { CgroupStats } from './types.js';
import { readOomCountV1, readV1Stats } from './v1.js';
import { readOomCountV2, readV2Stats } from './v2.js';

export type { CgroupStats } from './types.js';
export { encodeJson, runcEvent, runcStats, type JsonValue } from './json.js';

let pageSizes: string[] | undefined;

/** The host's huge page sizes ("2MB", "1GB"), from /sys/kernel/mm/hugepages. */
export function hostHugePageSizes(): string[] {
  if (!pageSizes) {
    try {
      pageSizes = hugePageSizesFromNames(readdirSync('/sys/kernel/mm/hugepages'));
    } catch {
      pageSizes = [];
    }
  }
  return pageSizes;
}

/** Where a container's statistics are: v1 controller -> directory, or its one v2 directory. */
export type StatsLayout = { version: 1; dirOf: (controller: string) => string | undefined } | { version: 2; dir: string } | { version: 0 };

export function statsLayout(paths: CgroupPaths, hierarchies: Hierarchy[] = hostHierarchies()): StatsLayout {
  const v1 = hierarchies.filter((h) => h.version === 1 && h.controllers.some((c) => !c.startsWith('name=')));
  if (v1.length > 0) {
    return {
      version: 1,
      dirOf: (controller) => {
        const h = v1.find((x) => x.controllers.includes(controller));
        return h ? paths[h.mountpoint] : undefined;
      },
    };
  }
  const v2 = hierarchies.find((h) => h.version === 2);
  const dir = v2 ? paths[v2.mountpoint] : undefined;
  return dir ? { version: 2, dir } : { version: 0 };
}

export function containerCgroupStats(paths: CgroupPaths, hierarchies?: Hierarchy[], files: StatsFiles = hostFiles, hugePageSizes = hostHugePageSizes()): CgroupStats {
  const layout = statsLayout(paths, hierarchies);
  if (layout.version === 1) return readV1Stats({ dirOf: layout.dirOf, files, hugePageSizes });
  if (layout.version === 2) return readV2Stats({ dir: layout.dir, files, hugePageSizes });
  return readV1Stats({ dirOf: () => undefined, files, hugePageSizes }); // no cgroups at all: every value empty
}

/**
 * How many times the OOM killer acted in the container's memory cgroup
 * (v1 memory.oom_control, v2 memory.events `oom_kill`); undefined when the
 * host does not say.
 */
export function containerOomCount(paths: CgroupPaths, hierarchies?: Hierarchy[], files: StatsFiles = hostFiles): bigint | undefined {
  const layout = statsLayout(paths, hierarchies);
  if (layout.version === 1) {
    const dir = layout.dirOf('memory');
    return dir ? readOomCountV1(files, dir) : undefined;
  }
  if (layout.version === 2) return readOomCountV2(files, layout.dir);
  return undefined;
}
