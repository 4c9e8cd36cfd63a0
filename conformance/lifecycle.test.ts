// Core lifecycle: create, start, kill, delete (runtime.md "Lifecycle" and "Operations").
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, diag, pidAlive, runcDeviation, sleep, waitFor } from './lib/harness.js';

const h = new Harness(t, 'lifecycle');

// A container whose init traps signals and reports the one it got to a bind-mounted host dir.
// The pid-namespace init only receives signals it has a handler for (except KILL/STOP),
// so a trap is needed to observe e.g. SIGTERM.
const TRAP_SH = `#!/bin/sh
for s in TERM USR1 USR2 HUP INT; do trap "echo $s > /host/sig; exit 0" $s; done
touch /host/ready
sleep 1000 & wait
`;

function signalBundle() {
  const host = h.hostDir();
  const b = h.bundle({ args: ['/trap.sh'], files: { '/trap.sh': TRAP_SH } }).bind(host, '/host');
  return { b, host };
}

t.test('create: state is "created" with the pid of the container process (runtime.md State: pid REQUIRED when created)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.create(id, b);
  t.equal(r.code, 0, 'create succeeds', diag(r));
  const { state } = await h.state(id);
  t.equal(state?.status, 'created');
  t.equal(state?.id, id);
  t.type(state?.pid, 'number');
  t.ok((state?.pid ?? 0) > 0, 'pid > 0');
  t.ok(pidAlive(state!.pid!), 'the pid is a live process');
});

t.test('create: the user-specified program "MUST NOT be run at this time"; start runs it (runtime.md Lifecycle step 2, 8)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo ran > /host/ran'] }).bind(host, '/host');
  const marker = path.join(host, 'ran');
  await h.mustCreate(t, id, b);
  await sleep(300); // give a runtime that (wrongly) starts the program asynchronously a chance to do so
  t.notOk(fs.existsSync(marker), 'program has not run after create');
  t.equal(await h.status(id), 'created', 'still created');
  await h.mustStart(t, id);
  t.ok(await waitFor(() => fs.existsSync(marker)), 'program ran after start');
  t.ok(await h.waitStatus(id, 'stopped'), 'status becomes stopped once the program exits');
});

t.test('start: status becomes "running" and the container process keeps its pid (runtime.md State: running)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state: before } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  const { state } = await h.state(id);
  t.equal(state?.status, 'running');
  t.equal(state?.pid, before?.pid, 'same pid as while created');
  t.ok(pidAlive(state!.pid!), 'process alive');
});

t.test('start: when the container process exits, status is "stopped" (runtime.md Lifecycle step 10)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  t.ok(await waitFor(() => !pidAlive(state!.pid!)), 'process gone');
});

t.test('create: "Any updates to config.json after this step MUST NOT affect the container" (runtime.md Lifecycle step 2)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo original > /host/out'] }).bind(host, '/host');
  await h.mustCreate(t, id, b);
  b.patch((c) => {
    c.process.args = ['sh', '-c', 'echo modified > /host/out'];
    c.hostname = 'modified';
  });
  await h.mustStart(t, id);
  const out = await waitFor(() => fs.existsSync(path.join(host, 'out')) && fs.readFileSync(path.join(host, 'out'), 'utf8'));
  t.equal(out, 'original\n', 'the program from config.json at create time ran');
});

t.test('create: --pid-file receives the container process pid (runc CLI)', async (t) => {
  const id = h.id(t);
  const pidFile = path.join(h.hostDir(), 'pid');
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b, ['--pid-file', pidFile]);
  const { state } = await h.state(id);
  t.equal(fs.readFileSync(pidFile, 'utf8').trim(), String(state?.pid), 'pid file matches state pid');
});

t.test('create: both "-b DIR" and "--bundle=DIR" are accepted (runc CLI, used by containerd)', async (t) => {
  for (const form of ['-b', '--bundle=']) {
    const id = h.id(t);
    const b = h.bundle({ args: ['sleep', '1000'] });
    const args = form === '-b' ? ['create', '-b', b.dir, id] : ['create', `--bundle=${b.dir}`, id];
    h.track(id);
    const r = await h.rt(args);
    t.equal(r.code, 0, `create with ${form} succeeds`, diag(r));
    const { state } = await h.state(id);
    t.equal(state?.bundle, fs.realpathSync(b.dir), `bundle recorded with ${form}`);
  }
});

