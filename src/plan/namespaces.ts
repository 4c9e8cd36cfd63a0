// Namespace types of the spec -> clone(2) flags.
import type { NamespaceType } from '../spec/types.js';

export const CLONE_FLAGS: Record<NamespaceType, number> = {
  mount: 0x00020000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  network: 0x40000000,
  cgroup: 0x02000000,
  time: 0x00000080,
};

/** The entry under /proc/<pid>/ns/ for each namespace type. */
export const NS_PROC_NAME: Record<NamespaceType, string> = {
  mount: 'mnt',
  uts: 'uts',
  ipc: 'ipc',
  user: 'user',
  pid: 'pid',
  network: 'net',
  cgroup: 'cgroup',
  time: 'time',
};
