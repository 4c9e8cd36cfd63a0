// Cgroups when tsrun runs rootless: it cannot write the host's hierarchies,
// except a subtree an administrator delegated to the user. Like runc, the
// container gets a cgroup only where one can be created; without one, a
// config without limits runs anyway, and a limit that cannot be applied is
// an error naming its field.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { PlanError, RuntimeError } from '../errors.js';
import type { Resources } from '../spec/types.js';
import type { Hierarchy } from './hierarchy.js';
import type { CgroupPaths } from './manager.js';
import { planV1 } from './v1/index.js';
import { planV2 } from './v2/index.js';
import { pointer, RESOURCES } from './write.js';

function writable(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Could we create (or, if it exists, join) the cgroup `dir`? Checked without
 * touching anything: the cgroup's own cgroup.procs if it exists, else the
 * nearest existing ancestor directory.
 */
export function canUseCgroup(dir: string): boolean {
  if (existsSync(dir)) return writable(join(dir, 'cgroup.procs'), constants.W_OK);
  let parent = dirname(dir);
  while (parent !== dirname(parent) && !existsSync(parent)) parent = dirname(parent);
  return writable(parent, constants.W_OK | constants.X_OK);
}

/** The container cgroups a rootless tsrun can create; the other hierarchies are left out. */
export function usableCgroupPaths(paths: CgroupPaths, canUse: (dir: string) => boolean = canUseCgroup): CgroupPaths {
  return Object.fromEntries(Object.entries(paths).filter(([, dir]) => canUse(dir)));
}

/**
 * Refuses limits for a hierarchy the host has but the container has no
 * cgroup in (only ever the case rootless). Device rules are not checked:
 * like runc, rootless tsrun does not enforce them. A controller no
 * hierarchy has at all is left to the resource writers' own error.
 */
export function checkCgroupLimits(hierarchies: Hierarchy[], paths: CgroupPaths, resources: Resources | undefined): void {
  if (!resources) return;
  const missing = (h: Hierarchy | undefined): h is Hierarchy => h !== undefined && paths[h.mountpoint] === undefined;
  const refuse = (at: string, what: string, h: Hierarchy): never => {
    throw new PlanError(
      at,
      `cannot set ${what}: the container has no cgroup in ${h.mountpoint} ` +
        '(rootless: no write access there; delegate a cgroup to this user and name it in linux.cgroupsPath)',
    );
  };
  const v1 = hierarchies.filter((h) => h.version === 1);
  const v2 = hierarchies.find((h) => h.version === 2);
  if (v1.length === 0) {
    const first = planV2(resources).find((w) => !w.optional);
    if (first && missing(v2)) refuse(first.pointer, `${first.controller || 'cgroup'} limit`, v2);
    return;
  }
  for (const write of planV1(resources)) {
    if (write.optional) continue;
    const h = v1.find((x) => x.controllers.includes(write.controller));
    if (missing(h)) refuse(write.pointer, `${write.controller} limit`, h);
  }
  if (resources.unified && Object.keys(resources.unified).length > 0 && missing(v2)) {
    refuse(pointer(RESOURCES, 'unified'), 'unified', v2);
  }
}

/**
 * Whether a "cgroup" mount of the config is bound read-only. Rootless it
 * always is (CVE-2023-25809), unless the container has a cgroup namespace
 * of its own and a cgroup of its own in every hierarchy (all of them
 * delegated to the user): only then is what it could write its own.
 */
export function cgroupMountReadonly(requested: boolean, rootless: boolean, ownCgroupns: boolean, wanted: CgroupPaths, usable: CgroupPaths): boolean {
  if (requested || !rootless) return requested;
  const delegated = Object.keys(wanted).length > 0 && Object.keys(wanted).every((mp) => usable[mp] !== undefined);
  return !(ownCgroupns && delegated);
}

/** For `ps`, `pause`, `resume` and `events`, which have nothing to work on without a cgroup. */
export function requireCgroups(paths: CgroupPaths, action: string): void {
  if (Object.keys(paths).length > 0) return;
  throw new RuntimeError(`cannot ${action}: the container has no cgroups (it was created rootless, without write access to the host's cgroups)`);
}
