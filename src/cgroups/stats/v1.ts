// Statistics from cgroup v1 controllers: cpu, cpuacct, cpuset, memory, pids,
// blkio and hugetlb, each in its own hierarchy (or co-mounted). The parsers
// are pure functions of a file's text; readV1Stats puts them together the
// way runc's cgroup v1 manager does (which files are optional, which are not).
import { mustRead, parseIn, readParsed, readParsedOptional, type StatsFiles } from './files.js';
import { lines, MAX_U64, maybeValueByKey, parseCpuList, parseKeyValues, parseParamInt, parseParamUint, parseUint, StatsFormatError } from './parse.js';
import { type BlkioEntry, type BlkioStats, type CgroupStats, emptyBlkio, emptyMemoryData, emptyStats, type MemoryData, type Throttling } from './types.js';

/** cpuacct.stat counts in USER_HZ ticks; the kernel's USER_HZ is 100 everywhere. */
const CLOCK_TICKS = 100n;
const NS_PER_SECOND = 1_000_000_000n;

/** cpu.stat (v1): the CFS throttling counters. */
export function parseCpuStatV1(text: string): Throttling {
  const kv = parseKeyValues(text);
  return {
    periods: kv.get('nr_periods') ?? 0n,
    throttledPeriods: kv.get('nr_throttled') ?? 0n,
    throttledTime: kv.get('throttled_time') ?? 0n,
  };
}

/** cpuacct.stat: "user <ticks>\nsystem <ticks>", as nanoseconds. */
export function parseCpuacctStat(text: string): { user: bigint; kernel: bigint } {
  const f = text.split(/\s+/).filter(Boolean);
  if (f.length < 4 || f[0] !== 'user' || f[2] !== 'system') throw new StatsFormatError(`malformed line: ${JSON.stringify(text)}`);
  const ns = (ticks: bigint) => ((ticks * NS_PER_SECOND) & MAX_U64) / CLOCK_TICKS;
  return { user: ns(parseUint(f[1]!)), kernel: ns(parseUint(f[3]!)) };
}

/** cpuacct.usage_percpu: one nanosecond count per cpu. */
export function parsePercpu(text: string): bigint[] {
  return text.split(/\s+/).filter(Boolean).map(parseUint);
}

/** cpuacct.usage_all: a header, then "cpu user system" per cpu (nanoseconds). */
export function parseCpuacctUsageAll(text: string): { kernel: bigint[]; user: bigint[] } {
  const kernel: bigint[] = [];
  const user: bigint[] = [];
  for (const line of lines(text).slice(1)) {
    const cols = line.split(' ');
    if (cols.length !== 3) continue;
    kernel.push(parseUint(cols[2]!));
    user.push(parseUint(cols[1]!));
  }
  return { kernel, user };
}

/**
 * A blkio statistics file: "major:minor [op] value" lines and a "Total"
 * line; undefined when it has no device line (nothing to report).
 */
export function parseBlkioStat(text: string): BlkioEntry[] | undefined {
  const out: BlkioEntry[] = [];
  for (const line of lines(text)) {
    const f = line.split(/[ :]/).filter(Boolean);
    if (f.length < 3) {
      if (f.length === 2 && f[0] === 'Total') continue;
      throw new StatsFormatError(`malformed line: ${JSON.stringify(line)}`);
    }
    const four = f.length === 4;
    out.push({ major: parseUint(f[0]!), minor: parseUint(f[1]!), op: four ? f[2]! : '', value: parseUint(f[four ? 3 : 2]!) });
  }
  return out.length > 0 ? out : undefined;
}

type BlkioField = keyof BlkioStats;

