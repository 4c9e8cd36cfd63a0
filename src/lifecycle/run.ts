// run: create and start in one call. In the foreground it forwards signals
// to the container, waits for it, removes it, and reports its exit status.
import { native } from '../native/index.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { waitInForeground } from './foreground.js';
import { start } from './start.js';
import { proxyTerminal } from './terminal-proxy.js';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  /** keep the stopped container instead of deleting it */
  keep?: boolean;
}

/** Exit status like a shell reports it: the code, or 128 + the signal. */
export async function run(opts: RunOptions): Promise<number> {
  const n = native();
  const { pidfd, ptyMaster } = createContainer({ ...opts, detachesTerminal: opts.detach === true });
  const proxy = ptyMaster !== undefined ? proxyTerminal(ptyMaster) : undefined;
  try {
    start(opts);
  } catch (e) {
    await proxy?.stop();
    n.closeFd(pidfd);
    deleteContainer({ root: opts.root, id: opts.id, force: true });
    throw e;
  }
  if (opts.detach) {
    n.closeFd(pidfd);
    return 0;
  }
  let status: number;
  try {
    status = await waitInForeground(pidfd);
  } finally {
    await proxy?.stop();
    n.closeFd(pidfd);
  }
  if (!opts.keep) deleteContainer({ root: opts.root, id: opts.id, force: true });
  return status;
}
