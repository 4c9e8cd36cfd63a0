// Enabling cgroup v2 controllers for the container's cgroup: every one an
// ancestor offers goes into its cgroup.subtree_control, from the hierarchy's
// mount point down to the container's parent.
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
 * Makes every controller available to `dir` (in cgroup.subtree_control of
 * each ancestor, top down), as runc does, so that the container's cgroup has
 * the files of each one, for its limits and its statistics alike. Returns,
 * for each of `wanted` (names like "memory"; '' is ignored) that `dir` still
 * does not have, why not; the others are best effort.
 */
export function enableControllers(mountpoint: string, dir: string, wanted: Iterable<string>): Map<string, string> {
  const why = new Map<string, string>();
  const need = new Set([...wanted].filter((c) => c !== ''));
  for (const level of ancestors(mountpoint, dir)) {
    const available = availableControllers(level);
    const enabled = words(level, 'cgroup.subtree_control');
    for (const c of need) {
      if (!available.has(c) && !why.has(c)) why.set(c, `the ${c} controller is not available in ${level}`);
    }
    for (const c of available) {
      if (enabled.has(c)) continue;
      try {
        writeCgroupFile(level, 'cgroup.subtree_control', `+${c}`);
      } catch (e) {
        // e.g. EBUSY: the level has processes of its own ("no internal processes")
        if (need.has(c) && !why.has(c)) why.set(c, `the ${c} controller could not be enabled: ${(e as Error).message}`);
      }
    }
  }
  return why;
}
