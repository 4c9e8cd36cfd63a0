// Unit tests for src/cgroups/stats/ and src/lifecycle/events.ts: every
// cgroup v1 and v2 statistics parser against fixture text, the readers
// against in-memory cgroup trees (which files are optional), the shaping
// into runc's `events` JSON (names, omitted zeros, exact 64-bit numbers)
// and Go duration parsing for --interval.
import t from 'tap';

import { RuntimeError } from '../../src/errors.js';
import type { Hierarchy } from '../../src/cgroups/hierarchy.js';
import type { StatsFiles } from '../../src/cgroups/stats/files.js';
import { containerCgroupStats, containerOomCount, statsLayout } from '../../src/cgroups/stats/index.js';
import { encodeJson, runcEvent, runcStats } from '../../src/cgroups/stats/json.js';
import {
  hugePageSizesFromNames,
  MAX_U64,
  parseCpuList,
  parseKeyValues,
  parseParamInt,
  parseParamUint,
  parseUint,
  StatsFormatError,
  valueByKey,
} from '../../src/cgroups/stats/parse.js';
import { emptyStats } from '../../src/cgroups/stats/types.js';
import {
  parseBlkioStat,
  parseCpuacctStat,
  parseCpuacctUsageAll,
  parseCpuStatV1,
  parseOomControl,
  parsePercpu,
  readOomCountV1,
  readV1Stats,
  selectBlkio,
} from '../../src/cgroups/stats/v1.js';
import { countProcs, memoryStatsV2, parseCpuStatV2, parseHugetlbEvents, parseIoStat, parseOomKillV2, readOomCountV2, readV2Stats } from '../../src/cgroups/stats/v2.js';
import { parseGoDuration } from '../../src/lifecycle/events.js';

/** An in-memory cgroup tree: directory -> file name -> content. */
function fakeFiles(tree: Record<string, Record<string, string>>): StatsFiles {
  return {
    read: (dir, file) => tree[dir]?.[file],
    dirExists: (dir) => dir in tree,
  };
}

// ---------------------------------------------------------------------------
// Fixtures: files as a 6.x kernel prints them
// ---------------------------------------------------------------------------

const V1_CPU_STAT = 'nr_periods 120\nnr_throttled 7\nthrottled_time 351234567\nnr_bursts 0\nburst_time 0\n';
const V1_CPUACCT_STAT = 'user 25\nsystem 112\n';
const V1_CPUACCT_USAGE = '1383045876\n';
const V1_CPUACCT_PERCPU = '583045876 800000000 \n';
const V1_CPUACCT_ALL = 'cpu user system\n0 83045876 500000000\n1 300000000 500000000\n';
const V1_MEMORY_STAT = `cache 45056
rss 53248
rss_huge 0
shmem 0
mapped_file 45056
hierarchical_memory_limit 67108864
hierarchical_memsw_limit 9223372036854771712
total_cache 45056
`;
const UNLIMITED_V1 = '9223372036854771712\n';
const V1_OOM_CONTROL = 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n';
const V1_BLKIO_BFQ_SERVICED = '254:0 Read 12\n254:0 Write 3\n254:0 Sync 15\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 15\nTotal 15\n';
const V1_BLKIO_BFQ_BYTES = '254:0 Read 45056\n254:0 Write 4096\n254:0 Sync 49152\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 49152\nTotal 49152\n';
const V1_BLKIO_EMPTY = 'Total 0\n';

const V2_CPU_STAT = `usage_usec 1383045
user_usec 250123
system_usec 1132922
core_sched.force_idle_usec 0
nr_periods 120
nr_throttled 7
throttled_usec 351234
nr_bursts 0
burst_usec 0
`;
const V2_MEMORY_STAT = `anon 139264
file 45056
kernel 233472
kernel_stack 16384
sock 0
shmem 0
file_mapped 45056
pgfault 60
`;
const V2_IO_STAT = '8:0 rbytes=45056 wbytes=4096 rios=12 wios=3 dbytes=0 dios=0\n254:16 rbytes=1024 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n';
const V2_MEMORY_EVENTS = 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n';
const V2_HUGETLB_EVENTS = 'max 4\n';

// ---------------------------------------------------------------------------
// Shared parsers
// ---------------------------------------------------------------------------

