// The devices and /dev symlinks every container gets (config-linux.md,
// "Default Devices"), merged with linux.devices.
import type { Device } from '../spec/types.js';
import type { PlanDevice } from './types.js';

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

const DEFAULT_DEVICES: [string, number, number][] = [
  ['/dev/null', 1, 3],
  ['/dev/zero', 1, 5],
  ['/dev/full', 1, 7],
  ['/dev/random', 1, 8],
  ['/dev/urandom', 1, 9],
  ['/dev/tty', 5, 0],
];

export const DEFAULT_SYMLINKS: { path: string; target: string }[] = [
  { path: '/dev/fd', target: '/proc/self/fd' },
  { path: '/dev/stdin', target: '/proc/self/fd/0' },
  { path: '/dev/stdout', target: '/proc/self/fd/1' },
  { path: '/dev/stderr', target: '/proc/self/fd/2' },
];

function typeBits(type: Device['type']): number {
  switch (type) {
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return S_IFCHR;
  }
}

export function planDevices(configured: readonly Device[] = []): PlanDevice[] {
  const byPath = new Map<string, PlanDevice>();
  for (const [path, major, minor] of DEFAULT_DEVICES) {
    byPath.set(path, { path, mode: S_IFCHR | 0o666, major, minor, uid: 0, gid: 0 });
  }
  for (const d of configured) {
    byPath.set(d.path, {
      path: d.path,
      mode: typeBits(d.type) | ((d.fileMode ?? 0o666) & 0o7777),
      major: d.major ?? 0,
      minor: d.minor ?? 0,
      uid: d.uid ?? 0,
      gid: d.gid ?? 0,
    });
  }
  return [...byPath.values()];
}
