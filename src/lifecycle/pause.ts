// pause and resume: freeze and thaw every process of a container.
import { setFrozen } from '../cgroups/freezer.js';
import { requireCgroups } from '../cgroups/rootless.js';
import { ContainerNotRunningError, RuntimeError } from '../errors.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';

export function pause(opts: RuntimeOptions & { id: string }): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status === 'paused') throw new RuntimeError('container already paused');
  if (status !== 'running' && status !== 'created') throw new ContainerNotRunningError();
  requireCgroups(record.cgroupPaths, 'pause the container');
  setFrozen(record.cgroupPaths, true);
}

export function resume(opts: RuntimeOptions & { id: string }): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status !== 'paused') throw new RuntimeError('container not paused');
  requireCgroups(record.cgroupPaths, 'resume the container');
  setFrozen(record.cgroupPaths, false);
}
