// CVE-2023-25809: a recursive bind of a host tree that holds cgroup mounts
// (`/sys` bound "rbind,ro", as `spec --rootless` writes it) brings those
// cgroup mounts along writable, since "ro" only reaches the top mount. A
// rootless container would then write the cgroups its user owns on the host.
// Rootless, every host cgroup mount such a bind exposes (and no later mount
// covers) is remounted read-only in place.
import { posix } from 'node:path';

import { MS } from './mount-options.js';
import type { PlanMount } from './types.js';

/** A cgroup or cgroup2 mount of the host, with its per-mount options. */
export interface HostCgroupMount {
  mountpoint: string;
  options: string[];
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Every cgroup and cgroup2 mount in a mountinfo text (duplicates included: each one is exposed). */
export function hostCgroupMounts(mountinfo: string): HostCgroupMount[] {
  const out: HostCgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const left = line.slice(0, sep).split(' ');
    out.push({ mountpoint: unescape(left[4] ?? ''), options: (left[5] ?? '').split(',') });
  }
  return out;
}

// A remount must repeat the flags a user namespace may not clear (nosuid,
// nodev, noexec, the atime mode), or the kernel refuses it.
const KEPT: Record<string, bigint> = {
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  nosymfollow: MS.NOSYMFOLLOW,
};

function readonlyRemount(destination: string, options: string[]): PlanMount {
  let flags = MS.REMOUNT | MS.BIND | MS.RDONLY;
  for (const o of options) flags |= KEPT[o] ?? 0n;
  return { source: '', destination, type: '', flags, data: '', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false };
}

const under = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);

/** `mounts` plus a read-only remount of each host cgroup mount a recursive bind exposes. */
export function protectHostCgroupfs(mounts: readonly PlanMount[], cgroupMounts: readonly HostCgroupMount[]): PlanMount[] {
  const extra: PlanMount[] = [];
  mounts.forEach((m, i) => {
    if ((m.flags & (MS.BIND | MS.REC)) !== (MS.BIND | MS.REC) || (m.flags & MS.REMOUNT) !== 0n) return;
    const source = posix.normalize(m.source);
    for (const cg of cgroupMounts) {
      // A bind of a cgroup mount itself (or of a cgroup inside one) is the config's explicit choice.
      if (!under(cg.mountpoint, source) || cg.mountpoint === source) continue;
      if (cgroupMounts.some((other) => under(source, other.mountpoint))) continue;
      const inContainer = posix.join(m.destination, posix.relative(source, cg.mountpoint));
      // Hidden below a later mount (e.g. the config's own cgroup mount on /sys/fs/cgroup): nothing to do.
      if (mounts.slice(i + 1).some((later) => (later.flags & MS.REMOUNT) === 0n && under(inContainer, later.destination))) continue;
      extra.push(readonlyRemount(inContainer, cg.options));
    }
  });
  return [...mounts, ...extra];
}
