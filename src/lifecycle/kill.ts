// kill: signals the container's first process, or with `all` every process
// in its cgroup.
import { cgroupPids } from '../cgroups/manager.js';
import { killContainerCgroup } from '../cgroups/v2/kill.js';
import { ContainerNotRunningError } from '../errors.js';
import { native } from '../native/index.js';
import { isSameProcessAlive, readProcStat } from '../state/process-identity.js';
import type { ContainerRecord } from '../state/store.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus, isActive } from './status.js';

export interface KillOptions extends RuntimeOptions {
  id: string;
  signal: number;
  all?: boolean;
}

/** Signals one process through a pidfd taken while it is provably the one we mean. */
export function signalProcess(pid: number, startTime: string, signal: number): boolean {
  const n = native();
  let pidfd: number;
  try {
    pidfd = n.pidfdOpen(pid);
  } catch {
    return false;
  }
  try {
    if (!isSameProcessAlive(pid, startTime)) return false;
    n.pidfdSendSignal(pidfd, signal);
    return true;
  } catch {
    return false;
  } finally {
    n.closeFd(pidfd);
  }
}

export function signalAll(record: ContainerRecord, signal: number): void {
  // Rootless without cgroups nothing lists the processes: the first one is all we know.
  if (Object.keys(record.cgroupPaths).length === 0) {
    signalProcess(record.pid, record.pidStartTime, signal);
    return;
  }
  // cgroup v2's cgroup.kill: the whole cgroup at once, sub-cgroups included
  if (signal === 9 && killContainerCgroup(record.cgroupPaths)) return;
  for (const pid of cgroupPids(record.cgroupPaths)) {
    const stat = readProcStat(pid);
    if (stat) signalProcess(pid, stat.startTime, signal);
  }
}

export function kill(opts: KillOptions): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (opts.all) {
    if (!isActive(status) && cgroupPids(record.cgroupPaths).length === 0) throw new ContainerNotRunningError();
    signalAll(record, opts.signal);
    return;
  }
  if (!isActive(status)) throw new ContainerNotRunningError();
  if (!signalProcess(record.pid, record.pidStartTime, opts.signal)) throw new ContainerNotRunningError();
}
