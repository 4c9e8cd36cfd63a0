// exec: runs another process inside a running container, in all of its
// namespaces and cgroups, confined like its first process.
import { readFileSync } from 'node:fs';

import { addProcess } from '../cgroups/manager.js';
import { subCgroupPaths } from '../cgroups/sub-cgroups.js';
import { RuntimeError } from '../errors.js';
import { containerTarget, hookState } from '../hooks/target.js';
import { native } from '../native/index.js';
import { planProcess } from '../plan/build.js';
import { capabilityMask } from '../plan/capabilities.js';
import { encodePlan } from '../plan/encode.js';
import { joinPlan } from '../plan/join.js';
import { Msg, payloadU32 } from '../plan/protocol.js';
import type { Plan } from '../plan/types.js';
import type { Process } from '../spec/types.js';
import { isSameProcessAlive } from '../state/process-identity.js';
import type { ContainerRecord } from '../state/store.js';
import { writePidFile } from './create.js';
import { checkConsoleOptions, handOverPty } from './console.js';
import { waitInForeground } from './foreground.js';
import { handOverSeccompListener } from './seccomp-listener.js';
import { proxyTerminal } from './terminal-proxy.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';
import { parseUserSpec } from './user-spec.js';

export interface ExecOptions extends RuntimeOptions {
  id: string;
  /** the process as a JSON file (runc's --process); replaces everything below */
  processFile?: string;
  args?: string[];
  env?: string[];
  cwd?: string;
  /** "uid[:gid]" */
  user?: string;
  additionalGids?: number[];
  /** capabilities added to the container's sets */
  caps?: string[];
  noNewPrivileges?: boolean;
  tty?: boolean;
  consoleSocket?: string;
  detach?: boolean;
  pidFile?: string;
  preserveFds?: number;
  ignorePaused?: boolean;
  /** AF_UNIX socket that receives a pidfd of the new process */
  pidfdSocket?: string;
  /** existing sub-cgroups to run in: "path" or "controller[,controller]:path" */
  cgroups?: string[];
}

/** runc's rule: start from the container's process, then apply the flags. */
export function execProcess(base: Process | undefined, opts: ExecOptions): Process {
  if (opts.processFile) {
    let text: string;
    try {
      text = readFileSync(opts.processFile, 'utf8');
    } catch (e) {
      throw new RuntimeError(`read process file ${opts.processFile}: ${(e as Error).message}`);
    }
    return JSON.parse(text) as Process;
  }
  if (!opts.args || opts.args.length === 0) throw new RuntimeError('exec: a command to run is required');
  const p: Process = structuredClone(base ?? { user: { uid: 0, gid: 0 }, cwd: '/' });
  p.args = opts.args;
  p.terminal = opts.tty === true;
  if (opts.env?.length) {
    // Later definitions win, as in a shell.
    const env = new Map((p.env ?? []).map((e) => [e.split('=')[0]!, e]));
    for (const e of opts.env) env.set(e.split('=')[0]!, e);
    p.env = [...env.values()];
  }
  if (opts.cwd) p.cwd = opts.cwd;
  if (opts.user) {
    const u = parseUserSpec(opts.user);
    p.user = { ...p.user, uid: u.uid, gid: u.gid ?? p.user.gid };
  }
  if (opts.additionalGids?.length) p.user = { ...p.user, additionalGids: opts.additionalGids };
  if (opts.noNewPrivileges) p.noNewPrivileges = true;
  if (opts.caps?.length) {
    capabilityMask(opts.caps); // unknown names fail here, by name
    const caps = p.capabilities ?? {};
    // Only the sets the spec names; inheritable never (CVE-2022-29162).
    for (const set of ['bounding', 'effective', 'permitted', 'ambient'] as const) {
      caps[set] = [...new Set([...(caps[set] ?? []), ...opts.caps])];
    }
    p.capabilities = caps;
  }
  return p;
}

function execPlan(record: ContainerRecord, process: Process, preserveFds: number): Plan {
  const target = containerTarget({ ...record, annotations: record.annotations ?? {} }, record.pid);
  return joinPlan(target.namespaces, {
    ...planProcess(process, record.seccomp),
    joinRoot: target.root,
    preserveFds,
    joinProcess: true,
    // A terminal needs its own session to become the controlling one.
    setsid: process.terminal === true,
  });
}

