// The plan: a flat description of one container (or one exec) in the terms
// tsrun-init works with: flags, numbers and paths, nothing left to interpret.
import type { NetDeviceMove } from './net-devices.js';

export interface PlanMount {
  source: string;
  destination: string;
  type: string;
  flags: bigint;
  data: string;
  propagation: bigint;
  attrSet: bigint;
  attrClr: bigint;
  recursiveAttr: boolean;
  /** tmpcopyup (tmpfs only): the new tmpfs starts with a copy of the directory it covers */
  copyUp?: boolean;
  /** idmapped bind mount (uidMappings/gidMappings, idmap, ridmap) */
  idmap?: PlanMountIdmap;
}

/** The user namespace whose mapping an idmapped mount gets: new with these maps, or joined by path. */
export interface PlanMountIdmap {
  /** ridmap: every mount of an rbind tree, not just the top one */
  recursive: boolean;
  /** uid_map / gid_map text ("inside outside count" lines) */
  uidMap?: string;
  gidMap?: string;
  usernsPath?: string;
}

export interface PlanDevice {
  path: string;
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
}

export interface PlanRlimit {
  resource: number;
  soft: bigint;
  hard: bigint;
}

export interface CapabilitySets {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

export interface SchedulerPlan {
  policy: number;
  flags: number;
  nice: number;
  priority: number;
  runtime: bigint;
  deadline: bigint;
  period: bigint;
}

export interface Plan {
  mode: 'create' | 'join';
  newNamespaces: number;
  joinNamespaces: { flag: number; path: string }[];
  uidMapNeeded: boolean;
  rootfs: string;
  rootReadonly: boolean;
  hostPropagation: bigint;
  rootPropagation: bigint;
  noPivot: boolean;
  /** create mode: no mount namespace, the container lives in the host's mount table (config-linux.md: inherited) */
  hostMountNs?: boolean;
  mounts: PlanMount[];
  devices: PlanDevice[];
  symlinks: { path: string; target: string }[];
  maskedPaths: string[];
  readonlyPaths: string[];
  hostname?: string;
  domainname?: string;
  sysctls: { key: string; value: string }[];
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  umask?: number;
  noNewPrivileges: boolean;
  capabilities?: CapabilitySets;
  rlimits: PlanRlimit[];
  oomScoreAdj?: number;
  preserveFds: number;
  seccompBpf?: Uint8Array;
  /** SECCOMP_FILTER_FLAG_* passed to seccomp(2) with seccompBpf */
  seccompFlags?: number;
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  newKeyring: boolean;
  execFifoName: string;
  /** join mode: the program to exec, looked up inside the container; absent: the fd sent along */
  execPath?: string;
  /** create mode: pause before pivot_root so the runtime can run its hooks */
  hookPause?: boolean;
  /** bring up the loopback interface of a new network namespace */
  loopbackUp?: boolean;
  /** create mode: host interfaces to move into the container (not encoded: init only pauses for them) */
  netDevices?: NetDeviceMove[];
  /** join mode: confine the process like the container's own (`exec`), not run it as a hook */
  joinProcess?: boolean;
  /** join mode: the container's root to chroot to, when it has no mount namespace to join (/proc/<pid>/root) */
  joinRoot?: string;
  /** start a new session (the container's first process; `exec` with a terminal) */
  setsid?: boolean;
  /** personality(2) persona (linux.personality) */
  personality?: number;
  /** ioprio_set(2) value (process.ioPriority) */
  ioPriority?: number;
  /** sched_setattr(2) (process.scheduler) */
  scheduler?: SchedulerPlan;
  /** exec: CPU masks (process.execCPUAffinity) applied early and right before execve */
  cpuAffinityInitial?: Uint8Array;
  cpuAffinityFinal?: Uint8Array;
  /** set_mempolicy(2) (linux.memoryPolicy): mode | flags, node mask */
  memoryPolicy?: { mode: number; nodes: Uint8Array };
  /** written to /proc/self/timens_offsets after the time namespace is made (linux.timeOffsets) */
  timeOffsets?: string;
}
