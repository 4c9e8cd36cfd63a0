// linux.resources.unified: cgroup v2 files written as given, one line per
// write. Keys must be plain file names in the container's cgroup.
import { PlanError } from '../../errors.js';
import { type CgroupWrite, pointer, RESOURCES } from '../write.js';

/** Membership is the runtime's business: these are never written from a config. */
const RESERVED = new Set(['cgroup.procs', 'cgroup.threads']);

/** The controller a v2 file belongs to: "memory" for memory.max, '' for cgroup.*. */
export function controllerOf(file: string): string {
  const c = file.slice(0, file.indexOf('.'));
  return c === 'cgroup' ? '' : c;
}

export function checkUnifiedKey(key: string): string | undefined {
  if (key === '' || key === '.' || key === '..' || key.includes('/') || key.includes('\0')) return 'must be a file name in the container\'s cgroup, not a path';
  if (!/^[a-z0-9_]+\.[^.]/.test(key)) return 'must have the form <controller>.<file>, e.g. memory.high';
  if (RESERVED.has(key)) return 'is managed by the runtime and cannot be set';
  return undefined;
}

export function planUnified(unified: Record<string, string> | undefined): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  for (const [key, value] of Object.entries(unified ?? {})) {
    const at = pointer(RESOURCES, 'unified', key);
    const bad = checkUnifiedKey(key);
    if (bad) throw new PlanError(at, `${JSON.stringify(key)} ${bad}`);
    // Files like io.max take one line per write.
    const lines = value.split('\n').filter((l) => l.trim() !== '');
    for (const line of lines.length > 0 ? lines : [value]) out.push({ controller: controllerOf(key), file: key, value: line, pointer: at });
  }
  return out;
}
