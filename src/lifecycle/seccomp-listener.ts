// The seccomp notify listener hand-over (config-linux.md "seccomp",
// listenerPath; "The Container Process State"): tsrun-init loads a filter
// with SCMP_ACT_NOTIFY rules and sends us its listener fd (SCM_RIGHTS) when
// the filter lets sendmsg through; otherwise only its number, and we take
// the fd with pidfd_getfd (so init needs only write(2), and a profile may
// notify sendmsg, as runc allows). We pass it on to the socket at
// linux.seccomp.listenerPath with the container process state as JSON and
// never keep it: it is closed here whatever happens.
import { RuntimeError } from '../errors.js';
import type { Native, ReceivedMessage } from '../native/index.js';
import { payloadU32 } from '../plan/protocol.js';
import type { OciState, Seccomp } from '../spec/types.js';

const POINTER = '/linux/seccomp/listenerPath';

/** The name of the one fd we send, as the spec spells it. */
export const SECCOMP_FD_NAME = 'seccompFd';

export interface ContainerProcessState {
  ociVersion: string;
  fds: string[];
  /** the process that loaded the filter, as seen by the runtime */
  pid: number;
  metadata?: string;
  state: OciState;
}

export function containerProcessState(seccomp: Seccomp | undefined, pid: number, state: OciState): ContainerProcessState {
  const s: ContainerProcessState = { ociVersion: state.ociVersion, fds: [SECCOMP_FD_NAME], pid, state };
  if (seccomp?.listenerMetadata) s.metadata = seccomp.listenerMetadata;
  return s;
}

export interface ListenerSource {
  /** the process that loaded the filter (0: not known yet) */
  pid: number;
  /** a pidfd of it */
  pidfd: number | undefined;
}

/**
 * Takes the listener fd `msg` names from the process, sends it to
 * listenerPath over one connection with the JSON as the payload of the same
 * sendmsg, and closes it. Throws a RuntimeError naming the field when that
 * fails.
 */
export function handOverSeccompListener(
  n: Pick<Native, 'pidfdGetfd' | 'sendFdToSocket' | 'closeFd'>,
  seccomp: Seccomp | undefined,
  msg: ReceivedMessage,
  from: ListenerSource,
  state: OciState,
): void {
  // Whatever happens, every fd that came or was taken is closed here.
  const held = [...msg.fds];
  try {
    if (msg.payload.length !== 4 || msg.fds.length > 1) throw new RuntimeError('container init sent a malformed seccomp listener message');
    const path = seccomp?.listenerPath;
    if (!path) throw new RuntimeError(`seccomp: ${POINTER}: a notify listener exists but the config names no socket for it`);
    if (!from.pid || from.pidfd === undefined) throw new RuntimeError('container init handed over its seccomp listener before its pid was known');
    if (held.length === 0) {
      try {
        held.push(n.pidfdGetfd(from.pidfd, payloadU32(msg.payload)));
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'EPERM' ? ' (the profile notifies or filters sendmsg, so the fd can only be taken with pidfd_getfd, which needs privilege over the container process)' : '';
        throw new RuntimeError(`seccomp: taking the notify listener from the container process: ${(e as Error).message}${why}`);
      }
    }
    try {
      n.sendFdToSocket(path, held[0]!, JSON.stringify(containerProcessState(seccomp, from.pid, state)));
    } catch (e) {
      throw new RuntimeError(`seccomp: sending the notify fd to ${POINTER} (${path}): ${(e as Error).message}`);
    }
  } finally {
    for (const fd of held) n.closeFd(fd);
  }
}
