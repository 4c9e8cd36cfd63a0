// Unit tests for src/plan/seccomp.ts (linux.seccomp -> libseccomp input, and
// errors naming the config field) and, through the real addon, for the BPF
// that compileSeccomp produces: a small classic-BPF evaluator below runs the
// program over seccomp_data the way the kernel would.
import t, { type Test } from 'tap';

import { PlanError } from '../../src/errors.js';
import { native, type Native } from '../../src/native/index.js';
import { hasSeccompListener, normalizeSeccomp, planSeccomp, SCMP_ARCH, type SeccompProgram } from '../../src/plan/seccomp.js';
import type { Seccomp } from '../../src/spec/types.js';

// Values from <seccomp.h> / <linux/seccomp.h>, written out independently.
const ACT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0,
  TRAP: 0x00030000,
  ERRNO: (e: number) => (0x00050000 | e) >>> 0,
  TRACE: (e: number) => (0x7ff00000 | e) >>> 0,
  LOG: 0x7ffc0000,
  NOTIFY: 0x7fc00000,
  ALLOW: 0x7fff0000,
};
const NEW_LISTENER = 8;
const EPERM = 1;
const ENOSYS = 38;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_BIT = 0x40000000;
// x86-64 syscall numbers
const NR = { read: 0, socket: 41, getpid: 39, mkdir: 83, personality: 135, mkdirat: 258, close_range: 436, faccessat2: 439 };
const NR_I386 = { mkdir: 39, personality: 136 };

function planError(t: Test, fn: () => unknown, pointer: string, message?: RegExp) {
  try {
    fn();
    t.fail(`expected a PlanError at ${pointer}`);
  } catch (e) {
    t.type(e, PlanError);
    t.equal((e as PlanError).pointer, pointer, 'pointer');
    if (message) t.match((e as Error).message, message);
  }
}

const profile = (s: Partial<Seccomp>): Seccomp => ({ defaultAction: 'SCMP_ACT_ALLOW', ...s });

t.test('actions map to libseccomp values; errnoRet defaults to EPERM', async (t) => {
  const action = (name: string, errnoRet?: number) =>
    normalizeSeccomp(profile({ defaultAction: name, defaultErrnoRet: errnoRet })).program.defaultAction;
  t.equal(action('SCMP_ACT_KILL'), ACT.KILL_THREAD);
  t.equal(action('SCMP_ACT_KILL_THREAD'), ACT.KILL_THREAD);
  t.equal(action('SCMP_ACT_KILL_PROCESS'), ACT.KILL_PROCESS);
  t.equal(action('SCMP_ACT_TRAP'), ACT.TRAP);
  t.equal(action('SCMP_ACT_ERRNO'), ACT.ERRNO(EPERM));
  t.equal(action('SCMP_ACT_ERRNO', 38), ACT.ERRNO(38));
  t.equal(action('SCMP_ACT_ERRNO', 0), ACT.ERRNO(0), 'errnoRet 0 is kept');
  t.equal(action('SCMP_ACT_TRACE'), ACT.TRACE(EPERM));
  t.equal(action('SCMP_ACT_TRACE', 1234), ACT.TRACE(1234));
  t.equal(action('SCMP_ACT_LOG'), ACT.LOG);
  t.equal(action('SCMP_ACT_ALLOW'), ACT.ALLOW);
  const rule = normalizeSeccomp(profile({ syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] })).program.rules[0]!;
  t.equal(rule.action, ACT.ERRNO(38), 'a rule errnoRet');
});

