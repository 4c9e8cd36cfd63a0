// create: builds the container and leaves its first process waiting for
// `start`. On any failure nothing is left behind: no process, no cgroup, no
// state directory.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { cgroupMountPlan } from '../cgroups/container-mounts.js';
import { deviceRules } from '../cgroups/device-rules.js';
import { delegateCgroups, delegatedOwner } from '../cgroups/v2/ownership.js';
import { spawnCgroupDir } from '../cgroups/v2/spawn-target.js';
import { hostHierarchies, isCgroup2Only } from '../cgroups/hierarchy.js';
import { applyLimits, applyResources } from '../cgroups/resources.js';
import { addProcess, createCgroups, destroyCgroups, resolveCgroupPaths, type CgroupPaths } from '../cgroups/manager.js';
import { cgroupMountReadonly, checkCgroupLimits, usableCgroupPaths } from '../cgroups/rootless.js';
import { startScope, stopScope, systemdScope } from '../cgroups/systemd/manager.js';
import { RuntimeError } from '../errors.js';
import { HookError, runHooks } from '../hooks/index.js';
import { containerTarget, type HookSubject, hookState } from '../hooks/target.js';
import { logger } from '../log/logger.js';
import { native, type Native, type ReceivedMessage } from '../native/index.js';
import { buildPlan } from '../plan/build.js';
import { encodePlan } from '../plan/encode.js';
import { hostCgroupMounts, protectHostCgroupfs } from '../plan/readonly-host-cgroupfs.js';
import { Msg, payloadU32 } from '../plan/protocol.js';
import type { Resources, Spec } from '../spec/types.js';
import { loadSpec } from '../spec/validate.js';
import { checkContainerId } from '../state/id.js';
import { readProcStat } from '../state/process-identity.js';
import { EXEC_FIFO, type ContainerRecord, type RootfsBind, type StateStore } from '../state/store.js';
import { isRootless } from '../util/rootless.js';
import { checkConsoleOptions, handOverPty } from './console.js';
import { writeIdMaps } from './id-maps.js';
import { moveNetDevices, type MovedNetDevices } from './net-devices.js';
import { detachRootfsBind, rootfsBindBefore, withOwnBind } from './rootfs-bind.js';
import { handOverSeccompListener } from './seccomp-listener.js';
import { storeFor, type RuntimeOptions } from './options.js';

export interface CreateOptions extends RuntimeOptions {
  id: string;
  /** bundle directory; default the current directory */
  bundle?: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  preserveFds?: number;
  /** false when the caller proxies a terminal itself (`run` in the foreground) */
  detachesTerminal?: boolean;
  /** AF_UNIX socket that receives a pidfd of the container process */
  pidfdSocket?: string;
}

/**
 * Socket activation: sockets systemd passed to tsrun (LISTEN_FDS, with
 * LISTEN_PID naming us) go on to the container as its fds 3.., announced in
 * its environment with LISTEN_PID=1.
 */
export function socketActivation(env: NodeJS.ProcessEnv = process.env): number {
  const count = Number(env.LISTEN_FDS);
  if (!env.LISTEN_FDS || !Number.isInteger(count) || count <= 0) return 0;
  if (env.LISTEN_PID && Number(env.LISTEN_PID) !== process.pid) return 0;
  return count;
}

/** How long init may take to build the container before we give up. */
const INIT_TIMEOUT_MS = 60_000;

export interface CreatedContainer {
  record: ContainerRecord;
  /** pidfd of the container process, which is our child */
  pidfd: number;
  /** the pty master, when the process has a terminal and no console socket took it */
  ptyMaster?: number;
}

