// state and list: the OCI state of containers, plus runc's extra fields.
import { ContainerNotFoundError } from '../errors.js';
import type { ContainerStatus, OciState } from '../spec/types.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';
import type { ContainerRecord, StateStore } from '../state/store.js';
import { dirOwner } from '../state/owner.js';

export interface ContainerState extends OciState {
  rootfs: string;
  created: string;
  owner: string;
}

/** The ociVersion tsrun implements, reported in every state. */
export const OCI_VERSION = '1.3.0';

function toState(store: StateStore, record: ContainerRecord): ContainerState {
  const status: ContainerStatus = containerStatus(store, record);
  const state: ContainerState = {
    ociVersion: OCI_VERSION,
    id: record.id,
    pid: status === 'stopped' ? 0 : record.pid,
    status,
    bundle: record.bundle,
    rootfs: record.rootfs,
    created: record.created,
    owner: record.owner,
  };
  if (Object.keys(record.annotations).length > 0) state.annotations = record.annotations;
  return state;
}

export function state(opts: RuntimeOptions & { id: string }): ContainerState {
  const store = storeFor(opts);
  return toState(store, store.read(opts.id));
}

/**
 * Every container in the root. A container being created or deleted right
 * now is skipped; any other directory that holds no readable tsrun state
 * goes to `unreadable` and the listing goes on, as runc's does.
 */
export function list(opts: RuntimeOptions = {}, unreadable: (id: string, error: Error) => void = () => {}): ContainerState[] {
  const store = storeFor(opts);
  const out: ContainerState[] = [];
  for (const id of store.ids()) {
    try {
      const state = toState(store, store.read(id));
      out.push({ ...state, owner: state.owner || (dirOwner(store.dir(id)) ?? '') });
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError)) unreadable(id, e as Error);
    }
  }
  return out;
}
