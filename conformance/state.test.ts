// `state`: the JSON document of runtime.md "State" / schema/state-schema.json,
// plus the extra fields runc prints (created, owner) that callers read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { Harness, diag, pidAlive, type ContainerState, type RtResult } from './lib/harness.js';

const h = new Harness(t, 'state');

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** stdout must be one JSON document and nothing else; stderr must be empty (go-runc decodes both together). */
function parseStrict(t: Test, r: RtResult): ContainerState | undefined {
  t.equal(r.code, 0, 'state succeeds', diag(r));
  t.equal(r.stderr, '', 'nothing on stderr');
  try {
    const v = JSON.parse(r.stdout);
    t.pass('stdout is exactly one JSON document');
    return v as ContainerState;
  } catch (e) {
    t.fail('stdout is exactly one JSON document', { stdout: r.stdout, error: String(e) });
    return undefined;
  }
}

/** The fields and types required by runtime.md "State" and state-schema.json. */
function checkShape(t: Test, s: ContainerState | undefined, id: string, bundleDir: string) {
  if (!s) return;
  t.type(s.ociVersion, 'string', 'ociVersion is a string');
  t.match(s.ociVersion, SEMVER, 'ociVersion looks like SemVer');
  t.equal(s.id, id, 'id is the container ID');
  t.ok(['creating', 'created', 'running', 'stopped'].includes(s.status), `status "${s.status}" is a spec value`);
  t.type(s.bundle, 'string', 'bundle is a string');
  t.ok(path.isAbsolute(s.bundle), `bundle "${s.bundle}" is an absolute path`);
  t.equal(fs.realpathSync(s.bundle), fs.realpathSync(bundleDir), 'bundle is the bundle directory');
  if (s.pid !== undefined) t.ok(Number.isInteger(s.pid) && s.pid >= 0, 'pid is an integer >= 0');
  if (s.status === 'created' || s.status === 'running') {
    t.ok(Number.isInteger(s.pid) && s.pid! > 0, 'pid REQUIRED (> 0) when created or running on Linux');
  }
  if (s.annotations !== undefined) {
    t.type(s.annotations, 'object', 'annotations is a map');
    for (const v of Object.values(s.annotations ?? {})) t.type(v, 'string', 'annotation values are strings');
  }
}

t.test('state of a created container: required fields, stdout is only JSON, stderr empty (runtime.md State)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  const s = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, s, id, b.dir);
  t.equal(s?.status, 'created');
  t.ok(pidAlive(s!.pid!), 'pid is a live process');
});

t.test('state of a running and of a stopped container (runtime.md State: status values)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  const running = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, running, id, b.dir);
  t.equal(running?.status, 'running');
  t.equal((await h.kill(id, 'KILL')).code, 0, 'killed');
  t.ok(await h.waitStatus(id, 'stopped'), 'becomes stopped');
  const stopped = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, stopped, id, b.dir);
  t.equal(stopped?.status, 'stopped');
});

t.test('state: bundle is "the absolute path" even when create got "-b ." (runtime.md State: bundle)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.rt(['create', '-b', '.', id], { cwd: b.dir });
  t.equal(r.code, 0, 'create -b . succeeds', diag(r));
  const s = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, s, id, b.dir);
});

t.test('state: bundle is absolute when create got a relative path (runtime.md State: bundle)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.rt(['create', '--bundle', path.basename(b.dir), id], { cwd: path.dirname(b.dir) });
  t.equal(r.code, 0, 'create with a relative bundle path succeeds', diag(r));
  const s = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, s, id, b.dir);
});

t.test('state: the bundle is found without -b when create runs in the bundle directory (runc CLI default ".")', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  h.track(id);
  const r = await h.rt(['create', id], { cwd: b.dir });
  t.equal(r.code, 0, 'create without --bundle succeeds from the bundle dir', diag(r));
  const s = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, s, id, b.dir);
});

t.test('state: annotations from config.json are carried (runtime.md State: annotations)', async (t) => {
  const id = h.id(t);
  const annotations = {
    'org.opencontainers.conformance.key': 'value',
    'com.example/with-spaces': 'a b  c',
    'empty': '',
  };
  const b = h.bundle({ args: ['sleep', '1000'], config: (c) => (c.annotations = annotations) });
  await h.mustCreate(t, id, b);
  const s = parseStrict(t, await h.rt(['state', id]));
  checkShape(t, s, id, b.dir);
  t.strictSame(s?.annotations, annotations, 'annotations equal the config');
});

t.test('state: without annotations the property is absent or an empty map (runtime.md State: annotations)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  const s = parseStrict(t, await h.rt(['state', id]));
  t.ok(s?.annotations === undefined || Object.keys(s.annotations).length === 0, 'absent or {}', { annotations: s?.annotations });
});

t.test('state: "created" is an RFC 3339 time of creation and "owner" is a string (runc state fields)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const before = Date.now();
  await h.mustCreate(t, id, b);
  const after = Date.now();
  const s = parseStrict(t, await h.rt(['state', id]));
  t.type(s?.created, 'string', 'created is a string');
  t.match(s?.created as string, RFC3339, 'created is RFC 3339');
  const ms = Date.parse(s?.created as string);
  t.ok(ms >= before - 2000 && ms <= after + 2000, 'created is the time of the create call', { created: s?.created });
  t.type(s?.owner, 'string', 'owner is a string');
});

t.test('state: the status "created" survives until start (runtime.md State: created)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  for (let i = 0; i < 3; i++) t.equal(await h.status(id), 'created', `query ${i + 1}: still created`);
});

h.done();
