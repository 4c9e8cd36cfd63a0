// The state root (--root, default /run/tsrun, or $XDG_RUNTIME_DIR/tsrun when
// rootless): one directory per container holding state.json and, until
// start, the exec fifo.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ContainerNotFoundError, RuntimeError } from '../errors.js';
import type { DeviceRule } from '../cgroups/device-rules.js';
import type { CgroupPaths } from '../cgroups/manager.js';
import type { Hooks, NamespaceType, Process, Resources, Seccomp } from '../spec/types.js';
import { isRootless, runningInUserNamespace } from '../util/rootless.js';
import { checkContainerId } from './id.js';

export const DEFAULT_ROOT = '/run/tsrun';
export const STATE_FILE = 'state.json';
export const EXEC_FIFO = 'exec.fifo';

/** What decides the default root, gathered so that the choice stays a pure function. */
export interface RootContext {
  env: NodeJS.ProcessEnv;
  euid: number;
  inUserNamespace: boolean;
}

/**
 * The root used without --root: $XDG_RUNTIME_DIR/tsrun for an unprivileged
 * user (and for root of a user namespace, unless USER says it is the real
 * root's session), else /run/tsrun. Without XDG_RUNTIME_DIR it stays
 * /run/tsrun, as runc stays at /run/runc, and --root is the way out.
 */
export function defaultRoot(ctx: RootContext = currentRootContext()): { root: string; xdg: boolean } {
  const xdg = ctx.env.XDG_RUNTIME_DIR;
  if (!xdg) return { root: DEFAULT_ROOT, xdg: false };
  const honour = ctx.euid !== 0 || (ctx.inUserNamespace && ctx.env.USER !== 'root');
  return honour ? { root: join(xdg, 'tsrun'), xdg: true } : { root: DEFAULT_ROOT, xdg: false };
}

function currentRootContext(): RootContext {
  return { env: process.env, euid: process.geteuid?.() ?? 0, inUserNamespace: runningInUserNamespace() };
}

/** Mount ids (decimal) of a container's rootfs bind in the host's mount table. */
export interface RootfsBind {
  /** the mount that showed at the rootfs path before create */
  before: string;
  /** the container's bind, once create saw it as its process's root */
  own?: string;
}

/** What tsrun remembers about a container between invocations. */
export interface ContainerRecord {
  id: string;
  /** host pid of the container's first process (0 while creating) */
  pid: number;
  /** its start time, to tell it from a later process reusing the pid */
  pidStartTime: string;
  bundle: string;
  rootfs: string;
  /** RFC3339 creation time */
  created: string;
  owner: string;
  ociVersion: string;
  annotations: Record<string, string>;
  cgroupPaths: CgroupPaths;
  /** the hooks of config.json as it was at create time */
  hooks?: Hooks;
  /** namespace types the container has (created or joined) */
  namespaces?: NamespaceType[];
  /** config.json's process and seccomp profile at create time: `exec` starts from them */
  process?: Process;
  seccomp?: Seccomp;
  /** linux.resources as created, then as changed by `update` */
  resources?: Resources;
  /** the device access list made at create; `update` applies it again on cgroup v2, as runc does */
  deviceRules?: DeviceRule[];
  /** no mount namespace: the bind of the rootfs in the host's mount table that delete detaches */
  rootfsBind?: RootfsBind;
  /** the systemd unit holding the container's cgroup (--systemd-cgroup), stopped on delete */
  systemdUnit?: string;
  /** set once creation finished; a record without it is a failed or racing create */
  createdComplete: boolean;
}

export class StateStore {
  readonly root: string;
  /** the root is the default under $XDG_RUNTIME_DIR */
  private readonly xdg: boolean;

  constructor(root?: string) {
    const chosen = root === undefined ? defaultRoot() : { root, xdg: false };
    this.root = chosen.root;
    this.xdg = chosen.xdg;
  }

  dir(id: string): string {
    checkContainerId(id);
    return join(this.root, id);
  }

  /** Claims the id: exactly one of several racing creates gets it. */
  claim(id: string): string {
    const dir = this.dir(id);
    this.makeRoot();
    try {
      mkdirSync(dir, { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`container with id exists: ${id}`);
      throw new RuntimeError(`create state directory ${dir}: ${(e as Error).message}${this.hint(e)}`);
    }
    return dir;
  }

  // Rootless, the root is private to the user (0700); the XDG base directory
  // spec keeps a directory with the sticky bit from being pruned.
  private makeRoot(): void {
    const rootless = isRootless();
    try {
      mkdirSync(this.root, { recursive: true, mode: rootless ? 0o700 : 0o711 });
      if (this.xdg) chmodSync(this.root, 0o1700);
    } catch (e) {
      throw new RuntimeError(`create state root ${this.root}: ${(e as Error).message}${this.hint(e)}`);
    }
  }

  private hint(e: unknown): string {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code !== 'EACCES' && code !== 'EPERM') || !isRootless()) return '';
    return ' (running rootless: set XDG_RUNTIME_DIR or pass --root with a directory you own)';
  }

  read(id: string): ContainerRecord {
    const dir = this.dir(id);
    let text: string;
    try {
      text = readFileSync(join(dir, STATE_FILE), 'utf8');
    } catch {
      throw new ContainerNotFoundError(id);
    }
    let record: Partial<ContainerRecord>;
    try {
      record = JSON.parse(text) as Partial<ContainerRecord>;
    } catch (e) {
      throw new RuntimeError(`${join(dir, STATE_FILE)}: ${(e as Error).message}`);
    }
    // Another runtime's container in a shared root (Docker's runtime-runc/moby) has a state.json too.
    if (typeof record.bundle !== 'string' || typeof record.pid !== 'number' || typeof record.cgroupPaths !== 'object' || record.cgroupPaths === null)
      throw new RuntimeError(`${join(dir, STATE_FILE)} is not the state of a tsrun container`);
    return record as ContainerRecord;
  }

  /** Written to a temporary file and renamed, so readers never see half of it. */
  write(record: ContainerRecord): void {
    const dir = this.dir(record.id);
    const tmp = join(dir, `.${STATE_FILE}.${process.pid}`);
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    renameSync(tmp, join(dir, STATE_FILE));
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  fifoPath(id: string): string {
    return join(this.dir(id), EXEC_FIFO);
  }

  hasFifo(id: string): boolean {
    return existsSync(this.fifoPath(id));
  }

  /** Ids with a state directory, sorted. */
  ids(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  }
}
