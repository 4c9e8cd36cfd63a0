// Freezing a container's processes: the v1 freezer controller
// (freezer.state) or cgroup v2's cgroup.freeze, whichever the host has.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { RuntimeError } from '../errors.js';
import type { CgroupPaths } from './manager.js';
import { sleepMs } from '../util/sleep.js';

export type FreezerState = 'frozen' | 'thawed' | 'unknown';

interface Freezer {
  dir: string;
  version: 1 | 2;
}

/** The v1 freezer hierarchy if the host has one, else a v2 cgroup with cgroup.freeze. */
function findFreezer(paths: CgroupPaths): Freezer | undefined {
  for (const [mountpoint, dir] of Object.entries(paths)) {
    if (mountpoint.endsWith('/freezer') && existsSync(join(dir, 'freezer.state'))) return { dir, version: 1 };
  }
  for (const dir of Object.values(paths)) {
    if (existsSync(join(dir, 'cgroup.freeze'))) return { dir, version: 2 };
  }
  return undefined;
}

export function freezerState(paths: CgroupPaths): FreezerState {
  const f = findFreezer(paths);
  if (!f) return 'unknown';
  try {
    if (f.version === 1) {
      const s = readFileSync(join(f.dir, 'freezer.state'), 'utf8').trim();
      return s === 'FROZEN' ? 'frozen' : s === 'THAWED' ? 'thawed' : 'unknown'; // FREEZING counts as neither yet
    }
    const events = readFileSync(join(f.dir, 'cgroup.events'), 'utf8');
    return /^frozen 1$/m.test(events) ? 'frozen' : 'thawed';
  } catch {
    return 'unknown';
  }
}

/** Freezes or thaws, and waits until the kernel reports it done. */
export function setFrozen(paths: CgroupPaths, frozen: boolean): void {
  const f = findFreezer(paths);
  if (!f) throw new RuntimeError('this host has no cgroup freezer (neither the v1 freezer controller nor cgroup.freeze)');
  const file = f.version === 1 ? join(f.dir, 'freezer.state') : join(f.dir, 'cgroup.freeze');
  const value = f.version === 1 ? (frozen ? 'FROZEN' : 'THAWED') : frozen ? '1' : '0';
  const want: FreezerState = frozen ? 'frozen' : 'thawed';
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      writeFileSync(file, value);
    } catch (e) {
      throw new RuntimeError(`write ${value} to ${file}: ${(e as Error).message}`);
    }
    if (freezerState(paths) === want) return;
    // v1 may stay in FREEZING while tasks are busy: write again after a moment.
    sleepMs(attempt < 10 ? 1 : 10);
  }
  throw new RuntimeError(`the container did not become ${want}`);
}
