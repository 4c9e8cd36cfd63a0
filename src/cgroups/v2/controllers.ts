// Enabling cgroup v2 controllers for the container's cgroup: each one the
// config needs goes into cgroup.subtree_control of every ancestor, from the
// hierarchy's mount point down to the container's parent.
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

import { writeCgroupFile } from '../write.js';

function words(dir: string, file: string): Set<string> {
  try {
    return new Set(readFileSync(join(dir, file), 'utf8').split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

/** The controllers a v2 cgroup has (its cgroup.controllers). */
export function availableControllers(dir: string): Set<string> {
  return words(dir, 'cgroup.controllers');
}

/** Directories from `mountpoint` down to the parent of `dir`. */
export function ancestors(mountpoint: string, dir: string): string[] {
  const rel = posix.relative(mountpoint, dirname(dir));
  if (rel.startsWith('..')) return [];
  const out = [mountpoint];
  for (const part of rel.split('/').filter(Boolean)) out.push(join(out[out.length - 1]!, part));
  return out;
}

/**
 * Enables `wanted` (names like "memory"; '' is ignored) for `dir`. Returns,
 * for each controller `dir` still does not have, why not.
 */
export function enableControllers(mountpoint: string, dir: string, wanted: Iterable<string>): Map<string, string> {
  const why = new Map<string, string>();
  const have = availableControllers(dir);
  for (const c of new Set(wanted)) {
    if (c === '' || have.has(c)) continue;
    for (const level of ancestors(mountpoint, dir)) {
      if (!availableControllers(level).has(c)) {
        why.set(c, `the ${c} controller is not available in ${level}`);
        break;
      }
      if (words(level, 'cgroup.subtree_control').has(c)) continue;
      try {
        writeCgroupFile(level, 'cgroup.subtree_control', `+${c}`);
      } catch (e) {
        why.set(c, `the ${c} controller could not be enabled: ${(e as Error).message}`);
        break;
      }
    }
  }
  return why;
}
