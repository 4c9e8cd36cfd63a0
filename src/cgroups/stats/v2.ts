// Statistics from a cgroup v2 directory: cpu.stat, memory.{stat,current,max,
// swap.current,swap.max}, pids.{current,max}, io.stat and
// hugetlb.<size>.{current,events}. The values are shaped like cgroup v1's
// (nanoseconds, memory+swap, blkio tables) so both versions print alike,
// as runc does.
import { RuntimeError } from '../../errors.js';
import { MissingFileError, mustRead, readParsed, readParsedOptional, type StatsFiles } from './files.js';
import { lines, MAX_U64, parseKeyValues, parseParamUint, parseUint, StatsFormatError, valueByKey } from './parse.js';
import { type BlkioEntry, type CgroupStats, type CpuUsage, emptyMemoryData, emptyStats, type MemoryData, type MemoryStats, type Throttling } from './types.js';

const wrap = (v: bigint) => v & MAX_U64;

/** cpu.stat (v2): usage and throttling in microseconds, as nanoseconds. */
export function parseCpuStatV2(text: string): { usage: Pick<CpuUsage, 'total' | 'user' | 'kernel'>; throttling: Throttling } {
  const kv = parseKeyValues(text);
  const ns = (key: string) => wrap((kv.get(key) ?? 0n) * 1000n);
  return {
    usage: { total: ns('usage_usec'), user: ns('user_usec'), kernel: ns('system_usec') },
    throttling: { periods: kv.get('nr_periods') ?? 0n, throttledPeriods: kv.get('nr_throttled') ?? 0n, throttledTime: ns('throttled_usec') },
  };
}

/**
 * io.stat: "major:minor rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"
 * per device. Bytes become v1's io_service_bytes, operations its
 * io_serviced, with ops "Read" and "Write"; the other keys have no v1 table.
 */
export function parseIoStat(text: string): { ioServiceBytesRecursive: BlkioEntry[]; ioServicedRecursive: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of lines(text)) {
    const parts = line.split(/\s+/).filter(Boolean);
    if (parts.length < 2) continue;
    const dev = parts[0]!.split(':');
    if (dev.length !== 2) continue;
    const major = parseUint(dev[0]!);
    const minor = parseUint(dev[1]!);
    for (const item of parts.slice(1)) {
      const kv = item.split('=');
      if (kv.length !== 2) continue;
      const [key, value] = kv as [string, string];
      const table = key === 'rbytes' || key === 'wbytes' ? bytes : key === 'rios' || key === 'wios' ? ios : undefined;
      if (!table) continue;
      table.push({ major, minor, op: key.startsWith('r') ? 'Read' : 'Write', value: parseUint(value) });
    }
  }
  return { ioServiceBytesRecursive: bytes, ioServicedRecursive: ios };
}

/** Processes listed in cgroup.procs (when the pids controller is not enabled). */
export function countProcs(text: string): bigint {
  return BigInt(text.split('\n').length - 1);
}

export interface MemoryFilesV2 {
  stat: string;
  /** memory.current and memory.max; undefined without them */
  current?: string;
  max?: string;
  /** memory.swap.current and memory.swap.max; undefined without swap accounting */
  swapCurrent?: string;
  swapMax?: string;
}

/**
 * Memory statistics from the v2 files. `cache` is memory.stat's `file`.
 * v2 counts swap alone; it is reported as memory+swap, like v1's memsw
 * (usage and limit added, "max" staying "max").
 */
export function memoryStatsV2(f: MemoryFilesV2): MemoryStats {
  const raw = parseKeyValues(f.stat);
  const out: MemoryStats = { cache: raw.get('file') ?? 0n, usage: emptyMemoryData(), swap: emptyMemoryData(), kernel: emptyMemoryData(), kernelTCP: emptyMemoryData(), raw };
  if (f.current === undefined || f.max === undefined) return out;
  const usage: MemoryData = { ...emptyMemoryData(), usage: parseParamUint(f.current), limit: parseParamUint(f.max) };
  const swap: MemoryData =
    f.swapCurrent === undefined || f.swapMax === undefined ? emptyMemoryData() : { ...emptyMemoryData(), usage: parseParamUint(f.swapCurrent), limit: parseParamUint(f.swapMax) };
  swap.usage = wrap(swap.usage + usage.usage);
  if (swap.limit !== MAX_U64) swap.limit = wrap(swap.limit + usage.limit);
  out.usage = usage;
  out.swap = swap;
  return out;
}