t.test('errors name the JSON pointer of the field', async (t) => {
  planError(t, () => normalizeSeccomp(profile({ defaultAction: 'SCMP_ACT_NOPE' })), '/linux/seccomp/defaultAction', /unknown seccomp action/);
  planError(t, () => normalizeSeccomp(profile({ defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/run/a.sock' })), '/linux/seccomp/defaultAction', /SCMP_ACT_NOTIFY cannot be the default action/);
  planError(
    t,
    () => normalizeSeccomp(profile({ listenerPath: '/run/a.sock', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }, { names: ['mkdir', 'write'], action: 'SCMP_ACT_NOTIFY' }] })),
    '/linux/seccomp/syscalls/1/names/1',
    /SCMP_ACT_NOTIFY cannot be used for the write syscall/,
  );
  planError(
    t,
    () => normalizeSeccomp(profile({ syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] })),
    '/linux/seccomp/listenerPath',
    /is required with SCMP_ACT_NOTIFY/,
  );
  planError(t, () => normalizeSeccomp(profile({ listenerPath: '', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] })), '/linux/seccomp/listenerPath');
  planError(
    t,
    () => normalizeSeccomp(profile({ listenerPath: '/run/a.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY', errnoRet: 1 }] })),
    '/linux/seccomp/syscalls/0/errnoRet',
    /only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE/,
  );
  planError(t, () => normalizeSeccomp(profile({ syscalls: [{ names: ['read'], action: 'SCMP_ACT_FOO' }] })), '/linux/seccomp/syscalls/0/action', /"SCMP_ACT_FOO"/);
  planError(t, () => normalizeSeccomp(profile({ defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1 })), '/linux/seccomp/defaultErrnoRet', /SCMP_ACT_ERRNO or SCMP_ACT_TRACE/);
  planError(t, () => normalizeSeccomp(profile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 70000 })), '/linux/seccomp/defaultErrnoRet', /0 to 65535/);
  planError(
    t,
    () => normalizeSeccomp(profile({ syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] })),
    '/linux/seccomp/syscalls/0/errnoRet',
  );
  planError(
    t,
    () => normalizeSeccomp(profile({ architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_Z80'] })),
    '/linux/seccomp/architectures/1',
    /unknown seccomp architecture "SCMP_ARCH_Z80"/,
  );
  planError(t, () => normalizeSeccomp(profile({ flags: ['SECCOMP_FILTER_FLAG_NOPE'] })), '/linux/seccomp/flags/0', /unknown seccomp flag/);
  const withArg = (arg: Record<string, unknown>) =>
    profile({ syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }, { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, arg as never] }] });
  planError(t, () => normalizeSeccomp(withArg({ index: 1, value: 1, op: 'SCMP_CMP_XX' })), '/linux/seccomp/syscalls/1/args/1/op', /unknown seccomp operator/);
  planError(t, () => normalizeSeccomp(withArg({ index: 6, value: 1, op: 'SCMP_CMP_EQ' })), '/linux/seccomp/syscalls/1/args/1/index', /0 to 5/);
  planError(t, () => normalizeSeccomp(withArg({ index: 1, value: -1, op: 'SCMP_CMP_EQ' })), '/linux/seccomp/syscalls/1/args/1/value');
  planError(t, () => normalizeSeccomp(withArg({ index: 1, value: 1, valueTwo: 1.5, op: 'SCMP_CMP_MASKED_EQ' })), '/linux/seccomp/syscalls/1/args/1/valueTwo');
  planError(t, () => normalizeSeccomp(profile({ syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] })), '/linux/seccomp/syscalls/0/names');
  planError(t, () => normalizeSeccomp(profile({ syscalls: [{ names: ['read', ''], action: 'SCMP_ACT_ERRNO' }] })), '/linux/seccomp/syscalls/0/names/1');
});