// ---- kill ----------------------------------------------------------------

for (const sig of ['KILL', 'SIGKILL', '9']) {
  t.test(`kill: signal given as "${sig}" is sent to the container process (runtime.md Kill)`, async (t) => {
    const id = h.id(t);
    const b = h.bundle({ args: ['sleep', '1000'] });
    const { state } = await h.mustCreate(t, id, b);
    await h.mustStart(t, id);
    const r = await h.kill(id, sig);
    t.equal(r.code, 0, 'kill succeeds', diag(r));
    t.ok(await h.waitStatus(id, 'stopped'), 'container stopped');
    t.notOk(pidAlive(state!.pid!), 'process gone');
  });
}

t.test('kill: without a signal argument SIGTERM is sent (runc CLI default)', async (t) => {
  const id = h.id(t);
  const { b, host } = signalBundle();
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await waitFor(() => fs.existsSync(path.join(host, 'ready'))), 'init installed its traps');
  const r = await h.kill(id);
  t.equal(r.code, 0, 'kill succeeds', diag(r));
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  t.equal(fs.readFileSync(path.join(host, 'sig'), 'utf8'), 'TERM\n', 'SIGTERM was delivered');
});

for (const [arg, name] of [['USR1', 'USR1'], ['SIGUSR2', 'USR2'], ['1', 'HUP'], ['SIGHUP', 'HUP']] as const) {
  t.test(`kill: "MUST send the specified signal" – ${arg} arrives as SIG${name} (runtime.md Kill)`, async (t) => {
    const id = h.id(t);
    const { b, host } = signalBundle();
    await h.mustCreate(t, id, b);
    await h.mustStart(t, id);
    t.ok(await waitFor(() => fs.existsSync(path.join(host, 'ready'))), 'init installed its traps');
    const r = await h.kill(id, arg);
    t.equal(r.code, 0, 'kill succeeds', diag(r));
    t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
    t.equal(fs.readFileSync(path.join(host, 'sig'), 'utf8'), `${name}\n`, `SIG${name} was delivered`);
  });
}

t.test('kill: a "created" container can be signalled (runtime.md Kill: created or running)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  const r = await h.kill(id, 'KILL');
  t.equal(r.code, 0, 'kill of a created container succeeds', diag(r));
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  t.ok(await waitFor(() => !pidAlive(state!.pid!)), 'process gone');
  const d = await h.delete(id);
  t.equal(d.code, 0, 'delete succeeds', diag(d));
});

t.test('kill --all: signal reaches every process of the container (runc CLI)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h
    .bundle({
      args: ['/init.sh'],
      files: {
        '/init.sh': `#!/bin/sh
trap 'echo init >> /host/log' TERM
/bin/sh /child.sh &
child=$!
wait $child
wait $child
`,
        '/child.sh': `trap 'echo child >> /host/log; exit 0' TERM
touch /host/ready
while :; do sleep 0.05; done
`,
      },
    })
    .bind(host, '/host');
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await waitFor(() => fs.existsSync(path.join(host, 'ready'))), 'child ready');
  const r = await h.rt(['kill', '--all', id, 'TERM']);
  t.equal(r.code, 0, 'kill --all succeeds', diag(r));
  t.ok(await h.waitStatus(id, 'stopped'), 'container stopped');
  const log = fs.readFileSync(path.join(host, 'log'), 'utf8').split('\n').filter(Boolean).sort();
  t.strictSame(log, ['child', 'init'], 'both init and the child got SIGTERM');
});

t.test('kill: a stopped container "MUST generate an error"; error text contains "container not running" (runtime.md Kill, go-runc)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  const r = await h.kill(id, 'KILL');
  t.not(r.code, 0, 'kill fails', diag(r));
  t.match(r.stderr, /container not running/, 'stderr says "container not running"');
  t.equal(await h.status(id), 'stopped', 'no effect: still stopped');
});

