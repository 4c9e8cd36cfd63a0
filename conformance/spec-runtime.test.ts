// runtime.md sentences the older files leave open: the state document against the
// spec's own JSON schema, create without a bundle, what create applies before
// start, and what delete must leave alone. Indexed in conformance/requirements.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import t from 'tap';
import { Harness, REPO, diag, hostMountsMentioning, parseMountInfo, type ContainerState } from './lib/harness.js';

const h = new Harness(t, 'spec-runtime');

// The schema is read from the spec checkout next to the repository, never copied into it.
const SPEC_SCHEMA_DIRS = ['/work/shared/runtime-spec/schema', path.resolve(REPO, '..', 'shared', 'runtime-spec', 'schema')];
const schemaDir = SPEC_SCHEMA_DIRS.find((d) => fs.existsSync(path.join(d, 'state-schema.json')));

/** A validator for schema/state-schema.json (draft-04; its keywords mean the same to Ajv 8). */
function stateValidator(): (doc: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv').default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const load = (f: string) => {
    const s = JSON.parse(fs.readFileSync(path.join(schemaDir!, f), 'utf8'));
    delete s.$schema; // draft-04 meta-schema is not bundled with Ajv 8; the keywords used here are unchanged
    return s;
  };
  ajv.addSchema(load('defs.json'), 'defs.json');
  const validate = ajv.compile(load('state-schema.json'));
  return (doc) => (validate(doc) ? [] : (validate.errors as { instancePath: string; message: string }[]).map((e) => `${e.instancePath} ${e.message}`));
}

t.test(
  'state: created, running and stopped states adhere to schema/state-schema.json, so status only takes the defined values (runtime.md State: "MUST adhere to the JSON Schema"; additional values "MUST be used to represent new runtime states")',
  { skip: schemaDir ? false : 'runtime-spec schema checkout not found' },
  async (t) => {
    const check = stateValidator();
    const id = h.id(t);
    const b = h.bundle({ args: ['sleep', '2'], config: (c) => (c.annotations = { 'org.example.key': 'value' }) });
    const seen: ContainerState[] = [];
    const record = async (expected: string) => {
      const { res, state } = await h.state(id);
      t.ok(state, `state while ${expected} is JSON`, diag(res));
      if (!state) return;
      seen.push(state);
      t.equal(state.status, expected, `status is "${expected}"`);
      t.strictSame(check(state), [], `the ${expected} state validates against state-schema.json`, { state });
    };
    t.equal((await h.create(id, b)).code, 0, 'created');
    await record('created');
    t.equal((await h.start(id)).code, 0, 'started');
    await record('running');
    t.ok(await h.waitStatus(id, 'stopped', 10_000), 'the program ends');
    await record('stopped');
    t.equal(seen.length, 3, 'three states seen');
  },
);

t.test('create: without --bundle, in a directory that is not a bundle, MUST generate an error and leave nothing (runtime.md Create: "not provided a path to the bundle")', async (t) => {
  // The runc CLI defaults the bundle to the working directory; a directory without
  // config.json is no bundle, so the runtime was given no usable bundle path.
  const id = h.id(t);
  const notABundle = h.hostDir('not-a-bundle');
  const r = await h.rt(['create', id], { cwd: notABundle });
  t.not(r.code, 0, 'create fails', diag(r));
  t.not(r.stderr.trim(), '', 'with a message');
  await h.expectNoTrace(t, id);
  t.strictSame(fs.readdirSync(notABundle), [], 'nothing was written in the working directory');
});

t.test('create: "All of the properties configured in config.json except for process MUST be applied" before start: namespaces, hostname, mounts, cgroup (runtime.md Create)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({
    args: ['sleep', '1000'],
    config: (c) => {
      c.hostname = 'applied-at-create';
      c.mounts.push({ destination: '/mnt/applied', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    },
  });
  const { state } = await h.mustCreate(t, id, b);
  const pid = state?.pid;
  t.ok(pid, 'the created container has a pid');
  if (!pid) return;
  h.notePid(pid);
  for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt']) {
    t.not(fs.readlinkSync(`/proc/${pid}/ns/${ns}`), fs.readlinkSync(`/proc/self/ns/${ns}`), `${ns} namespace is the container's own`);
  }
  const uts = spawnSync('nsenter', ['-t', String(pid), '-u', 'hostname'], { encoding: 'utf8' });
  t.equal(uts.stdout.trim(), 'applied-at-create', 'hostname is set in its UTS namespace', { stderr: uts.stderr });
  const mounts = parseMountInfo(fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
  t.ok(mounts.some((m) => m.mountPoint.endsWith('/mnt/applied') && m.fstype === 'tmpfs'), 'the configured tmpfs is mounted', { mountPoints: mounts.map((m) => m.mountPoint) });
  const cgroups = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  t.match(cgroups, new RegExp(`:${b.cgroupsPath}$`, 'm'), 'the process is in its configured cgroup');
  t.equal(await h.status(id), 'created', 'and the container is still "created"');
});

t.test('delete: "resources associated with the container, but not created by this container, MUST NOT be deleted": bind sources, the bundle, a joined namespace (runtime.md Delete)', async (t) => {
  // Container `owner` makes a network namespace; container `guest` joins it by path and
  // bind-mounts a host directory. Deleting `guest` must leave all of that alone.
  const ownerId = h.id(t);
  const owner = h.bundle({ args: ['sleep', '1000'] });
  const { state: ownerState } = await h.mustCreate(t, ownerId, owner);
  const ownerPid = ownerState?.pid;
  if (!ownerPid) return t.fail('owner has no pid');
  h.notePid(ownerPid);
  const netns = fs.readlinkSync(`/proc/${ownerPid}/ns/net`);

  const shared = h.hostDir('shared');
  fs.writeFileSync(path.join(shared, 'keep-me'), 'host data\n');
  const guestId = h.id(t);
  const guest = h.bundle({ args: ['sh', '-c', 'echo from-guest > /data/written'] });
  guest.bind(shared, '/data', ['rbind', 'rw']);
  guest.patch((c) => {
    c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) => (n.type === 'network' ? { type: 'network', path: `/proc/${ownerPid}/ns/net` } : n));
  });
  await h.mustCreate(t, guestId, guest);
  await h.mustStart(t, guestId);
  t.ok(await h.waitStatus(guestId, 'stopped', 10_000), 'guest ran and stopped');
  const del = await h.delete(guestId);
  t.equal(del.code, 0, 'guest deleted', diag(del));

  t.equal(fs.readFileSync(path.join(shared, 'keep-me'), 'utf8'), 'host data\n', 'the bind source and its files remain');
  t.equal(fs.readFileSync(path.join(shared, 'written'), 'utf8'), 'from-guest\n', 'including what the container wrote');
  t.ok(fs.existsSync(guest.configPath) && fs.existsSync(path.join(guest.rootfs, 'bin', 'busybox')), 'the bundle (config.json, rootfs) remains');
  t.strictSame(hostMountsMentioning(shared), [], 'no mount of the bind source is left on the host');
  t.equal(await h.status(ownerId), 'created', 'the namespace owner is untouched');
  t.equal(fs.readlinkSync(`/proc/${ownerPid}/ns/net`), netns, 'and keeps its network namespace');
});

h.done();
