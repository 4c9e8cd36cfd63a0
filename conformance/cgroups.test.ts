// linux.resources (config-linux.md "Control groups"): the limits a container
// gets, read from the host's cgroup files of its cgroupsPath while it exists
// and from inside through its own /sys/fs/cgroup, their effect (memory, pids,
// cpu), and create failing cleanly for a value the host cannot apply.
//
// The expected files are cgroup v1's where the host has the controller there
// (the hybrid layout of this project's CI) and cgroup v2's on a v2-only host;
// a test whose controller the host lacks is skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { controllerAt, PURE_V2, readCgroupFile, sharesToWeight, v1Mount, V2_MOUNT, v2ChildHasFile, v2Controllers } from './lib/cgroup-files.js';
import { Harness, cgroupMountPoints, diag, isRunc, pidAlive, runcDeviation, runtimeVersion, sleep, waitFor, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'cgroups');
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// The host's cgroup layout (lib/cgroup-files.ts)
// ---------------------------------------------------------------------------

const V2 = V2_MOUNT;
const readHost = readCgroupFile;

/** The first whole block device of the host (using `scheduler`, if given), as "major:minor". */
function blockDevice(scheduler?: string): string | undefined {
  let names: string[] = [];
  try {
    names = fs.readdirSync('/sys/block');
  } catch {
    return undefined;
  }
  const order = (n: string) => (/^(vd|sd|nvme|xvd)/.test(n) ? 0 : /^loop/.test(n) ? 1 : 2);
  for (const n of names.sort((a, b) => order(a) - order(b))) {
    if (scheduler && !(readHost(path.join('/sys/block', n, 'queue'), 'scheduler') ?? '').includes(`[${scheduler}]`)) continue;
    const dev = readHost(path.join('/sys/block', n), 'dev');
    if (dev && /^\d+:\d+$/.test(dev)) return dev;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function withResources(b: Bundle, resources: Config): Bundle {
  return b.patch((c) => {
    c.linux.resources = { ...c.linux.resources, ...resources };
  });
}

/** A created container (its process waits for start, already in its cgroups) with `resources`. */
async function created(t: Test, resources: Config, args = ['sleep', '1000']): Promise<{ id: string; b: Bundle }> {
  const b = withResources(h.bundle({ args }), resources);
  const id = h.id(t);
  await h.mustCreate(t, id, b);
  return { id, b };
}

/** Runs a container in the foreground; resolves to its result. */
async function run(t: Test, resources: Config, args: string[]) {
  const b = withResources(h.bundle({ args }), resources);
  const id = h.id(t);
  const r = await h.run(id, b, [], { timeout: 30_000 });
  return { r, b };
}

/** create must fail naming `pointer` (tsrun; runc's texts differ) and leave nothing behind. */
async function createFails(t: Test, resources: Config, pointer: string, stderr?: RegExp) {
  const b = withResources(h.bundle({ args: ['sleep', '1000'] }), resources);
  const id = h.id(t);
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.notOk(r.timedOut, 'and does not hang');
  if (!isRunc()) {
    t.match(r.stderr, pointer, `the error names ${pointer}`, diag(r));
    if (stderr) t.match(r.stderr, stderr, 'and says why', diag(r));
  }
  await h.expectNoTrace(t, id, b);
}

// ---------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------

const memory = controllerAt('memory');

t.test('memory: limit, reservation, swap and swappiness are set on the container\'s cgroup (config-linux.md Memory)', { skip: !memory && 'no memory controller' }, async (t) => {
  const at = memory!;
  const hasSwap = at.v === 1 ? fs.existsSync(path.join(v1Mount('memory')!, 'memory.memsw.limit_in_bytes')) : true;
  const res: Config = { memory: { limit: 32 * MiB, reservation: 16 * MiB, ...(hasSwap ? { swap: 48 * MiB } : {}), ...(at.v === 1 ? { swappiness: 10 } : {}) } };
  const { b } = await created(t, res);
  const dir = at.dir(b.cgroupsPath!);
  if (at.v === 1) {
    t.equal(readHost(dir, 'memory.limit_in_bytes'), String(32 * MiB), 'memory.limit_in_bytes');
    t.equal(readHost(dir, 'memory.soft_limit_in_bytes'), String(16 * MiB), 'memory.soft_limit_in_bytes');
    if (hasSwap) t.equal(readHost(dir, 'memory.memsw.limit_in_bytes'), String(48 * MiB), 'memory.memsw.limit_in_bytes is memory+swap');
    t.equal(readHost(dir, 'memory.swappiness'), '10', 'memory.swappiness');
  } else {
    t.equal(readHost(dir, 'memory.max'), String(32 * MiB), 'memory.max');
    t.equal(readHost(dir, 'memory.low'), String(16 * MiB), 'memory.low');
    if (fs.existsSync(path.join(dir, 'memory.swap.max'))) t.equal(readHost(dir, 'memory.swap.max'), String(16 * MiB), 'memory.swap.max is swap - limit');
  }
});

t.test('memory: the container sees its limit in its own /sys/fs/cgroup', { skip: !memory && 'no memory controller' }, async (t) => {
  const file = memory!.v === 1 ? '/sys/fs/cgroup/memory/memory.limit_in_bytes' : '/sys/fs/cgroup/memory.max';
  const { r } = await run(t, { memory: { limit: 32 * MiB } }, ['cat', file]);
  t.equal(r.code, 0, 'container ran', diag(r));
  t.equal(r.stdout.trim(), String(32 * MiB));
});

t.test('memory: -1 means unlimited (config-linux.md Memory: "-1 for unlimited memory")', { skip: !memory && 'no memory controller' }, async (t) => {
  const { b } = await created(t, { memory: { limit: -1 } });
  const dir = memory!.dir(b.cgroupsPath!);
  if (memory!.v === 1) {
    t.ok(BigInt(readHost(dir, 'memory.limit_in_bytes') ?? '0') >= 1n << 62n, 'memory.limit_in_bytes is the kernel\'s "unlimited"');
    const memsw = readHost(dir, 'memory.memsw.limit_in_bytes');
    if (memsw !== undefined) t.ok(BigInt(memsw) >= 1n << 62n, 'and so is memory.memsw.limit_in_bytes');
  } else {
    t.equal(readHost(dir, 'memory.max'), 'max');
    const swapMax = readHost(dir, 'memory.swap.max');
    if (swapMax !== undefined) t.equal(swapMax, 'max', 'memory.swap.max: an unlimited memory lifts the swap limit too');
  }
});

t.test('memory: the limit is enforced: writing past it gets the writer OOM-killed', { skip: !memory && 'no memory controller' }, async (t) => {
  // tmpfs pages are charged to the cgroup and cannot be reclaimed without swap.
  const swap = memory!.v === 1 && !fs.existsSync(path.join(v1Mount('memory')!, 'memory.memsw.limit_in_bytes')) ? {} : { swap: 32 * MiB };
  const { r } = await run(t, { memory: { limit: 32 * MiB, ...swap } }, ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=60 2>/dev/null; echo dd=$?']);
  t.equal(r.code, 0, 'the shell survives', diag(r));
  t.match(r.stdout, /^dd=(137|1)$/m, 'dd does not write 60 MiB into a 32 MiB cgroup', diag(r));
});

t.test('memory: a swap limit below the memory limit is an error; nothing is left behind', { skip: !memory && 'no memory controller' }, async (t) => {
  await createFails(t, { memory: { limit: 64 * MiB, swap: 32 * MiB } }, '/linux/resources/memory/swap');
});

// ---------------------------------------------------------------------------
// CPU
// ---------------------------------------------------------------------------

const cpu = controllerAt('cpu');
/** runc before 1.3 converts shares to weight linearly. */
const RUNC_LINEAR_WEIGHT = isRunc() && /^runc version 1\.[012]\./.test(runtimeVersion());

t.test('cpu: shares, quota and period (config-linux.md CPU)', { skip: !cpu && 'no cpu controller' }, async (t) => {
  const { b } = await created(t, { cpu: { shares: 512, quota: 50000, period: 200000 } });
  const dir = cpu!.dir(b.cgroupsPath!);
  if (cpu!.v === 1) {
    t.equal(readHost(dir, 'cpu.shares'), '512', 'cpu.shares');
    t.equal(readHost(dir, 'cpu.cfs_quota_us'), '50000', 'cpu.cfs_quota_us');
    t.equal(readHost(dir, 'cpu.cfs_period_us'), '200000', 'cpu.cfs_period_us');
  } else {
    t.equal(readHost(dir, 'cpu.weight'), String(sharesToWeight(512, RUNC_LINEAR_WEIGHT)), 'cpu.weight converted from shares (59; 20 with runc < 1.3)');
    t.equal(readHost(dir, 'cpu.max'), '50000 200000', 'cpu.max');
  }
});

// runc 1.1.5 mounts the whole cgroup2 hierarchy there (without a cgroup namespace).
t.test('cpu: the container sees its shares (v1) or weight (v2) in its own /sys/fs/cgroup', { ...(cpu?.v === 2 ? runcDeviation('/sys/fs/cgroup is the host\'s root cgroup') : {}), skip: !cpu && 'no cpu controller' }, async (t) => {
  const v1 = cpu!.v === 1;
  const { r } = await run(t, { cpu: { shares: 256 } }, ['cat', v1 ? '/sys/fs/cgroup/cpu/cpu.shares' : '/sys/fs/cgroup/cpu.weight']);
  t.equal(r.code, 0, 'container ran', diag(r));
  t.equal(r.stdout.trim(), v1 ? '256' : String(sharesToWeight(256, RUNC_LINEAR_WEIGHT)));
});

t.test('cpu: the quota is enforced: a busy loop gets throttled', { skip: !cpu && 'no cpu controller' }, async (t) => {
  const { id, b } = await created(t, { cpu: { quota: 10000, period: 100000 } }, ['sh', '-c', 'while :; do :; done']);
  await h.mustStart(t, id);
  await sleep(700);
  const stat = readHost(cpu!.dir(b.cgroupsPath!), 'cpu.stat') ?? '';
  const throttled = Number(/^nr_throttled (\d+)$/m.exec(stat)?.[1] ?? 0);
  t.ok(throttled > 0, 'cpu.stat nr_throttled > 0', { stat });
});

t.test('cpu: realtime runtime and period (config-linux.md CPU)', { skip: !(cpu?.v === 1 && readHost(cpu.dir(''), 'cpu.rt_runtime_us')) && 'no realtime group scheduling' }, async (t) => {
  const { b } = await created(t, { cpu: { realtimeRuntime: 10000, realtimePeriod: 500000 } });
  const dir = cpu!.dir(b.cgroupsPath!);
  t.equal(readHost(dir, 'cpu.rt_period_us'), '500000');
  t.equal(readHost(dir, 'cpu.rt_runtime_us'), '10000');
});

// runc 1.1.5 predates burst (runtime-spec 1.1) and ignores it.
const burstFile = cpu?.v === 1 ? (readHost(cpu.dir(''), 'cpu.cfs_burst_us') !== undefined ? 'cpu.cfs_burst_us' : undefined) : cpu?.v === 2 && v2ChildHasFile('cpu.max.burst') ? 'cpu.max.burst' : undefined;
t.test('cpu: burst (config-linux.md CPU)', { ...runcDeviation('cpu.burst is ignored'), skip: !burstFile && 'no CFS burst on this kernel' }, async (t) => {
  const { b } = await created(t, { cpu: { quota: 50000, period: 100000, burst: 20000 } });
  t.equal(readHost(cpu!.dir(b.cgroupsPath!), burstFile!), '20000', burstFile!);
});

// runc 1.1.5 predates idle (runtime-spec 1.1) and ignores it.
const idleExists = cpu?.v === 1 ? readHost(cpu.dir(''), 'cpu.idle') !== undefined : v2ChildHasFile('cpu.idle');
t.test('cpu: idle (config-linux.md CPU)', { ...runcDeviation('cpu.idle is ignored'), skip: !idleExists && 'no cpu.idle on this kernel' }, async (t) => {
  const { b } = await created(t, { cpu: { idle: 1 } });
  t.equal(readHost(cpu!.dir(b.cgroupsPath!), 'cpu.idle'), '1');
});

// ---------------------------------------------------------------------------
// cpuset
// ---------------------------------------------------------------------------

const cpuset = controllerAt('cpuset');

t.test('cpuset: cpus and mems (config-linux.md CPU)', { skip: !cpuset && 'no cpuset controller' }, async (t) => {
  const { b } = await created(t, { cpu: { cpus: '0', mems: '0' } });
  const dir = cpuset!.dir(b.cgroupsPath!);
  t.equal(readHost(dir, 'cpuset.cpus'), '0', 'cpuset.cpus');
  t.equal(readHost(dir, 'cpuset.mems'), '0', 'cpuset.mems');
});

t.test('cpuset: the container process may only run on the listed cpus', { skip: !cpuset && 'no cpuset controller' }, async (t) => {
  const { r } = await run(t, { cpu: { cpus: '0' } }, ['grep', 'Cpus_allowed_list', '/proc/self/status']);
  t.equal(r.code, 0, 'container ran', diag(r));
  t.match(r.stdout, /^Cpus_allowed_list:\s+0$/m);
});

t.test('cpuset: a cpu the host does not have is an error; nothing is left behind', { skip: !cpuset && 'no cpuset controller' }, async (t) => {
  await createFails(t, { cpu: { cpus: '4095' } }, '/linux/resources/cpu/cpus', /cpuset\.cpus/);
});

// ---------------------------------------------------------------------------
// pids
// ---------------------------------------------------------------------------

const pids = controllerAt('pids');

t.test('pids: limit (config-linux.md PIDs)', { skip: !pids && 'no pids controller' }, async (t) => {
  const { b } = await created(t, { pids: { limit: 10 } });
  t.equal(readHost(pids!.dir(b.cgroupsPath!), 'pids.max'), '10');
});

t.test('pids: -1 is "max" (config-linux.md PIDs)', { skip: !pids && 'no pids controller' }, async (t) => {
  const { b } = await created(t, { pids: { limit: -1 } });
  t.equal(readHost(pids!.dir(b.cgroupsPath!), 'pids.max'), 'max');
});

t.test('pids: a fork bomb stops at the limit (10 tasks, 20 sleeps asked for)', { skip: !pids && 'no pids controller' }, async (t) => {
  // Each successful spawn is counted in /tmp/n (builtins only: no fork).
  const script = 'i=0; while [ $i -lt 20 ]; do sleep 100 & i=$((i+1)); echo $i > /tmp/n; done; echo all started';
  const { r, b } = await run(t, { pids: { limit: 10 } }, ['sh', '-c', script]);
  t.not(r.code, 0, 'the shell fails', diag(r));
  t.notMatch(r.stdout, /all started/, 'not all 20 sleeps started');
  t.match(r.stderr, /can't fork|Resource temporarily unavailable/, 'fork fails with EAGAIN', diag(r));
  const started = Number(fs.readFileSync(path.join(b.rootfs, 'tmp', 'n'), 'utf8'));
  t.ok(started <= 9, `at most 9 sleeps next to the shell (started ${started})`);
});

// ---------------------------------------------------------------------------
// Block IO
// ---------------------------------------------------------------------------

const blkioMount = v1Mount('blkio');
/** The v1 weight file this kernel has (CFQ's, or BFQ's which only non-root cgroups have). */
const blkioWeightFile = blkioMount
  ? fs.existsSync(path.join(blkioMount, 'blkio.weight'))
    ? 'blkio.weight'
    : fs.readdirSync(blkioMount).some((f) => f.startsWith('blkio.bfq.'))
      ? 'blkio.bfq.weight'
      : undefined
  : undefined;
const disk = blockDevice();

t.test('blockIO: weight (config-linux.md Block IO)', { skip: !(blkioMount && blkioWeightFile) && 'no cgroup v1 blkio weight on this kernel' }, async (t) => {
  const { b } = await created(t, { blockIO: { weight: 500 } });
  const dir = path.join(blkioMount!, b.cgroupsPath!);
  t.equal(readHost(dir, blkioWeightFile!), '500', blkioWeightFile!);
});

// A per-device weight needs a device the matching scheduler runs.
const weightDisk = blockDevice(blkioWeightFile === 'blkio.bfq.weight' ? 'bfq' : 'cfq');
t.test('blockIO: per-device weight (config-linux.md Block IO)', { skip: !(blkioMount && blkioWeightFile && weightDisk) && 'no block device with a weight-based scheduler' }, async (t) => {
  const [major, minor] = weightDisk!.split(':').map(Number);
  const { b } = await created(t, { blockIO: { weightDevice: [{ major, minor, weight: 300 }] } });
  t.match(readHost(path.join(blkioMount!, b.cgroupsPath!), `${blkioWeightFile}_device`) ?? '', new RegExp(`^${weightDisk} 300$`, 'm'));
});

/** One limit of each kind on `device` ("major:minor"): read/write bytes 1 MiB/2 MiB, read/write IOPS 100/200. */
function throttles(device: string) {
  const [major, minor] = device.split(':').map(Number);
  return {
    throttleReadBpsDevice: [{ major, minor, rate: 1048576 }],
    throttleWriteBpsDevice: [{ major, minor, rate: 2097152 }],
    throttleReadIOPSDevice: [{ major, minor, rate: 100 }],
    throttleWriteIOPSDevice: [{ major, minor, rate: 200 }],
  };
}

t.test('blockIO: throttling (config-linux.md Block IO)', { skip: !(blkioMount && disk) && 'no cgroup v1 blkio or block device' }, async (t) => {
  const { b } = await created(t, { blockIO: throttles(disk!) });
  const dir = path.join(blkioMount!, b.cgroupsPath!);
  t.equal(readHost(dir, 'blkio.throttle.read_bps_device'), `${disk} 1048576`);
  t.equal(readHost(dir, 'blkio.throttle.write_bps_device'), `${disk} 2097152`);
  t.equal(readHost(dir, 'blkio.throttle.read_iops_device'), `${disk} 100`);
  t.equal(readHost(dir, 'blkio.throttle.write_iops_device'), `${disk} 200`);
});

// cgroup v2: the io controller (runc's conversions)
const io = PURE_V2 ? controllerAt('io') : undefined;

t.test('blockIO on cgroup v2: weight as io.bfq.weight, or io.weight scaled from [10..1000] to [1..10000]', { skip: !io && 'no cgroup v2 io controller' }, async (t) => {
  const { b } = await created(t, { blockIO: { weight: 500 } });
  const dir = io!.dir(b.cgroupsPath!);
  const bfq = readHost(dir, 'io.bfq.weight');
  if (bfq !== undefined) t.match(bfq, /^default 500$/m, 'io.bfq.weight');
  else t.match(readHost(dir, 'io.weight') ?? '', /^default 4950$/m, 'io.weight: 1 + (500 - 10) * 9999 / 990');
});

t.test('blockIO on cgroup v2: throttling as one io.max line per device', { skip: !(io && disk) && 'no cgroup v2 io controller or block device' }, async (t) => {
  const { b } = await created(t, { blockIO: throttles(disk!) });
  t.match(readHost(io!.dir(b.cgroupsPath!), 'io.max') ?? '', new RegExp(`^${disk} rbps=1048576 wbps=2097152 riops=100 wiops=200$`, 'm'));
});

// ---------------------------------------------------------------------------
// Controllers the host may lack: applied where present, an error where not
// ---------------------------------------------------------------------------

const hugetlb = controllerAt('hugetlb');
const hugeSizes = (() => {
  try {
    return fs.readdirSync('/sys/kernel/mm/hugepages').map((d) => /^hugepages-(\d+)kB$/.exec(d)?.[1]).filter((x): x is string => !!x).map(Number);
  } catch {
    return [];
  }
})();
const pageSize = hugeSizes.includes(2048) ? '2MB' : hugeSizes[0] ? (hugeSizes[0] % 1024 === 0 ? `${hugeSizes[0] / 1024}MB` : `${hugeSizes[0]}KB`) : '2MB';

if (hugetlb) {
  t.test('hugepageLimits: the limit per page size (config-linux.md Huge page limits)', async (t) => {
    const { b } = await created(t, { hugepageLimits: [{ pageSize, limit: 4 * 2 * MiB }] });
    const file = hugetlb.v === 1 ? `hugetlb.${pageSize}.limit_in_bytes` : `hugetlb.${pageSize}.max`;
    t.equal(readHost(hugetlb.dir(b.cgroupsPath!), file), String(8 * MiB));
  });
} else {
  t.test('hugepageLimits without a hugetlb controller: create fails naming the field; nothing is left behind', async (t) => {
    await createFails(t, { hugepageLimits: [{ pageSize, limit: 8 * MiB }] }, '/linux/resources/hugepageLimits/0', /hugetlb/);
  });
}

t.test('hugepageLimits: a page size the kernel does not have is an error; nothing is left behind', { skip: !hugetlb && 'no hugetlb controller' }, async (t) => {
  await createFails(t, { hugepageLimits: [{ pageSize: '3MB', limit: 0 }] }, '/linux/resources/hugepageLimits/0', /hugetlb\.3MB/);
});

const netCls = v1Mount('net_cls');
if (netCls) {
  t.test('network: classID (config-linux.md Network)', async (t) => {
    const { b } = await created(t, { network: { classID: 1048577 } });
    t.equal(readHost(path.join(netCls, b.cgroupsPath!), 'net_cls.classid'), '1048577');
  });
} else {
  t.test('network.classID without a net_cls controller: create fails naming the field; nothing is left behind', async (t) => {
    await createFails(t, { network: { classID: 1048577 } }, '/linux/resources/network/classID', /net_cls/);
  });
}

// ---------------------------------------------------------------------------
// unified
// ---------------------------------------------------------------------------

/** A v2 file of a controller this host does not give a container in cgroup v2. */
const missingV2Key = [['memory', 'memory.max'], ['pids', 'pids.max'], ['rdma', 'rdma.max'], ['misc', 'misc.max'], ['hugetlb', `hugetlb.${pageSize}.max`]]
  .find(([c]) => !(PURE_V2 && v2Controllers().has(c!)))?.[1];

t.test('unified: a key for a controller the cgroup v2 hierarchy does not have is an error (config-linux.md Unified: "MUST generate an error"); nothing is left behind', async (t) => {
  const key = missingV2Key ?? 'nosuchcontroller.max';
  await createFails(t, { unified: { [key]: '1' } }, `/linux/resources/unified/${key}`);
});

t.test('unified: a key that is a path is an error; nothing is left behind', async (t) => {
  await createFails(t, { unified: { '../cgroup.max.descendants': '5' } }, '/linux/resources/unified/..~1cgroup.max.descendants', /not a path/);
});

// runc 1.1.5 refuses `unified` on any host with cgroup v1 controllers.
t.test('unified: a core cgroup v2 file is written as given (config-linux.md Unified)', { skip: (!V2 && 'no cgroup v2 hierarchy') || (isRunc() && !PURE_V2 && 'runc refuses unified on a host with cgroup v1') }, async (t) => {
  const { b } = await created(t, { unified: { 'cgroup.max.descendants': '5' } });
  t.equal(readHost(path.join(V2!, b.cgroupsPath!), 'cgroup.max.descendants'), '5');
});

t.test('unified on cgroup v2: memory.high, memory.oom.group, and a key overriding the field it shares a file with (config-linux.md Unified)', { skip: !(PURE_V2 && memory && pids) && 'not a cgroup v2 host with memory and pids' }, async (t) => {
  const { b } = await created(t, { pids: { limit: 10 }, unified: { 'memory.high': String(48 * MiB), 'memory.oom.group': '1', 'pids.max': '20' } });
  const dir = path.join(V2!, b.cgroupsPath!);
  t.equal(readHost(dir, 'memory.high'), String(48 * MiB), 'memory.high');
  t.equal(readHost(dir, 'memory.oom.group'), '1', 'memory.oom.group');
  t.equal(readHost(dir, 'pids.max'), '20', 'unified is written last: pids.max from unified wins over pids.limit');
});

// ---------------------------------------------------------------------------
// Devices: the v1 devices controller, or cgroup v2's eBPF device filter
// ---------------------------------------------------------------------------

/** A container with CAP_MKNOD (and the harness's "deny all" device rule) running `script`. */
async function runWithMknod(t: Test, script: string, patch?: (c: Config) => void) {
  const b = h.bundle({
    args: ['sh', '-c', script],
    config: (c) => {
      for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_MKNOD');
      patch?.(c);
    },
  });
  const r = await h.run(h.id(t), b, [], { timeout: 30_000 });
  t.equal(r.code, 0, 'container ran', diag(r));
  return r;
}

// /dev/kmsg (c 1:11) is not among the devices every container gets, and
// opening it for writing needs no capability: an EPERM comes from the
// device rules alone. Each write leaves one line in the kernel log.
const KMSG_SCRIPT = 'mknod /tmp/kmsg c 1 11 && echo mknod=ok; echo tsrun-conformance-devices > /tmp/kmsg && echo write=ok; mknod /tmp/loop b 7 0 && echo bmknod=ok; cat /tmp/loop > /dev/null && echo bread=ok; cat /dev/null && echo null=ok; true';

t.test('devices: a device no rule allows cannot be opened (EPERM); mknod is allowed for any device (config-linux.md Allowed Device Cgroup)', async (t) => {
  const r = await runWithMknod(t, KMSG_SCRIPT);
  t.match(r.stdout, /^mknod=ok$/m, 'mknod c 1:11 (c *:* m is always allowed)', diag(r));
  t.notMatch(r.stdout, /^write=ok$/m, 'writing c 1:11 is refused');
  t.match(r.stdout, /^bmknod=ok$/m, 'mknod b 7:0 (b *:* m)');
  t.notMatch(r.stdout, /^bread=ok$/m, 'reading b 7:0 is refused');
  t.match(r.stderr, /\/tmp\/kmsg'?: Operation not permitted/, 'with EPERM', diag(r));
  t.match(r.stderr, /\/tmp\/loop'?: Operation not permitted/, 'with EPERM', diag(r));
  t.match(r.stdout, /^null=ok$/m, '/dev/null (a default device) opens');
});

t.test('devices: an allow rule lets the access it names through, and no other', async (t) => {
  const r = await runWithMknod(t, `${KMSG_SCRIPT}; cat /tmp/kmsg >/dev/null & sleep 0.2; kill $! 2>/dev/null; true`, (c) => {
    c.linux.resources.devices.push({ allow: true, type: 'c', major: 1, minor: 11, access: 'w' });
  });
  t.match(r.stdout, /^write=ok$/m, 'writing c 1:11 is allowed', diag(r));
  t.match(r.stderr, /\/tmp\/kmsg'?: Operation not permitted/, 'reading it is not (the rule says "w")', diag(r));
  t.notMatch(r.stdout, /^bread=ok$/m, 'b 7:0 is still refused');
});

// runc (since 1.0) leaves linux.devices out of the allowed list: they need a rule of their own.
t.test('devices: a device of linux.devices is allowed (config-linux.md Devices: "MUST be available in the container")', runcDeviation('linux.devices are not allowed without a rule'), async (t) => {
  const r = await runWithMknod(t, 'echo tsrun-conformance-devices > /dev/kmsg && echo write=ok', (c) => {
    c.linux.devices = [{ path: '/dev/kmsg', type: 'c', major: 1, minor: 11, fileMode: 0o600, uid: 0, gid: 0 }];
  });
  t.match(r.stdout, /^write=ok$/m, 'writing /dev/kmsg works', diag(r));
});

// ---------------------------------------------------------------------------
// pause / resume: the v1 freezer or cgroup v2's cgroup.freeze
// ---------------------------------------------------------------------------

/** What the host's freezer says about a container's cgroup: true frozen, false thawed. */
function frozen(cgroupsPath: string): boolean | undefined {
  const v1 = v1Mount('freezer');
  if (v1) {
    const s = readHost(path.join(v1, cgroupsPath), 'freezer.state');
    return s === undefined ? undefined : s === 'FROZEN';
  }
  const events = V2 ? readHost(path.join(V2, cgroupsPath), 'cgroup.events') : undefined;
  return events === undefined ? undefined : /^frozen 1$/m.test(events);
}

t.test('pause and resume (runc CLI): status "paused", the cgroup frozen, then "running" and thawed; kill --all and delete --force work on a paused container', async (t) => {
  const { id, b } = await created(t, {}, ['sh', '-c', 'sleep 1000 & exec sleep 1000']);
  await h.mustStart(t, id);
  const p = await h.rt(['pause', id]);
  t.equal(p.code, 0, 'pause succeeds', diag(p));
  t.equal(await h.status(id), 'paused', 'status "paused"');
  t.equal(frozen(b.cgroupsPath!), true, 'the cgroup is frozen');
  const again = await h.rt(['pause', id]);
  t.not(again.code, 0, 'pausing again fails');
  const r = await h.rt(['resume', id]);
  t.equal(r.code, 0, 'resume succeeds', diag(r));
  t.equal(await h.status(id), 'running', 'status "running"');
  t.equal(frozen(b.cgroupsPath!), false, 'the cgroup is thawed');
  t.equal((await h.rt(['pause', id])).code, 0, 'paused again');
  const k = await h.rt(['kill', '--all', id, 'KILL']);
  t.equal(k.code, 0, 'kill --all KILL of a paused container succeeds', diag(k));
  const d = await h.rt(['delete', '--force', id]);
  t.equal(d.code, 0, 'delete --force succeeds', diag(d));
  await h.expectNoTrace(t, id, b);
});

t.test('ps, kill --all and delete reach the sub-cgroups of the container\'s cgroup (runc: every process of the cgroup tree)', async (t) => {
  const { id, b } = await created(t, {});
  await h.mustStart(t, id);
  const pidFile = path.join(h.hostDir('pid'), 'exec.pid');
  const e = await h.rt(['exec', '--detach', '--pid-file', pidFile, id, 'sleep', '1000']);
  t.equal(e.code, 0, 'exec --detach', diag(e));
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  h.notePid(pid);
  // As a container with its own cgroup namespace (systemd, a nested engine) would.
  const subs = cgroupMountPoints()
    .map((mp) => path.join(mp, b.cgroupsPath!))
    .filter((dir) => fs.existsSync(dir))
    .map((dir) => path.join(dir, 'sub'));
  t.ok(subs.length > 0, 'the container has cgroups');
  for (const dir of subs) {
    fs.mkdirSync(dir);
    // a v1 cpuset child starts with no cpus or mems: a task cannot join it
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      if (fs.existsSync(path.join(dir, f))) fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(dir, '..', f)));
    }
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  }
  const ps = await h.rt(['ps', '--format', 'json', id]);
  t.equal(ps.code, 0, 'ps', diag(ps));
  t.ok((JSON.parse(ps.stdout) as number[]).includes(pid), 'ps lists the process in the sub-cgroup');
  const k = await h.rt(['kill', '--all', id, 'TERM']);
  t.equal(k.code, 0, 'kill --all TERM', diag(k));
  t.ok(await waitFor(() => !pidAlive(pid)), 'SIGTERM reached the process in the sub-cgroup');
  const d = await h.rt(['delete', '--force', id]);
  t.equal(d.code, 0, 'delete --force', diag(d));
  t.strictSame(subs.filter((dir) => fs.existsSync(dir)), [], 'the sub-cgroups are removed');
  await h.expectNoTrace(t, id, b);
});

// ---------------------------------------------------------------------------
// Where the cgroup is: a relative cgroupsPath, and none at all
// ---------------------------------------------------------------------------

/** Our own cgroup per hierarchy key ('' for v2), from /proc/self/cgroup. */
function ownCgroup(key: string): string {
  const line = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1] === key);
  return line ? line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) : '/';
}

/** The container process's cgroup in the hierarchy holding memory (v1) or in cgroup v2. */
async function containerCgroup(id: string): Promise<string | undefined> {
  const pid = (await h.state(id)).state?.pid;
  if (!pid) return undefined;
  const key = PURE_V2 ? '' : 'memory';
  const line = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1] === key);
  return line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
}

