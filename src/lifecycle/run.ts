// run: create and start in one call. In the foreground it forwards signals
// to the container, waits for it, removes it, and reports its exit status.
import { native } from '../native/index.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { start } from './start.js';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  /** keep the stopped container instead of deleting it */
  keep?: boolean;
}

/** Signals a foreground `run` passes on to the container. */
const FORWARDED: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM'];

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGALRM: 14, SIGTERM: 15, SIGCONT: 18, SIGWINCH: 28,
};

/** Exit status like a shell reports it: the code, or 128 + the signal. */
export async function run(opts: RunOptions): Promise<number> {
  const n = native();
  const { pidfd } = createContainer(opts);
  try {
    start(opts);
  } catch (e) {
    n.closeFd(pidfd);
    deleteContainer({ root: opts.root, id: opts.id, force: true });
    throw e;
  }
  if (opts.detach) {
    n.closeFd(pidfd);
    return 0;
  }
  const handlers = FORWARDED.map((sig) => {
    const handler = () => {
      try {
        n.pidfdSendSignal(pidfd, SIGNAL_NUMBERS[sig]!);
      } catch {
        // it is exiting anyway
      }
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  let status;
  try {
    status = await n.waitPidfdAsync(pidfd);
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
    n.closeFd(pidfd);
  }
  if (!opts.keep) deleteContainer({ root: opts.root, id: opts.id, force: true });
  return status.signal ? 128 + status.signal : status.code;
}
