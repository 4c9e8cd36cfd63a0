// Unit tests for linux.resources on cgroups: the pure planners of every
// controller (src/cgroups/v1/*.ts, src/cgroups/v2/*.ts), the file writer, and
// applyResources against fake cgroup trees in a temporary directory.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlanError, RuntimeError } from '../../src/errors.js';
import type { Hierarchy } from '../../src/cgroups/hierarchy.js';
import { applyResources, isUnifiedHost } from '../../src/cgroups/resources.js';
import { blkioHostV1, planBlkioV1 } from '../../src/cgroups/v1/blkio.js';
import { planCpuset, planCpuV1 } from '../../src/cgroups/v1/cpu.js';
import { planDeviceRules } from '../../src/cgroups/v1/devices.js';
import { planHugetlb } from '../../src/cgroups/v1/hugetlb.js';
import { placeV1, planV1 } from '../../src/cgroups/v1/index.js';
import { memoryHostV1, planMemoryV1 } from '../../src/cgroups/v1/memory.js';
import { planNetworkV1 } from '../../src/cgroups/v1/network.js';
import { planPids } from '../../src/cgroups/v1/pids.js';
import { planRdma } from '../../src/cgroups/v1/rdma.js';
import { applyWrites, type CgroupWrite, errnoReason, int, pointer, writeCgroupFile } from '../../src/cgroups/write.js';
import { ancestors, enableControllers } from '../../src/cgroups/v2/controllers.js';
import { deviceFilter } from '../../src/cgroups/v2/device-filter.js';
import { deviceRules } from '../../src/cgroups/device-rules.js';
import { type Native, setNativeForTesting } from '../../src/native/index.js';
import { planCpuV2, sharesToWeight } from '../../src/cgroups/v2/cpu.js';
import { planV2 } from '../../src/cgroups/v2/index.js';
import { blkioToIoWeight, ioHostV2, planIoV2 } from '../../src/cgroups/v2/io.js';
import { planMemoryV2, swapForV2 } from '../../src/cgroups/v2/memory.js';
import { checkUnifiedKey, controllerOf, planUnified } from '../../src/cgroups/v2/unified.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsrun-cgroup-resources-test-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh directory holding `files` (name -> content). */
function fakeDir(files: Record<string, string> = {}, parent = tmp): string {
  const d = join(parent, `d${++dirCount}`);
  mkdirSync(d, { recursive: true });
  for (const [f, v] of Object.entries(files)) writeFileSync(join(d, f), v);
  return d;
}
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** The (file, value) pairs of a plan, for compact comparisons. */
const fv = (ws: CgroupWrite[]) => ws.map((w) => [w.file, w.value]);

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** What memory.limit_in_bytes says in a new v1 cgroup (PAGE_COUNTER_MAX pages). */
const FRESH_LIMIT = 9223372036854771712n;
const fresh = { currentLimit: FRESH_LIMIT, hasSwapFile: true };

// ---------------------------------------------------------------------------
// the writer
// ---------------------------------------------------------------------------

t.test('pointer and int', async (t) => {
  t.equal(pointer('/linux/resources', 'unified', 'a/b~c'), '/linux/resources/unified/a~1b~0c');
  t.equal(pointer('/linux/resources', 'hugepageLimits', 0), '/linux/resources/hugepageLimits/0');
  t.equal(int(33554432), '33554432');
  t.equal(int(-1), '-1');
  t.equal(int(1e21), '1000000000000000000000', 'no exponent notation');
});

t.test('writeCgroupFile: one write, truncating, never creating', async (t) => {
  const d = fakeDir({ 'memory.max': 'max\n' });
  writeCgroupFile(d, 'memory.max', '42');
  t.equal(read(d, 'memory.max'), '42');
  t.throws(() => writeCgroupFile(d, 'nope', '1'), RuntimeError);
  t.throws(() => writeCgroupFile(d, 'nope', '1'), { message: `write "1" to ${join(d, 'nope')}: no such file or directory` });
  mkdirSync(join(d, 'adir'));
  t.throws(() => writeCgroupFile(d, 'adir', 'x'), { message: `write "x" to ${join(d, 'adir')}: illegal operation on a directory` });
  t.equal(errnoReason(Object.assign(new Error("EBUSY: resource busy or locked, write"), { code: 'EBUSY' })), 'resource busy or locked');
  t.equal(errnoReason(new Error('plain')), 'plain');
});

t.test('applyWrites: checks every file first, skips optional ones, names the field', async (t) => {
  const d = fakeDir({ 'a.x': '', 'b.y': '' });
  const w = (file: string, value: string, optional = false): CgroupWrite => ({ controller: 'a', file, value, pointer: `/p/${file}`, optional });
  applyWrites([{ dir: d, write: w('a.x', '1') }, { dir: d, write: w('gone', '9', true) }, { dir: d, write: w('b.y', '2') }]);
  t.equal(read(d, 'a.x'), '1');
  t.equal(read(d, 'b.y'), '2');

  const e = d + '-e';
  mkdirSync(e);
  writeFileSync(join(e, 'a.x'), '');
  t.throws(() => applyWrites([{ dir: e, write: w('a.x', '5') }, { dir: e, write: w('missing', '1') }]), PlanError);
  t.throws(() => applyWrites([{ dir: e, write: w('a.x', '5') }, { dir: e, write: w('missing', '1') }]), {
    message: `config.json: /p/missing: cannot apply: ${join(e, 'missing')} does not exist (not supported by this kernel)`,
  });
  t.equal(read(e, 'a.x'), '', 'nothing is written when one file is missing');
  t.throws(() => applyWrites([{ dir: e, write: w('missing', '1') }], () => 'because'), { message: /\(because\)$/ });

  mkdirSync(join(e, 'dir.x'));
  t.throws(() => applyWrites([{ dir: e, write: w('dir.x', '7') }]), {
    message: `config.json: /p/dir.x: write "7" to ${join(e, 'dir.x')}: illegal operation on a directory`,
  });
});

// ---------------------------------------------------------------------------
// v1 planners
// ---------------------------------------------------------------------------

