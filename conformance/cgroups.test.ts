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
import { Harness, diag, isRunc, runcDeviation, sleep, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'cgroups');
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// The host's cgroup layout
// ---------------------------------------------------------------------------

interface Mount {
  mountPoint: string;
  fstype: string;
  superOptions: string[];
}

const MOUNTS: Mount[] = fs
  .readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .flatMap((line) => {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) return [];
    const g = post.split(' ');
    if (g[0] !== 'cgroup' && g[0] !== 'cgroup2') return [];
    return [{ mountPoint: pre.split(' ')[4]!, fstype: g[0]!, superOptions: (g[2] ?? '').split(',') }];
  });

/** Mount point of the v1 hierarchy with `controller`, if any. */
function v1Mount(controller: string): string | undefined {
  return MOUNTS.find((m) => m.fstype === 'cgroup' && m.superOptions.includes(controller))?.mountPoint;
}

const V2 = MOUNTS.find((m) => m.fstype === 'cgroup2')?.mountPoint;
const NOT_CONTROLLERS = new Set(['rw', 'ro', 'clone_children', 'noprefix', 'xattr', 'cpuset_v2_mode']);
/** A cgroup v2 only host (a named v1 hierarchy like name=systemd aside). */
const PURE_V2 = V2 !== undefined && !MOUNTS.some((m) => m.fstype === 'cgroup' && m.superOptions.some((o) => !NOT_CONTROLLERS.has(o) && !o.includes('=')));

/** Controllers a v2 host can give a new cgroup (those of the v2 root). */
function v2Controllers(): Set<string> {
  if (!V2) return new Set();
  try {
    return new Set(fs.readFileSync(path.join(V2, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

type Version = { v: 1; dir: (cg: string) => string } | { v: 2; dir: (cg: string) => string };

/** Where `controller`'s files of a container are, by version; undefined if the host cannot limit it. */
function controllerAt(controller: string, v2name = controller): Version | undefined {
  const m = v1Mount(controller);
  if (m) return { v: 1, dir: (cg) => path.join(m, cg) };
  if (PURE_V2 && v2Controllers().has(v2name)) return { v: 2, dir: (cg) => path.join(V2!, cg) };
  return undefined;
}

function readHost(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

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

t.test('cpu: shares, quota and period (config-linux.md CPU)', { skip: !cpu && 'no cpu controller' }, async (t) => {
  const { b } = await created(t, { cpu: { shares: 512, quota: 50000, period: 200000 } });
  const dir = cpu!.dir(b.cgroupsPath!);
  if (cpu!.v === 1) {
    t.equal(readHost(dir, 'cpu.shares'), '512', 'cpu.shares');
    t.equal(readHost(dir, 'cpu.cfs_quota_us'), '50000', 'cpu.cfs_quota_us');
    t.equal(readHost(dir, 'cpu.cfs_period_us'), '200000', 'cpu.cfs_period_us');
  } else {
    t.equal(readHost(dir, 'cpu.weight'), '59', 'cpu.weight converted from shares');
    t.equal(readHost(dir, 'cpu.max'), '50000 200000', 'cpu.max');
  }
});

t.test('cpu: the container sees its shares in its own /sys/fs/cgroup', { skip: cpu?.v !== 1 && 'no cgroup v1 cpu controller' }, async (t) => {
  const { r } = await run(t, { cpu: { shares: 256 } }, ['cat', '/sys/fs/cgroup/cpu/cpu.shares']);
  t.equal(r.code, 0, 'container ran', diag(r));
  t.equal(r.stdout.trim(), '256');
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
t.test('cpu: burst (config-linux.md CPU)', { ...runcDeviation('cpu.burst is ignored'), skip: !(cpu?.v === 1 && readHost(cpu.dir(''), 'cpu.cfs_burst_us') !== undefined) && 'no cgroup v1 CFS burst on this kernel' }, async (t) => {
  const { b } = await created(t, { cpu: { quota: 50000, period: 100000, burst: 20000 } });
  t.equal(readHost(cpu!.dir(b.cgroupsPath!), 'cpu.cfs_burst_us'), '20000');
});

// runc 1.1.5 predates idle (runtime-spec 1.1) and ignores it.
t.test('cpu: idle (config-linux.md CPU)', { ...runcDeviation('cpu.idle is ignored'), skip: !(cpu?.v === 1 && readHost(cpu.dir(''), 'cpu.idle') !== undefined) && 'no cgroup v1 cpu.idle on this kernel' }, async (t) => {
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

t.test('blockIO: throttling (config-linux.md Block IO)', { skip: !(blkioMount && disk) && 'no cgroup v1 blkio or block device' }, async (t) => {
  const [major, minor] = disk!.split(':').map(Number);
  const { b } = await created(t, {
    blockIO: {
      throttleReadBpsDevice: [{ major, minor, rate: 1048576 }],
      throttleWriteBpsDevice: [{ major, minor, rate: 2097152 }],
      throttleReadIOPSDevice: [{ major, minor, rate: 100 }],
      throttleWriteIOPSDevice: [{ major, minor, rate: 200 }],
    },
  });
  const dir = path.join(blkioMount!, b.cgroupsPath!);
  t.equal(readHost(dir, 'blkio.throttle.read_bps_device'), `${disk} 1048576`);
  t.equal(readHost(dir, 'blkio.throttle.write_bps_device'), `${disk} 2097152`);
  t.equal(readHost(dir, 'blkio.throttle.read_iops_device'), `${disk} 100`);
  t.equal(readHost(dir, 'blkio.throttle.write_iops_device'), `${disk} 200`);
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

t.test('unified: a key for a controller the cgroup v2 hierarchy does not have is an error (config-linux.md Unified: "MUST generate an error"); nothing is left behind', { skip: !missingV2Key && 'this host has every controller in cgroup v2' }, async (t) => {
  await createFails(t, { unified: { [missingV2Key!]: '1' } }, `/linux/resources/unified/${missingV2Key}`);
});

t.test('unified: a key that is a path is an error; nothing is left behind', async (t) => {
  await createFails(t, { unified: { '../cgroup.max.descendants': '5' } }, '/linux/resources/unified/..~1cgroup.max.descendants', /not a path/);
});

// runc 1.1.5 refuses `unified` on any host with cgroup v1 controllers.
t.test('unified: a core cgroup v2 file is written as given (config-linux.md Unified)', { skip: (!V2 && 'no cgroup v2 hierarchy') || (isRunc() && !PURE_V2 && 'runc refuses unified on a host with cgroup v1') }, async (t) => {
  const { b } = await created(t, { unified: { 'cgroup.max.descendants': '5' } });
  t.equal(readHost(path.join(V2!, b.cgroupsPath!), 'cgroup.max.descendants'), '5');
});

h.done();
