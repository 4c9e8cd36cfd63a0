// `events` (runc CLI): a container's resource usage from its cgroups as JSON
// lines `{"type":"stats","id":...,"data":{...}}` (once with --stats, else
// every --interval), `{"type":"oom","id":...}` when the OOM killer acts in
// the container's memory cgroup, and the errors callers match.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { CGROUP_VERSION, v1Mount, v2ChildHasFile } from './lib/cgroup-files.js';
import { Harness, diag, isRunc, runtime, sleep, TIME_SCALE, waitFor, type Bundle } from './lib/harness.js';

const h = new Harness(t, 'events');
const MiB = 1024 * 1024;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** True when the host can limit memory (a v1 memory hierarchy, or the v2 memory controller). */
function hostHasMemoryController(): boolean {
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const g = post.split(' ');
    if (g[0] === 'cgroup' && (g[2] ?? '').split(',').includes('memory')) return true;
    if (g[0] === 'cgroup2') {
      try {
        if (fs.readFileSync(path.join(pre.split(' ')[4]!, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) return true;
      } catch {
        /* not readable */
      }
    }
  }
  return false;
}

const MEMORY = hostHasMemoryController();
/** Swap is limited and counted: v1 memory.memsw.*, v2 memory.swap.*. */
const SWAP_ACCOUNTING = CGROUP_VERSION === 1 ? fs.existsSync(path.join(v1Mount('memory') ?? '/nonexistent', 'memory.memsw.limit_in_bytes')) : v2ChildHasFile('memory.swap.max');

/** A running container (run --detach) whose process does a little work, then waits. */
async function runningContainer(t: Test, args = ['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 1000'], patch?: (b: Bundle) => void) {
  const id = h.id(t);
  const b = h.bundle({ args });
  patch?.(b);
  const r = await h.run(id, b, ['--detach']);
  t.equal(r.code, 0, `run --detach ${id} succeeds`, diag(r));
  const s = await h.waitStatus(id, 'running');
  t.ok(s, `${id} is running`);
  return { id, b };
}

/** `events` as a background process whose stdout lines are collected as they come. */
function startEvents(args: string[]) {
  const child: ChildProcess = spawn(runtime(), ['--root', h.root, 'events', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    lines,
    stderr: () => stderr,
    exited,
    running: () => !done,
    /** lines parsed as JSON (a line that is not JSON becomes {unparsable: line}) */
    events: (): Json[] =>
      lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return { unparsable: l };
        }
      }),
    async stop() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}

