// Where a container's cgroup lives: linux.cgroupsPath made absolute.
import { posix } from 'node:path';

/**
 * An absolute cgroupsPath is used as is; a relative one hangs below the
 * runtime's own cgroup (like runc); none at all gives "/<id>".
 */
export function containerCgroupPath(cgroupsPath: string | undefined, id: string, ownPath: string): string {
  if (!cgroupsPath) return `/${id}`;
  if (cgroupsPath.startsWith('/')) return posix.normalize(cgroupsPath);
  return posix.join(ownPath || '/', cgroupsPath);
}

/** True when the path stays inside its hierarchy (no "..", no escape). */
export function isContainedPath(path: string): boolean {
  const trimmed = path.replace(/(.)\/+$/, '$1');
  return posix.normalize(trimmed) === trimmed && !trimmed.split('/').includes('..');
}
