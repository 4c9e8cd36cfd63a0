// Waiting in the foreground for a process of ours that runs in a container:
// signals sent to tsrun are passed on, and the result is reported like a
// shell does (the exit code, or 128 + the signal).
import { native } from '../native/index.js';

const FORWARDED: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGALRM: 14, SIGTERM: 15, SIGCONT: 18, SIGWINCH: 28,
};

export async function waitInForeground(pidfd: number): Promise<number> {
  const n = native();
  const handlers = (Object.entries(FORWARDED) as [NodeJS.Signals, number][]).map(([sig, num]) => {
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