t.test('v1 memory: unset, 0 and -1', async (t) => {
  t.same(planMemoryV1(undefined, fresh), []);
  t.same(planMemoryV1({}, fresh), []);
  t.same(planMemoryV1({ limit: 0, swap: 0, reservation: 0, kernel: 0, kernelTCP: 0 }, fresh), [], '0 means not set');
  t.same(fv(planMemoryV1({ limit: 32 * MiB }, fresh)), [['memory.limit_in_bytes', '33554432']]);
  // -1 without swap lifts memory+swap too, first (memsw >= limit at every step)
  const unlimited = planMemoryV1({ limit: -1 }, fresh);
  t.same(fv(unlimited), [['memory.memsw.limit_in_bytes', '-1'], ['memory.limit_in_bytes', '-1']]);
  t.equal(unlimited[0]!.optional, true, 'memsw -1 is skipped where the file is missing');
  t.equal(unlimited[0]!.pointer, '/linux/resources/memory/limit', 'the implied swap write names the limit');
  t.equal(unlimited[1]!.optional, true, 'limit -1 is the default: skipped without the controller');
  t.notOk(planMemoryV1({ limit: 1 }, fresh)[0]!.optional, 'a real limit needs the controller');
  t.same(fv(planMemoryV1({ limit: -1 }, { ...fresh, hasSwapFile: false })), [['memory.limit_in_bytes', '-1']], 'no swap accounting: no memsw write');
  t.same(fv(planMemoryV1({ swap: -1 }, { ...fresh, hasSwapFile: false })), [['memory.memsw.limit_in_bytes', '-1']]);
  t.equal(planMemoryV1({ swap: -1 }, { ...fresh, hasSwapFile: false })[0]!.optional, true);
  t.same(fv(planMemoryV1({ reservation: -1 }, fresh)), [['memory.soft_limit_in_bytes', '-1']]);
  t.equal(planMemoryV1({ reservation: -1 }, fresh)[0]!.optional, true);
  t.same(fv(planMemoryV1({ kernel: -1, kernelTCP: -1 }, fresh)), [], 'kernel memory -1 is nothing to do');
  t.throws(() => planMemoryV1({ limit: -2 }, fresh), { message: 'config.json: /linux/resources/memory/limit: must be -1 (unlimited) or a number of bytes, not -2' });
});

t.test('v1 memory: limit and memsw order when raising and lowering', async (t) => {
  // a new cgroup: limit and memsw are "unlimited"; the limit goes down first
  t.same(fv(planMemoryV1({ limit: 512 * MiB, swap: GiB }, fresh)), [
    ['memory.limit_in_bytes', String(512 * MiB)],
    ['memory.memsw.limit_in_bytes', String(GiB)],
  ]);
  // raising from 1G: memsw first, or the new limit would exceed the old memsw
  t.same(fv(planMemoryV1({ limit: 4 * GiB, swap: 8 * GiB }, { currentLimit: BigInt(GiB), hasSwapFile: true })), [
    ['memory.memsw.limit_in_bytes', String(8 * GiB)],
    ['memory.limit_in_bytes', String(4 * GiB)],
  ]);
  // lowering from 1G: the limit first, or the new memsw would be below the old limit
  t.same(fv(planMemoryV1({ limit: 256 * MiB, swap: 512 * MiB }, { currentLimit: BigInt(GiB), hasSwapFile: true })), [
    ['memory.limit_in_bytes', String(256 * MiB)],
    ['memory.memsw.limit_in_bytes', String(512 * MiB)],
  ]);
  // lifting both: memsw first
  t.same(fv(planMemoryV1({ limit: -1, swap: -1 }, { currentLimit: BigInt(GiB), hasSwapFile: true })), [
    ['memory.memsw.limit_in_bytes', '-1'],
    ['memory.limit_in_bytes', '-1'],
  ]);
  // equal memsw and limit: no swap at all
  t.same(fv(planMemoryV1({ limit: GiB, swap: GiB }, fresh)), [
    ['memory.limit_in_bytes', String(GiB)],
    ['memory.memsw.limit_in_bytes', String(GiB)],
  ]);
});

t.test('v1 memory: swap that cannot be applied', async (t) => {
  t.throws(() => planMemoryV1({ limit: GiB, swap: 2 * GiB }, { ...fresh, hasSwapFile: false }), {
    message: /^config\.json: \/linux\/resources\/memory\/swap: cannot apply: this kernel has no swap accounting \(memory\.memsw\.limit_in_bytes does not exist\)/,
  });
  t.throws(() => planMemoryV1({ limit: GiB, swap: 512 * MiB }, fresh), {
    message: 'config.json: /linux/resources/memory/swap: the memory+swap limit (536870912) must not be smaller than the memory limit (1073741824)',
  });
  t.throws(() => planMemoryV1({ swap: GiB }, fresh), { message: /\/memory\/swap: a memory\+swap limit needs a memory limit/ });
  t.throws(() => planMemoryV1({ limit: -1, swap: GiB }, fresh), PlanError);
});

t.test('v1 memory: the other knobs', async (t) => {
  t.same(
    fv(planMemoryV1({ useHierarchy: true, limit: GiB, reservation: 512 * MiB, kernel: 64 * MiB, kernelTCP: 16 * MiB, swappiness: 0, disableOOMKiller: true }, fresh)),
    [
      ['memory.use_hierarchy', '1'],
      ['memory.limit_in_bytes', String(GiB)],
      ['memory.soft_limit_in_bytes', String(512 * MiB)],
      ['memory.kmem.limit_in_bytes', String(64 * MiB)],
      ['memory.kmem.tcp.limit_in_bytes', String(16 * MiB)],
      ['memory.swappiness', '0'],
      ['memory.oom_control', '1'],
    ],
  );
  const kernel = planMemoryV1({ kernel: 1 }, fresh)[0]!;
  t.notOk(kernel.optional, 'a real kernel memory limit needs its file');
  const oom = planMemoryV1({ disableOOMKiller: false }, fresh);
  t.same(fv(oom), [['memory.oom_control', '0']], 'false is written too: a new cgroup inherits its parent setting');
  t.equal(oom[0]!.optional, true);
  t.same(fv(planMemoryV1({ useHierarchy: false }, fresh)), [['memory.use_hierarchy', '0']]);
  t.same(fv(planMemoryV1({ swappiness: 100 }, fresh)), [['memory.swappiness', '100']]);
  t.same(planMemoryV1({ swappiness: -1 }, fresh), [], 'swappiness -1: leave it');
  t.throws(() => planMemoryV1({ swappiness: 101 }, fresh), { message: 'config.json: /linux/resources/memory/swappiness: must be between 0 and 100, not 101' });
  t.same(planMemoryV1({ checkBeforeUpdate: true }, fresh), [], 'checkBeforeUpdate is about update');
  for (const w of planMemoryV1({ limit: 1, reservation: 1, swappiness: 1 }, fresh)) t.equal(w.controller, 'memory');
});

