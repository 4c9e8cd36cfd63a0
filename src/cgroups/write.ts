// Writing cgroup control files, shared by the v1 and v2 controllers: the
// plan entry every controller module produces, the one function that writes a
// file, and the step that checks a whole plan against the host and writes it.
import { closeSync, existsSync, constants as fsc, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { PlanError, RuntimeError } from '../errors.js';

/** One write of a value to a control file, and the config field it carries out. */
export interface CgroupWrite {
  /**
   * The controller the file belongs to: on v1 it picks the hierarchy, on v2
   * it is the controller to enable. '' for core files (cgroup.*).
   */
  controller: string;
  /** file name inside the container's cgroup directory */
  file: string;
  value: string;
  /** JSON pointer of the config field, for errors */
  pointer: string;
  /**
   * The value means "no limit" or the default: where the controller or file
   * is missing it is skipped quietly instead of being an error.
   */
  optional?: boolean;
}

/** A write placed in a directory. */
export interface PlacedWrite {
  dir: string;
  write: CgroupWrite;
}

export const RESOURCES = '/linux/resources';

/** A JSON pointer below `base`, escaping "~" and "/" in the keys (RFC 6901). */
export function pointer(base: string, ...keys: (string | number)[]): string {
  return base + keys.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** An integer as the kernel wants it: no exponent, no fraction. */
export function int(n: number): string {
  return Number.isFinite(n) ? BigInt(Math.trunc(n)).toString() : String(n);
}

/** "EINVAL: invalid argument, write" -> "invalid argument" */
export function errnoReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const m = /^[A-Z0-9_]+: (.*?), \w+(?: '.*')?$/.exec(err.message ?? '');
  return m ? m[1]! : (err.message ?? String(e));
}

/**
 * Writes `value` to `dir/file` with one write(2), without creating the file.
 * Throws `write "<value>" to <path>: <reason>`.
 */
export function writeCgroupFile(dir: string, file: string, value: string): void {
  const path = join(dir, file);
  let fd: number | undefined;
  try {
    fd = openSync(path, fsc.O_WRONLY | fsc.O_TRUNC);
    writeSync(fd, value);
  } catch (e) {
    throw new RuntimeError(`write ${JSON.stringify(value)} to ${path}: ${errnoReason(e)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Checks that every file exists (a missing one is a PlanError naming its
 * field, unless the write is optional, then it is dropped), then writes them
 * in order. `why` explains a missing file (e.g. a controller that could not be
 * enabled); the default says the kernel does not offer it.
 */
export function applyWrites(writes: readonly PlacedWrite[], why: (w: PlacedWrite) => string = () => 'not supported by this kernel'): void {
  const todo: PlacedWrite[] = [];
  for (const w of writes) {
    if (existsSync(join(w.dir, w.write.file))) todo.push(w);
    else if (!w.write.optional) throw new PlanError(w.write.pointer, `cannot apply: ${join(w.dir, w.write.file)} does not exist (${why(w)})`);
  }
  for (const { dir, write } of todo) {
    try {
      writeCgroupFile(dir, write.file, write.value);
    } catch (e) {
      throw new PlanError(write.pointer, (e as Error).message);
    }
  }
}