t.test('rules: same-argument conditions become separate rules, as in runc', async (t) => {
  const { program } = normalizeSeccomp(
    profile({
      syscalls: [
        // different arguments: one rule, all conditions must hold
        { names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 2, value: 5, valueTwo: 4, op: 'SCMP_CMP_MASKED_EQ' }] },
        // the same argument twice: one rule per condition, any one matches
        { names: ['socket', 'socket'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }, { index: 0, value: 10, op: 'SCMP_CMP_EQ' }, { index: 1, value: 3, op: 'SCMP_CMP_GE' }] },
        // the default action: dropped (libseccomp refuses it)
        { names: ['read'], action: 'SCMP_ACT_ALLOW' },
        { names: ['unknown_syscall_xyz'], action: 'SCMP_ACT_LOG' },
      ],
    }),
  );
  t.same(program.rules, [
    {
      names: ['clone'],
      action: ACT.ERRNO(EPERM),
      args: [
        { index: 0, op: 4, value: 1n, valueTwo: 0n },
        { index: 2, op: 7, value: 5n, valueTwo: 4n },
      ],
      pointer: '/linux/seccomp/syscalls/0',
    },
    { names: ['socket'], action: ACT.KILL_THREAD, args: [{ index: 0, op: 4, value: 2n, valueTwo: 0n }], pointer: '/linux/seccomp/syscalls/1' },
    { names: ['socket'], action: ACT.KILL_THREAD, args: [{ index: 0, op: 4, value: 10n, valueTwo: 0n }], pointer: '/linux/seccomp/syscalls/1' },
    { names: ['socket'], action: ACT.KILL_THREAD, args: [{ index: 1, op: 5, value: 3n, valueTwo: 0n }], pointer: '/linux/seccomp/syscalls/1' },
    { names: ['unknown_syscall_xyz'], action: ACT.LOG, args: [], pointer: '/linux/seccomp/syscalls/3' },
  ]);
  const ops = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
  const args = ops.map((op, i) => ({ index: i % 6, value: i, op }));
  const all = normalizeSeccomp(profile({ syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: args.slice(0, 6) }] })).program.rules;
  t.same(all[0]!.args.map((a) => a.op), [1, 2, 3, 4, 5, 6], 'operators NE..GT are 1..6');
  const masked = normalizeSeccomp(profile({ syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [args[6]!] }] })).program.rules;
  t.equal(masked[0]!.args[0]!.op, 7, 'MASKED_EQ is 7');
});

t.test('64-bit values', async (t) => {
  const value = (v: unknown) =>
    normalizeSeccomp(profile({ syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: v as number, op: 'SCMP_CMP_EQ' }] }] }))
      .program.rules[0]!.args[0]!.value;
  t.equal(value(0), 0n);
  t.equal(value(4294967295), 0xffffffffn);
  t.equal(value(2 ** 64), 0xffffffffffffffffn, 'JSON 18446744073709551615 (parsed as 2^64) is all ones');
  t.equal(value(0x1234567890abcdefn), 0x1234567890abcdefn, 'a BigInt');
  t.equal(value('0xffffffffffffffff'), 0xffffffffffffffffn, 'a hex string');
  t.throws(() => value(2 ** 65), PlanError);
});

t.test('architectures, flags and the ENOSYS stub request', async (t) => {
  const n = normalizeSeccomp(
    profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_X86'],
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['write', 'ptrace'], action: 'SCMP_ACT_ERRNO' }],
    }),
  );
  t.same(n.program.architectures, [
    { token: 0xc000003e, pointer: '/linux/seccomp/architectures/0' },
    { token: 0x40000003, pointer: '/linux/seccomp/architectures/1' },
    { token: 0x4000003e, pointer: '/linux/seccomp/architectures/2' },
  ], 'tokens, duplicates dropped');
  t.equal(n.flags, 1 | 2 | 4, 'TSYNC|LOG|SPEC_ALLOW');
  t.same(n.program.enosysNames, ['read', 'write', 'ptrace'], 'every name bounds the stub, even those of dropped rules');
  t.equal(SCMP_ARCH.SCMP_ARCH_AARCH64, 0xc00000b7);
  t.equal(SCMP_ARCH.SCMP_ARCH_RISCV64, 0xc00000f3);
  t.equal(SCMP_ARCH.SCMP_ARCH_S390X, 0x80000016);
  t.equal(SCMP_ARCH.SCMP_ARCH_MIPSEL64N32, 0xe0000008);

  t.equal(normalizeSeccomp(profile({ flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] })).flags, 0, 'WAIT_KILLABLE_RECV needs a listener: not passed');
  t.equal(normalizeSeccomp(profile({ listenerPath: '/run/a.sock' })).flags, 0, 'listenerPath without a NOTIFY rule: ignored, no listener');
  const stub = (s: Partial<Seccomp>) => normalizeSeccomp(profile({ syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL' }], ...s })).program.enosysNames;
  t.equal(stub({ defaultAction: 'SCMP_ACT_ALLOW' }), undefined, 'none when the default allows');
  t.equal(stub({ defaultAction: 'SCMP_ACT_LOG' }), undefined, 'none when the default logs');
  t.equal(stub({ defaultAction: 'SCMP_ACT_TRACE' }), undefined, 'none when a tracer decides');
  t.equal(stub({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: ENOSYS }), undefined, 'none when the default is ENOSYS already');
  t.same(stub({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }), ['read']);
  t.same(stub({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }), ['read']);
});

t.test('SCMP_ACT_NOTIFY: a rule action; the filter gets a listener (NEW_LISTENER), TSYNC goes, WAIT_KILLABLE_RECV stays', async (t) => {
  const n = normalizeSeccomp(
    profile({
      listenerPath: '/run/agent.sock',
      listenerMetadata: 'x',
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }, { names: ['getpid'], action: 'SCMP_ACT_ERRNO' }],
    }),
  );
  t.equal(n.program.rules[0]!.action, ACT.NOTIFY);
  t.equal(n.flags, NEW_LISTENER | 2 | 32, 'NEW_LISTENER|LOG|WAIT_KILLABLE_RECV, without TSYNC (tsrun-init has one thread)');
  t.ok(hasSeccompListener(n.flags));
  t.notOk(hasSeccompListener(normalizeSeccomp(profile({ syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] })).flags));
  t.notOk(hasSeccompListener(undefined));
});

