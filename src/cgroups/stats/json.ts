// Statistics as `runc events` prints them: runc's JSON field names, its rules
// for which zero values are left out, and numbers that stay exact beyond
// 2^53 (a byte limit of 9223372036854771712 prints as that, not 9.2e18).
import type { BlkioEntry, CgroupStats, MemoryData } from './types.js';

/** A JSON value whose integers may be bigints; objects keep their key order. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Adds `key` unless the value is zero or empty (Go's `omitempty`). */
function putNonZero(o: { [key: string]: JsonValue }, key: string, v: bigint | string | JsonValue[]): void {
  if (typeof v === 'bigint' ? v !== 0n : v.length > 0) o[key] = v;
}

function memoryEntry(m: MemoryData): JsonValue {
  const o: { [key: string]: JsonValue } = { limit: m.limit };
  putNonZero(o, 'usage', m.usage);
  putNonZero(o, 'max', m.max);
  o.failcnt = m.failcnt;
  return o;
}

function blkioEntries(entries: BlkioEntry[]): JsonValue[] {
  return entries.map((e) => {
    const o: { [key: string]: JsonValue } = {};
    putNonZero(o, 'major', e.major);
    putNonZero(o, 'minor', e.minor);
    putNonZero(o, 'op', e.op);
    putNonZero(o, 'value', e.value);
    return o;
  });
}

/** Map keys in byte order, as Go encodes maps. */
function sortedKeys<V>(m: Map<string, V>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The `data` of a stats event. */
export function runcStats(s: CgroupStats): JsonValue {
  const usage: { [key: string]: JsonValue } = {};
  putNonZero(usage, 'total', s.cpu.usage.total);
  putNonZero(usage, 'percpu', s.cpu.usage.percpu);
  putNonZero(usage, 'percpu_kernel', s.cpu.usage.percpuKernel);
  putNonZero(usage, 'percpu_user', s.cpu.usage.percpuUser);
  usage.kernel = s.cpu.usage.kernel;
  usage.user = s.cpu.usage.user;
  const throttling: { [key: string]: JsonValue } = {};
  putNonZero(throttling, 'periods', s.cpu.throttling.periods);
  putNonZero(throttling, 'throttledPeriods', s.cpu.throttling.throttledPeriods);
  putNonZero(throttling, 'throttledTime', s.cpu.throttling.throttledTime);

  const c = s.cpuset;
  const cpuset: { [key: string]: JsonValue } = {};
  putNonZero(cpuset, 'cpus', c.cpus);
  cpuset.cpu_exclusive = c.cpuExclusive;
  putNonZero(cpuset, 'mems', c.mems);
  Object.assign(cpuset, {
    mem_hardwall: c.memHardwall,
    mem_exclusive: c.memExclusive,
    memory_migrate: c.memoryMigrate,
    memory_spread_page: c.memorySpreadPage,
    memory_spread_slab: c.memorySpreadSlab,
    memory_pressure: c.memoryPressure,
    sched_load_balance: c.schedLoadBalance,
    sched_relax_domain_level: c.schedRelaxDomainLevel,
  });

  const m = s.memory;
  const memory: { [key: string]: JsonValue } = {};
  putNonZero(memory, 'cache', m.cache);
  memory.usage = memoryEntry(m.usage);
  memory.swap = memoryEntry(m.swap);
  memory.kernel = memoryEntry(m.kernel);
  memory.kernelTCP = memoryEntry(m.kernelTCP);
  if (m.raw.size > 0) {
    const raw: { [key: string]: JsonValue } = {};
    for (const k of sortedKeys(m.raw)) raw[k] = m.raw.get(k)!;
    memory.raw = raw;
  }

  const pids: { [key: string]: JsonValue } = {};
  putNonZero(pids, 'current', s.pids.current);
  putNonZero(pids, 'limit', s.pids.limit);

  const b = s.blkio;
  const blkio: { [key: string]: JsonValue } = {};
  putNonZero(blkio, 'ioServiceBytesRecursive', blkioEntries(b.ioServiceBytesRecursive));
  putNonZero(blkio, 'ioServicedRecursive', blkioEntries(b.ioServicedRecursive));
  putNonZero(blkio, 'ioQueueRecursive', blkioEntries(b.ioQueuedRecursive));
  putNonZero(blkio, 'ioServiceTimeRecursive', blkioEntries(b.ioServiceTimeRecursive));
  putNonZero(blkio, 'ioWaitTimeRecursive', blkioEntries(b.ioWaitTimeRecursive));
  putNonZero(blkio, 'ioMergedRecursive', blkioEntries(b.ioMergedRecursive));
  putNonZero(blkio, 'ioTimeRecursive', blkioEntries(b.ioTimeRecursive));
  putNonZero(blkio, 'sectorsRecursive', blkioEntries(b.sectorsRecursive));

  const hugetlb: { [key: string]: JsonValue } = {};
  for (const size of sortedKeys(s.hugetlb)) {
    const h = s.hugetlb.get(size)!;
    const o: { [key: string]: JsonValue } = {};
    putNonZero(o, 'usage', h.usage);
    putNonZero(o, 'max', h.max);
    o.failcnt = h.failcnt;
    hugetlb[size] = o;
  }

  return {
    cpu: { usage, throttling },
    cpuset,
    memory,
    pids,
    blkio,
    hugetlb,
    // tsrun has no Intel RDT support and containers have no runtime-managed
    // network interfaces: runc prints these two the same way then.
    intel_rdt: {},
    network_interfaces: null,
  };
}

/** One event line's object: `data` is left out when there is none (oom events). */
export function runcEvent(type: 'stats' | 'oom', id: string, data?: JsonValue): JsonValue {
  return data === undefined ? { type, id } : { type, id, data };
}

function encodeString(s: string): string {
  // Go's encoder also escapes <, >, & and the two JavaScript line separators.
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Compact JSON, like Go's encoding/json (no spaces, bigints as plain integers). */
export function encodeJson(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return encodeString(v);
  }
  if (Array.isArray(v)) return `[${v.map(encodeJson).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${encodeString(k)}:${encodeJson(x)}`)
    .join(',')}}`;
}
