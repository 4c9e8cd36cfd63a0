// cgroup v2 has no devices.allow/deny files: a BPF_PROG_TYPE_CGROUP_DEVICE
// program attached to the container's cgroup decides every open and mknod
// of a device node. This module turns the normalised access list
// (device-rules.ts) into that program's raw instructions; pure, no kernel.
//
// The kernel calls the program with a struct bpf_cgroup_dev_ctx:
//   u32 access_type  (access bits << 16) | device type
//   u32 major, u32 minor
// and lets the access through when it returns 1.
//
// Semantics, as the v1 devices controller applies the same list in order:
// the last rule that matches decides, nothing matching denies. An allow rule
// matches when it grants every access asked for (v1 needs one exception
// covering the whole request); a deny rule matches when it takes away any
// of them. A rule of type "a" matches every device and access (v1 writes it
// as a bare "a", whatever its access field says), so rules before it are
// never reached and not emitted.
import type { DeviceRule } from '../device-rules.js';

// <linux/bpf.h> values
export const BPF_DEVCG_ACC_MKNOD = 1;
export const BPF_DEVCG_ACC_READ = 2;
export const BPF_DEVCG_ACC_WRITE = 4;
export const BPF_DEVCG_DEV_BLOCK = 1;
export const BPF_DEVCG_DEV_CHAR = 2;

// Opcodes (class | op | source) of the few instructions the program needs.
const LDX_MEM_W = 0x61; // dst = *(u32 *)(src + off)
const MOV64_REG = 0xbf; // dst = src
const MOV64_IMM = 0xb7; // dst = imm
const AND64_IMM = 0x57; // dst &= imm
const RSH64_IMM = 0x77; // dst >>= imm
const JMP32_JNE_IMM = 0x56; // if (u32)dst != imm: pc += off
const JMP32_JEQ_IMM = 0x16; // if (u32)dst == imm: pc += off
const EXIT = 0x95; // return r0

// Registers: r1 holds the context on entry; r0 is the verdict.
const R0 = 0;
const R1 = 1;
const TYPE = 2; // device type
const ACCESS = 3; // access bits asked for
const MAJOR = 4;
const MINOR = 5;
const SCRATCH = 6;

export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

/** A jump to the next rule: its offset is filled in once the rule's length is known. */
const SKIP = Number.NaN;

function accessBits(access: string): number {
  let bits = 0;
  if (access.includes('m')) bits |= BPF_DEVCG_ACC_MKNOD;
  if (access.includes('r')) bits |= BPF_DEVCG_ACC_READ;
  if (access.includes('w')) bits |= BPF_DEVCG_ACC_WRITE;
  return bits;
}

const U32_MAX = 0xffffffff;

/** A major or minor no device can have (outside u32): such a rule matches nothing. */
function unmatchable(n: number): boolean {
  return n !== -1 && (!Number.isInteger(n) || n < 0 || n > U32_MAX);
}

/** The verdict of `rule` when its conditions hold, with jumps to SKIP otherwise. */
function ruleBlock(rule: DeviceRule): Insn[] {
  const out: Insn[] = [];
  if (rule.type !== 'a') {
    out.push(insn(JMP32_JNE_IMM, TYPE, 0, SKIP, rule.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    // imm is an s32: | 0 gives the same 32 bits for majors above 2^31
    if (rule.major !== -1) out.push(insn(JMP32_JNE_IMM, MAJOR, 0, SKIP, rule.major | 0));
    if (rule.minor !== -1) out.push(insn(JMP32_JNE_IMM, MINOR, 0, SKIP, rule.minor | 0));
    const bits = accessBits(rule.access);
    out.push(insn(MOV64_REG, SCRATCH, ACCESS, 0, 0));
    if (rule.allow) {
      // skip unless every bit asked for is granted: (asked & ~granted) == 0
      out.push(insn(AND64_IMM, SCRATCH, 0, 0, ~bits & 0x7));
      out.push(insn(JMP32_JNE_IMM, SCRATCH, 0, SKIP, 0));
    } else {
      // skip unless some bit asked for is denied: (asked & denied) != 0
      out.push(insn(AND64_IMM, SCRATCH, 0, 0, bits));
      out.push(insn(JMP32_JEQ_IMM, SCRATCH, 0, SKIP, 0));
    }
  }
  out.push(insn(MOV64_IMM, R0, 0, 0, rule.allow ? 1 : 0));
  out.push(insn(EXIT, 0, 0, 0, 0));
  // Every SKIP lands just past this block.
  return out.map((x, i) => (Number.isNaN(x.off) ? { ...x, off: out.length - i - 1 } : x));
}

/** The program for an access list, as instructions. */
export function deviceFilterInsns(rules: readonly DeviceRule[]): Insn[] {
  const out: Insn[] = [
    insn(LDX_MEM_W, TYPE, R1, 0, 0),
    insn(MOV64_REG, ACCESS, TYPE, 0, 0),
    insn(AND64_IMM, TYPE, 0, 0, 0xffff),
    insn(RSH64_IMM, ACCESS, 0, 0, 16),
    insn(LDX_MEM_W, MAJOR, R1, 4, 0),
    insn(LDX_MEM_W, MINOR, R1, 8, 0),
  ];
  let final = false;
  // Last rule first: the first block that matches returns.
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (rule.type !== 'a' && (unmatchable(rule.major) || unmatchable(rule.minor))) continue;
    out.push(...ruleBlock(rule));
    if (rule.type === 'a') {
      final = true;
      break;
    }
  }
  if (!final) out.push(insn(MOV64_IMM, R0, 0, 0, 0), insn(EXIT, 0, 0, 0, 0));
  return out;
}

/** struct bpf_insn[] as the kernel reads it (8 bytes each, little endian). */
export function encodeInsns(insns: readonly Insn[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * 8);
  const view = new DataView(bytes.buffer);
  insns.forEach((x, i) => {
    if (x.off < -32768 || x.off > 32767) throw new RangeError('device filter: jump too far');
    view.setUint8(i * 8, x.code);
    view.setUint8(i * 8 + 1, (x.src << 4) | x.dst);
    view.setInt16(i * 8 + 2, x.off, true);
    view.setInt32(i * 8 + 4, x.imm, true);
  });
  return bytes;
}

/** The program for an access list, ready for BPF_PROG_LOAD. */
export function deviceFilter(rules: readonly DeviceRule[]): Uint8Array {
  return encodeInsns(deviceFilterInsns(rules));
}