t.test('planSeccomp: nothing without a profile; the compiler behind the facade; its errors as PlanErrors', async (t) => {
  let calls = 0;
  const fake = (fn: (p: SeccompProgram) => Uint8Array): Pick<Native, 'compileSeccomp'> => ({
    compileSeccomp: (p) => {
      calls++;
      return fn(p as SeccompProgram);
    },
  });
  t.same(planSeccomp(undefined, fake(() => new Uint8Array(8))), {});
  t.equal(calls, 0, 'no compile without linux.seccomp');

  const bpf = new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]);
  let seen: SeccompProgram | undefined;
  const out = planSeccomp(
    profile({ flags: ['SECCOMP_FILTER_FLAG_LOG'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }),
    fake((p) => {
      seen = p;
      return bpf;
    }),
  );
  t.same(out, { seccompBpf: bpf, seccompFlags: 2 });
  t.equal(seen?.defaultAction, ACT.ALLOW);

  const failing = fake(() => {
    throw Object.assign(new Error('architecture not supported by libseccomp 2.5.4: invalid argument'), { pointer: '/linux/seccomp/architectures/0' });
  });
  planError(t, () => planSeccomp(profile({ architectures: ['SCMP_ARCH_LOONGARCH64'] }), failing), '/linux/seccomp/architectures/0', /^config\.json: \/linux\/seccomp\/architectures\/0: seccomp: architecture not supported/);
  const anonymous = fake(() => {
    throw new Error('boom');
  });
  planError(t, () => planSeccomp(profile({}), anonymous), '/linux/seccomp', /seccomp: boom/);
});

// ---------------------------------------------------------------------------
// The compiled program, run through a classic-BPF evaluator

interface SeccompData {
  nr: number;
  arch?: number;
  args?: bigint[];
}