// Sets of blkio files, best first: the bfq scheduler with debug statistics,
// bfq, cfq, then the throttling layer (recursive, then this cgroup only).
// The first file of a set decides whether the set is used.
const BLKIO_SETS: [string, BlkioField][][] = [
  [
    ['blkio.bfq.sectors_recursive', 'sectorsRecursive'],
    ['blkio.bfq.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.bfq.io_wait_time_recursive', 'ioWaitTimeRecursive'],
    ['blkio.bfq.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.bfq.io_queued_recursive', 'ioQueuedRecursive'],
    ['blkio.bfq.time_recursive', 'ioTimeRecursive'],
    ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.sectors_recursive', 'sectorsRecursive'],
    ['blkio.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.io_wait_time_recursive', 'ioWaitTimeRecursive'],
    ['blkio.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.io_queued_recursive', 'ioQueuedRecursive'],
    ['blkio.time_recursive', 'ioTimeRecursive'],
    ['blkio.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.throttle.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.throttle.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.throttle.io_serviced', 'ioServicedRecursive'],
    ['blkio.throttle.io_service_bytes', 'ioServiceBytesRecursive'],
  ],
];

/**
 * blkio statistics from the first set of files whose first file has
 * entries; `read` gives a file's entries, undefined if it is missing or empty.
 * A later file of the chosen set without entries ends the search (runc's rule).
 */
export function selectBlkio(read: (file: string) => BlkioEntry[] | undefined): BlkioStats {
  const out = emptyBlkio();
  for (const set of BLKIO_SETS) {
    for (let i = 0; i < set.length; i++) {
      const [file, field] = set[i]!;
      const entries = read(file);
      if (!entries) {
        if (i === 0) break;
        return out;
      }
      out[field] = entries;
      if (i === set.length - 1) return out;
    }
  }
  return out;
}

/** memory.oom_control: how many processes the OOM killer killed (kernel >= 4.13) and whether it is under OOM now. */
export function parseOomControl(text: string): { oomKill?: bigint; underOom: bigint } {
  const oomKill = maybeValueByKey(text, 'oom_kill');
  return { ...(oomKill !== undefined ? { oomKill } : {}), underOom: maybeValueByKey(text, 'under_oom') ?? 0n };
}

/**
 * memory.<prefix>usage_in_bytes, max_usage_in_bytes, failcnt and
 * limit_in_bytes. For the optional memsw/kmem/kmem.tcp sets a missing usage
 * file means the kernel does not account it: all zeros.
 */
function readMemoryData(files: StatsFiles, dir: string, name: string): MemoryData {
  const module = name === '' ? 'memory' : `memory.${name}`;
  const usageFile = `${module}.usage_in_bytes`;
  const usage = name === '' ? mustRead(files, dir, usageFile) : files.read(dir, usageFile);
  if (usage === undefined) return emptyMemoryData();
  return {
    usage: parseIn(dir, usageFile, usage, parseParamUint),
    max: readParsed(files, dir, `${module}.max_usage_in_bytes`, parseParamUint),
    failcnt: readParsed(files, dir, `${module}.failcnt`, parseParamUint),
    limit: readParsed(files, dir, `${module}.limit_in_bytes`, parseParamUint),
  };
}

/** Cgroup directory of a v1 controller, undefined if the container has none. */
export type ControllerDir = (controller: string) => string | undefined;

export interface V1Sources {
  dirOf: ControllerDir;
  files: StatsFiles;
  /** huge page sizes of the host ("2MB", "1GB") */
  hugePageSizes: string[];
}

function readCpuset(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const s = stats.cpuset;
  const list = (file: string) => readParsedOptional(files, dir, file, parseCpuList);
  const uint = (file: string) => readParsedOptional(files, dir, file, parseParamUint);
  s.cpus = list('cpuset.cpus') ?? [];
  s.cpuExclusive = uint('cpuset.cpu_exclusive') ?? 0n;
  s.mems = list('cpuset.mems') ?? [];
  s.memHardwall = uint('cpuset.mem_hardwall') ?? 0n;
  s.memExclusive = uint('cpuset.mem_exclusive') ?? 0n;
  s.memoryMigrate = uint('cpuset.memory_migrate') ?? 0n;
  s.memorySpreadPage = uint('cpuset.memory_spread_page') ?? 0n;
  s.memorySpreadSlab = uint('cpuset.memory_spread_slab') ?? 0n;
  s.memoryPressure = uint('cpuset.memory_pressure') ?? 0n;
  s.schedLoadBalance = uint('cpuset.sched_load_balance') ?? 0n;
  s.schedRelaxDomainLevel = readParsedOptional(files, dir, 'cpuset.sched_relax_domain_level', parseParamInt) ?? 0n;
}

