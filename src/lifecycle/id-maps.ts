// Writing a new user namespace's uid and gid maps from outside it, which
// only the parent can do.
//
// Root writes /proc/<pid>/{uid,gid}_map itself. An unprivileged user may
// only write a map of one id, its own (and gid_map only after "deny" went to
// setgroups); any other map goes through the setuid helpers newuidmap and
// newgidmap (package uidmap), which check the ranges against /etc/subuid and
// /etc/subgid.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { RuntimeError } from '../errors.js';
import type { IdMapping } from '../spec/types.js';

export function formatIdMap(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

export type MapWriter = 'direct' | 'helper';

/**
 * How a map can be written: directly when we are root (of whatever user
 * namespace we run in) or when it maps nothing but our own id; else only the
 * helper can.
 */
export function mapWriter(mappings: readonly IdMapping[], ownId: number, euid: number): MapWriter {
  if (euid === 0) return 'direct';
  const onlyOwn = mappings.length === 1 && mappings[0]!.size === 1 && mappings[0]!.hostID === ownId;
  return onlyOwn ? 'direct' : 'helper';
}

/** newuidmap's arguments: the pid, then "containerID hostID size" per range. */
export function helperArgs(pid: number, mappings: readonly IdMapping[]): string[] {
  return [String(pid), ...mappings.flatMap((m) => [String(m.containerID), String(m.hostID), String(m.size)])];
}

const HELPER_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'];

export function findHelper(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), ...HELPER_DIRS];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs newuidmap or newgidmap for `pid`; `find` locates it (a parameter for the tests). */
export function runHelper(kind: 'uid' | 'gid', pid: number, mappings: readonly IdMapping[], ownId: number, find = findHelper): void {
  const name = `new${kind}map`;
  const path = find(name);
  if (!path) {
    throw new RuntimeError(
      `linux.${kind}Mappings maps more than the caller's own ${kind} (${ownId}): that needs ${name} ` +
        `(package uidmap) and ranges in /etc/sub${kind}, but ${name} was not found`,
    );
  }
  const args = helperArgs(pid, mappings);
  const r = spawnSync(path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  if (r.error) throw new RuntimeError(`run ${path}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).trim() || `exit status ${r.status ?? r.signal}`;
    throw new RuntimeError(`${name} ${args.join(' ')}: ${why}`);
  }
}

export function writeIdMaps(pid: number, uidMappings: readonly IdMapping[], gidMappings: readonly IdMapping[]): void {
  const write = (file: string, text: string) => {
    try {
      writeFileSync(`/proc/${pid}/${file}`, text);
    } catch (e) {
      throw new RuntimeError(`write /proc/${pid}/${file}: ${(e as Error).message}`);
    }
  };
  const euid = process.geteuid?.() ?? 0;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const uidWriter = mapWriter(uidMappings, uid, euid);
  const gidWriter = mapWriter(gidMappings, gid, euid);

  if (uidWriter === 'direct') write('uid_map', formatIdMap(uidMappings));
  else runHelper('uid', pid, uidMappings, uid);

  if (gidWriter === 'helper') {
    // newgidmap leaves setgroups allowed, so the container may still setgroups(2).
    runHelper('gid', pid, gidMappings, gid);
    return;
  }
  // Without CAP_SETGID outside, gid_map may only be written once setgroups is denied.
  if (euid !== 0) write('setgroups', 'deny');
  write('gid_map', formatIdMap(gidMappings));
}
