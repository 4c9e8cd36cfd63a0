// How the statistics readers reach cgroup files: the host's file system, or
// (in tests) any object with the same two methods.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { RuntimeError } from '../../errors.js';
import { StatsFormatError } from './parse.js';

export interface StatsFiles {
  /** The file's content; undefined when it (or its directory) does not exist. */
  read(dir: string, file: string): string | undefined;
  /** True when the cgroup directory exists. */
  dirExists(dir: string): boolean;
}

export const hostFiles: StatsFiles = {
  read(dir, file) {
    const path = join(dir, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new RuntimeError(`read ${path}: ${(e as Error).message}`);
    }
  },
  dirExists(dir) {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  },
};

/** A file that must exist. */
export function mustRead(files: StatsFiles, dir: string, file: string): string {
  const text = files.read(dir, file);
  if (text === undefined) throw new MissingFileError(join(dir, file));
  return text;
}

/** A required statistics file is missing. */
export class MissingFileError extends RuntimeError {
  constructor(readonly path: string) {
    super(`open ${path}: no such file or directory`);
    this.name = 'MissingFileError';
  }
}

/** Runs a parser on a file's text; a format error names the file. */
export function parseIn<T>(dir: string, file: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof StatsFormatError) throw new RuntimeError(`unable to parse ${join(dir, file)}: ${e.message}`);
    throw e;
  }
}

/** Reads and parses a file that must exist. */
export function readParsed<T>(files: StatsFiles, dir: string, file: string, parse: (text: string) => T): T {
  return parseIn(dir, file, mustRead(files, dir, file), parse);
}

/** Reads and parses a file; undefined when it does not exist. */
export function readParsedOptional<T>(files: StatsFiles, dir: string, file: string, parse: (text: string) => T): T | undefined {
  const text = files.read(dir, file);
  return text === undefined ? undefined : parseIn(dir, file, text, parse);
}
