// Turns a validated config into the plan tsrun-init carries out. Everything
// that can be decided without touching the rootfs is decided here.
import { statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';

import { PlanError } from '../errors.js';
import type { Mount, Namespace, Process, Seccomp, Spec } from '../spec/types.js';
import { capabilityMask, UnknownCapabilityError } from './capabilities.js';
import { DEFAULT_SYMLINKS, planDevices } from './devices.js';
import { bindAttributes, MS, parseMountOptions } from './mount-options.js';
import { containerUserns, planMountIdmap, type ContainerUserns } from './idmap.js';
import { CLONE_FLAGS } from './namespaces.js';
import { planNetDevices } from './net-devices.js';
import { RLIMITS } from './rlimits.js';
import { planLinuxAttrs, planProcessAttrs } from './process-attrs.js';
import { planSeccomp } from './seccomp.js';
import type { CapabilitySets, Plan, PlanMount } from './types.js';

export interface PlanContext {
  bundle: string;
  execFifoName: string;
  preserveFds: number;
  noPivot: boolean;
  noNewKeyring: boolean;
  /** Expands a mount of type "cgroup"/"cgroup2" into what gives the container its own cgroups. */
  cgroupMounts(destination: string, readonly: boolean): { mounts: PlanMount[]; symlinks: { path: string; target: string }[] };
}

const ROOTFS_PROPAGATION: Record<string, bigint> = {
  private: MS.PRIVATE,
  shared: MS.SHARED,
  slave: MS.SLAVE,
  unbindable: MS.UNBINDABLE,
};

function planNamespaces(namespaces: readonly Namespace[]): Pick<Plan, 'newNamespaces' | 'joinNamespaces'> {
  let newNamespaces = 0;
  const joinNamespaces: Plan['joinNamespaces'] = [];
  const seen = new Set<string>();
  namespaces.forEach((ns, i) => {
    const flag = CLONE_FLAGS[ns.type];
    if (seen.has(ns.type)) throw new PlanError(`/linux/namespaces/${i}/type`, `duplicate namespace type ${ns.type}`);
    seen.add(ns.type);
    if (ns.path) {
      if (!isAbsolute(ns.path)) throw new PlanError(`/linux/namespaces/${i}/path`, `namespace path must be absolute: ${ns.path}`);
      joinNamespaces.push({ flag, path: ns.path });
    } else {
      newNamespaces |= flag;
    }
  });
  return { newNamespaces, joinNamespaces };
}

/** A relative destination is taken from "/" (config.md allows it for old configs). */
function absoluteDestination(destination: string): string {
  return posix.normalize(isAbsolute(destination) ? destination : `/${destination}`);
}

function planMount(m: Mount, index: number, bundle: string, userns: ContainerUserns | undefined): PlanMount {
  const pointer = `/mounts/${index}`;
  const destination = absoluteDestination(m.destination);
  const parsed = parseMountOptions(m.options);
  if (parsed.unsupported.length > 0)
    throw new PlanError(`${pointer}/options`, `mount option ${parsed.unsupported[0]} is not supported by tsrun yet`);
  const type = m.type ?? '';
  const isBind = (parsed.flags & MS.BIND) !== 0n || type === 'bind';
  const idmap = planMountIdmap(m, pointer, parsed, isBind, userns);
  if (parsed.copyUp) {
    const at = `${pointer}/options/${(m.options ?? []).indexOf('tmpcopyup')}`;
    if (isBind || type !== 'tmpfs') throw new PlanError(at, `tmpcopyup needs a tmpfs mount, not ${isBind ? 'a bind mount' : type ? `type ${type}` : 'a mount without a type'}`);
    if (parsed.flags & MS.REMOUNT) throw new PlanError(at, 'tmpcopyup cannot be combined with remount');
  }
  let source = m.source ?? '';
  if (isBind) {
    // Bind sources are host paths; a relative one is taken from the bundle.
    if (!source) throw new PlanError(`${pointer}/source`, 'a bind mount needs a source');
    if (!isAbsolute(source)) source = resolve(bundle, source);
    const flags = parsed.flags | MS.BIND;
    const attrs = bindAttributes(parsed);
    const set = parsed.hasRecursive ? attrs.set | parsed.recursiveSet : attrs.set;
    const clr = parsed.hasRecursive ? attrs.clr | parsed.recursiveClr : attrs.clr;
    return {
      source,
      destination,
      type: 'bind',
      flags: flags & (MS.BIND | MS.REC),
      data: '',
      propagation: parsed.propagation,
      attrSet: set,
      attrClr: clr,
      recursiveAttr: parsed.hasRecursive,
      ...(idmap ? { idmap } : {}),
    };
  }
  if (parsed.hasRecursive) throw new PlanError(`${pointer}/options`, 'recursive mount options (rro, rnosuid, ...) need a bind mount');
  return {
    source: source || type,
    destination,
    type,
    flags: parsed.flags,
    data: parsed.data.join(','),
    propagation: parsed.propagation,
    attrSet: 0n,
    attrClr: 0n,
    recursiveAttr: false,
    ...(parsed.copyUp ? { copyUp: true } : {}),
  };
}

function planCapabilities(process: Process): CapabilitySets | undefined {
  const caps = process.capabilities;
  if (!caps) return undefined;
  const sets: Partial<CapabilitySets> = {};
  for (const kind of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
    try {
      sets[kind] = capabilityMask(caps[kind]);
    } catch (e) {
      if (e instanceof UnknownCapabilityError) throw new PlanError(`/process/capabilities/${kind}`, e.message);
      throw e;
    }
  }
  return sets as CapabilitySets;
}

// JSON numbers above 2^53 arrive rounded: 18446744073709551615 (how engines
// write "unlimited") parses as 2^64, which must not wrap to 0.
function toU64(n: number): bigint {
  return n >= 2 ** 64 - 1 ? 0xffff_ffff_ffff_ffffn : BigInt(n);
}

function planRlimits(process: Process): Plan['rlimits'] {
  return (process.rlimits ?? []).map((r, i) => {
    const resource = RLIMITS[r.type];
    if (resource === undefined) throw new PlanError(`/process/rlimits/${i}/type`, `unknown rlimit type ${r.type}`);
    if (r.soft > r.hard) throw new PlanError(`/process/rlimits/${i}`, `soft limit ${r.soft} is above the hard limit ${r.hard}`);
    return { resource, soft: toU64(r.soft), hard: toU64(r.hard) };
  });
}

function checkSysctls(spec: Spec, newNs: number): Plan['sysctls'] {
  const out: Plan['sysctls'] = [];
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    const pointer = `/linux/sysctl/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const needs = sysctlNamespace(key);
    if (!needs) throw new PlanError(pointer, `sysctl ${key} is not namespaced and cannot be set in a container`);
    if ((newNs & CLONE_FLAGS[needs]) === 0 && !spec.linux?.namespaces?.some((n) => n.type === needs && n.path))
      throw new PlanError(pointer, `sysctl ${key} needs a ${needs} namespace`);
    out.push({ key, value });
  }
  return out;
}

function sysctlNamespace(key: string): 'ipc' | 'network' | 'uts' | undefined {
  const ipc = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];
  if (ipc.includes(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key.startsWith('net.')) return 'network';
  if (key === 'kernel.hostname' || key === 'kernel.domainname') return 'uts';
  return undefined;
}

/** The process half of a plan: who runs what, confined how. */
export type ProcessPlan = Pick<
  Plan,
  | 'args' | 'env' | 'cwd' | 'uid' | 'gid' | 'additionalGids' | 'umask' | 'noNewPrivileges' | 'capabilities'
  | 'rlimits' | 'oomScoreAdj' | 'terminal' | 'consoleSize' | 'seccompBpf' | 'seccompFlags'
  | 'ioPriority' | 'scheduler' | 'cpuAffinityInitial' | 'cpuAffinityFinal'
>;

/** Process fields tsrun cannot honour yet: refused, never silently dropped. */
function refuseUnsupportedProcessFields(process: Process): void {
  const unsupported: [keyof Process, string][] = [
    ['apparmorProfile', 'AppArmor is not available on this host'],
    ['selinuxLabel', 'SELinux is not available on this host'],
  ];
  for (const [field, reason] of unsupported) {
    if (process[field] !== undefined && process[field] !== '') throw new PlanError(`/process/${field}`, reason);
  }
}

/** Linux fields tsrun cannot honour yet. */
function refuseUnsupportedLinuxFields(linux: NonNullable<Spec['linux']>): void {
  const unsupported: [keyof NonNullable<Spec['linux']>, string][] = [
    ['intelRdt', 'Intel RDT (resctrl) is not available on this host'],
    ['mountLabel', 'SELinux is not available on this host'],
  ];
  for (const [field, reason] of unsupported) {
    const v = linux[field];
    if (v !== undefined && v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0))
      throw new PlanError(`/linux/${field}`, reason);
  }
}

/** Shared by create (config.json's process) and exec (its --process or flags). */
export function planProcess(process: Process, seccomp: Seccomp | undefined): ProcessPlan {
  refuseUnsupportedProcessFields(process);
  if (!process.args || process.args.length === 0) throw new PlanError('/process/args', 'args must not be empty');
  if (!isAbsolute(process.cwd)) throw new PlanError('/process/cwd', `cwd must be an absolute path: ${process.cwd}`);
  const user = process.user;
  return {
    args: process.args,
    env: process.env ?? [],
    cwd: process.cwd,
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids ?? [],
    umask: user.umask,
    noNewPrivileges: process.noNewPrivileges === true,
    capabilities: planCapabilities(process),
    rlimits: planRlimits(process),
    oomScoreAdj: process.oomScoreAdj,
    terminal: process.terminal === true,
    consoleSize: process.terminal ? process.consoleSize : undefined,
    ...planSeccomp(seccomp),
    ...planProcessAttrs(process),
  };
}

export function buildPlan(spec: Spec, ctx: PlanContext): Plan {
  const process = spec.process;
  if (!process) throw new PlanError('/process', 'a process is required to create a container');
  if (!spec.root?.path) throw new PlanError('/root/path', 'a root filesystem is required');
  const processPlan = planProcess(process, spec.linux?.seccomp);

  const rootfs = resolve(ctx.bundle, spec.root.path);
  let st;
  try {
    st = statSync(rootfs);
  } catch {
    throw new PlanError('/root/path', `rootfs ${rootfs} does not exist`);
  }
  if (!st.isDirectory()) throw new PlanError('/root/path', `rootfs ${rootfs} is not a directory`);

  const linux = spec.linux ?? {};
  refuseUnsupportedLinuxFields(linux);
  const namespaces = linux.namespaces ?? [];
  const { newNamespaces, joinNamespaces } = planNamespaces(namespaces);
  const has = (type: Namespace['type']) => namespaces.some((n) => n.type === type);
  const newUserNs = (newNamespaces & CLONE_FLAGS.user) !== 0;
  // config-linux.md: without a mount namespace the container inherits the
  // runtime's. Its mounts then go into the host's mount table, under one
  // private bind of the rootfs that delete detaches.
  const hostMountNs = !has('mount');
  if (hostMountNs && has('user'))
    throw new PlanError('/linux/namespaces', 'a user namespace needs a mount namespace too: it may not mount in the runtime\'s');
  if (newUserNs && !(linux.uidMappings?.length && linux.gidMappings?.length))
    throw new PlanError('/linux/uidMappings', 'a new user namespace needs uidMappings and gidMappings');
  if (!has('user') && (linux.uidMappings?.length || linux.gidMappings?.length))
    throw new PlanError('/linux/uidMappings', 'uidMappings and gidMappings need a user namespace');
  // The names go to the container's own uts namespace, new or joined by
  // path; never to the one it would share with the host.
  if (spec.hostname !== undefined && spec.hostname !== '' && !has('uts'))
    throw new PlanError('/hostname', 'setting the hostname needs a uts namespace');
  if (spec.domainname !== undefined && spec.domainname !== '' && !has('uts'))
    throw new PlanError('/domainname', 'setting the domainname needs a uts namespace');

  const mounts: PlanMount[] = [];
  const symlinks = [...DEFAULT_SYMLINKS];
  const userns = containerUserns(namespaces, linux.uidMappings, linux.gidMappings);
  (spec.mounts ?? []).forEach((m, i) => {
    if (m.type === 'cgroup' || m.type === 'cgroup2') {
      planMountIdmap(m, `/mounts/${i}`, parseMountOptions(m.options), false, userns); // refuses an idmap request
      const expanded = ctx.cgroupMounts(absoluteDestination(m.destination), (m.options ?? []).includes('ro'));
      mounts.push(...expanded.mounts);
      symlinks.push(...expanded.symlinks);
    } else {
      mounts.push(planMount(m, i, ctx.bundle, userns));
    }
  });

  const devPts = (spec.mounts ?? []).some((m) => absoluteDestination(m.destination) === '/dev/pts');
  if (devPts) symlinks.push({ path: '/dev/ptmx', target: 'pts/ptmx' });

  const propagation = linux.rootfsPropagation ? ROOTFS_PROPAGATION[linux.rootfsPropagation] : undefined;
  return {
    mode: 'create',
    newNamespaces,
    joinNamespaces,
    uidMapNeeded: newUserNs,
    rootfs,
    rootReadonly: spec.root.readonly === true,
    // The host's mounts as the container's set-up sees them: never shared
    // (its mounts would reach the host, and pivot_root refuses a shared root)
    // nor unbindable (the rootfs could not be bound). rootfsPropagation is
    // applied to the new root after pivot_root. Without a mount namespace
    // the host's table is not ours to change.
    hostPropagation: hostMountNs ? 0n : (propagation === MS.PRIVATE ? MS.PRIVATE : MS.SLAVE) | MS.REC,
    rootPropagation: propagation !== undefined ? propagation | MS.REC : 0n,
    noPivot: ctx.noPivot,
    hostMountNs,
    mounts,
    devices: planDevices(linux.devices),
    symlinks,
    maskedPaths: linux.maskedPaths ?? [],
    readonlyPaths: linux.readonlyPaths ?? [],
    hostname: spec.hostname || undefined,
    domainname: spec.domainname || undefined,
    sysctls: checkSysctls(spec, newNamespaces),
    ...processPlan,
    preserveFds: ctx.preserveFds,
    newKeyring: !ctx.noNewKeyring,
    execFifoName: ctx.execFifoName,
    hookPause: ['prestart', 'createRuntime', 'createContainer'].some((k) => (spec.hooks?.[k as keyof typeof spec.hooks]?.length ?? 0) > 0),
    loopbackUp: (newNamespaces & CLONE_FLAGS.network) !== 0,
    netDevices: planNetDevices(linux),
    ...planLinuxAttrs(linux, (newNamespaces & CLONE_FLAGS.time) !== 0),
  };
}
