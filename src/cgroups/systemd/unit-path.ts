// Where the systemd cgroup driver puts a container: linux.cgroupsPath in
// runc's "slice:prefix:name" form, the unit it names and that unit's cgroup.
import { posix } from 'node:path';

import { PlanError } from '../../errors.js';

const AT = '/linux/cgroupsPath';

/** The parent slice when the path leaves it empty (root's default, like runc). */
export const DEFAULT_SLICE = 'system.slice';
/** The unit prefix when there is no cgroupsPath (runc uses "runc"). */
export const DEFAULT_PREFIX = 'tsrun';

export interface SystemdUnitPath {
  /** the parent slice unit, e.g. "system.slice" */
  slice: string;
  /** the unit tsrun starts: "<prefix>-<name>.scope", or the name itself when it ends in ".slice" */
  unit: string;
  /** the unit's cgroup below the hierarchy root, e.g. "/system.slice/tsrun-abc.scope" */
  cgroup: string;
  /** the third field, for the unit's Description */
  name: string;
}

/**
 * "a-b.slice" -> "/a.slice/a-b.slice": systemd nests slices by the dashes in
 * their names. "-.slice" is the root slice.
 */
export function expandSlice(slice: string): string {
  const suffix = '.slice';
  if (slice.length <= suffix.length || !slice.endsWith(suffix) || slice.includes('/')) throw new Error(`invalid slice name: ${slice}`);
  const base = slice.slice(0, -suffix.length);
  if (base === '-') return '/';
  let path = '';
  let prefix = '';
  for (const part of base.split('-')) {
    // "a--b.slice" and "-a.slice" name no slice
    if (part === '') throw new Error(`invalid slice name: ${slice}`);
    path += `/${prefix}${part}${suffix}`;
    prefix += `${part}-`;
  }
  return path;
}

// systemd's unit name alphabet; no "/" so a name never leaves its slice.
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+$/;
const UNIT_NAME_MAX = 255;

/**
 * Parses cgroupsPath for the systemd driver. None at all means
 * "system.slice:tsrun:<id>". Errors name the field.
 */
export function parseSystemdPath(cgroupsPath: string | undefined, id: string): SystemdUnitPath {
  let parent = '';
  let prefix = DEFAULT_PREFIX;
  let name = id;
  if (cgroupsPath) {
    const parts = cgroupsPath.split(':');
    if (parts.length !== 3) {
      throw new PlanError(AT, `expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got ${JSON.stringify(cgroupsPath)} instead`);
    }
    [parent, prefix, name] = parts as [string, string, string];
  }
  const slice = parent || DEFAULT_SLICE;
  let sliceDir: string;
  try {
    sliceDir = expandSlice(slice);
  } catch (e) {
    throw new PlanError(AT, (e as Error).message);
  }
  // A scope unless the name asks for a slice.
  const unit = name.endsWith('.slice') ? name : `${prefix}-${name}.scope`;
  if (!UNIT_NAME.test(unit) || unit.length > UNIT_NAME_MAX) throw new PlanError(AT, `${JSON.stringify(unit)} is not a valid systemd unit name`);
  return { slice, unit, cgroup: posix.join(sliceDir, unit), name };
}