t.test('memoryHostV1 reads the current limit and whether memsw exists', async (t) => {
  const d = fakeDir({ 'memory.limit_in_bytes': '9223372036854771712\n', 'memory.memsw.limit_in_bytes': '9223372036854771712\n' });
  t.same(memoryHostV1(d), { currentLimit: FRESH_LIMIT, hasSwapFile: true });
  const e = fakeDir({ 'memory.limit_in_bytes': '1073741824\n' });
  t.same(memoryHostV1(e), { currentLimit: BigInt(GiB), hasSwapFile: false });
});

t.test('v1 cpu', async (t) => {
  t.same(planCpuV1(undefined), []);
  t.same(planCpuV1({ shares: 0, quota: 0, period: 0, realtimeRuntime: 0, realtimePeriod: 0 }), [], '0 means not set');
  t.same(fv(planCpuV1({ shares: 512, quota: 50000, period: 100000, burst: 20000, realtimeRuntime: 10000, realtimePeriod: 1000000, idle: 1 })), [
    ['cpu.rt_period_us', '1000000'],
    ['cpu.rt_runtime_us', '10000'],
    ['cpu.shares', '512'],
    ['cpu.cfs_period_us', '100000'],
    ['cpu.cfs_quota_us', '50000'],
    ['cpu.cfs_burst_us', '20000'],
    ['cpu.idle', '1'],
  ]);
  const unlimited = planCpuV1({ quota: -1, burst: 0, idle: 0 });
  t.same(fv(unlimited), [['cpu.cfs_quota_us', '-1'], ['cpu.cfs_burst_us', '0'], ['cpu.idle', '0']]);
  t.ok(unlimited.every((w) => w.optional), 'defaults are skipped where the file is missing');
  t.notOk(planCpuV1({ burst: 1000 })[0]!.optional, 'a real burst needs cpu.cfs_burst_us');
  t.notOk(planCpuV1({ idle: 1 })[0]!.optional, 'idle 1 needs cpu.idle');
  t.throws(() => planCpuV1({ shares: 1 }), { message: 'config.json: /linux/resources/cpu/shares: must be between 2 and 262144, not 1' });
  t.throws(() => planCpuV1({ shares: 262145 }), PlanError);
  t.throws(() => planCpuV1({ quota: 10000, burst: 20000 }), { message: 'config.json: /linux/resources/cpu/burst: must not be larger than quota (10000)' });
  t.same(fv(planCpuV1({ quota: -1, burst: 20000 })), [['cpu.cfs_quota_us', '-1'], ['cpu.cfs_burst_us', '20000']], 'burst with unlimited quota is fine');
  t.same(planCpuV1({ cpus: '0-1', mems: '0' }), [], 'cpus and mems belong to cpuset');
});

t.test('cpuset', async (t) => {
  t.same(planCpuset(undefined), []);
  t.same(planCpuset({ cpus: '', mems: '' }), [], 'empty strings mean not set');
  const ws = planCpuset({ cpus: '0-1,3', mems: '0' });
  t.same(fv(ws), [['cpuset.cpus', '0-1,3'], ['cpuset.mems', '0']]);
  t.same(ws.map((w) => [w.controller, w.pointer]), [['cpuset', '/linux/resources/cpu/cpus'], ['cpuset', '/linux/resources/cpu/mems']]);
});

t.test('pids: -1 is max, 0 is a real limit', async (t) => {
  t.same(planPids(undefined), []);
  t.same(planPids({} as { limit: number }), []);
  const max = planPids({ limit: -1 });
  t.same(fv(max), [['pids.max', 'max']]);
  t.equal(max[0]!.optional, true, 'no limit: nothing to do without the controller');
  t.same(fv(planPids({ limit: -5 })), [['pids.max', 'max']]);
  const zero = planPids({ limit: 0 });
  t.same(fv(zero), [['pids.max', '0']], 'runtime-spec: 0 is a valid limit');
  t.notOk(zero[0]!.optional);
  t.same(planPids({ limit: 10 }), [{ controller: 'pids', file: 'pids.max', value: '10', pointer: '/linux/resources/pids/limit', optional: false }]);
});

t.test('v1 blkio', async (t) => {
  const bfq = { weightFile: 'blkio.bfq.weight', weightDeviceFile: 'blkio.bfq.weight_device' };
  const cfq = { weightFile: 'blkio.weight', weightDeviceFile: 'blkio.weight_device' };
  t.same(planBlkioV1(undefined, bfq), []);
  t.same(planBlkioV1({ weight: 0, leafWeight: 0 }, bfq), [], '0 weights mean not set');
  const io = {
    weight: 500,
    leafWeight: 300,
    weightDevice: [{ major: 8, minor: 0, weight: 600, leafWeight: 200 }, { major: 8, minor: 16, weight: 700 }],
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
    throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
    throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 100 }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 0 }],
  };
  const ws = planBlkioV1(io, bfq);
  t.same(fv(ws), [
    ['blkio.bfq.weight', '500'],
    ['blkio.leaf_weight', '300'],
    ['blkio.bfq.weight_device', '8:0 600'],
    ['blkio.leaf_weight_device', '8:0 200'],
    ['blkio.bfq.weight_device', '8:16 700'],
    ['blkio.throttle.read_bps_device', '8:0 1048576'],
    ['blkio.throttle.write_bps_device', '8:0 2097152'],
    ['blkio.throttle.read_iops_device', '8:0 100'],
    ['blkio.throttle.write_iops_device', '8:16 0'],
  ]);
  t.same(ws.map((w) => w.pointer), [
    '/linux/resources/blockIO/weight',
    '/linux/resources/blockIO/leafWeight',
    '/linux/resources/blockIO/weightDevice/0/weight',
    '/linux/resources/blockIO/weightDevice/0/leafWeight',
    '/linux/resources/blockIO/weightDevice/1/weight',
    '/linux/resources/blockIO/throttleReadBpsDevice/0',
    '/linux/resources/blockIO/throttleWriteBpsDevice/0',
    '/linux/resources/blockIO/throttleReadIOPSDevice/0',
    '/linux/resources/blockIO/throttleWriteIOPSDevice/0',
  ]);
  t.equal(ws[8]!.optional, true, 'rate 0 removes a rule: nothing to do without throttling');
  t.same(fv(planBlkioV1({ weight: 100, weightDevice: [{ major: 8, minor: 0, weight: 10 }] }, cfq)), [['blkio.weight', '100'], ['blkio.weight_device', '8:0 10']]);
  t.same(blkioHostV1(fakeDir({ 'blkio.weight': '500' })), cfq, 'CFQ files where the kernel has them');
  t.same(blkioHostV1(fakeDir({ 'blkio.bfq.weight': '100' })), bfq);
  t.same(blkioHostV1(fakeDir()), bfq, 'neither: BFQ names, so the missing-file error names a file of this kernel generation');
});