t.test('parseUint: decimal, exact above 2^53, negative as 0, garbage refused', async (t) => {
  t.equal(parseUint('0'), 0n);
  t.equal(parseUint('9223372036854771712'), 9223372036854771712n);
  t.equal(parseUint('18446744073709551615'), MAX_U64);
  t.equal(parseUint('-5'), 0n, 'a negative counter reads as 0');
  t.throws(() => parseUint('18446744073709551616'), StatsFormatError, 'out of range');
  t.throws(() => parseUint('12a'), StatsFormatError);
  t.throws(() => parseUint(''), StatsFormatError);
  t.throws(() => parseUint('+3'), StatsFormatError);
});

t.test('parseParamUint / parseParamInt: one value, "max", trailing newline', async (t) => {
  t.equal(parseParamUint('4096\n'), 4096n);
  t.equal(parseParamUint('max\n'), MAX_U64);
  t.equal(parseParamInt('-1\n'), -1n);
  t.equal(parseParamInt('max'), (1n << 63n) - 1n);
  t.throws(() => parseParamInt('x'), StatsFormatError);
});

t.test('parseKeyValues: "key value" lines, strict format', async (t) => {
  t.strictSame([...parseKeyValues('a 1\nb 2\n')], [['a', 1n], ['b', 2n]]);
  t.strictSame([...parseKeyValues('')], []);
  t.throws(() => parseKeyValues('a 1 2\n'), /not in key value format/);
  t.throws(() => parseKeyValues('a\n'), /not in key value format/);
  t.throws(() => parseKeyValues('a 1\n\nb 2\n'), /not in key value format/, 'a blank line inside is malformed');
});

t.test('valueByKey: the key of a flat keyed file, 0 when absent', async (t) => {
  t.equal(valueByKey(V2_MEMORY_EVENTS, 'oom_kill'), 2n);
  t.equal(valueByKey(V2_MEMORY_EVENTS, 'max'), 12n);
  t.equal(valueByKey(V2_MEMORY_EVENTS, 'nope'), 0n);
});

