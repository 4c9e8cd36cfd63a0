// `run` (create + start in one step, runc CLI): foreground and detached operation,
// exit status, stdio pass-through, --pid-file, --keep, and exec failures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { ChildProcess } from 'node:child_process';
import { Harness, diag, pidAlive, waitFor } from './lib/harness.js';

const h = new Harness(t, 'run');

const EXEC_ERROR = /no such file or directory|executable file not found/i;

for (const [args, code] of [
  [['true'], 0],
  [['false'], 1],
  [['sh', '-c', 'exit 3'], 3],
  [['sh', '-c', 'exit 255'], 255],
] as const) {
  t.test(`run: the container process exit status ${code} is the runtime's exit status (runc CLI)`, async (t) => {
    const id = h.id(t);
    const b = h.bundle({ args: [...args] });
    const r = await h.run(id, b);
    t.equal(r.code, code, `exit status ${code}`, diag(r));
  });
}

t.test('run: a container process killed by signal N gives exit status 128+N (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const running = h.run(id, b);
  t.ok(await h.waitStatus(id, 'running'), 'running');
  const k = await h.kill(id, 'KILL');
  t.equal(k.code, 0, 'kill succeeds', diag(k));
  const r = await running;
  t.equal(r.code, 128 + 9, 'exit status 137 (SIGKILL)', diag(r));
});

t.test('run: a process (not a pid-namespace init) that dies of SIGTERM gives 143 (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({
    args: ['sh', '-c', 'kill -TERM $$; sleep 5'],
    config: (c) => (c.linux.namespaces = c.linux.namespaces.filter((n: { type: string }) => n.type !== 'pid')),
  });
  const r = await h.run(id, b);
  t.equal(r.code, 128 + 15, 'exit status 143 (SIGTERM)', diag(r));
});

t.test('run: stdout and stderr of the container pass through unchanged (process.terminal false)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2; printf "no newline"'] });
  const r = await h.run(id, b);
  t.equal(r.code, 0, diag(r));
  t.equal(r.stdout, 'to-stdout\nno newline', 'stdout exactly');
  t.equal(r.stderr, 'to-stderr\n', 'stderr exactly (and the runtime adds nothing)');
});

t.test('run: stdin passes through to the container process', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['cat'] });
  const r = await h.run(id, b, [], { input: 'line one\nline two\n' });
  t.equal(r.code, 0, diag(r));
  t.equal(r.stdout, 'line one\nline two\n', 'cat echoed stdin');
});

t.test('run: without --keep the container is deleted after it exits (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  const r = await h.run(id, b);
  t.equal(r.code, 0, diag(r));
  await h.expectNoTrace(t, id, b);
});

t.test('run --keep: the stopped container stays until deleted (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sh', '-c', 'exit 7'] });
  const r = await h.run(id, b, ['--keep']);
  t.equal(r.code, 7, 'exit status passes through', diag(r));
  t.equal(await h.status(id), 'stopped', 'container kept in "stopped"');
  const d = await h.delete(id);
  t.equal(d.code, 0, 'delete succeeds', diag(d));
  await h.expectNoTrace(t, id, b);
});

t.test('run --detach: returns while the container keeps running (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.run(id, b, ['--detach'], { timeout: 10_000 });
  t.equal(r.code, 0, 'run -d exits 0', diag(r));
  t.notOk(r.timedOut, 'did not wait for the container');
  const s = (await h.state(id)).state;
  t.equal(s?.status, 'running', 'running');
  t.ok(pidAlive(s!.pid!), 'process alive');
});

t.test('run --detach --pid-file: the file holds the container process pid (runc CLI)', async (t) => {
  const id = h.id(t);
  const pidFile = path.join(h.hostDir(), 'pid');
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.run(id, b, ['-d', '--pid-file', pidFile]);
  t.equal(r.code, 0, diag(r));
  const s = (await h.state(id)).state;
  t.equal(fs.readFileSync(pidFile, 'utf8').trim(), String(s?.pid), 'pid file equals state pid');
});

t.test('run --detach: output of the detached container goes to the stdio given to run', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sh', '-c', 'echo detached-out; echo detached-err >&2'] });
  const r = await h.run(id, b, ['-d']);
  t.equal(r.code, 0, diag(r));
  t.ok(await h.waitStatus(id, 'stopped'), 'stopped');
  const o = await waitFor(() => {
    const x = r.output();
    return x.stdout.includes('detached-out') && x.stderr.includes('detached-err') ? x : undefined;
  });
  t.ok(o, 'container output arrived on the files given to run -d', r.output());
});

t.test('run: the foreground runtime forwards signals it receives to the container process (runc CLI)', async (t) => {
  const id = h.id(t);
  const host = h.hostDir();
  const b = h
    .bundle({
      args: ['/trap.sh'],
      files: { '/trap.sh': '#!/bin/sh\ntrap "echo USR1 > /host/sig; exit 0" USR1\ntouch /host/ready\nsleep 1000 & wait\n' },
    })
    .bind(host, '/host');
  let child: ChildProcess | undefined;
  const running = h.run(id, b, [], { onSpawn: (c) => (child = c) });
  t.ok(await waitFor(() => fs.existsSync(path.join(host, 'ready'))), 'container ready');
  child!.kill('SIGUSR1');
  const r = await running;
  t.equal(r.code, 0, 'container exited 0 from its trap', diag(r));
  t.equal(fs.readFileSync(path.join(host, 'sig'), 'utf8'), 'USR1\n', 'SIGUSR1 reached the container');
});

// ---- exec failures -------------------------------------------------------

t.test('run: a missing executable (absolute path) fails, says so, and leaves nothing behind (runtime.md Errors)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['/no/such/program'] });
  const r = await h.run(id, b);
  t.not(r.code, 0, 'run fails', diag(r));
  t.match(r.stderr, EXEC_ERROR, 'stderr says no such file or executable not found');
  await h.expectNoTrace(t, id, b);
});

t.test('run: an executable not found in PATH fails, says so, and leaves nothing behind (config.md process.args: execvp semantics)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['no-such-command'] });
  const r = await h.run(id, b);
  t.not(r.code, 0, 'run fails', diag(r));
  t.match(r.stderr, EXEC_ERROR, 'stderr says executable not found');
  await h.expectNoTrace(t, id, b);
});

t.test('run: a non-executable file fails with "permission denied" and leaves nothing behind (podman maps it to 126)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['/not-executable'], files: { '/not-executable': { content: '#!/bin/sh\n', mode: 0o644 } } });
  const r = await h.run(id, b);
  t.not(r.code, 0, 'run fails', diag(r));
  t.match(r.stderr, /permission denied/i, 'stderr says permission denied');
  await h.expectNoTrace(t, id, b);
});

t.test('create + start: a missing executable is an error of create or of start, and nothing is left after delete', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['/no/such/program'] });
  const c = await h.create(id, b);
  let failure = c;
  if (c.code === 0) {
    failure = await h.start(id);
    t.not(failure.code, 0, 'start fails if create did not', diag(failure));
    await h.delete(id, '--force');
  } else {
    t.pass('create failed');
  }
  t.match(failure.stderr, EXEC_ERROR, 'error names the cause');
  await h.expectNoTrace(t, id, b);
});

h.done();