t.test('kill: an unknown signal name is an error and has no effect', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  const r = await h.kill(id, 'SIGNOTASIGNAL');
  t.not(r.code, 0, 'kill fails', diag(r));
  t.equal(await h.status(id), 'running', 'still running');
  t.ok(pidAlive(state!.pid!), 'process alive');
});

t.test('kill: unknown container fails with "does not exist"', async (t) => {
  const r = await h.kill(`nonexistent-${Date.now()}`, 'KILL');
  t.not(r.code, 0, diag(r));
  t.match(r.stderr, /does not exist/);
});

// ---- start ---------------------------------------------------------------

t.test('start: a running container is not "created": start "MUST generate an error" and have no effect (runtime.md Start)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo x >> /host/runs; exec sleep 1000'] }).bind(host, '/host');
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await waitFor(() => fs.existsSync(path.join(host, 'runs'))), 'program ran once');
  const r = await h.start(id);
  t.not(r.code, 0, 'second start fails', diag(r));
  await sleep(200);
  const s = (await h.state(id)).state;
  t.equal(s?.status, 'running', 'still running');
  t.equal(s?.pid, state?.pid, 'same process');
  t.equal(fs.readFileSync(path.join(host, 'runs'), 'utf8'), 'x\n', 'program did not run a second time');
});

t.test('start: a stopped container cannot be started (runtime.md Start)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo x >> /host/runs'] }).bind(host, '/host');
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  const r = await h.start(id);
  t.not(r.code, 0, 'start of a stopped container fails', diag(r));
  await sleep(200);
  t.equal(await h.status(id), 'stopped', 'still stopped');
  t.equal(fs.readFileSync(path.join(host, 'runs'), 'utf8'), 'x\n', 'program ran only once');
});

t.test('start: unknown container fails with "does not exist"', async (t) => {
  const r = await h.start(`nonexistent-${Date.now()}`);
  t.not(r.code, 0, diag(r));
  t.match(r.stderr, /does not exist/);
});

// ---- delete --------------------------------------------------------------

t.test('delete: a stopped container is removed with its resources (runtime.md Delete)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  const r = await h.delete(id);
  t.equal(r.code, 0, 'delete succeeds', diag(r));
  t.notOk(pidAlive(state!.pid!), 'process gone');
  await h.expectNoTrace(t, id, b);
});

t.test('delete: a running container is not stopped: delete "MUST generate an error" and have no effect (runtime.md Delete)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  const r = await h.delete(id);
  t.not(r.code, 0, 'delete without --force fails', diag(r));
  const s = (await h.state(id)).state;
  t.equal(s?.status, 'running', 'still running');
  t.ok(pidAlive(state!.pid!), 'process alive');
});

// runc 1.1.5 `delete` (without --force) of a *created* container kills and removes it
// (delete.go: "case libcontainer.Created: return killContainer(container)").
t.test(
  'delete: a created container is not stopped: delete "MUST generate an error" and have no effect (runtime.md Delete)',
  runcDeviation('`runc delete` destroys a created container without --force'),
  async (t) => {
    const id = h.id(t);
    const b = h.bundle({ args: ['sleep', '1000'] });
    const { state } = await h.mustCreate(t, id, b);
    const r = await h.delete(id);
    t.not(r.code, 0, 'delete without --force fails', diag(r));
    t.equal(await h.status(id), 'created', 'still created');
    t.ok(pidAlive(state!.pid!), 'process alive');
  },
);

t.test('delete --force: a running container is killed and removed (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  const r = await h.delete(id, '--force');
  t.equal(r.code, 0, 'delete --force succeeds', diag(r));
  t.ok(await waitFor(() => !pidAlive(state!.pid!)), 'process gone');
  await h.expectNoTrace(t, id, b);
});

t.test('delete --force: a created container is killed and removed (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  const r = await h.delete(id, '--force');
  t.equal(r.code, 0, 'delete --force succeeds', diag(r));
  t.ok(await waitFor(() => !pidAlive(state!.pid!)), 'process gone');
  await h.expectNoTrace(t, id, b);
});