t.test('parseCpuList: ranges and single cpus', async (t) => {
  t.strictSame(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  t.strictSame(parseCpuList('0'), [0]);
  t.throws(() => parseCpuList('\n'), /empty file/);
  t.throws(() => parseCpuList('0-1-2'), /extra dash/);
  t.throws(() => parseCpuList('3-1'), /min > max/);
  t.throws(() => parseCpuList('70000'), StatsFormatError);
});

t.test('hugePageSizesFromNames: /sys/kernel/mm/hugepages names as cgroup file sizes', async (t) => {
  t.strictSame(hugePageSizesFromNames(['hugepages-2048kB', 'hugepages-1048576kB', 'hugepages-64kB', 'hugepages-32768kB', 'other', 'hugepages-12MB']), ['2MB', '1GB', '64KB', '32MB']);
});

// ---------------------------------------------------------------------------
// cgroup v1 parsers
// ---------------------------------------------------------------------------

t.test('v1 cpu.stat: throttling counters; newer keys ignored', async (t) => {
  t.strictSame(parseCpuStatV1(V1_CPU_STAT), { periods: 120n, throttledPeriods: 7n, throttledTime: 351234567n });
  t.strictSame(parseCpuStatV1(''), { periods: 0n, throttledPeriods: 0n, throttledTime: 0n });
});

t.test('v1 cpuacct.stat: ticks (USER_HZ 100) as nanoseconds', async (t) => {
  t.strictSame(parseCpuacctStat(V1_CPUACCT_STAT), { user: 250_000_000n, kernel: 1_120_000_000n });
  t.throws(() => parseCpuacctStat('system 1\nuser 2\n'), /malformed/);
  t.throws(() => parseCpuacctStat('user 1\n'), /malformed/);
});

t.test('v1 cpuacct.usage_percpu and usage_all', async (t) => {
  t.strictSame(parsePercpu(V1_CPUACCT_PERCPU), [583045876n, 800000000n]);
  t.strictSame(parsePercpu('\n'), []);
  t.strictSame(parseCpuacctUsageAll(V1_CPUACCT_ALL), { kernel: [500000000n, 500000000n], user: [83045876n, 300000000n] });
  t.strictSame(parseCpuacctUsageAll('cpu user system\n0 1\n'), { kernel: [], user: [] }, 'short lines are skipped');
});

t.test('v1 blkio files: device lines with and without op, Total skipped, empty = nothing', async (t) => {
  t.strictSame(parseBlkioStat('8:0 Read 10\n8:16 Write 0\nTotal 10\n'), [
    { major: 8n, minor: 0n, op: 'Read', value: 10n },
    { major: 8n, minor: 16n, op: 'Write', value: 0n },
  ]);
  t.strictSame(parseBlkioStat('8:0 5000\n'), [{ major: 8n, minor: 0n, op: '', value: 5000n }], 'sectors/time files have no op');
  t.equal(parseBlkioStat(V1_BLKIO_EMPTY), undefined);
  t.equal(parseBlkioStat(''), undefined);
  t.throws(() => parseBlkioStat('8:0\n'), /malformed/);
  t.throws(() => parseBlkioStat('x:0 Read 1\n'), StatsFormatError);
});

t.test('v1 blkio: the first set of files with entries wins (bfq, cfq, throttle)', async (t) => {
  const entries = (n: number) => [{ major: 8n, minor: 0n, op: 'Read', value: BigInt(n) }];
  // Only the throttle layer has data.
  const throttle = selectBlkio((f) => ({ 'blkio.throttle.io_serviced_recursive': entries(1), 'blkio.throttle.io_service_bytes_recursive': entries(2) })[f]);
  t.strictSame(throttle.ioServicedRecursive, entries(1));
  t.strictSame(throttle.ioServiceBytesRecursive, entries(2));
  // bfq without debug statistics, and throttle too: bfq wins.
  const bfq = selectBlkio((f) =>
    ({
      'blkio.bfq.io_serviced_recursive': entries(3),
      'blkio.bfq.io_service_bytes_recursive': entries(4),
      'blkio.throttle.io_serviced_recursive': entries(1),
    })[f],
  );
  t.strictSame(bfq.ioServicedRecursive, entries(3));
  t.strictSame(bfq.ioServiceBytesRecursive, entries(4));
  // cfq: all eight tables.
  const cfqFiles = ['sectors', 'io_service_time', 'io_wait_time', 'io_merged', 'io_queued', 'time', 'io_serviced', 'io_service_bytes'];
  const cfq = selectBlkio((f) => (cfqFiles.some((n) => f === `blkio.${n}_recursive`) ? entries(cfqFiles.indexOf(f.slice(6, -10))) : undefined));
  t.strictSame(cfq.sectorsRecursive, entries(0));
  t.strictSame(cfq.ioQueuedRecursive, entries(4));
  t.strictSame(cfq.ioServiceBytesRecursive, entries(7));
  // The first file of a set has entries, a later one none: the search ends there.
  const partial = selectBlkio((f) => ({ 'blkio.bfq.io_serviced_recursive': entries(5), 'blkio.throttle.io_serviced_recursive': entries(1) })[f]);
  t.strictSame(partial.ioServicedRecursive, entries(5));
  t.strictSame(partial.ioServiceBytesRecursive, []);
  // Nothing anywhere.
  t.strictSame(selectBlkio(() => undefined).ioServicedRecursive, []);
});

t.test('v1 memory.oom_control: oom_kill, or under_oom on old kernels', async (t) => {
  t.strictSame(parseOomControl(V1_OOM_CONTROL), { oomKill: 3n, underOom: 0n });
  t.strictSame(parseOomControl('oom_kill_disable 0\nunder_oom 1\n'), { underOom: 1n });
});

// ---------------------------------------------------------------------------
// cgroup v1 reader
// ---------------------------------------------------------------------------

const V1_DIRS: Record<string, string> = {
  cpu: '/cg/cpu/c1',
  cpuacct: '/cg/cpuacct/c1',
  cpuset: '/cg/cpuset/c1',
  memory: '/cg/memory/c1',
  pids: '/cg/pids/c1',
  blkio: '/cg/blkio/c1',
  hugetlb: '/cg/hugetlb/c1',
};

function v1Tree(): Record<string, Record<string, string>> {
  return {
    '/cg/cpu/c1': { 'cpu.stat': V1_CPU_STAT },
    '/cg/cpuacct/c1': {
      'cpuacct.stat': V1_CPUACCT_STAT,
      'cpuacct.usage': V1_CPUACCT_USAGE,
      'cpuacct.usage_percpu': V1_CPUACCT_PERCPU,
      'cpuacct.usage_all': V1_CPUACCT_ALL,
    },
    '/cg/cpuset/c1': {
      'cpuset.cpus': '0-1\n',
      'cpuset.cpu_exclusive': '0\n',
      'cpuset.mems': '0\n',
      'cpuset.mem_hardwall': '0\n',
      'cpuset.mem_exclusive': '0\n',
      'cpuset.memory_migrate': '0\n',
      'cpuset.memory_spread_page': '0\n',
      'cpuset.memory_spread_slab': '0\n',
      'cpuset.memory_pressure': '0\n',
      'cpuset.sched_load_balance': '1\n',
      'cpuset.sched_relax_domain_level': '-1\n',
    },
    '/cg/memory/c1': {
      'memory.stat': V1_MEMORY_STAT,
      'memory.usage_in_bytes': '495616\n',
      'memory.max_usage_in_bytes': '516096\n',
      'memory.failcnt': '0\n',
      'memory.limit_in_bytes': '67108864\n',
      'memory.memsw.usage_in_bytes': '495616\n',
      'memory.memsw.max_usage_in_bytes': '516096\n',
      'memory.memsw.failcnt': '0\n',
      'memory.memsw.limit_in_bytes': UNLIMITED_V1,
      'memory.kmem.usage_in_bytes': '233472\n',
      'memory.kmem.max_usage_in_bytes': '315392\n',
      'memory.kmem.failcnt': '0\n',
      'memory.kmem.limit_in_bytes': UNLIMITED_V1,
      'memory.kmem.tcp.usage_in_bytes': '0\n',
      'memory.kmem.tcp.max_usage_in_bytes': '0\n',
      'memory.kmem.tcp.failcnt': '0\n',
      'memory.kmem.tcp.limit_in_bytes': UNLIMITED_V1,
      'memory.oom_control': V1_OOM_CONTROL,
    },
    '/cg/pids/c1': { 'pids.current': '1\n', 'pids.max': '100\n' },
    '/cg/blkio/c1': {
      'blkio.bfq.io_serviced_recursive': V1_BLKIO_BFQ_SERVICED,
      'blkio.bfq.io_service_bytes_recursive': V1_BLKIO_BFQ_BYTES,
      'blkio.throttle.io_serviced_recursive': V1_BLKIO_EMPTY,
    },
    '/cg/hugetlb/c1': {
      'hugetlb.2MB.usage_in_bytes': '2097152\n',
      'hugetlb.2MB.max_usage_in_bytes': '4194304\n',
      'hugetlb.2MB.failcnt': '1\n',
      'hugetlb.1GB.usage_in_bytes': '0\n',
      'hugetlb.1GB.max_usage_in_bytes': '0\n',
      'hugetlb.1GB.failcnt': '0\n',
    },
  };
}

const readV1 = (tree: Record<string, Record<string, string>>, dirs = V1_DIRS) =>
  readV1Stats({ dirOf: (c) => dirs[c], files: fakeFiles(tree), hugePageSizes: ['2MB', '1GB'] });

t.test('readV1Stats: every controller', async (t) => {
  const s = readV1(v1Tree());
  t.strictSame(s.cpu.usage, {
    total: 1383045876n,
    percpu: [583045876n, 800000000n],
    percpuKernel: [500000000n, 500000000n],
    percpuUser: [83045876n, 300000000n],
    kernel: 1_120_000_000n,
    user: 250_000_000n,
  });
  t.strictSame(s.cpu.throttling, { periods: 120n, throttledPeriods: 7n, throttledTime: 351234567n });
  t.strictSame(s.cpuset.cpus, [0, 1]);
  t.equal(s.cpuset.schedLoadBalance, 1n);
  t.equal(s.cpuset.schedRelaxDomainLevel, -1n);
  t.equal(s.memory.cache, 45056n);
  t.strictSame(s.memory.usage, { usage: 495616n, max: 516096n, failcnt: 0n, limit: 67108864n });
  t.strictSame(s.memory.swap, { usage: 495616n, max: 516096n, failcnt: 0n, limit: 9223372036854771712n });
  t.strictSame(s.memory.kernelTCP, { usage: 0n, max: 0n, failcnt: 0n, limit: 9223372036854771712n });
  t.equal(s.memory.raw.get('hierarchical_memsw_limit'), 9223372036854771712n);
  t.strictSame(s.pids, { current: 1n, limit: 100n });
  t.equal(s.blkio.ioServicedRecursive.length, 6);
  t.strictSame(s.blkio.ioServiceBytesRecursive[1], { major: 254n, minor: 0n, op: 'Write', value: 4096n });
  t.strictSame([...s.hugetlb], [
    ['2MB', { usage: 2097152n, max: 4194304n, failcnt: 1n }],
    ['1GB', { usage: 0n, max: 0n, failcnt: 0n }],
  ]);
});

t.test('readV1Stats: optional files and missing controllers', async (t) => {
  const tree = v1Tree();
  const mem = tree['/cg/memory/c1']!;
  for (const f of Object.keys(mem)) if (f.startsWith('memory.memsw.') || f.startsWith('memory.kmem.')) delete mem[f];
  delete tree['/cg/cpuacct/c1']!['cpuacct.usage_all'];
  tree['/cg/pids/c1'] = { 'pids.current': '3\n', 'pids.max': 'max\n' };
  delete tree['/cg/cpu/c1']!['cpu.stat'];
  const s = readV1(tree, { ...V1_DIRS, hugetlb: undefined as unknown as string });
  t.strictSame(s.memory.swap, { usage: 0n, max: 0n, failcnt: 0n, limit: 0n }, 'no swap accounting: zeros');
  t.strictSame(s.memory.kernel, { usage: 0n, max: 0n, failcnt: 0n, limit: 0n });
  t.strictSame(s.cpu.usage.percpuKernel, [], 'no cpuacct.usage_all: no per-cpu modes');
  t.strictSame(s.pids, { current: 3n, limit: 0n }, 'pids.max "max" is limit 0');
  t.strictSame(s.cpu.throttling, { periods: 0n, throttledPeriods: 0n, throttledTime: 0n });
  t.equal(s.hugetlb.size, 0, 'no hugetlb hierarchy: no entries');

  const none = readV1({}, {});
  t.strictSame(none, emptyStats(), 'no controller directories: empty stats');

  const noMemStat = v1Tree();
  delete noMemStat['/cg/memory/c1']!['memory.stat'];
  t.strictSame(readV1(noMemStat).memory, emptyStats().memory, 'no memory.stat: memory left out');

  const gonePids = v1Tree();
  delete gonePids['/cg/pids/c1'];
  delete gonePids['/cg/cpuacct/c1'];
  const g = readV1(gonePids);
  t.strictSame(g.pids, { current: 0n, limit: 0n }, 'a missing pids cgroup directory is skipped');
  t.equal(g.cpu.usage.total, 0n, 'a missing cpuacct cgroup directory is skipped');
});

t.test('readV1Stats: required files and malformed content are errors naming the file', async (t) => {
  const noUsage = v1Tree();
  delete noUsage['/cg/memory/c1']!['memory.usage_in_bytes'];
  t.throws(() => readV1(noUsage), /memory\.usage_in_bytes: no such file/);
  const noPidsMax = v1Tree();
  delete noPidsMax['/cg/pids/c1']!['pids.max'];
  t.throws(() => readV1(noPidsMax), /pids\.max: no such file/);
  const bad = v1Tree();
  bad['/cg/memory/c1']!['memory.stat'] = 'cache x\n';
  t.throws(() => readV1(bad), { name: 'RuntimeError', message: /^unable to parse \/cg\/memory\/c1\/memory\.stat: / });
  const badCpuset = v1Tree();
  badCpuset['/cg/cpuset/c1']!['cpuset.cpus'] = '\n';
  t.throws(() => readV1(badCpuset), /cpuset\.cpus: empty file/);
});

t.test('readOomCountV1', async (t) => {
  const files = fakeFiles(v1Tree());
  t.equal(readOomCountV1(files, '/cg/memory/c1'), 3n);
  t.equal(readOomCountV1(fakeFiles({ '/m': { 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 1\n' } }), '/m'), 1n);
  t.equal(readOomCountV1(files, '/nowhere'), undefined);
});

// ---------------------------------------------------------------------------
// cgroup v2 parsers and reader
// ---------------------------------------------------------------------------

t.test('v2 cpu.stat: microseconds as nanoseconds', async (t) => {
  t.strictSame(parseCpuStatV2(V2_CPU_STAT), {
    usage: { total: 1383045000n, user: 250123000n, kernel: 1132922000n },
    throttling: { periods: 120n, throttledPeriods: 7n, throttledTime: 351234000n },
  });
  t.strictSame(parseCpuStatV2('usage_usec 5\nuser_usec 3\nsystem_usec 2\n').throttling, { periods: 0n, throttledPeriods: 0n, throttledTime: 0n }, 'no cpu controller: no throttling keys');
});

t.test('v2 io.stat: bytes and operations as v1 tables, other keys skipped', async (t) => {
  const io = parseIoStat(V2_IO_STAT);
  t.strictSame(io.ioServiceBytesRecursive, [
    { major: 8n, minor: 0n, op: 'Read', value: 45056n },
    { major: 8n, minor: 0n, op: 'Write', value: 4096n },
    { major: 254n, minor: 16n, op: 'Read', value: 1024n },
    { major: 254n, minor: 16n, op: 'Write', value: 0n },
  ]);
  t.strictSame(io.ioServicedRecursive, [
    { major: 8n, minor: 0n, op: 'Read', value: 12n },
    { major: 8n, minor: 0n, op: 'Write', value: 3n },
    { major: 254n, minor: 16n, op: 'Read', value: 1n },
    { major: 254n, minor: 16n, op: 'Write', value: 0n },
  ]);
  t.strictSame(parseIoStat(''), { ioServiceBytesRecursive: [], ioServicedRecursive: [] });
  t.strictSame(parseIoStat('8:0\nbogus rbytes=1\n').ioServiceBytesRecursive, [], 'lines without values or device are skipped');
  t.throws(() => parseIoStat('8:0 rbytes=x\n'), StatsFormatError);
});

t.test('v2 memory: usage, limit, memory+swap, cache from "file"', async (t) => {
  const m = memoryStatsV2({ stat: V2_MEMORY_STAT, current: '1216512\n', max: '16777216\n', swapCurrent: '4096\n', swapMax: '0\n' });
  t.equal(m.cache, 45056n);
  t.strictSame(m.usage, { usage: 1216512n, max: 0n, failcnt: 0n, limit: 16777216n });
  t.strictSame(m.swap, { usage: 1220608n, max: 0n, failcnt: 0n, limit: 16777216n }, 'swap reported as memory+swap');
  t.equal(m.raw.get('anon'), 139264n);
  t.equal(m.raw.size, 8);

  const unlimited = memoryStatsV2({ stat: V2_MEMORY_STAT, current: '100\n', max: 'max\n', swapCurrent: '0\n', swapMax: 'max\n' });
  t.equal(unlimited.usage.limit, MAX_U64);
  t.equal(unlimited.swap.limit, MAX_U64, '"max" swap stays max');

  const noSwap = memoryStatsV2({ stat: V2_MEMORY_STAT, current: '100\n', max: '1000\n' });
  t.strictSame(noSwap.swap, { usage: 100n, max: 0n, failcnt: 0n, limit: 1000n }, 'no swap accounting: memory alone');

  const rootLike = memoryStatsV2({ stat: V2_MEMORY_STAT });
  t.equal(rootLike.usage.usage, 0n, 'without memory.current only memory.stat counts');
  t.equal(rootLike.raw.size, 8);
});

t.test('v2 memory.events, hugetlb events, cgroup.procs', async (t) => {
  t.equal(parseOomKillV2(V2_MEMORY_EVENTS), 2n);
  t.equal(parseOomKillV2('low 0\n'), 0n);
  t.equal(parseHugetlbEvents(V2_HUGETLB_EVENTS), 4n);
  t.equal(countProcs('1\n22\n333\n'), 3n);
  t.equal(countProcs(''), 0n);
});

function v2Tree(): Record<string, Record<string, string>> {
  return {
    '/cg/c1': {
      'cgroup.procs': '1\n2\n',
      'cpu.stat': V2_CPU_STAT,
      'memory.stat': V2_MEMORY_STAT,
      'memory.current': '1216512\n',
      'memory.max': '16777216\n',
      'memory.swap.current': '0\n',
      'memory.swap.max': '0\n',
      'memory.events': V2_MEMORY_EVENTS,
      'pids.current': '2\n',
      'pids.max': 'max\n',
      'io.stat': V2_IO_STAT,
      'hugetlb.2MB.current': '2097152\n',
      'hugetlb.2MB.max': 'max\n',
      'hugetlb.2MB.events': V2_HUGETLB_EVENTS,
    },
  };
}

const readV2 = (tree: Record<string, Record<string, string>>, sizes = ['2MB']) => readV2Stats({ dir: '/cg/c1', files: fakeFiles(tree), hugePageSizes: sizes });

t.test('readV2Stats: every controller', async (t) => {
  const s = readV2(v2Tree());
  t.equal(s.cpu.usage.total, 1383045000n);
  t.strictSame(s.cpu.usage.percpu, [], 'v2 has no per-cpu usage');
  t.equal(s.cpu.throttling.throttledTime, 351234000n);
  t.strictSame(s.pids, { current: 2n, limit: 0n });
  t.strictSame(s.memory.usage, { usage: 1216512n, max: 0n, failcnt: 0n, limit: 16777216n });
  t.equal(s.blkio.ioServicedRecursive.length, 4);
  t.strictSame([...s.hugetlb], [['2MB', { usage: 2097152n, max: 0n, failcnt: 4n }]]);
  t.strictSame(s.cpuset, emptyStats().cpuset, 'no cpuset statistics on v2');
});

t.test('readV2Stats: controllers not enabled are left out; other failures are reported', async (t) => {
  const tree = v2Tree();
  const d = tree['/cg/c1']!;
  for (const f of Object.keys(d)) if (/^(pids|memory|io|hugetlb)\./.test(f)) delete d[f];
  const s = readV2(tree);
  t.strictSame(s.pids, { current: 2n, limit: 0n }, 'no pids controller: cgroup.procs counted');
  t.strictSame(s.memory, emptyStats().memory);
  t.strictSame(s.blkio, emptyStats().blkio);
  t.equal(s.hugetlb.size, 0);
  t.equal(s.cpu.usage.total, 1383045000n, 'cpu.stat is there without the cpu controller');

  const bad = v2Tree();
  bad['/cg/c1']!['cpu.stat'] = 'usage_usec x\n';
  bad['/cg/c1']!['pids.max'] = 'lots\n';
  t.throws(() => readV2(bad), { name: 'RuntimeError', message: /^error while statting cgroup v2: \[.*pids\.max.*cpu\.stat/ });

  const noEvents = v2Tree();
  delete noEvents['/cg/c1']!['hugetlb.2MB.events'];
  t.equal(readV2(noEvents).hugetlb.size, 0, 'missing hugetlb files: left out');
});

t.test('readOomCountV2', async (t) => {
  t.equal(readOomCountV2(fakeFiles(v2Tree()), '/cg/c1'), 2n);
  t.equal(readOomCountV2(fakeFiles({}), '/cg/c1'), undefined);
});

// ---------------------------------------------------------------------------
// Layout: which version a host's container uses
// ---------------------------------------------------------------------------

const HYBRID: Hierarchy[] = [
  { version: 1, mountpoint: '/sys/fs/cgroup/cpu', controllers: ['cpu'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/cpuacct', controllers: ['cpuacct'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/net_cls,net_prio', controllers: ['net_cls', 'net_prio'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'], root: '/' },
  { version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' },
];
const PURE_V2: Hierarchy[] = [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }];

t.test('statsLayout: v1 controllers on hybrid hosts, the v2 directory on v2 hosts', async (t) => {
  const paths = Object.fromEntries(HYBRID.map((h) => [h.mountpoint, `${h.mountpoint}/c1`]));
  const l = statsLayout(paths, HYBRID);
  t.equal(l.version, 1);
  if (l.version === 1) {
    t.equal(l.dirOf('memory'), '/sys/fs/cgroup/memory/c1');
    t.equal(l.dirOf('net_prio'), '/sys/fs/cgroup/net_cls,net_prio/c1', 'co-mounted controllers');
    t.equal(l.dirOf('pids'), undefined);
  }
  t.strictSame(statsLayout({ '/sys/fs/cgroup': '/sys/fs/cgroup/c1' }, PURE_V2), { version: 2, dir: '/sys/fs/cgroup/c1' });
  t.strictSame(statsLayout({}, []), { version: 0 });
});

t.test('containerCgroupStats / containerOomCount through the layout', async (t) => {
  const files = fakeFiles({ '/sys/fs/cgroup/c1': v2Tree()['/cg/c1']! });
  const paths = { '/sys/fs/cgroup': '/sys/fs/cgroup/c1' };
  t.equal(containerCgroupStats(paths, PURE_V2, files, []).pids.current, 2n);
  t.equal(containerOomCount(paths, PURE_V2, files), 2n);
  const v1files = fakeFiles({ '/sys/fs/cgroup/memory/c1': { 'memory.oom_control': V1_OOM_CONTROL } });
  t.equal(containerOomCount({ '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/c1' }, HYBRID, v1files), 3n);
  t.equal(containerOomCount({}, [], v1files), undefined);
  t.strictSame(containerCgroupStats({}, [], v1files, []), emptyStats());
});

// ---------------------------------------------------------------------------
// runc's JSON
// ---------------------------------------------------------------------------

t.test('runcStats + encodeJson: runc 1.1.5 field names, order and omitted zeros', async (t) => {
  const s = readV1(v1Tree());
  s.hugetlb = new Map([['2MB', { usage: 0n, max: 0n, failcnt: 0n }]]);
  s.blkio.ioServicedRecursive = [{ major: 254n, minor: 0n, op: 'Write', value: 0n }];
  s.blkio.ioServiceBytesRecursive = [];
  s.blkio.ioQueuedRecursive = [{ major: 8n, minor: 1n, op: '', value: 7n }];
  const json = encodeJson(runcEvent('stats', 'c1', runcStats(s)));
  const expected =
    '{"type":"stats","id":"c1","data":{' +
    '"cpu":{"usage":{"total":1383045876,"percpu":[583045876,800000000],"percpu_kernel":[500000000,500000000],"percpu_user":[83045876,300000000],"kernel":1120000000,"user":250000000},' +
    '"throttling":{"periods":120,"throttledPeriods":7,"throttledTime":351234567}},' +
    '"cpuset":{"cpus":[0,1],"cpu_exclusive":0,"mems":[0],"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":1,"sched_relax_domain_level":-1},' +
    '"memory":{"cache":45056,"usage":{"limit":67108864,"usage":495616,"max":516096,"failcnt":0},' +
    '"swap":{"limit":9223372036854771712,"usage":495616,"max":516096,"failcnt":0},' +
    '"kernel":{"limit":9223372036854771712,"usage":233472,"max":315392,"failcnt":0},' +
    '"kernelTCP":{"limit":9223372036854771712,"failcnt":0},' +
    '"raw":{"cache":45056,"hierarchical_memory_limit":67108864,"hierarchical_memsw_limit":9223372036854771712,"mapped_file":45056,"rss":53248,"rss_huge":0,"shmem":0,"total_cache":45056}},' +
    '"pids":{"current":1,"limit":100},' +
    '"blkio":{"ioServicedRecursive":[{"major":254,"op":"Write"}],"ioQueueRecursive":[{"major":8,"minor":1,"value":7}]},' +
    '"hugetlb":{"2MB":{"failcnt":0}},' +
    '"intel_rdt":{},"network_interfaces":null}}';
  t.equal(json, expected);
});

t.test('runcStats: empty stats print like runc for a container without cgroups', async (t) => {
  t.equal(
    encodeJson(runcStats(emptyStats())),
    '{"cpu":{"usage":{"kernel":0,"user":0},"throttling":{}},' +
      '"cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,"sched_relax_domain_level":0},' +
      '"memory":{"usage":{"limit":0,"failcnt":0},"swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},"kernelTCP":{"limit":0,"failcnt":0}},' +
      '"pids":{},"blkio":{},"hugetlb":{},"intel_rdt":{},"network_interfaces":null}',
  );
});

t.test('runcStats: map keys sorted (raw, hugetlb); v2 max limit exact', async (t) => {
  const s = emptyStats();
  s.memory.raw = new Map([['zeta', 1n], ['alpha', MAX_U64], ['Beta', 2n]]);
  s.hugetlb = new Map([['2MB', { usage: 1n, max: 0n, failcnt: 0n }], ['1GB', { usage: 0n, max: 0n, failcnt: 2n }]]);
  const out = encodeJson(runcStats(s));
  t.match(out, '"raw":{"Beta":2,"alpha":18446744073709551615,"zeta":1}');
  t.match(out, '"hugetlb":{"1GB":{"failcnt":2},"2MB":{"usage":1,"failcnt":0}}');
});

t.test('runcEvent: oom events have no data; strings escaped like Go', async (t) => {
  t.equal(encodeJson(runcEvent('oom', 'c1')), '{"type":"oom","id":"c1"}');
  t.equal(encodeJson({ s: 'a<b>&"\n' }), '{"s":"a\\u003cb\\u003e\\u0026\\"\\n"}');
  t.equal(encodeJson([1, true, null, 'x', -1n]), '[1,true,null,"x",-1]');
});

// ---------------------------------------------------------------------------
// --interval
// ---------------------------------------------------------------------------

t.test('parseGoDuration: what Go time.ParseDuration accepts', async (t) => {
  t.equal(parseGoDuration('5s'), 5_000_000_000n);
  t.equal(parseGoDuration('500ms'), 500_000_000n);
  t.equal(parseGoDuration('2m'), 120_000_000_000n);
  t.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  t.equal(parseGoDuration('1.5s'), 1_500_000_000n);
  t.equal(parseGoDuration('.5s'), 500_000_000n);
  t.equal(parseGoDuration('1.s'), 1_000_000_000n);
  t.equal(parseGoDuration('300us'), 300_000n);
  t.equal(parseGoDuration('300µs'), 300_000n);
  t.equal(parseGoDuration('300μs'), 300_000n);
  t.equal(parseGoDuration('10ns'), 10n);
  t.equal(parseGoDuration('0'), 0n);
  t.equal(parseGoDuration('-1s'), -1_000_000_000n);
  t.equal(parseGoDuration('+2s'), 2_000_000_000n);
  t.equal(parseGoDuration('1m0.25s'), 60_250_000_000n);
  for (const bad of ['', '5', 'abc', 's', '1x', '.s', '1.2.3s', '-', '9999999999h', '5 s']) {
    t.throws(() => parseGoDuration(bad), RuntimeError, `refuses ${JSON.stringify(bad)}`);
  }
});
