// Options shared by every lifecycle operation.
import { StateStore } from '../state/store.js';

export interface RuntimeOptions {
  /** state root; default /run/tsrun, or $XDG_RUNTIME_DIR/tsrun when rootless */
  root?: string;
  /** --systemd-cgroup: a new container's cgroup is a systemd scope (the record remembers it for later commands) */
  systemdCgroup?: boolean;
}

export function storeFor(opts: RuntimeOptions): StateStore {
  return new StateStore(opts.root);
}