t.test('hugetlb', async (t) => {
  t.same(planHugetlb(undefined, 1), []);
  const ws = planHugetlb([{ pageSize: '2MB', limit: 4 * 2 * MiB }, { pageSize: '1GB', limit: 0 }], 1);
  t.same(fv(ws), [
    ['hugetlb.2MB.limit_in_bytes', String(8 * MiB)],
    ['hugetlb.2MB.rsvd.limit_in_bytes', String(8 * MiB)],
    ['hugetlb.1GB.limit_in_bytes', '0'],
    ['hugetlb.1GB.rsvd.limit_in_bytes', '0'],
  ]);
  t.same(ws.map((w) => [w.pointer, w.optional ?? false]), [
    ['/linux/resources/hugepageLimits/0', false],
    ['/linux/resources/hugepageLimits/0', true],
    ['/linux/resources/hugepageLimits/1', false],
    ['/linux/resources/hugepageLimits/1', true],
  ], 'the reservation counter is used where the kernel has it; 0 is a real limit');
  t.same(fv(planHugetlb([{ pageSize: '64KB', limit: 65536 }], 2)), [['hugetlb.64KB.max', '65536'], ['hugetlb.64KB.rsvd.max', '65536']]);
});

t.test('v1 network', async (t) => {
  t.same(planNetworkV1(undefined), []);
  t.same(planNetworkV1({ classID: 0 }), [], 'classID 0 means not set');
  const ws = planNetworkV1({ classID: 1048577, priorities: [{ name: 'eth0', priority: 500 }, { name: 'lo', priority: 0 }] });
  t.same(ws.map((w) => [w.controller, w.file, w.value, w.pointer]), [
    ['net_cls', 'net_cls.classid', '1048577', '/linux/resources/network/classID'],
    ['net_prio', 'net_prio.ifpriomap', 'eth0 500', '/linux/resources/network/priorities/0'],
    ['net_prio', 'net_prio.ifpriomap', 'lo 0', '/linux/resources/network/priorities/1'],
  ]);
  t.throws(() => planNetworkV1({ priorities: [{ name: 'eth0 1\nlo', priority: 5 }] }), { message: /\/network\/priorities\/0\/name: must be an interface name/ });
});

t.test('rdma', async (t) => {
  t.same(planRdma(undefined), []);
  t.same(fv(planRdma({ mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 }, rxe3: { hcaHandles: 2 } })), [
    ['rdma.max', 'mlx5_1 hca_handle=3 hca_object=10000'],
    ['rdma.max', 'mlx4_0 hca_object=1000'],
    ['rdma.max', 'rxe3 hca_handle=2'],
  ]);
});

t.test('rdma: a device name that is not one word', async (t) => {
  t.throws(() => planRdma({ 'mlx5 hca_handle=1': { hcaHandles: 3 } }), { message: /^config\.json: \/linux\/resources\/rdma\/mlx5 hca_handle=1: the key must be a device name$/ });
  t.same(planRdma({ 'a/b': { hcaHandles: 1 } })[0]!.pointer, '/linux/resources/rdma/a~1b');
});

t.test('devices: the v1 access list in order', async (t) => {
  t.same(planDeviceRules([{ allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'b', major: 8, minor: -1, access: 'r' }]), [
    { file: 'devices.deny', value: 'a' },
    { file: 'devices.allow', value: 'c 1:3 rwm' },
    { file: 'devices.allow', value: 'b 8:* r' },
  ]);
});

t.test('planV1 and placeV1', async (t) => {
  t.same(planV1(undefined), []);
  t.same(planV1({}), []);
  t.same(planV1({ devices: [{ allow: false, access: 'rwm' }] }), [], 'devices are applied on their own');
  const ws = planV1({ memory: { limit: 32 * MiB }, cpu: { shares: 512, cpus: '0' }, pids: { limit: 10 } });
  t.same(ws.map((w) => [w.controller, w.file]), [['cpuset', 'cpuset.cpus'], ['memory', 'memory.limit_in_bytes'], ['cpu', 'cpu.shares'], ['pids', 'pids.max']]);
  t.same(planV1({ unified: { 'memory.high': '1' } }), [], 'unified is not a v1 controller');

  const dirs: Record<string, string> = { memory: '/m', cpu: '/c' };
  const dirOf = (c: string) => dirs[c];
  t.same(placeV1(planV1({ memory: { limit: 1 }, pids: { limit: -1 } }), dirOf).map((p) => [p.dir, p.write.file]), [['/m', 'memory.limit_in_bytes']], 'pids -1 without a pids hierarchy: skipped');
  t.throws(() => placeV1(planV1({ hugepageLimits: [{ pageSize: '2MB', limit: 0 }] }), dirOf), {
    message: 'config.json: /linux/resources/hugepageLimits/0: cannot apply: no cgroup v1 hierarchy on this host has the hugetlb controller',
  });
  t.throws(() => placeV1(planV1({ network: { classID: 7 } }), dirOf), { message: /\/linux\/resources\/network\/classID: .*net_cls controller/ });
  t.throws(() => placeV1(planV1({ pids: { limit: 0 } }), dirOf), { message: /\/linux\/resources\/pids\/limit: .*pids controller/ });
});

// ---------------------------------------------------------------------------
// v2 planners
// ---------------------------------------------------------------------------

