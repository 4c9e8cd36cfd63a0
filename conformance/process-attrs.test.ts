// Scheduling and execution attributes of the container process, observed
// from inside the container: linux.personality, process.ioPriority,
// process.scheduler, process.execCPUAffinity (exec), linux.memoryPolicy and
// a time namespace with linux.timeOffsets.
//
// runc 1.1.5 predates every one of these fields: it ignores them (and the
// "time" namespace type it refuses), so these tests are runc deviations.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { DEFAULT_APPLETS, Harness, diag, runcDeviation, type BundleOptions, type Config } from './lib/harness.js';

const h = new Harness(t, 'process-attrs');
const APPLETS = [...DEFAULT_APPLETS, 'ionice', 'taskset', 'awk'];

async function runOut(t: Test, opts: BundleOptions): Promise<string> {
  const r = await h.run(h.id(t), h.bundle({ applets: APPLETS, ...opts }));
  t.equal(r.code, 0, 'container ran', diag(r));
  return r.stdout;
}

/** Expect `run` to fail and name the field in its error output. */
async function runFails(t: Test, config: (c: Config) => void, field: RegExp) {
  const r = await h.run(h.id(t), h.bundle({ args: ['true'], config }));
  t.not(r.code, 0, 'the runtime refuses the config', diag(r));
  t.match(r.stderr, field, 'the error names the field', diag(r));
}

/** Fields of /proc/<pid>/stat after the command name: index 0 is field 3 (state). */
function statFields(line: string): string[] {
  return line.slice(line.lastIndexOf(')') + 2).trim().split(/\s+/);
}
const STAT = (n: number) => n - 3; // proc(5) numbers fields from 1

const X86_64 = { skip: os.arch() === 'x64' ? false : 'needs x86_64' };

t.test('personality LINUX32: uname shows a 32-bit machine (config-linux.md Personality)', { ...X86_64, ...runcDeviation('personality is ignored') }, async (t) => {
  const out = await runOut(t, { args: ['uname', '-m'], config: (c) => (c.linux.personality = { domain: 'LINUX32' }) });
  t.equal(out, 'i686\n');
});

t.test('personality LINUX: the native machine (config-linux.md Personality)', X86_64, async (t) => {
  const out = await runOut(t, { args: ['uname', '-m'], config: (c) => (c.linux.personality = { domain: 'LINUX' }) });
  t.equal(out, 'x86_64\n');
});

t.test('personality: an unknown domain or any flag is an error naming it', runcDeviation('personality is ignored'), async (t) => {
  await runFails(t, (c) => (c.linux.personality = { domain: 'SVR4' }), /personality/);
  await runFails(t, (c) => (c.linux.personality = { domain: 'LINUX', flags: ['ADDR_NO_RANDOMIZE'] }), /personality.*ADDR_NO_RANDOMIZE/);
});

t.test('ioPriority sets the I/O class and level of the process (config.md Process: ioPriority)', runcDeviation('ioPriority is ignored'), async (t) => {
  const out = await runOut(t, {
    args: ['sh', '-c', 'ionice -p $$'],
    config: (c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 }),
  });
  t.equal(out, 'best-effort: prio 6\n');
  const idle = await runOut(t, { args: ['sh', '-c', 'ionice -p $$'], config: (c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 }) });
  t.equal(idle, 'idle\n');
});

