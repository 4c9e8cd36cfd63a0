// Unit tests for src/cgroups/v2/device-filter.ts: the instructions of the
// cgroup v2 device program. A small interpreter of the instructions the
// emitter uses runs the encoded bytes against device accesses, and its
// verdicts are compared with a direct reading of the access list (the v1
// devices controller's semantics). The kernel side is tested for real in
// cgroup-v2-live.test.ts.
import t from 'tap';

import { DEFAULT_ALLOWED, type DeviceRule, deviceRules } from '../../src/cgroups/device-rules.js';
import { BPF_DEVCG_ACC_MKNOD, BPF_DEVCG_ACC_READ, BPF_DEVCG_ACC_WRITE, BPF_DEVCG_DEV_BLOCK, BPF_DEVCG_DEV_CHAR, deviceFilter, deviceFilterInsns, encodeInsns } from '../../src/cgroups/v2/device-filter.js';

interface Access {
  type: 'c' | 'b';
  major: number;
  minor: number;
  /** some of "mrw" */
  access: string;
}

const bits = (a: string) => (a.includes('m') ? BPF_DEVCG_ACC_MKNOD : 0) | (a.includes('r') ? BPF_DEVCG_ACC_READ : 0) | (a.includes('w') ? BPF_DEVCG_ACC_WRITE : 0);

/**
 * Runs the program bytes on one access as the kernel would, for the
 * opcodes the emitter uses; anything else fails the test. Returns r0.
 */
function run(prog: Uint8Array, a: Access): number {
  const view = new DataView(prog.buffer, prog.byteOffset, prog.byteLength);
  const ctx = [((bits(a.access) << 16) | (a.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR)) >>> 0, a.major >>> 0, a.minor >>> 0];
  const r = new Array<bigint>(11).fill(0n);
  const CTX = 0x1000n; // r1: a pointer the loads may use
  r[1] = CTX;
  const U64 = (1n << 64n) - 1n;
  let pc = 0;
  for (let steps = 0; steps < 10000; steps++) {
    if (pc < 0 || pc * 8 >= prog.length) throw new Error(`pc ${pc} out of the program`);
    const code = view.getUint8(pc * 8);
    const regs = view.getUint8(pc * 8 + 1);
    const dst = regs & 0xf;
    const src = regs >> 4;
    const off = view.getInt16(pc * 8 + 2, true);
    const imm = view.getInt32(pc * 8 + 4, true);
    const immU64 = BigInt.asUintN(64, BigInt(imm)); // sign-extended, as ALU64 does
    pc++;
    switch (code) {
      case 0x61: {
        const field = Number(r[src]! - CTX + BigInt(off)) / 4;
        if (!Number.isInteger(field) || field < 0 || field > 2) throw new Error(`bad load at offset ${off}`);
        r[dst] = BigInt(ctx[field]!);
        break;
      }
      case 0xbf:
        r[dst] = r[src]!;
        break;
      case 0xb7:
        r[dst] = immU64;
        break;
      case 0x57:
        r[dst] = r[dst]! & immU64;
        break;
      case 0x77:
        r[dst] = (r[dst]! >> BigInt(imm)) & U64;
        break;
      case 0x56: // JMP32 JNE
        if (BigInt.asUintN(32, r[dst]!) !== BigInt.asUintN(32, BigInt(imm))) pc += off;
        break;
      case 0x16: // JMP32 JEQ
        if (BigInt.asUintN(32, r[dst]!) === BigInt.asUintN(32, BigInt(imm))) pc += off;
        break;
      case 0x95:
        return Number(r[0]);
      default:
        throw new Error(`unexpected opcode 0x${code.toString(16)}`);
    }
  }
  throw new Error('no exit');
}

/** The verdict read straight off the list: the last matching rule decides. */
function expected(rules: readonly DeviceRule[], a: Access): number {
  const want = bits(a.access);
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (rule.type === 'a') return rule.allow ? 1 : 0;
    if (rule.type !== a.type) continue;
    if (rule.major !== -1 && rule.major !== a.major) continue;
    if (rule.minor !== -1 && rule.minor !== a.minor) continue;
    const have = bits(rule.access);
    if (rule.allow && (want & ~have) === 0) return 1;
    if (!rule.allow && (want & have) !== 0) return 0;
  }
  return 0;
}

const rule = (allow: boolean, type: 'a' | 'c' | 'b', major: number, minor: number, access = 'rwm'): DeviceRule => ({ allow, type, major, minor, access });

