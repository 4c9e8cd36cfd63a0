// Where a container's cgroup files are on this host, cgroup v1 or v2, so
// that tests read the right file and expect the right value on either: the
// hybrid layout (v1 controllers, a cgroup2 without them) of this project's
// CI host and the pure cgroup v2 of `make test-cgroup2`'s VM.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Mount {
  mountPoint: string;
  fstype: string;
  superOptions: string[];
}

const MOUNTS: Mount[] = fs
  .readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .flatMap((line) => {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) return [];
    const g = post.split(' ');
    if (g[0] !== 'cgroup' && g[0] !== 'cgroup2') return [];
    return [{ mountPoint: pre.split(' ')[4]!, fstype: g[0]!, superOptions: (g[2] ?? '').split(',') }];
  });

const NOT_CONTROLLERS = new Set(['rw', 'ro', 'clone_children', 'noprefix', 'xattr', 'cpuset_v2_mode']);

/** Mount point of the v1 hierarchy with `controller`, if any. */
export function v1Mount(controller: string): string | undefined {
  return MOUNTS.find((m) => m.fstype === 'cgroup' && m.superOptions.includes(controller))?.mountPoint;
}

/** Mount point of the cgroup2 hierarchy, if any. */
export const V2_MOUNT: string | undefined = MOUNTS.find((m) => m.fstype === 'cgroup2')?.mountPoint;

/** A cgroup v2 only host (a named v1 hierarchy like name=systemd aside). */
export const PURE_V2: boolean =
  V2_MOUNT !== undefined && !MOUNTS.some((m) => m.fstype === 'cgroup' && m.superOptions.some((o) => !NOT_CONTROLLERS.has(o) && !o.includes('=')));

/** The cgroup version that holds the host's controllers. */
export const CGROUP_VERSION: 1 | 2 = PURE_V2 ? 2 : 1;

/** Controllers the cgroup v2 root offers its children (empty without cgroup2). */
export function v2Controllers(): Set<string> {
  if (!V2_MOUNT) return new Set();
  try {
    return new Set(fs.readFileSync(path.join(V2_MOUNT, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

export interface ControllerFiles {
  /** the cgroup version the controller is in */
  v: 1 | 2;
  /** the container's directory for the controller, for a cgroupsPath */
  dir(cgroupsPath: string): string;
}

/** Where `controller`'s files of a container are; undefined if the host cannot limit it. */
export function controllerAt(controller: string, v2name = controller): ControllerFiles | undefined {
  const m = v1Mount(controller);
  if (m) return { v: 1, dir: (cg) => path.join(m, cg) };
  if (PURE_V2 && v2Controllers().has(v2name)) return { v: 2, dir: (cg) => path.join(V2_MOUNT!, cg) };
  return undefined;
}

/**
 * True when cgroup v2 cgroups below the root have `file` (cpu.max.burst,
 * cpu.idle: newer kernels only), judged from our own cgroup or its parent,
 * which are never the root on a systemd host.
 */
export function v2ChildHasFile(file: string): boolean {
  if (!V2_MOUNT) return false;
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3) ?? '/';
  return [own, path.dirname(own)].some((cg) => cg !== '/' && fs.existsSync(path.join(V2_MOUNT, cg, file)));
}

/** A file's trimmed content; undefined when it does not exist. */
export function readCgroupFile(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The container's file of a controller by version: `files` names it for v1
 * and for v2 (e.g. {v1: 'memory.limit_in_bytes', v2: 'memory.max'}).
 * Undefined when the host lacks the controller or the file.
 */
export function readControllerFile(controller: string, cgroupsPath: string, files: { v1: string; v2: string }): string | undefined {
  const at = controllerAt(controller);
  return at ? readCgroupFile(at.dir(cgroupsPath), at.v === 1 ? files.v1 : files.v2) : undefined;
}

/** The memory+swap limit of a config as the host shows it: v1 memsw is memory+swap, v2 swap.max is swap alone. */
export function expectedSwapFile(limit: number, swap: number): { file: { v1: string; v2: string }; value: string } {
  return { file: { v1: 'memory.memsw.limit_in_bytes', v2: 'memory.swap.max' }, value: String(CGROUP_VERSION === 1 ? swap : swap - limit) };
}

/**
 * cgroup v1 cpu.shares [2..262144] as cgroup v2 cpu.weight [1..10000]. runc
 * 1.3+ and crun fit a quadratic through min, default (1024 -> 100) and max;
 * runc before 1.3 (Debian's 1.1.5) scales linearly.
 */
export function sharesToWeight(shares: number, linear = false): number {
  if (linear) return 1 + Math.floor(((shares - 2) * 9999) / 262142);
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  return Math.ceil(10 ** ((l * l + 125 * l) / 612 - 7 / 34));
}