t.test('v2 cpu.weight from shares (runc conversion)', async (t) => {
  const cases: [number, number][] = [[0, 0], [1, 1], [2, 1], [3, 2], [512, 59], [1024, 100], [2048, 174], [262143, 10000], [262144, 10000], [1000000, 10000]];
  for (const [shares, weight] of cases) t.equal(sharesToWeight(shares), weight, `${shares} shares -> weight ${weight}`);
  for (let s = 2; s < 262144; s = Math.ceil(s * 1.7)) t.ok(sharesToWeight(s) <= sharesToWeight(Math.ceil(s * 1.7)), 'monotonic');
});

t.test('v2 cpu', async (t) => {
  t.same(planCpuV2(undefined), []);
  t.same(planCpuV2({ shares: 0, quota: 0, period: 0 }), []);
  t.same(fv(planCpuV2({ shares: 1024, quota: 50000, period: 200000, burst: 10000, idle: 1, cpus: '0' })), [
    ['cpu.weight', '100'],
    ['cpu.max', '50000 200000'],
    ['cpu.max.burst', '10000'],
    ['cpu.idle', '1'],
  ]);
  t.same(fv(planCpuV2({ quota: 25000 })), [['cpu.max', '25000 100000']], 'the kernel default period');
  t.same(fv(planCpuV2({ period: 50000 })), [['cpu.max', 'max 50000']], 'a period alone keeps the quota unlimited');
  const unlimited = planCpuV2({ quota: -1 });
  t.same(fv(unlimited), [['cpu.max', 'max 100000']]);
  t.equal(unlimited[0]!.optional, true);
  t.equal(unlimited[0]!.pointer, '/linux/resources/cpu/quota');
  t.throws(() => planCpuV2({ realtimeRuntime: 1000 }), { message: 'config.json: /linux/resources/cpu/realtimeRuntime: cannot apply: cgroup v2 has no realtime CPU bandwidth' });
  t.throws(() => planCpuV2({ realtimePeriod: 1000000 }), { message: /realtimePeriod: cannot apply/ });
  t.throws(() => planCpuV2({ shares: 1 }), PlanError);
});

t.test('v2 memory: swap is memory+swap minus memory', async (t) => {
  t.equal(swapForV2(0, 0), 0);
  t.equal(swapForV2(0, GiB), 0, 'no swap setting: leave swap alone');
  t.equal(swapForV2(0, -1), -1, 'unlimited memory lifts swap too');
  t.equal(swapForV2(-1, GiB), -1);
  t.equal(swapForV2(2 * GiB, -1), 2 * GiB, 'unlimited memory: swap as given');
  t.equal(swapForV2(3 * GiB, GiB), 2 * GiB);
  t.equal(swapForV2(GiB, GiB), 0);
  t.throws(() => swapForV2(GiB, 0), { message: /\/memory\/swap: a memory\+swap limit needs a memory limit/ });
  t.throws(() => swapForV2(GiB, 2 * GiB), { message: /must not be smaller than the memory limit/ });

  t.same(planMemoryV2(undefined), []);
  t.same(planMemoryV2({ limit: 0, swap: 0, reservation: 0 }), []);
  t.same(fv(planMemoryV2({ limit: GiB, swap: 3 * GiB, reservation: 512 * MiB })), [
    ['memory.swap.max', String(2 * GiB)],
    ['memory.max', String(GiB)],
    ['memory.low', String(512 * MiB)],
  ]);
  const noSwap = planMemoryV2({ limit: GiB, swap: GiB });
  t.same(fv(noSwap), [['memory.swap.max', '0'], ['memory.max', String(GiB)]], 'swap == limit: no swap');
  t.equal(noSwap[0]!.optional, true, 'no swap where the kernel has no swap accounting anyway');
  const unlimited = planMemoryV2({ limit: -1 });
  t.same(fv(unlimited), [['memory.swap.max', 'max'], ['memory.max', 'max']]);
  t.ok(unlimited.every((w) => w.optional));
  t.equal(unlimited[0]!.pointer, '/linux/resources/memory/limit');
  t.notOk(planMemoryV2({ limit: GiB, swap: 2 * GiB })[0]!.optional, 'a real swap limit needs memory.swap.max');
  t.same(fv(planMemoryV2({ reservation: -1 })), [['memory.low', 'max']]);
  t.same(planMemoryV2({ kernel: -1, kernelTCP: 0, swappiness: -1, disableOOMKiller: false, useHierarchy: true }), [], 'defaults are fine');
});

t.test('v2 memory: what v2 cannot express is an error', async (t) => {
  t.throws(() => planMemoryV2({ kernel: GiB }), { message: 'config.json: /linux/resources/memory/kernel: cannot apply: cgroup v2 has no kernel memory limit' });
  t.throws(() => planMemoryV2({ kernelTCP: GiB }), { message: /\/memory\/kernelTCP: cannot apply/ });
  t.throws(() => planMemoryV2({ swappiness: 10 }), { message: /\/memory\/swappiness: cannot apply: cgroup v2 has no per-cgroup swappiness/ });
  t.throws(() => planMemoryV2({ disableOOMKiller: true }), { message: /\/memory\/disableOOMKiller: cannot apply/ });
  t.throws(() => planMemoryV2({ useHierarchy: false }), { message: /\/memory\/useHierarchy: cannot apply/ });
  t.throws(() => planMemoryV2({ limit: -3 }), { message: /\/memory\/limit: must be -1/ });
});

t.test('v2 io', async (t) => {
  t.equal(blkioToIoWeight(0), 0);
  t.equal(blkioToIoWeight(10), 1);
  t.equal(blkioToIoWeight(500), 4950);
  t.equal(blkioToIoWeight(1000), 10000);
  t.equal(blkioToIoWeight(1), 1, 'clamped');
  const io = {
    weight: 500,
    weightDevice: [{ major: 8, minor: 0, weight: 100 }],
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
    throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 0 }],
    throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 200 }],
  };
  const limits = [
    ['io.max', '8:0 rbps=1048576'],
    ['io.max', '8:0 wbps=max'],
    ['io.max', '8:16 riops=100'],
    ['io.max', '8:16 wiops=200'],
  ];
  t.same(fv(planIoV2(io, { bfq: 'none' })), [['io.weight', '4950'], ['io.weight', '8:0 910'], ...limits], 'io.weight, scaled');
  t.same(fv(planIoV2(io, { bfq: 'default' })), [['io.bfq.weight', '500'], ['io.weight', '8:0 910'], ...limits], 'old BFQ: no per-device weights');
  t.same(fv(planIoV2(io, { bfq: 'per-device' })), [['io.bfq.weight', '500'], ['io.bfq.weight', '8:0 100'], ...limits]);
  t.equal(planIoV2(io, { bfq: 'none' })[3]!.optional, true, 'rate 0 (no limit) is "max", skipped without io');
  t.throws(() => planIoV2({ leafWeight: 10 }, { bfq: 'none' }), { message: 'config.json: /linux/resources/blockIO/leafWeight: cannot apply: cgroup v2 has no leaf weight' });
  t.throws(() => planIoV2({ weightDevice: [{ major: 8, minor: 0, leafWeight: 10 }] }, { bfq: 'none' }), { message: /\/blockIO\/weightDevice\/0\/leafWeight: cannot apply/ });
  t.same(ioHostV2(fakeDir()), { bfq: 'none' });
  t.same(ioHostV2(fakeDir({ 'io.bfq.weight': '100\n' })), { bfq: 'default' });
  t.same(ioHostV2(fakeDir({ 'io.bfq.weight': 'default 100\n' })), { bfq: 'per-device' });
});

