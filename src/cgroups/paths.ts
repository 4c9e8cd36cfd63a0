// Where a container's cgroup lives: linux.cgroupsPath made absolute.
import { posix } from 'node:path';

/**
 * An absolute cgroupsPath is used as is; a relative one hangs below the
 * runtime's own cgroup (like runc); none at all gives "/<id>".
 *
 * On a cgroup v2 only host (`unifiedOnly`) a relative path, and no path at
 * all ("<id>"), hang below the parent of our own cgroup instead, as runc
 * does there: our own cgroup has processes (a shell, a service's main
 * process), and a v2 cgroup with processes cannot give children controllers
 * ("no internal processes"). Run from /system.slice/x.service, the
 * container's cgroup is /system.slice/<id>.
 */
export function containerCgroupPath(cgroupsPath: string | undefined, id: string, ownPath: string, unifiedOnly = false): string {
  if (cgroupsPath?.startsWith('/')) return posix.normalize(cgroupsPath);
  if (!unifiedOnly) return cgroupsPath ? posix.join(ownPath || '/', cgroupsPath) : `/${id}`;
  return posix.join(posix.dirname(ownPath || '/'), cgroupsPath || id);
}

/** True when the path stays inside its hierarchy (no "..", no escape). */
export function isContainedPath(path: string): boolean {
  const trimmed = path.replace(/(.)\/+$/, '$1');
  return posix.normalize(trimmed) === trimmed && !trimmed.split('/').includes('..');
}
