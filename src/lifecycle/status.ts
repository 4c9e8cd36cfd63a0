// A container's status, derived from what the kernel says now rather than
// from anything written down earlier.
import { freezerState } from '../cgroups/freezer.js';
import type { ContainerStatus } from '../spec/types.js';
import { isSameProcessAlive } from '../state/process-identity.js';
import type { ContainerRecord, StateStore } from '../state/store.js';

export function containerStatus(store: StateStore, record: ContainerRecord): ContainerStatus {
  if (!record.createdComplete) return 'creating';
  if (!isSameProcessAlive(record.pid, record.pidStartTime)) return 'stopped';
  if (freezerState(record.cgroupPaths) === 'frozen') return 'paused';
  return store.hasFifo(record.id) ? 'created' : 'running';
}

export function isActive(status: ContainerStatus): boolean {
  return status === 'created' || status === 'running' || status === 'paused';
}
