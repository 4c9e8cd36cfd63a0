// Where the pty master of a container process goes: to the caller's
// --console-socket, or kept to be proxied to tsrun's own stdio (a `run` or
// `exec` in the foreground).
import { RuntimeError } from '../errors.js';
import { native } from '../native/index.js';
import type { ReceivedMessage } from '../native/index.js';

export function checkConsoleOptions(terminal: boolean, consoleSocket: string | undefined, willDetach: boolean): void {
  if (terminal && !consoleSocket && willDetach) throw new RuntimeError('cannot allocate tty if tsrun will detach without setting console socket');
  if (consoleSocket && (!terminal || !willDetach)) throw new RuntimeError('cannot use console socket if tsrun will not detach or allocate tty');
}

/** Returns the master fd when it is ours to proxy, else sends it on and returns undefined. */
export function handOverPty(msg: ReceivedMessage, consoleSocket: string | undefined): number | undefined {
  const n = native();
  const fd = msg.fds[0];
  if (fd === undefined) throw new RuntimeError('container init sent no pty master');
  if (!consoleSocket) return fd;
  try {
    n.sendFdToSocket(consoleSocket, fd, new TextDecoder().decode(msg.payload));
  } finally {
    n.closeFd(fd);
  }
  return undefined;
}
