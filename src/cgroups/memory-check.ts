// memory.checkBeforeUpdate (config-linux.md Memory): a new limit below what
// the container already uses is refused here rather than left to the kernel,
// which on v1 reclaims page cache to make it fit and on v2 OOM-kills.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RuntimeError } from '../errors.js';
import type { Resources } from '../spec/types.js';
import type { Hierarchy } from './hierarchy.js';
import type { CgroupPaths } from './manager.js';

export function checkMemoryBeforeUpdate(hierarchies: Hierarchy[], paths: CgroupPaths, memory: Resources['memory'], newLimit: number | undefined): void {
  if (!memory?.checkBeforeUpdate || newLimit === undefined || newLimit <= 0) return;
  const usage = memoryUsage(hierarchies, paths);
  if (usage !== undefined && BigInt(newLimit) < usage) {
    throw new RuntimeError(`/linux/resources/memory/limit: ${newLimit} is below the container's current memory usage (${usage}), and checkBeforeUpdate is set`);
  }
}

function memoryUsage(hierarchies: Hierarchy[], paths: CgroupPaths): bigint | undefined {
  for (const h of hierarchies) {
    const dir = paths[h.mountpoint];
    const file = h.version === 2 ? 'memory.current' : h.controllers.includes('memory') ? 'memory.usage_in_bytes' : undefined;
    if (!dir || !file) continue;
    try {
      return BigInt(readFileSync(join(dir, file), 'utf8').trim());
    } catch {
      // a v2 cgroup without the memory controller (a hybrid host's unified tree)
    }
  }
  return undefined;
}
