// `exec --cgroup`: the process goes to an existing sub-cgroup of the
// container's, either for every hierarchy ("path") or for named
// controllers ("cpu,memory:path"), as runc reads the flag.
import { existsSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

import { RuntimeError } from '../errors.js';
import type { CgroupPaths } from './manager.js';

function controllersOf(mountpoint: string): string[] {
  const name = basename(mountpoint);
  return name === 'unified' || mountpoint === '/sys/fs/cgroup' ? [''] : name.split(',');
}

export function subCgroupPaths(paths: CgroupPaths, specs: readonly string[]): CgroupPaths {
  const out: CgroupPaths = { ...paths };
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const sub = colon >= 0 ? spec.slice(colon + 1) : spec;
    const only = colon >= 0 ? spec.slice(0, colon).split(',').filter(Boolean) : undefined;
    const clean = posix.normalize(`/${sub}`);
    if (!sub || clean.split('/').includes('..')) throw new RuntimeError(`invalid --cgroup ${JSON.stringify(spec)}`);
    let matched = false;
    for (const [mountpoint, dir] of Object.entries(paths)) {
      if (only && !controllersOf(mountpoint).some((c) => only.includes(c))) continue;
      const target = join(dir, clean);
      if (!existsSync(target)) throw new RuntimeError(`--cgroup ${spec}: ${target} does not exist`);
      out[mountpoint] = target;
      matched = true;
    }
    if (!matched) throw new RuntimeError(`--cgroup ${spec}: no such controller in the container's cgroups`);
  }
  return out;
}
