// Number and line formats shared by the cgroup v1 and v2 statistics files.
// Every counter is an unsigned 64-bit value: kept as a bigint, because the
// kernel prints values (9223372036854771712 for "no limit" on v1, or
// 18446744073709551615) that a JavaScript number cannot hold exactly.

export const MAX_U64 = (1n << 64n) - 1n;
export const MAX_I64 = (1n << 63n) - 1n;

/** A file whose content does not have the expected format; the reader adds the path. */
export class StatsFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StatsFormatError';
  }
}

/**
 * An unsigned decimal, as the kernel prints counters. A negative number
 * (some kernels briefly report a counter below zero) reads as 0.
 */
export function parseUint(s: string): bigint {
  if (/^[0-9]+$/.test(s)) {
    const v = BigInt(s);
    if (v > MAX_U64) throw new StatsFormatError(`value out of range: ${JSON.stringify(s)}`);
    return v;
  }
  if (/^-[0-9]*[1-9][0-9]*$/.test(s)) return 0n;
  throw new StatsFormatError(`invalid number: ${JSON.stringify(s)}`);
}

/** A single-value file: "max" is the largest value (no limit). */
export function parseParamUint(text: string): bigint {
  const s = text.trim();
  return s === 'max' ? MAX_U64 : parseUint(s);
}

/** A single signed value (cpuset.sched_relax_domain_level is -1 by default). */
export function parseParamInt(text: string): bigint {
  const s = text.trim();
  if (s === 'max') return MAX_I64;
  if (!/^[+-]?[0-9]+$/.test(s)) throw new StatsFormatError(`invalid number: ${JSON.stringify(s)}`);
  const v = BigInt(s);
  if (v > MAX_I64 || v < -MAX_I64 - 1n) throw new StatsFormatError(`value out of range: ${JSON.stringify(s)}`);
  return v;
}

/** The lines of a file, without the newline that ends the last one. */
export function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * A "key value" file (memory.stat, cpu.stat), every line exactly one key,
 * one space and a number. Keys keep their order of appearance.
 */
export function parseKeyValues(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of lines(text)) {
    const parts = line.split(' ');
    if (parts.length !== 2) throw new StatsFormatError(`line ${JSON.stringify(line)} is not in key value format`);
    out.set(parts[0]!, parseUint(parts[1]!));
  }
  return out;
}

/** One key of a flat keyed file (memory.events, hugetlb.*.events); 0 when absent. */
export function valueByKey(text: string, key: string): bigint {
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts.length === 2 && parts[0] === key) return parseUint(parts[1]!);
  }
  return 0n;
}

/** Like valueByKey, but undefined when the key is not in the file. */
export function maybeValueByKey(text: string, key: string): bigint | undefined {
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts.length === 2 && parts[0] === key) return parseUint(parts[1]!);
  }
  return undefined;
}

/** A cpu or memory-node list ("0-3,8,10-11") as its numbers. */
export function parseCpuList(text: string): number[] {
  const s = text.trim();
  if (s === '') throw new StatsFormatError('empty file');
  const out: number[] = [];
  const u16 = (v: string): number => {
    if (!/^[0-9]+$/.test(v) || Number(v) > 0xffff) throw new StatsFormatError(`invalid number: ${JSON.stringify(v)}`);
    return Number(v);
  };
  for (const part of s.split(',')) {
    const range = part.split('-');
    if (range.length > 2) throw new StatsFormatError('extra dash');
    if (range.length === 2) {
      const lo = u16(range[0]!);
      const hi = u16(range[1]!);
      if (lo > hi) throw new StatsFormatError('invalid values, min > max');
      for (let i = lo; i <= hi; i++) out.push(i);
    } else {
      out.push(u16(part));
    }
  }
  return out;
}

/**
 * Names of /sys/kernel/mm/hugepages entries ("hugepages-2048kB") as the
 * page sizes cgroup files use ("2MB", "1GB", "64KB"), in the given order.
 */
export function hugePageSizesFromNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const m = /^hugepages-([0-9]+)kB$/.exec(name);
    if (!m) continue;
    const kb = Number(m[1]);
    if (kb >= 1 << 20) out.push(`${Math.floor(kb / (1 << 20))}GB`);
    else if (kb >= 1 << 10) out.push(`${Math.floor(kb / (1 << 10))}MB`);
    else out.push(`${kb}KB`);
  }
  return out;
}