function evaluate(bpf: Uint8Array, d: SeccompData): number {
  const view = new DataView(bpf.buffer, bpf.byteOffset, bpf.byteLength);
  const data = new DataView(new ArrayBuffer(64));
  data.setInt32(0, d.nr, true);
  data.setUint32(4, d.arch ?? AUDIT_ARCH_X86_64, true);
  (d.args ?? []).forEach((a, i) => data.setBigUint64(16 + 8 * i, a, true));
  let a = 0;
  let x = 0;
  const n = bpf.byteLength / 8;
  for (let pc = 0; pc < n; pc++) {
    const code = view.getUint16(pc * 8, true);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, true);
    const src = code & 0x08 ? x : k;
    switch (code & 0x07) {
      case 0x00: // BPF_LD
        if (code === 0x20) a = data.getUint32(k, true); // W|ABS
        else if (code === 0x00) a = k; // IMM
        else throw new Error(`unmodelled ld ${code.toString(16)}`);
        break;
      case 0x04: // BPF_ALU
        if ((code & 0xf0) === 0x50) a = (a & src) >>> 0;
        else throw new Error(`unmodelled alu ${code.toString(16)}`);
        break;
      case 0x05: {
        // BPF_JMP
        const op = code & 0xf0;
        if (op === 0x00) {
          pc += k;
          break;
        }
        const taken = op === 0x10 ? a === src : op === 0x20 ? a > src : op === 0x30 ? a >= src : op === 0x40 ? (a & src) !== 0 : undefined;
        if (taken === undefined) throw new Error(`unmodelled jmp ${code.toString(16)}`);
        pc += taken ? jt : jf;
        break;
      }
      case 0x06: // BPF_RET
        return (code & 0x18) === 0x10 ? a : k;
      case 0x07: // BPF_MISC
        if (code === 0x07) x = a;
        else a = x;
        break;
      default:
        throw new Error(`unmodelled class ${code.toString(16)}`);
    }
  }
  throw new Error('ran off the end of the program');
}

function nativeCompiler(): Native | undefined {
  try {
    const n = native();
    return typeof n.compileSeccomp === 'function' ? n : undefined;
  } catch {
    return undefined;
  }
}

const addon = nativeCompiler();
const x64 = process.arch === 'x64';
const skip = !addon ? 'the native addon is not built' : !x64 ? 'syscall numbers here are x86-64 ones' : false;

t.test('compiled: ERRNO rules, errnoRet and unknown names', { skip }, async (t) => {
  const { seccompBpf: bpf } = planSeccomp(
    profile({
      syscalls: [
        { names: ['mkdir', 'no_such_syscall_at_all'], action: 'SCMP_ACT_ERRNO' },
        { names: ['mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
        { names: ['getpid'], action: 'SCMP_ACT_KILL_PROCESS' },
      ],
    }),
  );
  t.ok(bpf && bpf.byteLength % 8 === 0 && bpf.byteLength > 0, 'whole sock_filter instructions');
  t.equal(evaluate(bpf!, { nr: NR.mkdir }), ACT.ERRNO(EPERM));
  t.equal(evaluate(bpf!, { nr: NR.mkdirat }), ACT.ERRNO(ENOSYS));
  t.equal(evaluate(bpf!, { nr: NR.getpid }), ACT.KILL_PROCESS);
  t.equal(evaluate(bpf!, { nr: NR.read }), ACT.ALLOW);
  t.equal(evaluate(bpf!, { nr: 12345 }), ACT.ALLOW, 'no stub when the default allows');
});

t.test('compiled: SCMP_ACT_NOTIFY returns SECCOMP_RET_USER_NOTIF', { skip }, async (t) => {
  const { seccompBpf: bpf, seccompFlags } = planSeccomp(profile({ listenerPath: '/run/a.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }));
  t.equal(evaluate(bpf!, { nr: NR.mkdir }), 0x7fc00000);
  t.equal(evaluate(bpf!, { nr: NR.mkdirat }), ACT.ALLOW);
  t.equal(seccompFlags, NEW_LISTENER);
});

t.test('compiled: argument conditions', { skip }, async (t) => {
  const { seccompBpf: bpf } = planSeccomp(
    profile({
      syscalls: [
        // AF_INET or AF_INET6 (same argument twice: either one)
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }, { index: 0, value: 10, op: 'SCMP_CMP_EQ' }] },
        // personality(0xffffffff) only (a query)
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] },
        // mkdir with (mode & 0o7000) == 0o4000, and a path argument above 4096
        { names: ['mkdir'], action: 'SCMP_ACT_TRAP', args: [{ index: 1, value: 0o7000, valueTwo: 0o4000, op: 'SCMP_CMP_MASKED_EQ' }, { index: 0, value: 4096, op: 'SCMP_CMP_GT' }] },
      ],
    }),
  );
  const run = (nr: number, ...args: bigint[]) => evaluate(bpf!, { nr, args });
  t.equal(run(NR.socket, 2n), ACT.ERRNO(EPERM), 'socket(AF_INET)');
  t.equal(run(NR.socket, 10n), ACT.ERRNO(EPERM), 'socket(AF_INET6)');
  t.equal(run(NR.socket, 1n), ACT.ALLOW, 'socket(AF_UNIX)');
  t.equal(run(NR.personality, 0xffffffffn), ACT.ERRNO(22));
  t.equal(run(NR.personality, 8n), ACT.ALLOW);
  t.equal(run(NR.mkdir, 0x10000n, 0o4755n), ACT.TRAP, 'both conditions hold');
  t.equal(run(NR.mkdir, 0x10000n, 0o755n), ACT.ALLOW, 'the masked one does not');
  t.equal(run(NR.mkdir, 100n, 0o4755n), ACT.ALLOW, 'the other one does not');
});