t.test('delete: unknown container fails with "does not exist"', async (t) => {
  const r = await h.delete(`nonexistent-${Date.now()}`);
  t.not(r.code, 0, diag(r));
  t.match(r.stderr, /does not exist/);
});

t.test('delete: "Once a container is deleted its ID MAY be used by a subsequent container" (runtime.md Delete)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  t.equal((await h.delete(id, '--force')).code, 0, 'deleted');
  await h.mustCreate(t, id, b);
  t.equal(await h.status(id), 'created', 're-created with the same id');
});

// ---- ids -----------------------------------------------------------------

t.test('create: an ID that is "not unique" MUST generate an error and the existing container is untouched (runtime.md Create)', async (t) => {
  const id = h.id(t);
  const b1 = h.bundle({ args: ['sleep', '1000'] });
  const b2 = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b1);
  const r = await h.create(id, b2);
  t.not(r.code, 0, 'second create with the same id fails', diag(r));
  const s = (await h.state(id)).state;
  t.equal(s?.status, 'created', 'original still created');
  t.equal(s?.pid, state?.pid, 'same process');
  t.equal(s?.bundle, fs.realpathSync(b1.dir), 'still the first bundle');
  t.ok(pidAlive(state!.pid!), 'original process alive');
});

// runc 1.1.5 checks for an existing state dir and then creates it without
// exclusivity; two racing creates often both fail ("exec fifo ... already exists",
// "unable to store init state").
t.test(
  'create: two concurrent creates of one ID – exactly one wins (runtime.md Create: ID MUST be unique)',
  runcDeviation('racing creates of one id can both fail (zero winners)'),
  async (t) => {
    for (let round = 0; round < 5; round++) {
      const id = h.id(t);
      const b = h.bundle({ args: ['sleep', '1000'] });
      const dir = h.hostDir('race');
      const pf = [path.join(dir, 'a'), path.join(dir, 'b')];
      const [ra, rb] = await Promise.all(pf.map((p) => h.create(id, b, ['--pid-file', p])));
      const winners = [ra!, rb!].filter((r) => r.code === 0);
      t.equal(winners.length, 1, `round ${round}: exactly one create succeeds`, { a: diag(ra!), b: diag(rb!) });
      const s = (await h.state(id)).state;
      if (winners.length === 1) {
        t.equal(s?.status, 'created', 'the winner is created');
        t.ok(pidAlive(s!.pid!), 'winner process alive');
      }
      // Processes a loser might have left: note them so the final check verifies they die.
      for (const p of pf) if (fs.existsSync(p)) h.notePid(Number(fs.readFileSync(p, 'utf8')));
      await h.forceDelete(id);
    }
  },
);

for (const bad of ['a/b', '../escape', '..', '.', '/abs']) {
  t.test(`create: invalid ID ${JSON.stringify(bad)} MUST generate an error (runtime.md Create: "not valid in any other way")`, async (t) => {
    const b = h.bundle({ args: ['sleep', '1000'] });
    const before = fs.readdirSync(h.base).sort();
    const r = await h.create(bad, b);
    t.not(r.code, 0, 'create fails', diag(r));
    t.strictSame(fs.readdirSync(h.base).sort(), before, 'nothing created next to the root dir');
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(h.root);
    } catch {
      /* fine */
    }
    t.strictSame(entries, [], 'nothing created in the root dir');
  });
}

t.test('operations without a container ID MUST generate an error (runtime.md Operations)', async (t) => {
  const b = h.bundle({ args: ['true'] });
  for (const args of [['create', '--bundle', b.dir], ['start'], ['state'], ['kill'], ['delete']]) {
    const r = await h.rt(args);
    t.not(r.code, 0, `${args[0]} without an id fails`, diag(r));
  }
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(h.root);
  } catch {
    /* fine */
  }
  t.strictSame(entries, [], 'nothing was created');
});

t.test('state: unknown container fails with "does not exist" (runtime.md Query State, go-runc)', async (t) => {
  const r = await h.rt(['state', `nonexistent-${Date.now()}`]);
  t.not(r.code, 0, diag(r));
  t.match(r.stderr, /does not exist/);
  t.equal(r.stdout, '', 'nothing on stdout');
});

h.done();