export interface StartedExec {
  pid: number;
  pidfd: number;
  /** the pty master when there is a terminal and no console socket */
  ptyMaster?: number;
}

function pinInitially(n: ReturnType<typeof native>, pid: number, mask: Uint8Array): void {
  try {
    n.setCpuAffinity(pid, mask);
  } catch (e) {
    throw new RuntimeError(`process.execCPUAffinity.initial: ${(e as Error).message}`);
  }
}

/** Starts the process; returns once it has exec'd (or throws why it could not). */
export function startExec(opts: ExecOptions): StartedExec {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status === 'stopped') throw new RuntimeError('cannot exec in a stopped container');
  if (status === 'paused' && !opts.ignorePaused) throw new RuntimeError('cannot exec in a paused container');
  if (status !== 'running' && status !== 'created' && status !== 'paused') throw new RuntimeError(`cannot exec in a ${status} container`);
  const process = execProcess(record.process, opts);
  checkConsoleOptions(process.terminal === true, opts.consoleSocket, opts.detach === true);
  const plan = execPlan(record, process, opts.preserveFds ?? 0);
  const payload = encodePlan(plan);
  const n = native();
  const init = n.spawnInit(opts.preserveFds ?? 0);
  let pidfd = -1;
  let ptyMaster: number | undefined;
  try {
    // Before the move into the container's cgroup, as the spec words it.
    if (plan.cpuAffinityInitial) pinInitially(n, init.pid, plan.cpuAffinityInitial);
    addProcess(opts.cgroups?.length ? subCgroupPaths(record.cgroupPaths, opts.cgroups) : record.cgroupPaths, init.pid);
    if (!isSameProcessAlive(record.pid, record.pidStartTime)) throw new RuntimeError('container not running');
    n.sendMessage(init.syncFd, Msg.Plan, payload, []);
    let pid = 0;
    for (;;) {
      const msg = n.receiveMessage(init.syncFd, 60_000);
      if (msg === null) break; // closed at execve: the program runs
      if (msg.type === Msg.ChildPid) {
        pid = payloadU32(msg.payload);
        pidfd = n.pidfdOpen(pid);
      } else if (msg.type === Msg.SeccompListener) {
        // As runc: the new process's pid; the state is the container's.
        const subject = { id: record.id, bundle: record.bundle, annotations: record.annotations ?? {} };
        handOverSeccompListener(n, record.seccomp, msg, { pid, pidfd: pidfd >= 0 ? pidfd : undefined }, hookState(subject, status, record.pid));
        n.sendMessage(init.syncFd, Msg.SeccompListenerSent, new Uint8Array(0), []);
      } else if (msg.type === Msg.PtyMaster) {
        ptyMaster = handOverPty(msg, opts.consoleSocket);
      } else if (msg.type === Msg.Error) {
        throw new RuntimeError(`unable to start container process: ${new TextDecoder().decode(msg.payload)}`);
      }
    }
    if (pidfd < 0) throw new RuntimeError('exec: the helper exited before starting the process');
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    if (opts.pidfdSocket) n.sendFdToSocket(opts.pidfdSocket, pidfd, '');
    return { pid, pidfd, ptyMaster };
  } catch (e) {
    if (ptyMaster !== undefined) n.closeFd(ptyMaster);
    if (pidfd >= 0) {
      try {
        n.pidfdSendSignal(pidfd, 9);
        n.waitPidfd(pidfd, false);
      } catch {
        // gone already
      }
      n.closeFd(pidfd);
    }
    throw e;
  } finally {
    n.closeFd(init.syncFd);
    try {
      n.waitPidfd(init.pidfd, false);
    } catch {
      // reaped
    }
    n.closeFd(init.pidfd);
  }
}

/** exec in the foreground (waits, exit status like a shell) or detached (0). */
export async function exec(opts: ExecOptions): Promise<number> {
  const { pidfd, ptyMaster } = startExec(opts);
  const n = native();
  if (opts.detach) {
    n.closeFd(pidfd);
    if (ptyMaster !== undefined) n.closeFd(ptyMaster);
    return 0;
  }
  const proxy = ptyMaster !== undefined ? proxyTerminal(ptyMaster) : undefined;
  try {
    return await waitInForeground(pidfd);
  } finally {
    await proxy?.stop();
    n.closeFd(pidfd);
  }
}
