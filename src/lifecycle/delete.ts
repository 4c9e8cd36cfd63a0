// delete: removes a stopped container's cgroups, host mounts and state;
// with force, a live one is killed first.
import { freezerState, setFrozen } from '../cgroups/freezer.js';
import { cgroupPids, destroyCgroups } from '../cgroups/manager.js';
import { stopScope } from '../cgroups/systemd/manager.js';
import { ContainerNotFoundError, RuntimeError } from '../errors.js';
import { runHooks } from '../hooks/index.js';
import { hookState } from '../hooks/target.js';
import { native } from '../native/index.js';
import { isSameProcessAlive } from '../state/process-identity.js';
import type { ContainerRecord } from '../state/store.js';
import { signalAll, signalProcess } from './kill.js';
import { detachRootfsBind } from './rootfs-bind.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';
import { sleepMs } from '../util/sleep.js';

function killEverything(record: ContainerRecord): void {
  signalProcess(record.pid, record.pidStartTime, 9);
  signalAll(record, 9);
  // Frozen tasks take their SIGKILL only once thawed.
  if (freezerState(record.cgroupPaths) === 'frozen') setFrozen(record.cgroupPaths, false);
  for (let i = 0; i < 1000; i++) {
    if (!isSameProcessAlive(record.pid, record.pidStartTime) && cgroupPids(record.cgroupPaths).length === 0) return;
    sleepMs(5);
    if (i % 20 === 19) signalAll(record, 9);
  }
  throw new RuntimeError('container processes did not exit after SIGKILL');
}

export function deleteContainer(opts: RuntimeOptions & { id: string; force?: boolean }): void {
  const store = storeFor(opts);
  let record: ContainerRecord;
  try {
    record = store.read(opts.id);
  } catch (e) {
    if (e instanceof ContainerNotFoundError && opts.force) {
      // A half-created container may still have a directory to clear.
      store.remove(opts.id);
      return;
    }
    throw e;
  }
  const status = containerStatus(store, record);
  if (status !== 'stopped') {
    if (!opts.force) throw new RuntimeError(`cannot delete container ${opts.id} that is not stopped: ${status}`);
    killEverything(record);
  } else if (cgroupPids(record.cgroupPaths).length > 0) {
    // The first process is gone but some of its children live on.
    killEverything(record);
  }
  // systemd removes the scope's cgroup; the rest (v1 hierarchies it does not manage) is ours
  if (record.systemdUnit) stopScope(record.systemdUnit);
  destroyCgroups(record.cgroupPaths);
  // No mount namespace took the container's mounts away with its last process.
  if (record.rootfsBind) detachRootfsBind(native(), record.rootfs, record.rootfsBind);
  store.remove(opts.id);
  // runtime.md Lifecycle 13: after the container is gone; failures only warn.
  runHooks('poststop', record.hooks, hookState({ ...record, annotations: record.annotations ?? {} }, 'stopped', undefined));
}
