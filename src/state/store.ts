// The state root (--root, default /run/tsrun): one directory per container
// holding state.json and, until start, the exec fifo.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ContainerNotFoundError, RuntimeError } from '../errors.js';
import type { CgroupPaths } from '../cgroups/manager.js';
import type { Hooks, NamespaceType, Process, Resources, Seccomp } from '../spec/types.js';
import { checkContainerId } from './id.js';

export const DEFAULT_ROOT = '/run/tsrun';
export const STATE_FILE = 'state.json';
export const EXEC_FIFO = 'exec.fifo';

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
  /** set once creation finished; a record without it is a failed or racing create */
  createdComplete: boolean;
}

export class StateStore {
  constructor(readonly root: string = DEFAULT_ROOT) {}

  dir(id: string): string {
    checkContainerId(id);
    return join(this.root, id);
  }

  /** Claims the id: exactly one of several racing creates gets it. */
  claim(id: string): string {
    const dir = this.dir(id);
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      mkdirSync(dir, { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`container with id exists: ${id}`);
      throw new RuntimeError(`create state directory ${dir}: ${(e as Error).message}`);
    }
    return dir;
  }

  read(id: string): ContainerRecord {
    const dir = this.dir(id);
    let text: string;
    try {
      text = readFileSync(join(dir, STATE_FILE), 'utf8');
    } catch {
      throw new ContainerNotFoundError(id);
    }
    return JSON.parse(text) as ContainerRecord;
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