t.test('events --stats: one stats event for a running container, cpu, memory and pids filled in (runc CLI)', async (t) => {
  const { id } = await runningContainer(t);
  const r = await h.rt(['events', '--stats', id]);
  t.equal(r.code, 0, 'events --stats succeeds', diag(r));
  t.equal(r.stdout.trim().split('\n').length, 1, 'exactly one line', diag(r));
  let e: Json;
  try {
    e = JSON.parse(r.stdout);
  } catch {
    t.fail('stdout is JSON', diag(r));
    return;
  }
  t.equal(e.type, 'stats', 'type is "stats"');
  t.equal(e.id, id, 'id is the container id');
  t.type(e.data, 'object', 'data is an object');
  for (const k of ['cpu', 'memory', 'pids', 'blkio', 'hugetlb']) t.type(e.data?.[k], 'object', `data.${k} is an object`);
  t.ok(e.data?.cpu?.usage?.total > 0, 'data.cpu.usage.total > 0', { usage: e.data?.cpu?.usage });
  t.type(e.data?.cpu?.usage?.kernel, 'number', 'data.cpu.usage.kernel is a number');
  t.type(e.data?.cpu?.usage?.user, 'number', 'data.cpu.usage.user is a number');
  t.type(e.data?.cpu?.throttling, 'object', 'data.cpu.throttling is an object');
  t.ok(e.data?.memory?.usage?.usage > 0, 'data.memory.usage.usage > 0', { memory: e.data?.memory?.usage });
  t.type(e.data?.memory?.usage?.limit, 'number', 'data.memory.usage.limit is a number');
  t.ok(e.data?.pids?.current >= 1, 'data.pids.current >= 1', { pids: e.data?.pids });
  // Limits exceeding 2^53 must still be plain JSON integers (e.g. 9223372036854771712).
  t.match(r.stdout, /"usage":\{"limit":\d+,/, 'memory limit printed as an integer');
});

t.test('events --stats: limits of linux.resources appear in the statistics (runc CLI)', { skip: !MEMORY && 'no memory controller on this host' }, async (t) => {
  const { id } = await runningContainer(t, undefined, (b) =>
    b.patch((c) => {
      c.linux.resources.memory = { limit: 64 * MiB, ...(SWAP_ACCOUNTING ? { swap: 96 * MiB } : {}) };
      c.linux.resources.pids = { limit: 50 };
    }),
  );
  const r = await h.rt(['events', '--stats', id]);
  t.equal(r.code, 0, 'events --stats succeeds', diag(r));
  const e: Json = JSON.parse(r.stdout || '{}');
  t.equal(e.data?.memory?.usage?.limit, 64 * MiB, 'data.memory.usage.limit is the memory limit');
  t.equal(e.data?.pids?.limit, 50, 'data.pids.limit is the pids limit');
  // v1 memsw is memory+swap; v2 limits swap alone (32 MiB here) and the statistics add the memory limit back
  if (SWAP_ACCOUNTING) t.equal(e.data?.memory?.swap?.limit, 96 * MiB, `data.memory.swap.limit is memory+swap on cgroup v${CGROUP_VERSION} too`);
});

t.test('events --interval 200ms: a stats event every interval, one JSON object per line (runc CLI)', async (t) => {
  const { id } = await runningContainer(t);
  const ev = startEvents(['--interval', '200ms', id]);
  // Counted from the first event: the runtime's start-up (seconds in an emulated VM) is no interval.
  await waitFor(() => ev.lines.length > 0, 5000);
  const skipped = ev.lines.length;
  const counting = Date.now();
  await sleep(1100);
  const stillRunning = ev.running();
  await ev.stop();
  // A loaded machine sleeps longer than asked: the bound follows the real time.
  const allowed = Math.floor((Date.now() - counting) / 200) + 2;
  t.ok(stillRunning, 'events keeps running while the container runs', { stderr: ev.stderr() });
  const events = ev.events();
  const stats = events.slice(skipped).filter((e) => e.type === 'stats');
  t.ok(stats.length >= 2, `at least 2 stats events in ~1s (got ${stats.length})`, { lines: ev.lines.map((l) => l.slice(0, 120)), stderr: ev.stderr() });
  t.ok(stats.length <= allowed, `not many more than one per 200ms (got ${stats.length}, at most ${allowed})`);
  t.ok(
    events.every((e) => (e.type === 'stats' || e.type === 'oom') && e.id === id),
    'every line is a stats (or oom) event of the container',
  );
  t.ok(stats.every((e) => e.data?.pids?.current >= 1), 'every stats event has data.pids.current >= 1');
});

t.test('events: an "oom" event when the OOM killer acts in the container\'s memory cgroup (runc CLI)', { skip: !MEMORY && 'no memory controller on this host' }, async (t) => {
  // The container allocates beyond its 16 MiB (memory+swap = memory: no swap
  // to escape to) only once events is watching: `tail` keeps its last "line"
  // of /dev/zero, which has no newline, so it needs all 64 MiB and is killed.
  const { id, b } = await runningContainer(
    t,
    // The allocating subshell volunteers as the OOM killer's first choice, so the container's sh survives.
    ['sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.1; done; (echo 1000 >/proc/self/oom_score_adj; head -c 64m /dev/zero | tail); exec sleep 1000'],
    (bundle) => bundle.patch((c) => (c.linux.resources.memory = { limit: 16 * MiB, swap: 16 * MiB })),
  );
  const ev = startEvents(['--interval', '1s', id]);
  await waitFor(() => ev.lines.length > 0, 5000); // events has its baseline once it reported
  await sleep(500);
  fs.writeFileSync(path.join(b.rootfs, 'tmp', 'go'), '');
  const oom = await waitFor(() => ev.events().find((e) => e.type === 'oom'), 10_000, 50);
  const stillRunning = ev.running();
  await ev.stop();
  t.ok(oom, 'an oom event arrives', { lines: ev.lines.map((l) => l.slice(0, 120)), stderr: ev.stderr() });
  t.strictSame(oom, { type: 'oom', id }, 'the oom event is {"type":"oom","id":<id>} without data');
  t.ok(stillRunning, 'events goes on after an OOM kill that left the container running');
  t.equal(await h.status(id), 'running', 'the container itself still runs (only the allocating subshell was killed)');
});

t.test('events ends with status 0 once the container is deleted (runc CLI)', async (t) => {
  const { id } = await runningContainer(t);
  const ev = startEvents(['--interval', '200ms', id]);
  await sleep(500);
  t.ok(ev.running(), 'events runs while the container does', { stderr: ev.stderr() });
  const d = await h.rt(['delete', '--force', id]);
  t.equal(d.code, 0, 'delete --force succeeds', diag(d));
  const end = await Promise.race([ev.exited, sleep(5000).then(() => undefined)]);
  await ev.stop();
  t.ok(end, 'events exits within 5 s of the delete', { stderr: ev.stderr() });
  t.equal(end?.code, 0, 'exit status 0', { end, stderr: ev.stderr() });
});

// runc 1.1.5 on cgroup v1 watches the memory cgroup's eventfd, which fires
// only when the cgroup is removed: it goes on printing until `delete`.
t.test('events ends with status 0 when the container stops', { skip: isRunc() && 'runc 1.1.5 (cgroup v1) streams until the container is deleted' }, async (t) => {
  // Runs for a second, longer on a slow machine: events must start while it runs.
  const { id } = await runningContainer(t, ['sh', '-c', `sleep ${TIME_SCALE}`]);
  const ev = startEvents(['--interval', '200ms', id]);
  const end = await Promise.race([ev.exited, sleep(6000 * TIME_SCALE).then(() => undefined)]);
  await ev.stop();
  t.ok(end, 'events exits after the container\'s process ended', { lines: ev.lines.length, stderr: ev.stderr() });
  t.equal(end?.code, 0, 'exit status 0', { end, stderr: ev.stderr() });
  t.ok(ev.events().every((e) => e.type === 'stats' && e.id === id), 'only stats events were printed');
});

t.test('events of a stopped container fails: "not running" (runc CLI)', async (t) => {
  const { id } = await runningContainer(t, ['sh', '-c', 'exec sleep 1000']);
  const k = await h.kill(id, 'KILL');
  t.equal(k.code, 0, 'kill succeeds', diag(k));
  t.ok(await h.waitStatus(id, 'stopped'), 'the container stopped');
  for (const args of [['--stats'], ['--interval', '200ms']]) {
    const r = await h.rt(['events', ...args, id], { timeout: 5000 });
    t.not(r.code, 0, `events ${args.join(' ')} fails`, diag(r));
    t.match(r.stderr, /not running/, 'the error says "not running"', diag(r));
    t.equal(r.stdout, '', 'nothing on stdout', diag(r));
  }
});

t.test('events of an unknown container fails: "does not exist" (runc CLI)', async (t) => {
  const r = await h.rt(['events', '--stats', 'no-such-container']);
  t.not(r.code, 0, 'events --stats fails', diag(r));
  t.match(r.stderr, /does not exist/, 'the error says "does not exist"', diag(r));
  t.equal(r.stdout, '', 'nothing on stdout', diag(r));
});

t.test('events --interval: zero or negative refused, a malformed duration refused (runc CLI)', async (t) => {
  const { id } = await runningContainer(t);
  for (const v of ['0', '0s', '-1s']) {
    const r = await h.rt(['events', `--interval=${v}`, id], { timeout: 5000 });
    t.not(r.code, 0, `--interval=${v} fails`, diag(r));
    t.match(r.stderr, /duration interval must be greater than 0/, 'the error says the interval must be > 0', diag(r));
  }
  const bad = await h.rt(['events', '--interval', 'abc', id], { timeout: 5000 });
  t.not(bad.code, 0, '--interval abc fails', diag(bad));
  t.match(bad.stderr, /invalid value \\?"abc\\?" for flag -interval/, 'the error names the flag and the value', diag(bad));
});

h.done();
