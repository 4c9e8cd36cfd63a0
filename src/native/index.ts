// The one door to the native addon. Everything else imports this typed
// facade, never the .node file, so it can be replaced by a fake in tests.
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpawnedInit {
  pid: number;
  pidfd: number;
  syncFd: number;
  /** true when it started inside the cgroup v2 directory given (clone3 CLONE_INTO_CGROUP) */
  inCgroup?: boolean;
}

export interface ReceivedMessage {
  type: number;
  payload: Uint8Array;
  fds: number[];
}

export interface ExitStatus {
  /** exit code, or -1 when a signal ended the process */
  code: number;
  /** the signal that ended it, or 0 */
  signal: number;
}

export interface ChildOutput {
  stdout: string;
  stderr: string;
  /** null only if it could not be reaped */
  status: ExitStatus | null;
  timedOut: boolean;
}

/** A network interface as rtnetlink lists it. */
export interface NetLink {
  index: number;
  name: string;
  up: boolean;
}

/** An interface address (RTM_GETADDR); the byte fields are the raw IFA_* attributes. */
export interface NetAddress {
  /** AF_INET (2) or AF_INET6 (10) */
  family: number;
  prefixLength: number;
  /** RT_SCOPE_* (0: universe) */
  scope: number;
  /** IFA_F_* */
  flags: number;
  local?: Uint8Array;
  address?: Uint8Array;
  broadcast?: Uint8Array;
}

export interface Native {
  /** stdio: fds to become the helper's 0, 1, 2 (-1 or absent: inherit ours) */
  /** cgroupDir: a cgroup v2 directory to start inside where the kernel allows (else it starts in ours) */
  spawnInit(preserveFds: number, stdio?: [number, number, number], cgroupDir?: string): SpawnedInit;
  /** Connects to an AF_UNIX stream socket and sends fd (SCM_RIGHTS) with `name` as the payload. */
  sendFdToSocket(path: string, fd: number, name: string): void;
  /** Copies our stdin to the pty master and the master to our stdout (raw mode) until the pty closes. */
  proxyPty(master: number): Promise<void>;
  /** Gives the pty the window size of the terminal on `from`. */
  copyWindowSize(from: number, master: number): void;
  /** [read end, write end], both close-on-exec */
  pipe(): [number, number];
  /**
   * Feeds `input` to stdinFd (closing it; takes ownership) while reading both output fds, until the
   * child exits and they close; kills it past timeoutMs (-1: never). Any fd may be -1.
   */
  collectChild(stdinFd: number, input: string, stdoutFd: number, stderrFd: number, pidfd: number, timeoutMs: number): ChildOutput;
  sendMessage(fd: number, type: number, payload: Uint8Array, fds: number[]): void;
  /** null at end of stream; throws with code ETIMEDOUT after timeoutMs (-1: forever) */
  receiveMessage(fd: number, timeoutMs: number): ReceivedMessage | null;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signal: number): void;
  /** pidfd_getfd(2): a close-on-exec duplicate of fd `targetFd` of the process behind the pidfd. */
  pidfdGetfd(pidfd: number, targetFd: number): number;
  /** sched_setaffinity(2) of another process; mask is an unsigned long[] CPU bitmask. */
  setCpuAffinity(pid: number, mask: Uint8Array): void;
  /** null when nohang and the process still runs */
  waitPidfd(pidfd: number, nohang: boolean): ExitStatus | null;
  waitPidfdAsync(pidfd: number): Promise<ExitStatus>;
  mkfifo(path: string, mode: number): void;
  openDirPath(path: string): number;
  closeFd(fd: number): void;
  /** statx(2) of a path: the mount it is on (unique id where the kernel has one) and whether it is that mount's root. */
  mountIdentity(path: string): { id: bigint; mountRoot: boolean };
  /** Detaches (umount2 MNT_DETACH, through an fd) the mount whose root is at `path`, if its id is `id`; false if another mount is there. */
  detachMountIf(path: string, id: bigint): boolean;
  /** A normalized seccomp profile (src/plan/seccomp.ts), or its JSON text -> struct sock_filter[] bytes. */
  compileSeccomp(profile: object | string): Uint8Array;
  /**
   * cgroup v2 device filter: loads `insns` (struct bpf_insn[]) as a
   * BPF_PROG_TYPE_CGROUP_DEVICE program, attaches it to the cgroup directory
   * and detaches the device programs attached there before.
   */
  replaceDeviceFilter(cgroupDir: string, insns: Uint8Array): void;
  /** Ids of the device programs attached to the cgroup directory itself. */
  deviceFilterIds(cgroupDir: string): number[];
  /** Opens a network namespace file (O_RDONLY, close-on-exec); refuses anything else. */
  netnsOpen(path: string): number;
  /** A NETLINK_ROUTE socket of the network namespace behind netnsFd (-1: ours). */
  netlinkOpen(netnsFd: number): number;
  netlinkLinks(sock: number): NetLink[];
  netlinkAddresses(sock: number, index: number): NetAddress[];
  /** Moves a link into the namespace behind netnsFd, named `name` there (one RTM_NEWLINK). */
  netlinkMoveLink(sock: number, index: number, netnsFd: number, name: string): void;
  netlinkAddAddress(sock: number, index: number, address: NetAddress): void;
  netlinkSetUp(sock: number, index: number, up: boolean): void;
}

const ADDON = 'addon/build/Release/tsrun_native.node';

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.TSRUN_NATIVE) list.push(process.env.TSRUN_NATIVE);
  // bin/tsrun (compiled) sits next to build/; dist/native/ and src/native/ two levels down.
  try {
    list.push(join(dirname(realpathSync(process.execPath)), '..', ADDON));
  } catch {
    // no execPath to follow
  }
  if (typeof import.meta.url === 'string' && import.meta.url.startsWith('file:')) {
    list.push(join(dirname(fileURLToPath(import.meta.url)), '..', '..', ADDON));
  }
  return list;
}

let loaded: Native | undefined;

export function native(): Native {
  if (loaded) return loaded;
  for (const path of candidates()) {
    if (existsSync(path)) {
      loaded = createRequire(import.meta.url)(path) as Native;
      return loaded;
    }
  }
  throw new Error(`tsrun native addon not found (looked for ${ADDON}); run make`);
}

/** Swaps in a fake for unit tests. */
export function setNativeForTesting(fake: Native | undefined): void {
  loaded = fake;
}