t.test('v2 unified', async (t) => {
  t.equal(controllerOf('memory.high'), 'memory');
  t.equal(controllerOf('hugetlb.1GB.max'), 'hugetlb');
  t.equal(controllerOf('cgroup.max.depth'), '', 'core files need no controller');
  for (const ok of ['memory.high', 'io.max', 'hugetlb.1GB.max', 'cgroup.max.descendants', 'cpu.uclamp.min', 'misc.max']) t.equal(checkUnifiedKey(ok), undefined, ok);
  for (const bad of ['', '.', '..', '../memory.max', 'a/memory.max', '/memory.max', 'memory', '.memory', 'memory.', 'cgroup.procs', 'cgroup.threads', 'x\0.y']) {
    t.not(checkUnifiedKey(bad), undefined, JSON.stringify(bad));
  }
  t.throws(() => planUnified({ '../../memory.max': '1' }), { message: 'config.json: /linux/resources/unified/..~1..~1memory.max: "../../memory.max" must be a file name in the container\'s cgroup, not a path' });
  t.throws(() => planUnified({ 'cgroup.procs': '1' }), { message: /is managed by the runtime/ });
  t.same(
    planUnified({ 'io.max': '259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120\n', 'memory.high': '1G', 'cgroup.freeze': '' }).map((w) => [w.controller, w.file, w.value, w.pointer]),
    [
      ['io', 'io.max', '259:0 rbps=2097152 wiops=120', '/linux/resources/unified/io.max'],
      ['io', 'io.max', '253:0 rbps=2097152 wiops=120', '/linux/resources/unified/io.max'],
      ['memory', 'memory.high', '1G', '/linux/resources/unified/memory.high'],
      ['', 'cgroup.freeze', '', '/linux/resources/unified/cgroup.freeze'],
    ],
    'one write per line',
  );
});

t.test('planV2', async (t) => {
  t.same(planV2(undefined), []);
  t.same(planV2({ devices: [{ allow: false, access: 'rwm' }] }), []);
  const ws = planV2({
    unified: { 'memory.high': '100M' },
    memory: { limit: 32 * MiB },
    cpu: { shares: 512, cpus: '0' },
    pids: { limit: 10 },
    hugepageLimits: [{ pageSize: '2MB', limit: 0 }],
    rdma: { mlx5_0: { hcaHandles: 1 } },
    blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1 }] },
  });
  t.same(ws.map((w) => [w.controller, w.file]), [
    ['pids', 'pids.max'],
    ['memory', 'memory.max'],
    ['io', 'io.max'],
    ['cpu', 'cpu.weight'],
    ['cpuset', 'cpuset.cpus'],
    ['hugetlb', 'hugetlb.2MB.max'],
    ['hugetlb', 'hugetlb.2MB.rsvd.max'],
    ['rdma', 'rdma.max'],
    ['memory', 'memory.high'],
  ], 'unified last: it overrides');
  t.throws(() => planV2({ network: { classID: 1 } }), { message: 'config.json: /linux/resources/network/classID: cannot apply: cgroup v2 has no net_cls controller' });
  t.throws(() => planV2({ network: { priorities: [{ name: 'lo', priority: 1 }] } }), { message: /\/network\/priorities: cannot apply/ });
  t.same(planV2({ network: { classID: 0, priorities: [] } }), []);
});

t.test('v2 controllers: ancestors and enabling', async (t) => {
  t.same(ancestors('/sys/fs/cgroup', '/sys/fs/cgroup/a/b/c'), ['/sys/fs/cgroup', '/sys/fs/cgroup/a', '/sys/fs/cgroup/a/b']);
  t.same(ancestors('/sys/fs/cgroup', '/sys/fs/cgroup/c'), ['/sys/fs/cgroup']);
  t.same(ancestors('/sys/fs/cgroup', '/sys/fs/cgroup'), []);

  const root = fakeDir({ 'cgroup.controllers': 'cpu memory pids\n', 'cgroup.subtree_control': 'cpu\n' });
  const mid = join(root, 'a');
  mkdirSync(mid);
  // as the kernel shows it once the root has memory enabled
  writeFileSync(join(mid, 'cgroup.controllers'), 'cpu memory\n');
  writeFileSync(join(mid, 'cgroup.subtree_control'), '');
  const leaf = join(mid, 'c');
  mkdirSync(leaf);
  writeFileSync(join(leaf, 'cgroup.controllers'), 'cpu\n');
  // A fake file keeps only the last write.
  const why = enableControllers(root, leaf, ['cpu', 'memory', '', 'hugetlb', 'memory']);
  t.equal(read(root, 'cgroup.subtree_control'), '+pids', 'root: memory, then pids (every available one, like runc; cpu already was)');
  t.equal(read(mid, 'cgroup.subtree_control'), '+memory', 'the middle: cpu, then memory');
  t.same([...why], [['hugetlb', `the hugetlb controller is not available in ${root}`]], 'a wanted controller nobody offers is explained');
  writeFileSync(join(root, 'cgroup.subtree_control'), 'cpu memory pids\n');
  writeFileSync(join(mid, 'cgroup.subtree_control'), 'cpu memory\n');
  t.same([...enableControllers(root, leaf, ['cpu'])], [], 'all enabled: nothing to do');
  t.equal(read(mid, 'cgroup.subtree_control'), 'cpu memory\n', 'and nothing written');
});

