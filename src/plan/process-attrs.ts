// Scheduling and execution attributes of the container process: personality,
// I/O priority, scheduler, CPU affinity, NUMA memory policy and time
// namespace offsets, turned into the numbers the system calls take.
import { PlanError } from '../errors.js';
import type { Process, Spec } from '../spec/types.js';
import type { SchedulerPlan } from './types.js';

type Linux = NonNullable<Spec['linux']>;

/** personality(2) execution domains (linux/personality.h). */
export const PERSONALITY_DOMAINS: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };

/** ioprio classes (linux/ioprio.h); the value is class << 13 | level. */
export const IOPRIO_CLASSES: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };

/** sched_setattr(2) policies (linux/sched.h). SCHED_ISO is reserved, never implemented by Linux. */
export const SCHED_POLICIES: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};

export const SCHED_FLAGS: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

/** set_mempolicy(2) modes and mode flags (linux/mempolicy.h). */
export const MPOL_MODES: Record<string, number> = {
  MPOL_DEFAULT: 0, MPOL_PREFERRED: 1, MPOL_BIND: 2, MPOL_INTERLEAVE: 3, MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5, MPOL_WEIGHTED_INTERLEAVE: 6,
};
export const MPOL_FLAGS: Record<string, number> = {
  MPOL_F_STATIC_NODES: 1 << 15,
  MPOL_F_RELATIVE_NODES: 1 << 14,
  MPOL_F_NUMA_BALANCING: 1 << 13,
};

/** Clocks a time namespace offsets (time_namespaces(7)). */
export const TIME_CLOCKS = ['monotonic', 'boottime'];

/** The largest CPU or node number accepted in a list (the kernel's CONFIG_NR_CPUS tops out at 8192). */
const MAX_LIST_BIT = 8191;

/**
 * "0-3,7" -> a little-endian bitmask, 8-byte aligned (an unsigned long
 * array, as sched_setaffinity and set_mempolicy take it).
 */
