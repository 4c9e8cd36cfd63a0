// Which cgroup hierarchies this host has: v1 controllers, a cgroup2 mount,
// or both (hybrid), read from /proc/self/mountinfo.
import { readFileSync } from 'node:fs';

export interface Hierarchy {
  version: 1 | 2;
  /** where it is mounted on the host */
  mountpoint: string;
  /** controllers for v1 (e.g. ["cpu", "cpuacct"] or ["name=systemd"]); [] for v2 */
  controllers: string[];
  /** the path of the mount's root inside the hierarchy (usually "/") */
  root: string;
}

/** Unescapes the octal escapes mountinfo uses for spaces and the like. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const fstype = right[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = unescape(left[3] ?? '/');
    const mountpoint = unescape(left[4] ?? '');
    if (fstype === 'cgroup2') {
      if (seen.has('cgroup2')) continue;
      seen.add('cgroup2');
      out.push({ version: 2, mountpoint, controllers: [], root });
      continue;
    }
    const controllers = (right[2] ?? '')
      .split(',')
      .filter((o) => o !== 'rw' && o !== 'ro' && !o.startsWith('release_agent') && o !== 'clone_children' && o !== 'noprefix' && o !== 'xattr' && o !== 'cpuset_v2_mode');
    const key = controllers.join(',');
    if (seen.has(key)) continue; // the same hierarchy mounted twice
    seen.add(key);
    out.push({ version: 1, mountpoint, controllers, root });
  }
  return out;
}

let cached: Hierarchy[] | undefined;

export function hostHierarchies(): Hierarchy[] {
  cached ??= parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  return cached;
}

/**
 * True on a cgroup v2 only host: a cgroup2 mount and no v1 hierarchy with
 * real controllers (a named one like name=systemd does not count).
 */
export function isCgroup2Only(hierarchies: Hierarchy[]): boolean {
  const v1 = hierarchies.some((h) => h.version === 1 && h.controllers.some((c) => !c.startsWith('name=')));
  return !v1 && hierarchies.some((h) => h.version === 2);
}

/** "cpu,cpuacct" -> that hierarchy's line in /proc/<pid>/cgroup, "" for v2. */
export function hierarchyKey(h: Hierarchy): string {
  return h.version === 2 ? '' : h.controllers.join(',');
}

/** Parses /proc/<pid>/cgroup into hierarchy key -> path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    out.set(line.slice(first + 1, second), line.slice(second + 1));
  }
  return out;
}
