// Options shared by every lifecycle operation.
import { StateStore } from '../state/store.js';

export interface RuntimeOptions {
  /** state root; default /run/tsrun */
  root?: string;
}

export function storeFor(opts: RuntimeOptions): StateStore {
  return new StateStore(opts.root);
}
