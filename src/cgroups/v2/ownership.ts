// config-linux.md "Cgroup ownership": on cgroup v2, a container with a new
// cgroup namespace and a read-write cgroup mount at /sys/fs/cgroup gets its
// cgroup delegated. The directory and the files the kernel lists as safe to
// delegate go to the host uid of process.user.uid; nothing else changes
// owner, since the other files hold the container's own limits.
import { chownSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { logger } from '../../log/logger.js';
import type { IdMapping, Spec } from '../../spec/types.js';
import type { CgroupPaths } from '../manager.js';

const DELEGATE_LIST = '/sys/kernel/cgroup/delegate';
/** The spec's list for kernels without DELEGATE_LIST. */
const FALLBACK_FILES = ['cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads'];

function hostId(id: number, mappings: readonly IdMapping[]): number | undefined {
  const m = mappings.find((r) => id >= r.containerID && id < r.containerID + r.size);
  return m && m.hostID + (id - m.containerID);
}

/**
 * The host uid the container's cgroup goes to, or undefined when the spec
 * says to leave it alone (cgroup v1 anywhere, no new cgroup namespace, no
 * read-write cgroup mount), or when a user namespace joined by path leaves
 * the mapping unknown. Pure.
 */
export function delegatedOwner(spec: Spec, cgroup2Only: boolean): number | undefined {
  if (!cgroup2Only) return undefined;
  const namespaces = spec.linux?.namespaces ?? [];
  if (!namespaces.some((ns) => ns.type === 'cgroup' && !ns.path)) return undefined;
  const rwCgroupMount = (spec.mounts ?? []).some(
    (m) => m.source === 'cgroup' && m.destination === '/sys/fs/cgroup' && !(m.options ?? []).includes('ro'),
  );
  if (!rwCgroupMount) return undefined;
  const uid = spec.process?.user.uid ?? 0;
  const userns = namespaces.find((ns) => ns.type === 'user');
  if (!userns) return uid;
  if (userns.path) return undefined;
  return hostId(uid, spec.linux?.uidMappings ?? []);
}

/** The delegatable file names, as the kernel lists them. */
export function delegatableFiles(list: string | undefined): string[] {
  if (list === undefined) return FALLBACK_FILES;
  return list.split('\n').map((l) => l.trim()).filter(Boolean);
}

function delegateCgroup(dir: string, uid: number, files: string[]): void {
  chownSync(dir, uid, -1);
  for (const name of files) {
    // "not all files listed ... necessarily exist in every cgroup"
    try {
      chownSync(join(dir, name), uid, -1);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** A SHOULD: a runtime that may not chown (rootless, to another uid) warns and goes on. */
export function delegateCgroups(paths: CgroupPaths, uid: number): void {
  const files = delegatableFiles(existsSync(DELEGATE_LIST) ? readFileSync(DELEGATE_LIST, 'utf8') : undefined);
  for (const dir of Object.values(paths)) {
    try {
      delegateCgroup(dir, uid, files);
    } catch (e) {
      logger.warn(`cgroup ${dir} not delegated to uid ${uid}: ${(e as Error).message}`);
    }
  }
}