// ---------------------------------------------------------------------------
// applyResources on fake trees
// ---------------------------------------------------------------------------

/** A fake hybrid host: v1 hierarchies (with the given files in the container's dir) and a cgroup2. */
function hybridHost(files: Record<string, Record<string, string>>, unified: Record<string, string> = { 'cgroup.controllers': '' }) {
  const base = fakeDir();
  const hierarchies: Hierarchy[] = [];
  const paths: Record<string, string> = {};
  for (const [controllers, content] of Object.entries(files)) {
    const mountpoint = join(base, controllers);
    hierarchies.push({ version: 1, mountpoint, controllers: controllers.split(','), root: '/' });
    paths[mountpoint] = fakeDir(content, mountpoint);
  }
  const v2 = join(base, 'unified');
  hierarchies.push({ version: 2, mountpoint: v2, controllers: [], root: '/' });
  paths[v2] = fakeDir(unified, v2);
  hierarchies.push({ version: 1, mountpoint: join(base, 'systemd'), controllers: ['name=systemd'], root: '/' });
  paths[join(base, 'systemd')] = fakeDir({}, join(base, 'systemd'));
  const dir = (c: string) => paths[join(base, c)]!;
  return { hierarchies, paths, dir };
}

const MEMORY_FILES = {
  'memory.limit_in_bytes': '9223372036854771712\n',
  'memory.memsw.limit_in_bytes': '9223372036854771712\n',
  'memory.soft_limit_in_bytes': '9223372036854771712\n',
  'memory.swappiness': '60\n',
  'memory.oom_control': 'oom_kill_disable 0\n',
};
const CPU_FILES = { 'cpu.shares': '1024\n', 'cpu.cfs_quota_us': '-1\n', 'cpu.cfs_period_us': '100000\n' };

t.test('isUnifiedHost', async (t) => {
  t.notOk(isUnifiedHost(hybridHost({ memory: {} }).hierarchies), 'hybrid');
  t.ok(isUnifiedHost([{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }]), 'pure v2');
  t.ok(isUnifiedHost([{ version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' }, { version: 1, mountpoint: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'], root: '/' }]), 'v2 with only a named v1 hierarchy');
  t.notOk(isUnifiedHost([]), 'no cgroups at all');
});

t.test('applyResources on a hybrid host: v1 files', async (t) => {
  const h = hybridHost({ memory: MEMORY_FILES, 'cpu,cpuacct': CPU_FILES, cpuset: { 'cpuset.cpus': '0-1', 'cpuset.mems': '0' }, pids: { 'pids.max': 'max' } });
  applyResources(h.hierarchies, h.paths, {
    memory: { limit: 32 * MiB, swap: 64 * MiB, reservation: 16 * MiB, swappiness: 10, disableOOMKiller: true },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '1', mems: '0' },
    pids: { limit: 10 },
    hugepageLimits: [],
  }, undefined);
  t.equal(read(h.dir('memory'), 'memory.limit_in_bytes'), String(32 * MiB));
  t.equal(read(h.dir('memory'), 'memory.memsw.limit_in_bytes'), String(64 * MiB));
  t.equal(read(h.dir('memory'), 'memory.soft_limit_in_bytes'), String(16 * MiB));
  t.equal(read(h.dir('memory'), 'memory.swappiness'), '10');
  t.equal(read(h.dir('memory'), 'memory.oom_control'), '1');
  t.equal(read(h.dir('cpu,cpuacct'), 'cpu.shares'), '512', 'cpu found in a co-mounted hierarchy');
  t.equal(read(h.dir('cpu,cpuacct'), 'cpu.cfs_quota_us'), '50000');
  t.equal(read(h.dir('cpuset'), 'cpuset.cpus'), '1');
  t.equal(read(h.dir('pids'), 'pids.max'), '10');
  t.equal(read(h.dir('unified'), 'cgroup.controllers'), '', 'nothing written to cgroup v2');
});

t.test('applyResources on a hybrid host: errors before any write', async (t) => {
  const h = hybridHost({ memory: MEMORY_FILES, cpu: CPU_FILES });
  t.throws(() => applyResources(h.hierarchies, h.paths, { memory: { limit: 32 * MiB }, hugepageLimits: [{ pageSize: '2MB', limit: 2 * MiB }] }, undefined), {
    message: 'config.json: /linux/resources/hugepageLimits/0: cannot apply: no cgroup v1 hierarchy on this host has the hugetlb controller',
  });
  t.equal(read(h.dir('memory'), 'memory.limit_in_bytes'), '9223372036854771712\n', 'the memory limit was not written');
  t.throws(() => applyResources(h.hierarchies, h.paths, { cpu: { burst: 1000 } }, undefined), {
    message: `config.json: /linux/resources/cpu/burst: cannot apply: ${join(h.dir('cpu'), 'cpu.cfs_burst_us')} does not exist (not supported by this kernel)`,
  });
  t.doesNotThrow(() => applyResources(h.hierarchies, h.paths, { cpu: { burst: 0, idle: 0 }, pids: { limit: -1 }, memory: { kernel: -1 } }, undefined), 'defaults are skipped');
  const noMemory = hybridHost({ cpu: CPU_FILES });
  t.doesNotThrow(() => applyResources(noMemory.hierarchies, noMemory.paths, { memory: { limit: -1, swap: -1, reservation: -1 } }, undefined), 'unlimited memory without a memory controller');
  t.throws(() => applyResources(noMemory.hierarchies, noMemory.paths, { memory: { limit: 1 } }, undefined), { message: /\/memory\/limit: cannot apply: no cgroup v1 hierarchy on this host has the memory controller/ });
  t.doesNotThrow(() => applyResources(h.hierarchies, h.paths, undefined, undefined));
});