function readMemory(files: StatsFiles, dir: string, stats: CgroupStats): void {
  const raw = readParsedOptional(files, dir, 'memory.stat', parseKeyValues);
  if (!raw) return; // no memory controller files: nothing to report
  const m = stats.memory;
  m.raw = raw;
  m.cache = raw.get('cache') ?? 0n;
  m.usage = readMemoryData(files, dir, '');
  m.swap = readMemoryData(files, dir, 'memsw');
  m.kernel = readMemoryData(files, dir, 'kmem');
  m.kernelTCP = readMemoryData(files, dir, 'kmem.tcp');
}

function readCpuacct(files: StatsFiles, dir: string, stats: CgroupStats): void {
  if (!files.dirExists(dir)) return;
  const u = stats.cpu.usage;
  const modes = readParsed(files, dir, 'cpuacct.stat', parseCpuacctStat);
  u.total = readParsed(files, dir, 'cpuacct.usage', parseParamUint);
  u.percpu = readParsed(files, dir, 'cpuacct.usage_percpu', parsePercpu);
  const all = readParsedOptional(files, dir, 'cpuacct.usage_all', parseCpuacctUsageAll);
  u.percpuKernel = all?.kernel ?? [];
  u.percpuUser = all?.user ?? [];
  u.user = modes.user;
  u.kernel = modes.kernel;
}

function readPids(files: StatsFiles, dir: string, stats: CgroupStats): void {
  if (!files.dirExists(dir)) return;
  const current = readParsed(files, dir, 'pids.current', parseParamUint);
  const max = readParsed(files, dir, 'pids.max', parseParamUint);
  stats.pids = { current, limit: max === MAX_U64 ? 0n : max };
}

function readHugetlb(files: StatsFiles, dir: string, sizes: string[], stats: CgroupStats): void {
  if (!files.dirExists(dir)) return;
  for (const size of sizes) {
    const f = (what: string) => readParsed(files, dir, `hugetlb.${size}.${what}`, parseParamUint);
    stats.hugetlb.set(size, { usage: f('usage_in_bytes'), max: f('max_usage_in_bytes'), failcnt: f('failcnt') });
  }
}

/** The statistics of a container's v1 cgroups. */
export function readV1Stats(src: V1Sources): CgroupStats {
  const { dirOf, files } = src;
  const stats = emptyStats();
  const at = (controller: string, fn: (dir: string) => void) => {
    const dir = dirOf(controller);
    if (dir) fn(dir);
  };
  at('cpuset', (dir) => readCpuset(files, dir, stats));
  at('memory', (dir) => readMemory(files, dir, stats));
  at('cpu', (dir) => {
    const throttling = readParsedOptional(files, dir, 'cpu.stat', parseCpuStatV1);
    if (throttling) stats.cpu.throttling = throttling;
  });
  at('cpuacct', (dir) => readCpuacct(files, dir, stats));
  at('pids', (dir) => readPids(files, dir, stats));
  at('blkio', (dir) => {
    stats.blkio = selectBlkio((file) => readParsedOptional(files, dir, file, parseBlkioStat));
  });
  at('hugetlb', (dir) => readHugetlb(files, dir, src.hugePageSizes, stats));
  return stats;
}

/**
 * The OOM kill count of a v1 memory cgroup, from memory.oom_control;
 * undefined without the file. Kernels older than 4.13 have no oom_kill
 * counter: under_oom (0 or 1) stands in for it.
 */
export function readOomCountV1(files: StatsFiles, dir: string): bigint | undefined {
  const oc = readParsedOptional(files, dir, 'memory.oom_control', parseOomControl);
  if (!oc) return undefined;
  return oc.oomKill ?? oc.underOom;
}
