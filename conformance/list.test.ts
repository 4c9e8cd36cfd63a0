// `list` (runc CLI; not part of the OCI operations): table, -q and --format json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, diag } from './lib/harness.js';

const h = new Harness(t, 'list');

// Note: runc prints `null` (a nil Go slice) for `list --format json` with no
// containers; `[]` is the natural answer. Callers decoding into a slice
// (go-runc) accept both, so both are accepted here.
t.test('list on a root with no containers: empty table, nothing for -q, [] (or runc\'s null) for json', async (t) => {
  const fresh = path.join(h.hostDir('emptyroot'), 'root');
  const base = { noRoot: true };
  const table = await h.rt(['--root', fresh, 'list'], base);
  t.equal(table.code, 0, 'list succeeds', diag(table));
  const lines = table.stdout.split('\n').filter((l) => l.trim());
  t.ok(lines.length <= 1, 'at most a header line', { stdout: table.stdout });
  if (lines.length === 1) t.match(lines[0]!, /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER\s*$/, 'runc-style header');
  const q = await h.rt(['--root', fresh, 'list', '-q'], base);
  t.equal(q.code, 0, 'list -q succeeds', diag(q));
  t.equal(q.stdout.trim(), '', 'list -q prints no ids');
  const j = await h.rt(['--root', fresh, 'list', '--format', 'json'], base);
  t.equal(j.code, 0, 'list --format json succeeds', diag(j));
  let v: unknown;
  t.doesNotThrow(() => (v = JSON.parse(j.stdout)), 'stdout is JSON', { stdout: j.stdout });
  t.ok(v === null || (Array.isArray(v) && v.length === 0), 'empty array (runc prints null)', { stdout: j.stdout });
});

t.test('list shows created, running and stopped containers (runc CLI)', async (t) => {
  const ids = { created: h.id(t, 'created'), running: h.id(t, 'running'), stopped: h.id(t, 'stopped') };
  const bundles: Record<string, string> = {};
  for (const [status, id] of Object.entries(ids)) {
    const b = h.bundle({ args: status === 'stopped' ? ['true'] : ['sleep', '1000'] });
    bundles[id] = fs.realpathSync(b.dir);
    await h.mustCreate(t, id, b);
    if (status !== 'created') await h.mustStart(t, id);
  }
  t.ok(await h.waitStatus(ids.stopped, 'stopped'), 'one container stopped');
  const pids: Record<string, number | undefined> = {};
  for (const id of Object.values(ids)) pids[id] = (await h.state(id)).state?.pid;

  // table
  const table = await h.rt(['list']);
  t.equal(table.code, 0, 'list succeeds', diag(table));
  t.equal(table.stderr, '', 'no stderr');
  const lines = table.stdout.split('\n').filter((l) => l.trim());
  t.match(lines[0] ?? '', /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER\s*$/, 'header: ID PID STATUS BUNDLE CREATED OWNER');
  for (const [status, id] of Object.entries(ids)) {
    const row = lines.find((l) => l.split(/\s+/)[0] === id);
    t.ok(row, `row for ${id}`);
    const cols = (row ?? '').split(/\s+/);
    t.equal(cols[2], status, `${id} is ${status}`);
    t.equal(cols[3], bundles[id], `${id} bundle column`);
    if (status !== 'stopped') t.equal(cols[1], String(pids[id]), `${id} pid column`);
  }
  t.equal(lines.length, 4, 'header + 3 rows');

  // explicit table format
  const table2 = await h.rt(['list', '--format', 'table']);
  t.equal(table2.code, 0, 'list --format table succeeds', diag(table2));
  t.equal(table2.stdout, table.stdout, 'same as the default');

  // -q
  const q = await h.rt(['list', '-q']);
  t.equal(q.code, 0, 'list -q succeeds', diag(q));
  t.strictSame(q.stdout.split('\n').filter(Boolean).sort(), Object.values(ids).sort(), 'list -q prints exactly the ids, one a line');

  // json
  const j = await h.rt(['list', '--format', 'json']);
  t.equal(j.code, 0, 'list --format json succeeds', diag(j));
  t.equal(j.stderr, '', 'no stderr');
  let arr: Array<Record<string, unknown>> = [];
  t.doesNotThrow(() => (arr = JSON.parse(j.stdout)), 'stdout is JSON');
  t.ok(Array.isArray(arr), 'an array');
  t.equal(arr.length, 3, 'three entries');
  for (const [status, id] of Object.entries(ids)) {
    const e = arr.find((x) => x.id === id);
    t.ok(e, `entry for ${id}`);
    if (!e) continue;
    t.equal(e.status, status, `${id} status`);
    t.equal(e.bundle, bundles[id], `${id} bundle (absolute)`);
    t.type(e.ociVersion, 'string', `${id} ociVersion`);
    t.type(e.created, 'string', `${id} created`);
    t.ok(!Number.isNaN(Date.parse(e.created as string)), `${id} created parses as a time`);
    t.type(e.owner, 'string', `${id} owner`);
    t.type(e.pid, 'number', `${id} pid`);
    if (status !== 'stopped') t.equal(e.pid, pids[id], `${id} pid equals state pid`);
  }
});

t.test('list does not show deleted containers', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  await h.mustCreate(t, id, b);
  t.ok((await h.rt(['list', '-q'])).stdout.split('\n').includes(id), 'listed while it exists');
  t.equal((await h.delete(id, '--force')).code, 0, 'deleted');
  t.notOk((await h.rt(['list', '-q'])).stdout.split('\n').includes(id), 'gone from the list');
});

t.test('list names a directory of the root that holds no container it can load, on stderr, and lists the rest (runc CLI: "load container")', async (t) => {
  const root = path.join(h.hostDir('mixedroot'), 'root');
  const id = h.id(t, 'listed');
  const b = h.bundle({ args: ['sleep', '1000'] });
  const c = await h.rt(['--root', root, 'create', '--bundle', b.dir, id], { noRoot: true });
  t.equal(c.code, 0, 'a container in that root', diag(c));
  t.teardown(() => h.rt(['--root', root, 'delete', '--force', id], { noRoot: true }));
  // As another runtime's container in a shared root would look.
  fs.mkdirSync(path.join(root, 'foreign'));
  fs.writeFileSync(path.join(root, 'foreign', 'state.json'), '{"id":"foreign","init_process_pid":1}');
  const j = await h.rt(['--root', root, 'list', '--format', 'json'], { noRoot: true });
  t.equal(j.code, 0, 'list succeeds', diag(j));
  const ids = (JSON.parse(j.stdout) as { id: string }[]).map((s) => s.id);
  t.strictSame(ids, [id], 'the container, and only it, in the JSON');
  t.match(j.stderr, /^load container foreign: /m, 'the other directory is named on stderr');
});

h.done();