t.test('applyResources on a hybrid host: unified keys only where the file exists', async (t) => {
  const h = hybridHost({ memory: MEMORY_FILES }, { 'cgroup.controllers': '', 'cgroup.max.descendants': 'max\n' });
  applyResources(h.hierarchies, h.paths, { unified: { 'cgroup.max.descendants': '5' } }, undefined);
  t.equal(read(h.dir('unified'), 'cgroup.max.descendants'), '5');
  t.throws(() => applyResources(h.hierarchies, h.paths, { unified: { 'memory.max': '1G' } }, undefined), {
    message: `config.json: /linux/resources/unified/memory.max: cannot apply: ${join(h.dir('unified'), 'memory.max')} does not exist (the memory controller is not enabled in the cgroup v2 hierarchy of this host, which uses cgroup v1)`,
  });
  t.throws(() => applyResources(h.hierarchies, h.paths, { unified: { 'memory/../x.y': '1' } }, undefined), { message: /not a path/ });
  const v1Only = { ...h, hierarchies: h.hierarchies.filter((x) => x.version === 1) };
  t.throws(() => applyResources(v1Only.hierarchies, v1Only.paths, { unified: { 'cgroup.max.descendants': '5' } }, undefined), {
    message: 'config.json: /linux/resources/unified: cannot apply: this host has no cgroup v2 hierarchy',
  });
  t.doesNotThrow(() => applyResources(v1Only.hierarchies, v1Only.paths, { unified: {} }, undefined), 'an empty map is nothing to do');
});

t.test('applyResources on a hybrid host: device rules', async (t) => {
  const h = hybridHost({ devices: { 'devices.allow': '', 'devices.deny': '' } });
  applyResources(h.hierarchies, h.paths, { devices: [{ allow: false, access: 'rwm' }] }, [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229 }]);
  t.equal(read(h.dir('devices'), 'devices.deny'), 'a');
  t.equal(read(h.dir('devices'), 'devices.allow'), 'c 10:229 rwm', 'the last rule: the config device');
});

/** A fake cgroup v2 host with the container at <root>/a/c. */
function v2Host(available: string, leafFiles: Record<string, string>) {
  const root = fakeDir({ 'cgroup.controllers': available, 'cgroup.subtree_control': '' });
  const mid = join(root, 'a');
  mkdirSync(mid);
  writeFileSync(join(mid, 'cgroup.controllers'), available);
  writeFileSync(join(mid, 'cgroup.subtree_control'), '');
  const leaf = join(mid, 'c');
  mkdirSync(leaf);
  writeFileSync(join(leaf, 'cgroup.controllers'), '');
  for (const [f, v] of Object.entries(leafFiles)) writeFileSync(join(leaf, f), v);
  const hierarchies: Hierarchy[] = [{ version: 2, mountpoint: root, controllers: [], root: '/' }];
  return { hierarchies, paths: { [root]: leaf }, root, mid, leaf };
}

t.test('applyResources on a cgroup v2 host', async (t) => {
  // The device filter goes to the kernel through the addon: a fake records it.
  const attached: [string, Uint8Array][] = [];
  setNativeForTesting({ replaceDeviceFilter: (dir: string, insns: Uint8Array) => attached.push([dir, insns]) } as unknown as Native);
  t.teardown(() => setNativeForTesting(undefined));
  const h = v2Host('cpu io memory pids\n', { 'memory.max': 'max', 'memory.swap.max': 'max', 'cpu.weight': '100', 'cpu.max': 'max 100000', 'pids.max': 'max', 'io.weight': 'default 100', 'memory.high': 'max' });
  applyResources(h.hierarchies, h.paths, { memory: { limit: 32 * MiB, swap: 48 * MiB }, cpu: { shares: 2048, quota: 20000 }, pids: { limit: 20 }, blockIO: { weight: 1000 }, unified: { 'memory.high': '16777216' }, devices: [{ allow: false, access: 'rwm' }] }, undefined);
  t.equal(read(h.leaf, 'memory.max'), String(32 * MiB));
  t.equal(read(h.leaf, 'memory.swap.max'), String(16 * MiB), 'swap alone');
  t.equal(read(h.leaf, 'cpu.weight'), '174');
  t.equal(read(h.leaf, 'cpu.max'), '20000 100000');
  t.equal(read(h.leaf, 'pids.max'), '20');
  t.equal(read(h.leaf, 'io.weight'), '10000');
  t.equal(read(h.leaf, 'memory.high'), '16777216');
  t.match(read(h.root, 'cgroup.subtree_control'), /^\+(cpu|io|memory|pids)$/, 'controllers enabled at the root');
  t.match(read(h.mid, 'cgroup.subtree_control'), /^\+(cpu|io|memory|pids)$/, 'and below it');
  t.same(attached, [[h.leaf, deviceFilter(deviceRules([{ allow: false, access: 'rwm' }], []))]], 'the device rules (with the defaults) attached as one eBPF program');

  t.throws(() => applyResources(h.hierarchies, h.paths, { hugepageLimits: [{ pageSize: '2MB', limit: 0 }] }, undefined), {
    message: `config.json: /linux/resources/hugepageLimits/0: cannot apply: ${join(h.leaf, 'hugetlb.2MB.max')} does not exist (the hugetlb controller is not available in ${h.root})`,
  });
  t.throws(() => applyResources(h.hierarchies, h.paths, { cpu: { realtimeRuntime: 5 } }, undefined), { message: /realtimeRuntime: cannot apply: cgroup v2 has no realtime/ });
  t.doesNotThrow(() => applyResources(h.hierarchies, h.paths, { pids: { limit: -1 }, cpu: { idle: 0 } }, undefined), 'defaults');
});

t.test('update: merging a change into the stored resources, and byte sizes', async (t) => {
  const { mergeResources, parseBytes } = await import('../../src/lifecycle/update.js');
  const merged = mergeResources({ memory: { limit: 64, swap: 128 }, pids: { limit: 10 }, devices: [{ allow: false }] }, { memory: { limit: 96 }, cpu: { shares: 512 }, devices: [{ allow: true }] });
  t.same(merged, { memory: { limit: 96, swap: 128 }, pids: { limit: 10 }, cpu: { shares: 512 }, devices: [{ allow: false }] }, 'fields replace one by one; devices never change');
  t.same(mergeResources(undefined, { hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }), { hugepageLimits: [{ pageSize: '2MB', limit: 1 }] });
  t.equal(parseBytes('96m', '--memory'), 96 * 1024 * 1024);
  t.equal(parseBytes('1G', '--memory'), 1024 ** 3);
  t.equal(parseBytes('512k', '--memory'), 512 * 1024);
  t.equal(parseBytes('1024', '--memory'), 1024);
  t.equal(parseBytes('-1', '--memory'), -1);
  t.throws(() => parseBytes('lots', '--memory'), /invalid value for --memory/);
});