/** memory.events: the OOM kill count. */
export function parseOomKillV2(text: string): bigint {
  return valueByKey(text, 'oom_kill');
}

/** hugetlb.<size>.events: how often the limit was hit. */
export function parseHugetlbEvents(text: string): bigint {
  return valueByKey(text, 'max');
}

function statPids(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const current = readParsedOptional(files, dir, 'pids.current', parseParamUint);
  if (current === undefined) {
    stats.pids = { current: readParsed(files, dir, 'cgroup.procs', countProcs), limit: 0n };
    return;
  }
  const max = readParsed(files, dir, 'pids.max', parseParamUint);
  stats.pids = { current, limit: max === MAX_U64 ? 0n : max };
}

function statMemory(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const stat = mustRead(files, dir, 'memory.stat');
  // Without memory.current (the root cgroup) memory.stat is all there is.
  const current = files.read(dir, 'memory.current');
  const max = current === undefined ? undefined : mustRead(files, dir, 'memory.max');
  const swapCurrent = files.read(dir, 'memory.swap.current');
  const swapMax = swapCurrent === undefined ? undefined : mustRead(files, dir, 'memory.swap.max');
  try {
    stats.memory = memoryStatsV2({ stat, current, max, swapCurrent, swapMax });
  } catch (e) {
    if (e instanceof StatsFormatError) throw new RuntimeError(`unable to parse memory files of ${dir}: ${e.message}`);
    throw e;
  }
}

function statIo(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const io = readParsed(files, dir, 'io.stat', parseIoStat);
  stats.blkio.ioServiceBytesRecursive = io.ioServiceBytesRecursive;
  stats.blkio.ioServicedRecursive = io.ioServicedRecursive;
}

function statCpu(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const cpu = readParsed(files, dir, 'cpu.stat', parseCpuStatV2);
  Object.assign(stats.cpu.usage, cpu.usage);
  stats.cpu.throttling = cpu.throttling;
}

function statHugetlb(files: StatsFiles, dir: string, sizes: string[], stats: CgroupStats): void {
  for (const size of sizes) {
    const usage = readParsed(files, dir, `hugetlb.${size}.current`, parseParamUint);
    const failcnt = readParsed(files, dir, `hugetlb.${size}.events`, parseHugetlbEvents);
    stats.hugetlb.set(size, { usage, max: 0n, failcnt });
  }
}

export interface V2Sources {
  dir: string;
  files: StatsFiles;
  hugePageSizes: string[];
}

/**
 * The statistics of a container's v2 cgroup. A controller whose files are
 * missing (not enabled, or too old a kernel) is left out; any other failure
 * is reported, after every controller was tried.
 */
export function readV2Stats(src: V2Sources): CgroupStats {
  const { dir, files } = src;
  const stats = emptyStats();
  const errors: string[] = [];
  const attempt = (fn: () => void, missingIsError: boolean) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof MissingFileError && !missingIsError) return;
      errors.push((e as Error).message);
    }
  };
  attempt(() => statPids(files, dir, stats), true);
  attempt(() => statMemory(files, dir, stats), false);
  attempt(() => statIo(files, dir, stats), false);
  attempt(() => statCpu(files, dir, stats), false);
  attempt(() => statHugetlb(files, dir, src.hugePageSizes, stats), false);
  if (errors.length > 0) throw new RuntimeError(`error while statting cgroup v2: [${errors.join(' ')}]`);
  return stats;
}

/** The OOM kill count of a v2 cgroup; undefined without memory.events. */
export function readOomCountV2(files: StatsFiles, dir: string): bigint | undefined {
  return readParsedOptional(files, dir, 'memory.events', parseOomKillV2);
}