export function parseIdList(list: string, pointer: string, what: string): Uint8Array {
  const ids: number[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new PlanError(pointer, `invalid ${what} list ${JSON.stringify(list)}: ${JSON.stringify(part)} is not a number or a range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new PlanError(pointer, `invalid ${what} list ${JSON.stringify(list)}: range ${part.trim()} runs backwards`);
    if (hi > MAX_LIST_BIT) throw new PlanError(pointer, `invalid ${what} list ${JSON.stringify(list)}: ${hi} is above ${MAX_LIST_BIT}`);
    for (let i = lo; i <= hi; i++) ids.push(i);
  }
  const max = Math.max(...ids);
  const bytes = new Uint8Array(Math.ceil((max + 1) / 64) * 8);
  for (const i of ids) bytes[i >> 3]! |= 1 << (i & 7);
  return bytes;
}

function flagMask(flags: string[] | undefined, known: Record<string, number>, pointer: string, what: string): number {
  let mask = 0;
  (flags ?? []).forEach((f, i) => {
    const bit = known[f];
    if (bit === undefined) throw new PlanError(`${pointer}/${i}`, `unknown ${what} ${f}`);
    mask |= bit;
  });
  return mask;
}

export interface ProcessAttrsPlan {
  /** ioprio_set(2) value: class << 13 | level */
  ioPriority?: number;
  scheduler?: SchedulerPlan;
  /** exec only: CPU masks for the joining process, early and right before execve */
  cpuAffinityInitial?: Uint8Array;
  cpuAffinityFinal?: Uint8Array;
}

export interface LinuxAttrsPlan {
  /** personality(2) persona */
  personality?: number;
  /** set_mempolicy(2): mode | mode flags, and the node mask */
  memoryPolicy?: { mode: number; nodes: Uint8Array };
  /** lines for /proc/self/timens_offsets */
  timeOffsets?: string;
}

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

function planScheduler(s: NonNullable<Process['scheduler']>): SchedulerPlan {
  const p = '/process/scheduler';
  if (s.policy === 'SCHED_ISO') throw new PlanError(`${p}/policy`, 'scheduler policy SCHED_ISO is not implemented by Linux');
  const policy = SCHED_POLICIES[s.policy];
  if (policy === undefined) throw new PlanError(`${p}/policy`, `unknown scheduler policy ${s.policy}`);
  const flags = flagMask(s.flags, SCHED_FLAGS, `${p}/flags`, 'scheduler flag');
  const nice = s.nice ?? 0;
  const priority = s.priority ?? 0;
  if (!isInt(nice) || nice < -20 || nice > 19) throw new PlanError(`${p}/nice`, `scheduler nice ${nice} is outside -20..19`);
  const realtime = s.policy === 'SCHED_FIFO' || s.policy === 'SCHED_RR';
  if (realtime) {
    if (!isInt(priority) || priority < 1 || priority > 99)
      throw new PlanError(`${p}/priority`, `scheduler priority ${priority} is outside 1..99, which ${s.policy} needs`);
  } else if (priority !== 0) {
    throw new PlanError(`${p}/priority`, `scheduler priority must be 0 for ${s.policy} (only SCHED_FIFO and SCHED_RR take one)`);
  }
  const runtime = s.runtime ?? 0;
  const deadline = s.deadline ?? 0;
  const period = s.period ?? 0;
  for (const [k, v] of [['runtime', runtime], ['deadline', deadline], ['period', period]] as const) {
    if (!isInt(v) || v < 0) throw new PlanError(`${p}/${k}`, `scheduler ${k} must be a non-negative integer`);
  }
  if (s.policy === 'SCHED_DEADLINE') {
    if (runtime === 0 || deadline === 0) throw new PlanError(p, 'SCHED_DEADLINE needs a runtime and a deadline');
    if (runtime > deadline) throw new PlanError(`${p}/runtime`, 'scheduler runtime must not exceed the deadline');
    if (period !== 0 && deadline > period) throw new PlanError(`${p}/deadline`, 'scheduler deadline must not exceed the period');
  } else {
    for (const [k, v] of [['runtime', runtime], ['deadline', deadline], ['period', period]] as const) {
      if (v !== 0) throw new PlanError(`${p}/${k}`, `scheduler ${k} only applies to SCHED_DEADLINE`);
    }
    for (const f of ['SCHED_FLAG_RECLAIM', 'SCHED_FLAG_DL_OVERRUN'])
      if (flags & SCHED_FLAGS[f]!) throw new PlanError(`${p}/flags`, `scheduler flag ${f} only applies to SCHED_DEADLINE`);
  }
  return { policy, flags, nice, priority, runtime: BigInt(runtime), deadline: BigInt(deadline), period: BigInt(period) };
}

/** process.ioPriority, process.scheduler, process.execCPUAffinity (create and exec alike). */
export function planProcessAttrs(process: Process): ProcessAttrsPlan {
  const out: ProcessAttrsPlan = {};
  if (process.ioPriority !== undefined) {
    const io = process.ioPriority;
    const cls = IOPRIO_CLASSES[io.class];
    if (cls === undefined) throw new PlanError('/process/ioPriority/class', `unknown ioPriority class ${io.class}`);
    const level = io.priority ?? 0;
    if (!isInt(level) || level < 0 || level > 7) throw new PlanError('/process/ioPriority/priority', `ioPriority priority ${level} is outside 0..7`);
    out.ioPriority = (cls << 13) | level;
  }
  if (process.scheduler !== undefined) out.scheduler = planScheduler(process.scheduler);
  const aff = process.execCPUAffinity;
  if (aff?.initial) out.cpuAffinityInitial = parseIdList(aff.initial, '/process/execCPUAffinity/initial', 'CPU');
  if (aff?.final) out.cpuAffinityFinal = parseIdList(aff.final, '/process/execCPUAffinity/final', 'CPU');
  return out;
}

/**
 * linux.personality, linux.memoryPolicy, linux.timeOffsets. `newTimeNs`:
 * the container gets a new time namespace (offsets need one).
 */
export function planLinuxAttrs(linux: Linux, newTimeNs: boolean): LinuxAttrsPlan {
  const out: LinuxAttrsPlan = {};
  if (linux.personality !== undefined) {
    const domain = PERSONALITY_DOMAINS[linux.personality.domain];
    if (domain === undefined) throw new PlanError('/linux/personality/domain', `unknown personality domain ${linux.personality.domain}`);
    // config-linux.md: "Currently no flag values are supported."
    (linux.personality.flags ?? []).forEach((f, i) => {
      throw new PlanError(`/linux/personality/flags/${i}`, `unsupported personality flag ${f}`);
    });
    out.personality = domain;
  }
  if (linux.memoryPolicy !== undefined) {
    const mp = linux.memoryPolicy;
    const p = '/linux/memoryPolicy';
    const mode = MPOL_MODES[mp.mode];
    if (mode === undefined) throw new PlanError(`${p}/mode`, `unknown memoryPolicy mode ${mp.mode}`);
    const flags = flagMask(mp.flags, MPOL_FLAGS, `${p}/flags`, 'memoryPolicy flag');
    const nodes = mp.nodes ? parseIdList(mp.nodes, `${p}/nodes`, 'memory node') : new Uint8Array(0);
    const noNodes = mp.mode === 'MPOL_DEFAULT' || mp.mode === 'MPOL_LOCAL';
    const needsNodes = ['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY'].includes(mp.mode);
    if (noNodes && nodes.length) throw new PlanError(`${p}/nodes`, `memoryPolicy mode ${mp.mode} takes no nodes`);
    if (noNodes && flags) throw new PlanError(`${p}/flags`, `memoryPolicy mode ${mp.mode} takes no flags`);
    if (needsNodes && !nodes.length) throw new PlanError(`${p}/nodes`, `memoryPolicy mode ${mp.mode} needs nodes`);
    if ((flags & MPOL_FLAGS.MPOL_F_STATIC_NODES!) && (flags & MPOL_FLAGS.MPOL_F_RELATIVE_NODES!))
      throw new PlanError(`${p}/flags`, 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other');
    out.memoryPolicy = { mode: mode | flags, nodes };
  }
  const offsets = Object.entries(linux.timeOffsets ?? {});
  if (offsets.length) {
    if (!newTimeNs) throw new PlanError('/linux/timeOffsets', 'timeOffsets need a new time namespace (a time entry in linux.namespaces without a path)');
    const lines: string[] = [];
    for (const [clock, o] of offsets) {
      const p = `/linux/timeOffsets/${clock.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!TIME_CLOCKS.includes(clock)) throw new PlanError(p, `unknown clock ${clock} (a time namespace offsets ${TIME_CLOCKS.join(' and ')})`);
      const secs = o.secs ?? 0;
      const ns = o.nanosecs ?? 0;
      if (!isInt(secs)) throw new PlanError(`${p}/secs`, 'secs must be an integer');
      if (!isInt(ns) || ns < 0 || ns > 999_999_999) throw new PlanError(`${p}/nanosecs`, 'nanosecs must be within 0..999999999');
      lines.push(`${clock} ${secs} ${ns}\n`);
    }
    out.timeOffsets = lines.join('');
  }
  return out;
}