t.test('instruction encoding: 8 little-endian bytes each, registers packed src<<4|dst', async (t) => {
  const bytes = encodeInsns([{ code: 0x61, dst: 2, src: 1, off: 4, imm: 0 }, { code: 0xb7, dst: 0, src: 0, off: 0, imm: -1 }]);
  t.same([...bytes], [0x61, 0x12, 4, 0, 0, 0, 0, 0, 0xb7, 0x00, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  t.throws(() => encodeInsns([{ code: 0x05, dst: 0, src: 0, off: 40000, imm: 0 }]), RangeError, 'a jump past 16 bits is refused');
});

t.test('an empty list denies everything; "a" allow allows everything', async (t) => {
  const deny = deviceFilter([]);
  t.equal(run(deny, { type: 'c', major: 1, minor: 3, access: 'r' }), 0);
  t.equal(run(deny, { type: 'b', major: 8, minor: 0, access: 'm' }), 0);
  const all = deviceFilter([rule(true, 'a', -1, -1)]);
  t.equal(run(all, { type: 'b', major: 8, minor: 0, access: 'rw' }), 1);
  t.equal(deviceFilterInsns([rule(true, 'a', -1, -1)]).length, 8, 'six loads, then the verdict: no default tail after an "a" rule');
});

t.test('rules before a final "a" rule are not emitted (never reached)', async (t) => {
  const short = deviceFilterInsns([rule(true, 'c', 1, 3), rule(false, 'a', -1, -1)]);
  t.same(short, deviceFilterInsns([rule(false, 'a', -1, -1)]));
});

t.test('the usual container list: deny all, then the defaults (runc order)', async (t) => {
  const rules = deviceRules([{ allow: false, access: 'rwm' }], [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }]);
  const prog = deviceFilter(rules);
  const cases: [Access, number, string][] = [
    [{ type: 'c', major: 1, minor: 3, access: 'rw' }, 1, '/dev/null read+write'],
    [{ type: 'c', major: 1, minor: 9, access: 'r' }, 1, '/dev/urandom'],
    [{ type: 'c', major: 136, minor: 7, access: 'rw' }, 1, 'a pty slave (136:*)'],
    [{ type: 'c', major: 10, minor: 229, access: 'rw' }, 1, 'a device of linux.devices'],
    [{ type: 'c', major: 1, minor: 1, access: 'r' }, 0, '/dev/mem denied'],
    [{ type: 'b', major: 8, minor: 0, access: 'r' }, 0, 'a disk denied'],
    [{ type: 'b', major: 8, minor: 0, access: 'm' }, 1, 'mknod of anything is allowed (c *:* m, b *:* m)'],
    [{ type: 'c', major: 1, minor: 1, access: 'm' }, 1, 'mknod of /dev/mem too'],
  ];
  for (const [a, verdict, what] of cases) t.equal(run(prog, a), verdict, what);
});

t.test('access: an allow rule must cover the whole request, a deny rule takes any part', async (t) => {
  const allowR = deviceFilter([rule(true, 'c', 1, 5, 'r')]);
  t.equal(run(allowR, { type: 'c', major: 1, minor: 5, access: 'r' }), 1, 'read allowed');
  t.equal(run(allowR, { type: 'c', major: 1, minor: 5, access: 'w' }), 0, 'write not');
  t.equal(run(allowR, { type: 'c', major: 1, minor: 5, access: 'rw' }), 0, 'read+write not');
  const denyW = deviceFilter([rule(true, 'a', -1, -1), rule(false, 'c', 1, 5, 'w')]);
  t.equal(run(denyW, { type: 'c', major: 1, minor: 5, access: 'r' }), 1, 'read still allowed');
  t.equal(run(denyW, { type: 'c', major: 1, minor: 5, access: 'rw' }), 0, 'read+write denied: the write part is');
  t.equal(run(denyW, { type: 'b', major: 1, minor: 5, access: 'w' }), 1, 'the block device with the same numbers is another device');
});

t.test('wildcards: any major, any minor', async (t) => {
  const prog = deviceFilter([rule(true, 'c', -1, 7), rule(true, 'b', 7, -1, 'r')]);
  t.equal(run(prog, { type: 'c', major: 99, minor: 7, access: 'rw' }), 1);
  t.equal(run(prog, { type: 'c', major: 99, minor: 8, access: 'rw' }), 0);
  t.equal(run(prog, { type: 'b', major: 7, minor: 12345, access: 'r' }), 1);
  t.equal(run(prog, { type: 'b', major: 7, minor: 12345, access: 'w' }), 0);
});

t.test('numbers above 2^31 compare as u32; numbers no device has match nothing', async (t) => {
  const big = deviceFilter([rule(true, 'c', 0xfffffff0, 0x80000001)]);
  t.equal(run(big, { type: 'c', major: 0xfffffff0, minor: 0x80000001, access: 'r' }), 1);
  t.equal(run(big, { type: 'c', major: 0x7ffffff0, minor: 0x80000001, access: 'r' }), 0);
  const huge = deviceFilterInsns([rule(true, 'c', 2 ** 40, 1)]);
  t.same(huge, deviceFilterInsns([]), 'a major beyond u32 is left out');
});

t.test('random lists agree with the last-match reading, access by access', async (t) => {
  // A small deterministic generator: the same cases every run.
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]) => xs[next(xs.length)]!;
  const accesses = ['r', 'w', 'm', 'rw', 'rm', 'wm', 'rwm'];
  let mismatches = 0;
  let checked = 0;
  for (let round = 0; round < 300; round++) {
    const rules: DeviceRule[] = [];
    const n = next(8);
    for (let i = 0; i < n; i++) {
      const type = pick(['c', 'c', 'b', 'a'] as const);
      rules.push(rule(next(2) === 0, type, pick([-1, 1, 2]), pick([-1, 3, 5]), pick(accesses)));
    }
    if (next(3) === 0) rules.push(...DEFAULT_ALLOWED);
    const prog = deviceFilter(rules);
    for (const type of ['c', 'b'] as const) {
      for (const major of [1, 2, 9]) {
        for (const minor of [3, 5, 8]) {
          for (const access of accesses) {
            const a = { type, major, minor, access };
            checked++;
            if (run(prog, a) !== expected(rules, a)) mismatches++;
          }
        }
      }
    }
  }
  t.equal(mismatches, 0, `${checked} accesses, no mismatch`);
});
