// linux.seccomp -> the BPF program tsrun-init loads right before execve, and
// the seccomp(2) flags it loads it with.
//
// Two steps: normalizeSeccomp() is pure (names -> libseccomp numbers, every
// error a PlanError naming its JSON pointer, runc's rule semantics); the
// addon's compileSeccomp() then turns the result into BPF with libseccomp,
// in this process where allocation is allowed.
import { PlanError } from '../errors.js';
import { native, type Native } from '../native/index.js';
import type { Seccomp } from '../spec/types.js';
import type { Plan } from './types.js';

const AT = '/linux/seccomp';
const EPERM = 1;
const ENOSYS = 38;

/** libseccomp's SCMP_ACT_* values (seccomp.h); ERRNO and TRACE carry 16 bits of data. */
export const SCMP_ACT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  /** the syscall waits for the answer of the listener at linux.seccomp.listenerPath */
  NOTIFY: 0x7fc00000,
  ALLOW: 0x7fff0000,
} as const;

/** enum scmp_compare. */
export const SCMP_CMP: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/**
 * SCMP_ARCH_* tokens: the kernel's AUDIT_ARCH_* values, except X32, which
 * shares AUDIT_ARCH_X86_64 and gets a token of its own. The last four need
 * libseccomp 2.6; with an older one compileSeccomp refuses them.
 */
export const SCMP_ARCH: Record<string, number> = {
  SCMP_ARCH_X86: 0x40000003,
  SCMP_ARCH_X86_64: 0xc000003e,
  SCMP_ARCH_X32: 0x4000003e,
  SCMP_ARCH_ARM: 0x40000028,
  SCMP_ARCH_AARCH64: 0xc00000b7,
  SCMP_ARCH_MIPS: 0x00000008,
  SCMP_ARCH_MIPS64: 0x80000008,
  SCMP_ARCH_MIPS64N32: 0xa0000008,
  SCMP_ARCH_MIPSEL: 0x40000008,
  SCMP_ARCH_MIPSEL64: 0xc0000008,
  SCMP_ARCH_MIPSEL64N32: 0xe0000008,
  SCMP_ARCH_PPC: 0x00000014,
  SCMP_ARCH_PPC64: 0x80000015,
  SCMP_ARCH_PPC64LE: 0xc0000015,
  SCMP_ARCH_S390: 0x00000016,
  SCMP_ARCH_S390X: 0x80000016,
  SCMP_ARCH_PARISC: 0x0000000f,
  SCMP_ARCH_PARISC64: 0x8000000f,
  SCMP_ARCH_RISCV64: 0xc00000f3,
  SCMP_ARCH_LOONGARCH64: 0xc0000102,
  SCMP_ARCH_M68K: 0x00000004,
  SCMP_ARCH_SH: 0x4000002a,
  SCMP_ARCH_SHEB: 0x0000002a,
};

/** SECCOMP_FILTER_FLAG_* (linux/seccomp.h). */
export const SECCOMP_FILTER_FLAG: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};

/** Flags that only mean something with a notify listener (the kernel refuses them otherwise). */
const LISTENER_ONLY_FLAGS = SECCOMP_FILTER_FLAG.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV!;
/**
 * seccomp(2) returns a notify listener fd: set by tsrun itself, never from the
 * config, whenever a rule uses SCMP_ACT_NOTIFY. tsrun-init hands that fd over
 * when it sees this flag.
 */
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
const SECCOMP_FILTER_FLAG_TSYNC = SECCOMP_FILTER_FLAG.SECCOMP_FILTER_FLAG_TSYNC!;

/** Syscall arguments a rule can test (seccomp_data.args). */
const MAX_ARGS = 6;
const U64_MAX = (1n << 64n) - 1n;

export interface SeccompCondition {
  index: number;
  /** SCMP_CMP_* */
  op: number;
  /** the compared value; with SCMP_CMP_MASKED_EQ the mask */
  value: bigint;
  /** with SCMP_CMP_MASKED_EQ the value the masked argument must equal */
  valueTwo: bigint;
}

export interface SeccompRule {
  /** syscall names; ones libseccomp does not know are skipped, as runc does */
  names: string[];
  /** the full SCMP_ACT_* value (errno or trace data included) */
  action: number;
  /** ANDed; one rule never tests the same argument twice */
  args: SeccompCondition[];
  /** JSON pointer of the syscalls entry the rule comes from, for errors */
  pointer: string;
}

/** What the addon's compileSeccomp() consumes. */
export interface SeccompProgram {
  defaultAction: number;
  /** architectures besides the native one, which a filter always has */
  architectures: { token: number; pointer: string }[];
  rules: SeccompRule[];
  /**
   * When set, the program starts with a stub returning ENOSYS for syscall
   * numbers above the largest one these names have on each architecture:
   * syscalls newer than the profile fail the way an older kernel would
   * fail them, so programs fall back instead of seeing the default action.
   */
  enosysNames?: string[];
}