export function writePidFile(path: string, pid: number): void {
  const abs = resolve(path);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}`);
  writeFileSync(tmp, String(pid));
  renameSync(tmp, abs);
}

/** Tracks what a create has set up so far, to undo it on failure. */
class Undo {
  bootstrap?: { pid: number; pidfd: number };
  containerPidfd?: number;
  cgroups?: CgroupPaths;
  /** a systemd scope we started (--systemd-cgroup) */
  systemdUnit?: string;
  ptyMaster?: number;
  netDevices?: MovedNetDevices;
  /** no mount namespace: the rootfs whose bind holds the container's mounts */
  rootfsBind?: { rootfs: string; bind: RootfsBind };
  stateDir = false;

  constructor(
    private readonly n: Native,
    private readonly store: StateStore,
    private readonly id: string,
  ) {}

  run(): void {
    // First, while the container's network namespace surely still exists.
    for (const problem of this.netDevices?.rollback() ?? []) logger.warn(`network device not moved back: ${problem}`);
    for (const p of [this.bootstrap?.pidfd, this.containerPidfd]) {
      if (p === undefined) continue;
      try {
        this.n.pidfdSendSignal(p, 9);
      } catch {
        // already gone
      }
      try {
        this.n.waitPidfd(p, false);
      } catch {
        // reaped already
      }
      this.n.closeFd(p);
    }
    if (this.ptyMaster !== undefined) this.n.closeFd(this.ptyMaster);
    if (this.rootfsBind) {
      try {
        detachRootfsBind(this.n, this.rootfsBind.rootfs, this.rootfsBind.bind);
      } catch (e) {
        logger.warn(`rootfs mounts left in place: ${(e as Error).message}`);
      }
    }
    if (this.systemdUnit) {
      try {
        stopScope(this.systemdUnit);
      } catch {
        // best effort, as below
      }
    }
    if (this.cgroups) {
      try {
        destroyCgroups(this.cgroups);
      } catch {
        // best effort: the error that brought us here matters more
      }
    }
    if (this.stateDir) this.store.remove(this.id);
  }
}

interface InitEvents {
  /** the bootstrap process unshared a user namespace and waits for its maps */
  usernsReady(pid: number): void;
  /** namespaces and mounts exist, pivot_root has not happened yet */
  hookPoint(pid: number): void;
  ptyMaster(msg: ReceivedMessage): void;
  /** the container's network namespace exists; nothing runs in it yet */
  netDevicesPoint(pid: number): void;
  /** the filter is loaded; msg names its notify listener fd */
  seccompListener(pid: number, msg: ReceivedMessage): void;
}

function talkToInit(n: Native, syncFd: number, undo: Undo, events: InitEvents): number {
  let containerPid = 0;
  // The container process may ask for its devices before the bootstrap
  // process's ChildPid arrives: both write to this socket.
  let netDevicesAsked = false;
  const moveNetDevicesOnceKnown = () => {
    if (!netDevicesAsked || !containerPid) return;
    netDevicesAsked = false;
    events.netDevicesPoint(containerPid);
    n.sendMessage(syncFd, Msg.Go, new Uint8Array(0), []);
  };
  for (;;) {
    let msg;
    try {
      msg = n.receiveMessage(syncFd, INIT_TIMEOUT_MS);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new RuntimeError('timed out waiting for the container process to be set up');
      throw e;
    }
    if (msg === null) throw new RuntimeError('container init exited before it was set up');
    switch (msg.type) {
      case Msg.ChildPid:
        containerPid = payloadU32(msg.payload);
        undo.containerPidfd = n.pidfdOpen(containerPid);
        moveNetDevicesOnceKnown();
        break;
      case Msg.UsernsReady:
        events.usernsReady(payloadU32(msg.payload));
        n.sendMessage(syncFd, Msg.UsernsMapped, new Uint8Array(0), []);
        break;
      case Msg.PtyMaster:
        events.ptyMaster(msg);
        break;
      case Msg.SeccompListener:
        events.seccompListener(containerPid, msg);
        n.sendMessage(syncFd, Msg.SeccompListenerSent, new Uint8Array(0), []);
        break;
      case Msg.NetDevicesPoint:
        netDevicesAsked = true;
        moveNetDevicesOnceKnown();
        break;
      case Msg.HookPoint:
        events.hookPoint(containerPid);
        n.sendMessage(syncFd, Msg.Go, new Uint8Array(0), []);
        break;
      case Msg.Warning:
        logger.warn(new TextDecoder().decode(msg.payload));
        break;
      case Msg.Debug:
        logger.debug(new TextDecoder().decode(msg.payload));
        break;
      case Msg.Error:
        throw new RuntimeError(`unable to start container process: ${new TextDecoder().decode(msg.payload)}`);
      case Msg.Created:
        if (!containerPid) throw new RuntimeError('container init reported success without a process');
        return containerPid;
      default:
        throw new RuntimeError(`unexpected message ${msg.type} from container init`);
    }
  }
}

/** Creates the container; the returned pidfd lets `run` wait for it. */
export function createContainer(opts: CreateOptions, spec?: Spec): CreatedContainer {
  checkContainerId(opts.id);
  const bundle = resolve(opts.bundle ?? '.');
  const config = spec ?? loadSpec(bundle);
  const listenFds = socketActivation();
  if (listenFds > 0 && config.process) {
    config.process.env = [...(config.process.env ?? []).filter((e) => !/^LISTEN_(FDS|PID)=/.test(e)), `LISTEN_FDS=${listenFds}`, 'LISTEN_PID=1'];
  }
  checkConsoleOptions(config.process?.terminal === true, opts.consoleSocket, opts.detachesTerminal !== false);
  const store = storeFor(opts);
  const n = native();
  const dir = store.claim(opts.id);
  const undo = new Undo(n, store, opts.id);
  undo.stateDir = true;
  try {
    // Writable by the container's user, whoever that is; mkfifo alone would
    // apply our umask.
    n.mkfifo(join(dir, EXEC_FIFO), 0o622);
    chmodSync(join(dir, EXEC_FIFO), 0o622);
    const hierarchies = hostHierarchies();
    const rootless = isRootless();
    // systemd makes the cgroup once the container's process exists (startScope below)
    const scope = opts.systemdCgroup ? systemdScope(config.linux?.cgroupsPath, opts.id, hierarchies) : undefined;
    const wantedPaths = scope?.paths ?? resolveCgroupPaths(config.linux?.cgroupsPath, opts.id, hierarchies);
    // Rootless, only the cgroups we may create (usually none): limits for the others are refused.
    const cgroupPaths = rootless ? usableCgroupPaths(wantedPaths) : wantedPaths;
    checkCgroupLimits(hierarchies, cgroupPaths, config.linux?.resources);
    // A "cgroup" mount without a cgroup of the container's own shows our own
    // cgroups instead ("." below our own cgroup), read-only (CVE-2023-25809).
    const mountedPaths = rootless ? { ...resolveCgroupPaths('.', opts.id, hierarchies), ...cgroupPaths } : cgroupPaths;
    const ownCgroupns = (config.linux?.namespaces ?? []).some((ns) => ns.type === 'cgroup' && !ns.path);
    const plan = buildPlan(config, {
      bundle,
      execFifoName: EXEC_FIFO,
      preserveFds: (opts.preserveFds ?? 0) + listenFds,
      noPivot: opts.noPivot === true,
      noNewKeyring: opts.noNewKeyring === true,
      cgroupMounts: (destination, readonly) =>
        cgroupMountPlan(destination, cgroupMountReadonly(readonly, rootless, ownCgroupns, wantedPaths, cgroupPaths), hierarchies, mountedPaths),
    });
    if (rootless) plan.mounts = protectHostCgroupfs(plan.mounts, hostCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')));
    const payload = encodePlan(plan);
    const rootfsBind = plan.hostMountNs ? rootfsBindBefore(n, plan.rootfs) : undefined;
    const subject: HookSubject = {
      id: opts.id,
      bundle,
      annotations: config.annotations ?? {},
      namespaces: (config.linux?.namespaces ?? []).map((ns) => ns.type),
    };

    // Written before anything is set up, so that `delete --force` can clean
    // up after a create that was killed half-way.
    const provisional: ContainerRecord = {
      id: opts.id,
      pid: 0,
      pidStartTime: '',
      bundle,
      rootfs: plan.rootfs,
      created: new Date().toISOString(),
      owner: '',
      ociVersion: config.ociVersion,
      annotations: config.annotations ?? {},
      cgroupPaths,
      hooks: config.hooks,
      namespaces: subject.namespaces,
      process: config.process,
      seccomp: config.linux?.seccomp,
      resources: config.linux?.resources,
      deviceRules: deviceRules(config.linux?.resources?.devices, config.linux?.devices),
      systemdUnit: scope?.unit.unit,
      rootfsBind,
      createdComplete: false,
    };
    store.write(provisional);
    if (rootfsBind) undo.rootfsBind = { rootfs: plan.rootfs, bind: rootfsBind };
    if (!scope) {
      createCgroups(cgroupPaths);
      undo.cgroups = cgroupPaths;
      applyResources(hierarchies, cgroupPaths, latePidsLimit(config.linux?.resources) ? withoutPidsLimit(config.linux?.resources) : config.linux?.resources, config.linux?.devices);
    }

    let ptyMaster: number | undefined;
    const init = n.spawnInit(plan.preserveFds, undefined, spawnCgroupDir(cgroupPaths, hierarchies));
    undo.bootstrap = { pid: init.pid, pidfd: init.pidfd };
    let containerPid: number;
    try {
      if (scope) {
        // undone from here on only: a failed start may have met another container's unit
        startScope(scope, init.pid, hierarchies, config.linux?.resources, config.linux?.devices);
        undo.systemdUnit = scope.unit.unit;
        undo.cgroups = cgroupPaths;
      } else {
        addProcess(cgroupPaths, init.pid);
      }
      const owner = delegatedOwner(config, isCgroup2Only(hierarchies));
      if (owner !== undefined) delegateCgroups(cgroupPaths, owner);
      const dirFd = n.openDirPath(dir);
      try {
        n.sendMessage(init.syncFd, Msg.Plan, payload, [dirFd]);
      } finally {
        n.closeFd(dirFd);
      }
      containerPid = talkToInit(n, init.syncFd, undo, {
        usernsReady: (pid) => writeIdMaps(pid, config.linux?.uidMappings ?? [], config.linux?.gidMappings ?? []),
        hookPoint: (pid) => {
          // runtime.md Lifecycle 3-5: namespaces and mounts exist, pivot_root has not happened.
          const state = hookState(subject, 'creating', pid);
          runHooks('prestart', config.hooks, state);
          runHooks('createRuntime', config.hooks, state);
          runHooks('createContainer', config.hooks, state, containerTarget(subject, pid));
        },
        netDevicesPoint: (pid) => {
          undo.netDevices = moveNetDevices(n, pid, plan.netDevices ?? []);
        },
        ptyMaster: (msg) => {
          ptyMaster = handOverPty(msg, opts.consoleSocket);
          undo.ptyMaster = ptyMaster;
        },
        // runc's order: the listener has the fd while the container is still
        // being created, before its process can make a notified syscall.
        seccompListener: (pid, msg) =>
          handOverSeccompListener(n, config.linux?.seccomp, msg, { pid, pidfd: undo.containerPidfd }, hookState(subject, 'creating', pid)),
      });
    } finally {
      n.closeFd(init.syncFd);
    }
    n.waitPidfd(init.pidfd, false);
    n.closeFd(init.pidfd);
    undo.bootstrap = undefined;
    // Only now: the set-up itself forks (init clones the container process),
    // and a limit as low as 0 must not stop that (config-linux.md pids).
    const pids = latePidsLimit(config.linux?.resources);
    if (!scope && pids) applyLimits(hierarchies, cgroupPaths, { pids });

    const stat = readProcStat(containerPid);
    if (!stat) throw new RuntimeError('container process exited during create');
    const record: ContainerRecord = {
      ...provisional,
      pid: containerPid,
      pidStartTime: stat.startTime,
      rootfsBind: rootfsBind && withOwnBind(n, rootfsBind, containerPid),
      createdComplete: true,
    };
    store.write(record);
    if (opts.pidFile) writePidFile(opts.pidFile, containerPid);
    const pidfd = undo.containerPidfd!;
    if (opts.pidfdSocket) n.sendFdToSocket(opts.pidfdSocket, pidfd, '');
    // The devices belong to the container's network namespace from now on.
    undo.netDevices?.release();
    undo.netDevices = undefined;
    return { record, pidfd, ptyMaster };
  } catch (e) {
    undo.run();
    // A failed create hook continues the lifecycle at destroy and poststop.
    if (e instanceof HookError) runHooks('poststop', config.hooks, hookState({ id: opts.id, bundle, annotations: config.annotations ?? {} }, 'stopped', undefined));
    throw e;
  }
}

/** linux.resources.pids, unless a `unified` pids.max (written with the rest, and winning) replaces it. */
function latePidsLimit(resources: Resources | undefined): Resources['pids'] | undefined {
  if (!resources?.pids || resources.unified?.['pids.max'] !== undefined) return undefined;
  return resources.pids;
}

function withoutPidsLimit(resources: Resources | undefined): Resources | undefined {
  if (!resources?.pids) return resources;
  const { pids: _late, ...rest } = resources;
  return rest;
}

export function create(opts: CreateOptions): ContainerRecord {
  const { record, pidfd, ptyMaster } = createContainer({ ...opts, detachesTerminal: true });
  native().closeFd(pidfd);
  if (ptyMaster !== undefined) native().closeFd(ptyMaster);
  return record;
}
