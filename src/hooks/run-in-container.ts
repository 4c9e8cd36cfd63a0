// Hooks that run in the container namespace (createContainer,
// startContainer): tsrun-init joins the container's namespaces and execs
// the hook, since a multi-threaded runtime cannot enter a mount namespace.
import { openSync, constants } from 'node:fs';

import { RuntimeError } from '../errors.js';
import { native } from '../native/index.js';
import { encodePlan } from '../plan/encode.js';
import { joinPlan } from '../plan/join.js';
import { Msg, payloadU32 } from '../plan/protocol.js';
import type { Plan } from '../plan/types.js';
import type { Hook } from '../spec/types.js';
import type { HookOutcome } from './outcome.js';

export interface ContainerTarget {
  /** namespaces to join: clone flag and /proc/<pid>/ns/<name> path */
  namespaces: { flag: number; path: string }[];
  /** the container's root to chroot to, when it has no mount namespace to join */
  root?: string;
}

function hookPlan(hook: Hook, target: ContainerTarget, fromFd: boolean): Plan {
  return joinPlan(target.namespaces, {
    args: hook.args && hook.args.length > 0 ? hook.args : [hook.path],
    env: hook.env ?? [],
    cwd: '/',
    joinRoot: target.root,
    execPath: fromFd ? undefined : hook.path,
  });
}

/**
 * `resolveIn: 'runtime'` opens the hook here and execs that file inside the
 * container (createContainer); 'container' looks the path up in there
 * (startContainer).
 */
export function runInContainer(hook: Hook, state: string, target: ContainerTarget, resolveIn: 'runtime' | 'container'): HookOutcome {
  const n = native();
  const fds: number[] = [];
  const toClose: number[] = [];
  try {
    if (resolveIn === 'runtime') {
      let fd: number;
      try {
        fd = openSync(hook.path, constants.O_RDONLY);
      } catch (e) {
        return { stdout: '', stderr: '', code: null, signal: null, timedOut: false, spawnError: (e as Error).message };
      }
      fds.push(fd);
      toClose.push(fd);
    }
    const [inR, inW] = n.pipe();
    const [outR, outW] = n.pipe();
    const [errR, errW] = n.pipe();
    toClose.push(inR, inW, outR, errR);
    const init = n.spawnInit(0, [inR, outW, errW]);
    // Only the hook may hold these ends, or its end of file never comes.
    n.closeFd(inR);
    n.closeFd(outW);
    n.closeFd(errW);
    toClose.splice(toClose.indexOf(inR), 1);
    toClose.push(init.syncFd);
    let childPidfd = -1;
    try {
      n.sendMessage(init.syncFd, Msg.Plan, encodePlan(hookPlan(hook, target, resolveIn === 'runtime')), fds);
      // The helper reports the pid of the hook process, then the socket
      // closes on a successful exec or carries the reason it failed.
      for (;;) {
        const msg = n.receiveMessage(init.syncFd, 30_000);
        if (msg === null) break;
        if (msg.type === Msg.ChildPid) {
          const pid = payloadU32(msg.payload);
          childPidfd = n.pidfdOpen(pid);
        } else if (msg.type === Msg.Error) {
          const reason = new TextDecoder().decode(msg.payload);
          if (childPidfd >= 0) n.collectChild(-1, '', -1, -1, childPidfd, 5000);
          return { stdout: '', stderr: '', code: null, signal: null, timedOut: false, spawnError: reason };
        }
      }
    } finally {
      n.waitPidfd(init.pidfd, false);
      n.closeFd(init.pidfd);
    }
    if (childPidfd < 0) throw new RuntimeError(`hook ${hook.path}: the helper exited without starting it`);
    // The state goes in while the output comes out, all under the timeout.
    toClose.splice(toClose.indexOf(inW), 1);
    const out = n.collectChild(inW, state, outR, errR, childPidfd, hook.timeout ? hook.timeout * 1000 : -1);
    n.closeFd(childPidfd);
    const status = out.status;
    return {
      stdout: out.stdout,
      stderr: out.stderr,
      code: status && status.signal === 0 ? status.code : null,
      signal: status && status.signal !== 0 ? String(status.signal) : null,
      timedOut: out.timedOut,
    };
  } finally {
    for (const fd of toClose) {
      try {
        n.closeFd(fd);
      } catch {
        // already closed
      }
    }
  }
}
