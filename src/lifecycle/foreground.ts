// Waiting in the foreground for a process of ours that runs in a container:
// signals sent to tsrun are passed on, and the result is reported like a
// shell does (the exit code, or 128 + the signal).
import { native } from '../native/index.js';
import { SIGNALS } from './signals.js';

const FORWARDED: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGCONT', 'SIGWINCH'];

export async function waitInForeground(pidfd: number): Promise<number> {
  const n = native();
  const handlers = FORWARDED.map((sig) => {
    const num = SIGNALS[sig]!;
    const handler = () => {
      try {
        n.pidfdSendSignal(pidfd, num);
      } catch {
        // it is exiting anyway
      }
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  try {
    const status = await n.waitPidfdAsync(pidfd);
    return status.signal ? 128 + status.signal : status.code;
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  }
}
