// Writing a new user namespace's uid and gid maps from outside it, which
// only the parent can do.
import { writeFileSync } from 'node:fs';

import { RuntimeError } from '../errors.js';
import type { IdMapping } from '../spec/types.js';

export function formatIdMap(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

export function writeIdMaps(pid: number, uidMappings: readonly IdMapping[], gidMappings: readonly IdMapping[]): void {
  const write = (file: string, text: string) => {
    try {
      writeFileSync(`/proc/${pid}/${file}`, text);
    } catch (e) {
      throw new RuntimeError(`write /proc/${pid}/${file}: ${(e as Error).message}`);
    }
  };
  // Without CAP_SETGID outside, gid_map may only be written once setgroups is denied.
  if (process.getuid?.() !== 0) write('setgroups', 'deny');
  write('uid_map', formatIdMap(uidMappings));
  write('gid_map', formatIdMap(gidMappings));
}