const memoryKey = PURE_V2 ? '' : 'memory';
const memoryRoot = PURE_V2 ? V2 : v1Mount('memory');

t.test('cgroupsPath relative: below our own cgroup (v1), below its parent on cgroup v2, where our own has processes (runc)', { skip: !memoryRoot && 'no memory hierarchy' }, async (t) => {
  const top = `tsrun-conformance-rel-${Math.random().toString(16).slice(2, 8)}`;
  const b = h.bundle({ args: ['sleep', '1000'], cgroupsPath: `${top}/c` });
  const id = h.id(t);
  await h.mustCreate(t, id, b);
  const own = ownCgroup(memoryKey);
  const base = PURE_V2 ? path.posix.dirname(own) : own;
  t.equal(await containerCgroup(id), path.posix.join(base, top, 'c'), 'the container process is there');
  const del = await h.rt(['delete', '--force', id]);
  t.equal(del.code, 0, 'deleted', diag(del));
  t.notOk(fs.existsSync(path.join(memoryRoot!, base, top, 'c')), 'its cgroup is removed');
  for (const mp of [memoryRoot!, ...(PURE_V2 ? [] : [v1Mount('pids'), v1Mount('cpu')].filter((m): m is string => !!m))]) {
    try {
      fs.rmdirSync(path.join(mp, PURE_V2 ? base : ownCgroup(path.basename(mp)), top));
    } catch {
      // not created in this hierarchy, or removed by the runtime
    }
  }
});

// tsrun keeps "/<id>" on v1 hosts, where runc uses "<own cgroup>/<id>".
t.test('no cgroupsPath on cgroup v2: <parent of our own cgroup>/<id> (runc)', { skip: !PURE_V2 && 'cgroup v1: the runtimes differ' }, async (t) => {
  const b = h.bundle({ args: ['sleep', '1000'], cgroupsPath: null });
  const id = h.id(t);
  await h.mustCreate(t, id, b);
  const expected = path.posix.join(path.posix.dirname(ownCgroup('')), id);
  t.equal(await containerCgroup(id), expected, `the container process is in ${expected}`);
  const del = await h.rt(['delete', '--force', id]);
  t.equal(del.code, 0, 'deleted', diag(del));
  t.notOk(fs.existsSync(path.join(V2!, expected)), 'its cgroup is removed');
});

h.done();