t.test('compiled: a default-deny profile with an ENOSYS stub', { skip }, async (t) => {
  const { seccompBpf: bpf } = planSeccomp(
    profile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: ['read', 'mkdir', 'personality'], action: 'SCMP_ACT_ALLOW' },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO' },
      ],
    }),
  );
  t.equal(evaluate(bpf!, { nr: NR.read }), ACT.ALLOW);
  t.equal(evaluate(bpf!, { nr: NR.getpid }), ACT.ERRNO(EPERM), 'unlisted, older than the profile: the default action');
  t.equal(evaluate(bpf!, { nr: NR.personality }), ACT.ALLOW, 'the largest listed number');
  t.equal(evaluate(bpf!, { nr: NR.personality + 1 }), ACT.ERRNO(ENOSYS), 'newer than the profile: ENOSYS');
  t.equal(evaluate(bpf!, { nr: NR.faccessat2 }), ACT.ERRNO(ENOSYS));
  t.equal(evaluate(bpf!, { nr: NR_I386.mkdir, arch: AUDIT_ARCH_I386 }), ACT.ALLOW, 'i386 has its own numbers');
  t.equal(evaluate(bpf!, { nr: NR_I386.personality + 1, arch: AUDIT_ARCH_I386 }), ACT.ERRNO(ENOSYS));
  t.equal(evaluate(bpf!, { nr: X32_BIT | NR.read }), ACT.ALLOW, 'x32 read');
  t.equal(evaluate(bpf!, { nr: (X32_BIT | 500) >>> 0 }), ACT.ERRNO(ENOSYS), 'x32 beyond its largest');

  const noArches = planSeccomp(profile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] })).seccompBpf!;
  t.equal(evaluate(noArches, { nr: 1 }), ACT.ERRNO(ENOSYS), 'the native architecture always gets the stub');
  t.equal(evaluate(noArches, { nr: 0 }), ACT.ALLOW);
  t.equal(evaluate(noArches, { nr: 0, arch: AUDIT_ARCH_I386 }), ACT.KILL_THREAD, 'an architecture outside the filter: libseccomp kills the thread');
});

t.test('compiled: the JSON text gives the same program as the object', { skip }, async (t) => {
  const { program } = normalizeSeccomp(
    profile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 3, op: 'SCMP_CMP_LE' }] }] }),
  );
  const json = JSON.stringify(program, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  t.same([...addon!.compileSeccomp(json)], [...addon!.compileSeccomp(program)]);
});

t.test('compiled: libseccomp refusals name the field', { skip }, async (t) => {
  // libseccomp 2.5 does not know LoongArch; 2.6 does.
  try {
    planSeccomp(profile({ architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_LOONGARCH64'] }));
    t.pass('this libseccomp knows LoongArch');
  } catch (e) {
    t.type(e, PlanError);
    t.equal((e as PlanError).pointer, '/linux/seccomp/architectures/1');
    t.match((e as Error).message, /architecture not supported by libseccomp/);
  }
  t.throws(() => addon!.compileSeccomp({ defaultAction: 'x' }), TypeError, 'malformed input is a TypeError');
});