export interface NormalizedSeccomp {
  program: SeccompProgram;
  /** SECCOMP_FILTER_FLAG_* for seccomp(2); NEW_LISTENER when a rule notifies */
  flags: number;
}

function isAllowLike(action: number): boolean {
  // A tracer handles syscalls it does not know itself; ENOSYS would get in its way.
  const kind = (action & 0xffff0000) >>> 0;
  return kind === SCMP_ACT.ALLOW || kind === SCMP_ACT.LOG || kind === SCMP_ACT.TRACE;
}

/** Whether tsrun-init must hand a notify listener fd to linux.seccomp.listenerPath. */
export function hasSeccompListener(flags: number | undefined): boolean {
  return ((flags ?? 0) & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0;
}

function errnoData(value: unknown, pointer: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff)
    throw new PlanError(pointer, `must be an integer from 0 to 65535, not ${JSON.stringify(value)}`);
  return value;
}

/** The SCMP_ACT_* value of an OCI action name, with its errno return if any. */
export function seccompAction(name: unknown, errnoRet: unknown, pointer: string, errnoPointer: string): number {
  const withData = (base: number) => (base | (errnoRet === undefined || errnoRet === null ? EPERM : errnoData(errnoRet, errnoPointer))) >>> 0;
  let action: number;
  switch (name) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      action = SCMP_ACT.KILL_THREAD;
      break;
    case 'SCMP_ACT_KILL_PROCESS':
      action = SCMP_ACT.KILL_PROCESS;
      break;
    case 'SCMP_ACT_TRAP':
      action = SCMP_ACT.TRAP;
      break;
    case 'SCMP_ACT_ERRNO':
      return withData(SCMP_ACT.ERRNO);
    case 'SCMP_ACT_TRACE':
      return withData(SCMP_ACT.TRACE);
    case 'SCMP_ACT_LOG':
      action = SCMP_ACT.LOG;
      break;
    case 'SCMP_ACT_ALLOW':
      action = SCMP_ACT.ALLOW;
      break;
    case 'SCMP_ACT_NOTIFY':
      action = SCMP_ACT.NOTIFY;
      break;
    default:
      throw new PlanError(pointer, `unknown seccomp action ${JSON.stringify(name)}`);
  }
  if (errnoRet !== undefined && errnoRet !== null)
    throw new PlanError(errnoPointer, `is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not ${String(name)}`);
  return action;
}

/**
 * A uint64 from the config. JSON numbers above 2^53 arrive rounded; the one
 * that matters in practice, 2^64-1 (all bits), rounds to 2^64 and is taken back.
 */
function u64(value: unknown, pointer: string): bigint {
  let v: bigint | undefined;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isInteger(value)) v = value === 2 ** 64 ? U64_MAX : BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(value)) v = BigInt(value);
  if (v === undefined || v < 0n || v > U64_MAX) throw new PlanError(pointer, `must be an unsigned 64-bit integer, not ${JSON.stringify(String(value))}`);
  return v;
}

function condition(arg: unknown, pointer: string): SeccompCondition {
  if (typeof arg !== 'object' || arg === null) throw new PlanError(pointer, 'must be an object');
  const a = arg as Record<string, unknown>;
  const index = a.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_ARGS)
    throw new PlanError(`${pointer}/index`, `must be a syscall argument index from 0 to ${MAX_ARGS - 1}, not ${JSON.stringify(index)}`);
  const op = typeof a.op === 'string' ? SCMP_CMP[a.op] : undefined;
  if (op === undefined) throw new PlanError(`${pointer}/op`, `unknown seccomp operator ${JSON.stringify(a.op)}`);
  return {
    index,
    op,
    value: u64(a.value, `${pointer}/value`),
    valueTwo: a.valueTwo === undefined || a.valueTwo === null ? 0n : u64(a.valueTwo, `${pointer}/valueTwo`),
  };
}

/**
 * Validates linux.seccomp and resolves every name libseccomp would otherwise
 * have to: actions, operators, architectures, flags. Syscall names stay
 * strings (the addon resolves them). Throws PlanError naming the field.
 */
