// A foreground `run`/`exec` with a terminal and no console socket: tsrun's
// own stdin and stdout are wired to the container's pty. The copying runs
// on a native thread; the window size follows ours, SIGWINCH included.
import { native } from '../native/index.js';

export interface TerminalProxy {
  /** Waits (briefly) for the pty to drain, then releases it. */
  stop(): Promise<void>;
}

export function proxyTerminal(master: number): TerminalProxy {
  const n = native();
  const resize = () => n.copyWindowSize(0, master);
  process.on('SIGWINCH', resize);
  const done = n.proxyPty(master).catch(() => undefined);
  return {
    async stop() {
      await Promise.race([done, new Promise((r) => setTimeout(r, 500))]);
      process.off('SIGWINCH', resize);
      n.closeFd(master);
    },
  };
}