t.test('ioPriority: an unknown class or a level outside 0..7 is an error', runcDeviation('ioPriority is ignored'), async (t) => {
  await runFails(t, (c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_NONE', priority: 0 }), /ioPriority/);
  await runFails(t, (c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 8 }), /ioPriority/);
});

t.test('scheduler SCHED_BATCH with nice (config.md Process: scheduler)', runcDeviation('scheduler is ignored'), async (t) => {
  const out = await runOut(t, { args: ['cat', '/proc/self/stat'], config: (c) => (c.process.scheduler = { policy: 'SCHED_BATCH', nice: 7 }) });
  const f = statFields(out);
  t.equal(f[STAT(19)], '7', 'nice');
  t.equal(f[STAT(41)], '3', 'policy SCHED_BATCH');
});

// With CONFIG_RT_GROUP_SCHED (cgroup v1 "cpu"), a real-time task needs
// real-time bandwidth in its cgroup: the container gets some.
t.test('scheduler SCHED_FIFO with a static priority (config.md Process: scheduler)', runcDeviation('scheduler is ignored'), async (t) => {
  const out = await runOut(t, {
    args: ['cat', '/proc/self/stat'],
    config: (c) => {
      c.process.scheduler = { policy: 'SCHED_FIFO', priority: 10 };
      if (fs.existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us'))
        c.linux.resources = { ...c.linux.resources, cpu: { realtimeRuntime: 10000, realtimePeriod: 1000000 } };
    },
  });
  const f = statFields(out);
  t.equal(f[STAT(40)], '10', 'rt_priority');
  t.equal(f[STAT(41)], '1', 'policy SCHED_FIFO');
});

t.test('scheduler: invalid combinations are errors naming the scheduler', runcDeviation('scheduler is ignored'), async (t) => {
  await runFails(t, (c) => (c.process.scheduler = { policy: 'SCHED_NOPE' }), /scheduler/);
  await runFails(t, (c) => (c.process.scheduler = { policy: 'SCHED_OTHER', priority: 5 }), /scheduler/);
  await runFails(t, (c) => (c.process.scheduler = { policy: 'SCHED_RR', priority: 0 }), /scheduler/);
  await runFails(t, (c) => (c.process.scheduler = { policy: 'SCHED_OTHER', nice: 40 }), /scheduler/);
});

t.test(
  'execCPUAffinity.final pins an exec\'d process (config.md Process: execCPUAffinity)',
  { skip: os.cpus().length < 2 ? 'needs two CPUs' : false, ...runcDeviation('execCPUAffinity is ignored') },
  async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'], applets: APPLETS });
  const c = await h.create(id, b);
  t.equal(c.code, 0, 'created', diag(c));
  t.equal((await h.start(id)).code, 0, 'started');
  const st = await h.waitStatus(id, 'running');
  if (st?.pid) h.notePid(st.pid);
  const dir = h.hostDir();
  const file = path.join(dir, 'process.json');
  const proc = { ...b.config.process, args: ['grep', 'Cpus_allowed_list', '/proc/self/status'], execCPUAffinity: { initial: '0', final: '1' } };
  fs.writeFileSync(file, JSON.stringify(proc));
  const r = await h.rt(['exec', '--process', file, id]);
  t.equal(r.code, 0, 'exec ran', diag(r));
  t.match(r.stdout, /^Cpus_allowed_list:\s+1\n$/);
  // `initial` is for the runtime's side before the cgroup transition: without
  // `final`, the process is not left pinned to it but gets what its cgroup allows.
  const all = await h.rt(['exec', id, 'grep', 'Cpus_allowed_list', '/proc/self/status']);
  fs.writeFileSync(file, JSON.stringify({ ...proc, execCPUAffinity: { initial: '1' } }));
  const initialOnly = await h.rt(['exec', '--process', file, id]);
  t.equal(initialOnly.code, 0, 'exec with only initial ran', diag(initialOnly));
  t.equal(initialOnly.stdout, all.stdout, 'initial alone leaves the process the cgroup\'s CPUs');
  t.notMatch(initialOnly.stdout, /^Cpus_allowed_list:\s+1\n$/, 'not pinned to initial');
  // The other process attributes apply to exec'd processes as well.
  fs.writeFileSync(file, JSON.stringify({ ...b.config.process, args: ['sh', '-c', 'ionice -p $$'], ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 5 } }));
  const io = await h.rt(['exec', '--process', file, id]);
  t.equal(io.stdout, 'best-effort: prio 5\n', 'ioPriority of an exec\'d process', diag(io));
  // The container's first process is not pinned: the field does not apply to it.
  const init = await h.rt(['exec', id, 'grep', 'Cpus_allowed_list', '/proc/1/status']);
  t.notMatch(init.stdout, /^Cpus_allowed_list:\s+1\n$/, 'the first process keeps its affinity', diag(init));
  },
);