export function normalizeSeccomp(seccomp: Seccomp): NormalizedSeccomp {
  if (typeof seccomp !== 'object' || seccomp === null) throw new PlanError(AT, 'must be an object');
  const defaultAction = seccompAction(seccomp.defaultAction, seccomp.defaultErrnoRet, `${AT}/defaultAction`, `${AT}/defaultErrnoRet`);
  // Every syscall the runtime makes after the load, the hand-over of the
  // listener fd included, would wait for a listener that does not have it yet.
  if (defaultAction === SCMP_ACT.NOTIFY) throw new PlanError(`${AT}/defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');

  const architectures: SeccompProgram['architectures'] = [];
  (seccomp.architectures ?? []).forEach((name, i) => {
    const token = SCMP_ARCH[name];
    const pointer = `${AT}/architectures/${i}`;
    if (token === undefined) throw new PlanError(pointer, `unknown seccomp architecture ${JSON.stringify(name)}`);
    if (!architectures.some((a) => a.token === token)) architectures.push({ token, pointer });
  });

  let flags = 0;
  (seccomp.flags ?? []).forEach((name, i) => {
    const flag = SECCOMP_FILTER_FLAG[name];
    if (flag === undefined) throw new PlanError(`${AT}/flags/${i}`, `unknown seccomp flag ${JSON.stringify(name)}`);
    flags |= flag;
  });
  const rules: SeccompRule[] = [];
  const allNames = new Set<string>();
  (seccomp.syscalls ?? []).forEach((call, i) => {
    const pointer = `${AT}/syscalls/${i}`;
    if (typeof call !== 'object' || call === null) throw new PlanError(pointer, 'must be an object');
    if (!Array.isArray(call.names) || call.names.length === 0) throw new PlanError(`${pointer}/names`, 'must list at least one syscall');
    call.names.forEach((name, j) => {
      if (typeof name !== 'string' || name === '') throw new PlanError(`${pointer}/names/${j}`, 'a syscall name must be a non-empty string');
      allNames.add(name);
    });
    const action = seccompAction(call.action, call.errnoRet, `${pointer}/action`, `${pointer}/errnoRet`);
    // tsrun-init tells the runtime about the listener with write(2); that
    // call cannot wait for a listener that does not exist yet (runc's rule too).
    if (action === SCMP_ACT.NOTIFY && call.names.includes('write'))
      throw new PlanError(`${pointer}/names/${call.names.indexOf('write')}`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall: the runtime hands the listener over with it');
    const args = (call.args ?? []).map((a, k) => condition(a, `${pointer}/args/${k}`));
    // A rule with the default action changes nothing (and libseccomp refuses it).
    if (action === defaultAction) return;
    const names = [...new Set(call.names)];
    // Conditions on different arguments must all hold. Two conditions on the
    // same argument cannot both go in one libseccomp rule; then, as runc
    // does, every condition becomes a rule of its own and any one matches.
    const indexes = new Set(args.map((a) => a.index));
    if (indexes.size === args.length) {
      rules.push({ names, action, args, pointer });
    } else {
      for (const a of args) rules.push({ names, action, args: [a], pointer });
    }
  });

  if (rules.some((r) => r.action === SCMP_ACT.NOTIFY)) {
    const path = seccomp.listenerPath;
    if (typeof path !== 'string' || path === '')
      throw new PlanError(`${AT}/listenerPath`, 'is required with SCMP_ACT_NOTIFY: the runtime sends the notify fd to the socket it names');
    // TSYNC with a listener takes TSYNC_ESRCH as well; tsrun-init has one
    // thread, so there is nothing to synchronize anyway.
    flags = (flags & ~SECCOMP_FILTER_FLAG_TSYNC) | SECCOMP_FILTER_FLAG_NEW_LISTENER;
  } else {
    // WAIT_KILLABLE_RECV changes how a notify listener waits; without one
    // the kernel refuses it (EINVAL). listenerPath alone is ignored (spec).
    flags &= ~LISTENER_ONLY_FLAGS;
  }

  const program: SeccompProgram = { defaultAction, architectures, rules };
  const defaultIsEnosys = defaultAction === (SCMP_ACT.ERRNO | ENOSYS) >>> 0;
  if (!isAllowLike(defaultAction) && !defaultIsEnosys && allNames.size > 0) program.enosysNames = [...allNames];
  return { program, flags };
}

/** What the addon reports when libseccomp refuses part of a profile. */
interface CompileError extends Error {
  pointer?: string;
}

/**
 * linux.seccomp -> the plan's seccompBpf and seccompFlags (nothing when the
 * config has no seccomp section).
 */
export function planSeccomp(
  seccomp: Seccomp | undefined,
  compiler?: Pick<Native, 'compileSeccomp'>,
): Pick<Plan, 'seccompBpf' | 'seccompFlags'> {
  if (seccomp === undefined || seccomp === null) return {};
  const { program, flags } = normalizeSeccomp(seccomp);
  const c = compiler ?? native();
  let bpf: Uint8Array;
  try {
    bpf = c.compileSeccomp(program);
  } catch (e) {
    const err = e as CompileError;
    throw new PlanError(typeof err.pointer === 'string' && err.pointer ? err.pointer : AT, `seccomp: ${err.message}`);
  }
  return { seccompBpf: bpf, seccompFlags: flags };
}
