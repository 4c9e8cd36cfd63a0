// Invalid bundles and configurations: create "MUST generate an error", and
// "generating an error MUST leave the state of the environment as if the
// operation were never attempted" (runtime.md Errors, Create).
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { Harness, diag, runcDeviation, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'errors');

/** create must fail, and leave no container, state, mount, cgroup or process behind. */
async function createFails(t: Test, b: Bundle | string, stderr?: RegExp) {
  const id = h.id(t);
  const dir = typeof b === 'string' ? b : b.dir;
  h.track(id);
  const r = await h.rt(['create', '--bundle', dir, id]);
  t.not(r.code, 0, 'create fails', diag(r));
  t.notOk(r.timedOut, 'and does not hang');
  t.not(r.stderr.trim(), '', 'with a message on stderr');
  if (stderr) t.match(r.stderr, stderr, 'the message names the cause');
  await h.expectNoTrace(t, id, typeof b === 'string' ? undefined : b);
  return r;
}

function configCase(name: string, patch: (c: Config, b: Bundle) => void, extra: { todo?: string } = {}, stderr?: RegExp) {
  t.test(name, extra, async (t) => {
    const b = h.bundle({ args: ['sleep', '1000'] });
    b.patch((c) => patch(c, b));
    await createFails(t, b, stderr);
  });
}

t.test('config.json that is not valid JSON (config.md; runtime.md Errors)', async (t) => {
  const b = h.bundle();
  fs.writeFileSync(b.configPath, '{ "ociVersion": "1.0.2-dev", "process": ');
  await createFails(t, b);
});

t.test('config.json that is not a JSON object (config.md)', async (t) => {
  const b = h.bundle();
  fs.writeFileSync(b.configPath, '[1, 2, 3]\n');
  await createFails(t, b);
});

t.test('bundle without config.json (bundle.md: config.json REQUIRED)', async (t) => {
  const b = h.bundle();
  fs.rmSync(b.configPath);
  await createFails(t, b);
});

t.test('bundle directory that does not exist (runtime.md Create: "path to the bundle")', async (t) => {
  await createFails(t, path.join(h.base, 'no-such-bundle'));
});

configCase('root.path that does not exist: "A directory MUST exist at the path" (config.md Root)', (c) => {
  c.root.path = 'no-such-rootfs';
});

configCase('root.path that is a regular file, not a directory (config.md Root)', (c, b) => {
  fs.writeFileSync(path.join(b.dir, 'rootfs-file'), 'not a dir');
  c.root.path = 'rootfs-file';
});

configCase('root missing from config.json: "this field is REQUIRED" on Linux (config.md Root)', (c) => {
  delete c.root;
});

configCase('process.args empty: "at least one entry is REQUIRED" (config.md Process: args)', (c) => {
  c.process.args = [];
});

configCase('process.cwd relative: "This value MUST be an absolute path" (config.md Process: cwd)', (c) => {
  c.process.cwd = 'tmp';
});

configCase('namespaces: "duplicated namespaces with same type" MUST generate an error (config-linux.md Namespaces)', (c) => {
  c.linux.namespaces.push({ type: 'pid' });
});

configCase('namespaces: an unknown namespace type cannot be applied (runtime.md Create: "cannot apply a property")', (c) => {
  c.linux.namespaces.push({ type: 'no-such-namespace' });
});

configCase('namespaces: "path is not associated with a namespace of type type" MUST generate an error (config-linux.md Namespaces)', (c) => {
  c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) =>
    n.type === 'network' ? { type: 'network', path: '/proc/self/ns/ipc' } : n);
});

configCase('namespaces: a path that does not exist (config-linux.md Namespaces: path)', (c) => {
  c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) =>
    n.type === 'network' ? { type: 'network', path: '/proc/self/ns/no-such-ns' } : n);
});

configCase('rlimits: a type that "cannot be mapped to a relevant kernel interface" MUST generate an error (config.md POSIX process)', (c) => {
  c.process.rlimits.push({ type: 'RLIMIT_NO_SUCH_LIMIT', soft: 1, hard: 1 });
});

// runc 1.1.5 accepts duplicated rlimits (the last entry wins).
configCase(
  'rlimits: "duplicated entries with same type" MUST generate an error (config.md POSIX process)',
  (c) => {
    c.process.rlimits.push({ type: 'RLIMIT_NOFILE', soft: 100, hard: 100 });
  },
  runcDeviation('duplicated rlimits are accepted'),
);

// runc 1.1.5 ignores EEXIST from mknod and leaves whatever file is there.
t.test(
  'devices: "If a file already exists at path that does not match the requested device, the runtime MUST generate an error" (config-linux.md Devices)',
  runcDeviation('an existing non-device file at a device path is silently kept'),
  async (t) => {
    const b = h.bundle({ args: ['sleep', '1000'], files: { '/opt/not-a-device': 'regular file\n' } });
    b.patch((c) => (c.linux.devices = [{ path: '/opt/not-a-device', type: 'c', major: 1, minor: 3 }]));
    await createFails(t, b);
    t.equal(fs.readFileSync(path.join(b.rootfs, 'opt/not-a-device'), 'utf8'), 'regular file\n', 'the file is untouched');
  },
);

configCase('mounts: an unknown filesystem type: the environment cannot be created (runtime.md Lifecycle step 2)', (c) => {
  c.mounts.push({ destination: '/mnt/x', type: 'no-such-fs', source: 'none' });
});

configCase('mounts: a bind mount whose source does not exist (runtime.md Lifecycle step 2)', (c) => {
  c.mounts.push({ destination: '/mnt/x', type: 'bind', source: '/no/such/source/dir', options: ['rbind'] });
});

t.test('process absent: "This operation MUST generate an error if process was not set" (runtime.md Start)', async (t) => {
  const id = h.id(t);
  const b = h.bundle();
  b.patch((c) => delete c.process);
  const c = await h.create(id, b);
  if (c.code === 0) {
    // process is OPTIONAL for create; then start must refuse.
    const s = await h.start(id);
    t.not(s.code, 0, 'start fails', diag(s));
  } else {
    t.pass('create refused a config without process (runc does this); no start possible');
    await h.expectNoTrace(t, id, b);
  }
});

t.test('a failed create does not prevent a later create with the same id (runtime.md Errors: state as if never attempted)', async (t) => {
  const id = h.id(t);
  const bad = h.bundle({ args: ['sleep', '1000'] });
  bad.patch((c) => (c.root.path = 'missing'));
  const r1 = await h.create(id, bad);
  t.not(r1.code, 0, 'bad create fails', diag(r1));
  const good = h.bundle({ args: ['sleep', '1000'] });
  const r2 = await h.create(id, good);
  t.equal(r2.code, 0, 'same id can be created afterwards', diag(r2));
  t.equal(await h.status(id), 'created');
});

t.test('an unknown command or flag is an error', async (t) => {
  const r1 = await h.rt(['no-such-command']);
  t.not(r1.code, 0, 'unknown command fails', diag(r1));
  const r2 = await h.rt(['state', '--no-such-flag', 'x']);
  t.not(r2.code, 0, 'unknown flag fails', diag(r2));
});

h.done();
