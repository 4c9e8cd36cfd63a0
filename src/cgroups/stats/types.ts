// A container's resource usage as read from its cgroups, the same model for
// cgroup v1 and v2. Counters are bigints (unsigned 64-bit values); a field
// the host does not report stays 0 or empty.

export interface CpuUsage {
  /** nanoseconds */
  total: bigint;
  percpu: bigint[];
  percpuKernel: bigint[];
  percpuUser: bigint[];
  kernel: bigint;
  user: bigint;
}

export interface Throttling {
  periods: bigint;
  throttledPeriods: bigint;
  /** nanoseconds */
  throttledTime: bigint;
}

export interface CpusetStats {
  cpus: number[];
  cpuExclusive: bigint;
  mems: number[];
  memHardwall: bigint;
  memExclusive: bigint;
  memoryMigrate: bigint;
  memorySpreadPage: bigint;
  memorySpreadSlab: bigint;
  memoryPressure: bigint;
  schedLoadBalance: bigint;
  /** signed */
  schedRelaxDomainLevel: bigint;
}

export interface MemoryData {
  usage: bigint;
  max: bigint;
  failcnt: bigint;
  limit: bigint;
}

export interface MemoryStats {
  cache: bigint;
  usage: MemoryData;
  /** v1: memory+swap; v2: converted to memory+swap as well */
  swap: MemoryData;
  kernel: MemoryData;
  kernelTCP: MemoryData;
  /** memory.stat as it is */
  raw: Map<string, bigint>;
}

export interface PidsStats {
  current: bigint;
  /** 0 when there is no limit */
  limit: bigint;
}

export interface BlkioEntry {
  major: bigint;
  minor: bigint;
  op: string;
  value: bigint;
}

export interface BlkioStats {
  ioServiceBytesRecursive: BlkioEntry[];
  ioServicedRecursive: BlkioEntry[];
  ioQueuedRecursive: BlkioEntry[];
  ioServiceTimeRecursive: BlkioEntry[];
  ioWaitTimeRecursive: BlkioEntry[];
  ioMergedRecursive: BlkioEntry[];
  ioTimeRecursive: BlkioEntry[];
  sectorsRecursive: BlkioEntry[];
}

export interface HugetlbStats {
  usage: bigint;
  /** the highest usage seen (v1 only) */
  max: bigint;
  failcnt: bigint;
}

export interface CgroupStats {
  cpu: { usage: CpuUsage; throttling: Throttling };
  cpuset: CpusetStats;
  memory: MemoryStats;
  pids: PidsStats;
  blkio: BlkioStats;
  /** page size ("2MB") -> usage */
  hugetlb: Map<string, HugetlbStats>;
}

export function emptyMemoryData(): MemoryData {
  return { usage: 0n, max: 0n, failcnt: 0n, limit: 0n };
}

export function emptyBlkio(): BlkioStats {
  return {
    ioServiceBytesRecursive: [],
    ioServicedRecursive: [],
    ioQueuedRecursive: [],
    ioServiceTimeRecursive: [],
    ioWaitTimeRecursive: [],
    ioMergedRecursive: [],
    ioTimeRecursive: [],
    sectorsRecursive: [],
  };
}

export function emptyStats(): CgroupStats {
  return {
    cpu: {
      usage: { total: 0n, percpu: [], percpuKernel: [], percpuUser: [], kernel: 0n, user: 0n },
      throttling: { periods: 0n, throttledPeriods: 0n, throttledTime: 0n },
    },
    cpuset: {
      cpus: [],
      cpuExclusive: 0n,
      mems: [],
      memHardwall: 0n,
      memExclusive: 0n,
      memoryMigrate: 0n,
      memorySpreadPage: 0n,
      memorySpreadSlab: 0n,
      memoryPressure: 0n,
      schedLoadBalance: 0n,
      schedRelaxDomainLevel: 0n,
    },
    memory: { cache: 0n, usage: emptyMemoryData(), swap: emptyMemoryData(), kernel: emptyMemoryData(), kernelTCP: emptyMemoryData(), raw: new Map() },
    pids: { current: 0n, limit: 0n },
    blkio: emptyBlkio(),
    hugetlb: new Map(),
  };
}
