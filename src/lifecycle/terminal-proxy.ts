// A foreground `run`/`exec` with a terminal and no console socket: tsrun's
// own stdin and stdout are wired to the container's pty.
import { createReadStream, createWriteStream } from 'node:fs';
import { isatty } from 'node:tty';

import { native } from '../native/index.js';

export interface TerminalProxy {
  /** Restores our terminal and stops copying, after draining the pty. */
  stop(): Promise<void>;
}

export function proxyTerminal(master: number): TerminalProxy {
  const fromPty = createReadStream('', { fd: master, autoClose: false, highWaterMark: 16 * 1024 });
  const toPty = createWriteStream('', { fd: master, autoClose: false });
  const raw = isatty(0) && typeof process.stdin.setRawMode === 'function';
  if (raw) process.stdin.setRawMode(true);
  process.stdin.pipe(toPty);
  let finished: () => void = () => {};
  const drained = new Promise<void>((resolve) => (finished = resolve));
  fromPty.on('data', (chunk) => process.stdout.write(chunk));
  // EIO once the last holder of the peer is gone: that is the end.
  fromPty.on('error', () => finished());
  fromPty.on('end', () => finished());
  return {
    async stop() {
      await Promise.race([drained, new Promise((r) => setTimeout(r, 200))]);
      process.stdin.unpipe(toPty);
      if (raw) process.stdin.setRawMode(false);
      process.stdin.pause();
      fromPty.destroy();
      toPty.destroy();
      native().closeFd(master);
    },
  };
}
