// The container's cgroups across every hierarchy of the host: created before
// the container's first process runs, removed on delete.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';

import { PlanError, RuntimeError } from '../errors.js';
import { type Hierarchy, hierarchyKey, hostHierarchies, isCgroup2Only, parseProcCgroup } from './hierarchy.js';
import { containerCgroupPath, isContainedPath } from './paths.js';
import { sleepMs } from '../util/sleep.js';

/** hierarchy mountpoint -> absolute directory of the container's cgroup */
export type CgroupPaths = Record<string, string>;

function ownCgroups(): Map<string, string> {
  return parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
}

/** Absolute cgroup directories for a container, one per hierarchy. */
export function resolveCgroupPaths(cgroupsPath: string | undefined, id: string, hierarchies: Hierarchy[] = hostHierarchies()): CgroupPaths {
  if (cgroupsPath && !isContainedPath(cgroupsPath)) throw new PlanError('/linux/cgroupsPath', `cgroupsPath must be a clean path without "..": ${cgroupsPath}`);
  const unifiedOnly = isCgroup2Only(hierarchies);
  const own = !cgroupsPath?.startsWith('/') && (cgroupsPath || unifiedOnly) ? ownCgroups() : new Map<string, string>();
  const out: CgroupPaths = {};
  for (const h of hierarchies) {
    const inHierarchy = containerCgroupPath(cgroupsPath, id, own.get(hierarchyKey(h)) ?? '/', unifiedOnly);
    // A mount of a sub-tree (root != "/") shows paths relative to that root.
    const underRoot = h.root !== '/' && (inHierarchy === h.root || inHierarchy.startsWith(`${h.root}/`));
    const rel = underRoot ? inHierarchy.slice(h.root.length) : inHierarchy;
    out[h.mountpoint] = join(h.mountpoint, rel);
  }
  return out;
}

// A new cpuset cgroup starts with no cpus and mems: copy the parent's, level
// by level, or no process could join it.
function inheritCpuset(mountpoint: string, dir: string): void {
  const rel = posix.relative(mountpoint, dir).split('/').filter(Boolean);
  let current = mountpoint;
  for (const part of rel) {
    const parent = current;
    current = join(current, part);
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const path = join(current, file);
      if (!existsSync(path)) continue;
      if (readFileSync(path, 'utf8').trim() === '') writeFileSync(path, readFileSync(join(parent, file), 'utf8').trim());
    }
  }
}

export function createCgroups(paths: CgroupPaths): void {
  for (const [mountpoint, dir] of Object.entries(paths)) {
    try {
      mkdirSync(dir, { recursive: true });
      // (v1 only: an empty v2 cpuset.cpus means "the parent's", and v2 cgroups have cgroup.controllers)
      if (existsSync(join(dir, 'cpuset.cpus')) && !existsSync(join(dir, 'cgroup.controllers'))) inheritCpuset(mountpoint, dir);
    } catch (e) {
      throw new RuntimeError(`create cgroup ${dir}: ${(e as Error).message}`);
    }
  }
}

export function addProcess(paths: CgroupPaths, pid: number): void {
  for (const dir of Object.values(paths)) {
    try {
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    } catch (e) {
      throw new RuntimeError(`join cgroup ${dir}: ${(e as Error).message}`);
    }
  }
}

/** The sub-cgroups below dir, deepest first (a container with its own cgroup namespace may make them). */
function subCgroupsDeepestFirst(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // hierarchy gone or not ours
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [...subCgroupsDeepestFirst(join(dir, e.name)), join(dir, e.name)]);
}

/** Pids still in the container's cgroups (any hierarchy that lists them), sub-cgroups included. */
export function cgroupPids(paths: CgroupPaths): number[] {
  const pids = new Set<number>();
  for (const top of Object.values(paths)) {
    for (const dir of [top, ...subCgroupsDeepestFirst(top)]) {
      try {
        for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
          if (line) pids.add(Number(line));
        }
      } catch {
        // hierarchy gone or not ours
      }
    }
  }
  return [...pids];
}

/** Removes the container's cgroup directories, sub-cgroups first; waits briefly for exiting tasks. */
export function destroyCgroups(paths: CgroupPaths): void {
  for (const dir of Object.values(paths).flatMap((top) => [...subCgroupsDeepestFirst(top), top])) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code === 'EBUSY' && attempt < 50) {
          sleepMs(10);
          continue;
        }
        throw new RuntimeError(`remove cgroup ${dir}: ${(e as Error).message}`);
      }
    }
  }
}