t.test('memoryPolicy MPOL_BIND: the process memory is bound to the nodes (config-linux.md Memory policy)', runcDeviation('memoryPolicy is ignored'), async (t) => {
  const out = await runOut(t, { args: ['cat', '/proc/self/numa_maps'], config: (c) => (c.linux.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' }) });
  t.match(out, /\sbind:0\s/);
  const il = await runOut(t, { args: ['cat', '/proc/self/numa_maps'], config: (c) => (c.linux.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0' }) });
  t.match(il, /\sinterleave:0\s/);
});

t.test('memoryPolicy: modes that need or forbid nodes are checked', runcDeviation('memoryPolicy is ignored'), async (t) => {
  await runFails(t, (c) => (c.linux.memoryPolicy = { mode: 'MPOL_BIND' }), /memoryPolicy/);
  await runFails(t, (c) => (c.linux.memoryPolicy = { mode: 'MPOL_LOCAL', nodes: '0' }), /memoryPolicy/);
  await runFails(t, (c) => (c.linux.memoryPolicy = { mode: 'MPOL_SOMETIMES' }), /memoryPolicy/);
});

function hostUptime(): number {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

t.test('time namespace with a boottime offset (config-linux.md timeOffsets)', runcDeviation('runc 1.1.5 refuses the time namespace'), async (t) => {
  const offset = 10 * 86400;
  const before = hostUptime();
  const out = await runOut(t, {
    args: ['cat', '/proc/uptime'],
    config: (c) => {
      c.linux.namespaces.push({ type: 'time' });
      c.linux.timeOffsets = { boottime: { secs: offset }, monotonic: { secs: 3600, nanosecs: 5 } };
    },
  });
  const after = hostUptime();
  const inside = Number(out.split(' ')[0]);
  t.ok(inside >= before + offset - 1 && inside <= after + offset + 1, `uptime inside (${inside}) is the host's (${before}..${after}) plus ${offset}s`);
});

t.test('exec joins the container\'s time namespace, offsets included', runcDeviation('runc 1.1.5 refuses the time namespace'), async (t) => {
  const offset = 5 * 86400;
  const id = h.id(t);
  const b = h.bundle({
    args: ['sleep', '1000'],
    config: (c) => {
      c.linux.namespaces.push({ type: 'time' });
      c.linux.timeOffsets = { boottime: { secs: offset } };
    },
  });
  t.equal((await h.create(id, b)).code, 0, 'created');
  t.equal((await h.start(id)).code, 0, 'started');
  const st = await h.waitStatus(id, 'running');
  if (st?.pid) h.notePid(st.pid);
  const before = hostUptime();
  const r = await h.rt(['exec', id, 'cat', '/proc/uptime']);
  t.equal(r.code, 0, 'exec ran', diag(r));
  const inside = Number(r.stdout.split(' ')[0]);
  t.ok(inside >= before + offset - 1 && inside <= hostUptime() + offset + 1, `uptime seen by exec (${inside}) has the offset`);
});

t.test('a time namespace without offsets keeps the host clocks', runcDeviation('runc 1.1.5 refuses the time namespace'), async (t) => {
  const before = hostUptime();
  const out = await runOut(t, { args: ['cat', '/proc/uptime'], config: (c) => c.linux.namespaces.push({ type: 'time' }) });
  const inside = Number(out.split(' ')[0]);
  t.ok(inside >= before - 1 && inside <= hostUptime() + 1, 'same uptime');
});

t.test('timeOffsets without a new time namespace, or for another clock, are errors', runcDeviation('timeOffsets are ignored'), async (t) => {
  await runFails(t, (c) => (c.linux.timeOffsets = { boottime: { secs: 5 } }), /timeOffsets/);
  await runFails(t, (c) => {
    c.linux.namespaces.push({ type: 'time' });
    c.linux.timeOffsets = { realtime: { secs: 5 } };
  }, /timeOffsets|realtime/);
});

h.done();
