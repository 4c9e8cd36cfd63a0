// The systemd cgroup driver (--systemd-cgroup, cgroupsPath "slice:prefix:name"):
// the container's cgroup is a transient scope that systemd creates with the
// container's limits, changes on update and removes on delete. Needs systemd
// as PID 1 with a system bus and cgroup v2 (run it in the test VM, see
// scripts/test-cgroup2.sh); on a host without systemd only the refusal of the
// flag is checked. Works against runc too (RUNTIME=/usr/sbin/runc).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, diag, isRunc, type Bundle } from './lib/harness.js';

const h = new Harness(t, 'systemd');
const MB = 1024 * 1024;
const SD = ['--systemd-cgroup'];
const CGROUP = '/sys/fs/cgroup';

const systemdIsInit = fs.existsSync('/run/systemd/system');
const bus = fs.existsSync('/run/dbus/system_bus_socket');
const unified = fs.existsSync(path.join(CGROUP, 'cgroup.controllers'));
const skip = !systemdIsInit ? 'systemd is not PID 1 here (no /run/systemd/system)' : !bus ? 'no system bus (/run/dbus/system_bus_socket)' : !unified ? 'the checks read cgroup v2 files; this host has cgroup v1' : false;

/** `systemctl show UNIT -p ...` as a map. */
function show(unit: string, ...props: string[]): Record<string, string> {
  const r = spawnSync('systemctl', ['show', unit, ...props.flatMap((p) => ['-p', p])], { encoding: 'utf8', timeout: 20_000 });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Every DeviceAllow= entry of a unit (show -p prints one line each). */
function deviceAllow(unit: string): string[] {
  const r = spawnSync('systemctl', ['show', unit, '-p', 'DeviceAllow'], { encoding: 'utf8', timeout: 20_000 });
  return r.stdout.split('\n').filter((l) => l.startsWith('DeviceAllow=')).map((l) => l.slice('DeviceAllow='.length));
}

/** The unit is gone or at least no longer running, with no cgroup left. */
function unitGone(unit: string): boolean {
  const s = show(unit, 'LoadState', 'ActiveState');
  return s.LoadState === 'not-found' || s.ActiveState === 'inactive';
}

function readCg(rel: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(CGROUP, rel, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** runc 1.1 maps shares to weight linearly, runc 1.2+ and tsrun by a quadratic fit in log space. */
function weightsFor(shares: number): number[] {
  const linear = 1 + Math.floor(((shares - 2) * 9999) / 262142);
  const l = Math.log2(shares);
  const quadratic = Math.ceil(10 ** ((l * l + 125 * l) / 612 - 7 / 34));
  return [linear, quadratic];
}

function systemdBundle(cgroupsPath: string | null, resources: Record<string, unknown> = {}, args = ['sleep', '1000']): Bundle {
  return h.bundle({ args, cgroupsPath, config: (c) => (c.linux.resources = { ...c.linux.resources, ...resources }) });
}

function initCgroup(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim();
}

t.test('without systemd, --systemd-cgroup is refused with a clear error and leaves nothing behind', { skip: systemdIsInit && 'systemd is running here' }, async (t) => {
  const id = h.id(t);
  const b = systemdBundle(`system.slice:tsrun-test:${id}`);
  const r = await h.create(id, b, [], { global: SD });
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /systemd/, 'the error names systemd');
  t.match(r.stderr, /not running|not available/, 'and says it is not there');
  await h.expectNoTrace(t, id);
});

t.test('a scope in system.slice: properties, placement, files, update, pause, delete', { skip }, async (t) => {
  const id = h.id(t);
  const unit = `tsrun-test-${id}.scope`;
  const rel = `system.slice/${unit}`;
  t.teardown(() => void spawnSync('systemctl', ['stop', unit], { timeout: 20_000 }));
  const b = systemdBundle(`system.slice:tsrun-test:${id}`, { memory: { limit: 64 * MB }, pids: { limit: 50 }, cpu: { shares: 512, quota: 20000, period: 100000 } });
  const { state } = await h.mustCreate(t, id, b, [], { global: SD });
  t.ok(state?.pid, 'created with a pid');
  const pid = state!.pid!;

  const p = show(unit, 'ActiveState', 'Delegate', 'MemoryMax', 'TasksMax', 'CPUWeight', 'CPUQuotaPerSecUSec', 'Slice', 'DefaultDependencies', 'DevicePolicy');
  t.equal(p.ActiveState, 'active', 'the scope is active');
  t.equal(p.Delegate, 'yes', 'Delegate=yes');
  t.equal(p.Slice, 'system.slice', 'in system.slice');
  t.equal(p.DefaultDependencies, 'no', 'DefaultDependencies=no');
  t.equal(p.MemoryMax, String(64 * MB), 'MemoryMax from memory.limit');
  t.equal(p.TasksMax, '50', 'TasksMax from pids.limit');
  t.ok(weightsFor(512).includes(Number(p.CPUWeight)), `CPUWeight ${p.CPUWeight} converted from 512 shares`);
  t.equal(p.CPUQuotaPerSecUSec, '200ms', 'CPUQuotaPerSecUSec from quota/period');
  t.equal(p.DevicePolicy, 'strict', 'DevicePolicy=strict');
  t.ok(deviceAllow(unit).includes('/dev/char/1:3 rwm'), '/dev/null is in DeviceAllow');

  t.equal(initCgroup(pid), `0::/${rel}`, "the container's init is in the scope");
  t.equal(readCg(rel, 'memory.max'), String(64 * MB), 'memory.max');
  t.equal(readCg(rel, 'pids.max'), '50', 'pids.max');
  t.equal(readCg(rel, 'cpu.max'), '20000 100000', 'cpu.max');
  t.equal(readCg(rel, 'cpu.weight'), p.CPUWeight, 'cpu.weight agrees with CPUWeight');

  await h.mustStart(t, id);
  const u = await h.rt(['update', '--memory', '96m', '--pids-limit', '60', id]);
  t.equal(u.code, 0, 'update succeeds', diag(u));
  const after = show(unit, 'MemoryMax', 'TasksMax');
  t.equal(after.MemoryMax, String(96 * MB), 'update changed MemoryMax');
  t.equal(after.TasksMax, '60', 'update changed TasksMax');
  t.equal(readCg(rel, 'memory.max'), String(96 * MB), 'and memory.max');
  t.equal(readCg(rel, 'pids.max'), '60', 'and pids.max');

  const ps = await h.rt(['ps', '--format', 'json', id]);
  t.equal(ps.code, 0, 'ps works', diag(ps));
  t.ok((JSON.parse(ps.stdout || '[]') as number[]).includes(pid), "ps lists the init from the scope's cgroup");

  const pause = await h.rt(['pause', id]);
  t.equal(pause.code, 0, 'pause', diag(pause));
  t.match(readCg(rel, 'cgroup.events'), /^frozen 1$/m, 'the scope is frozen');
  t.equal(await h.status(id), 'paused', 'state says paused');
  const resume = await h.rt(['resume', id]);
  t.equal(resume.code, 0, 'resume', diag(resume));
  t.match(readCg(rel, 'cgroup.events'), /^frozen 0$/m, 'the scope is thawed');
  t.equal(await h.status(id), 'running', 'state says running');

  const d = await h.delete(id, '--force');
  t.equal(d.code, 0, 'delete --force', diag(d));
  t.ok(unitGone(unit), 'the scope is stopped');
  t.notOk(fs.existsSync(path.join(CGROUP, rel)), 'its cgroup is gone');
  await h.expectNoTrace(t, id);
});

t.test('a custom slice holds the scope; a container without cgroupsPath gets the default scope', { skip }, async (t) => {
  const id = h.id(t);
  const unit = `tsrun-test-${id}.scope`;
  t.teardown(() => void spawnSync('systemctl', ['stop', unit, 'tsrun-test.slice'], { timeout: 20_000 }));
  const b = systemdBundle(`tsrun-test.slice:tsrun-test:${id}`);
  const { state } = await h.mustCreate(t, id, b, [], { global: SD });
  t.equal(initCgroup(state!.pid!), `0::/tsrun.slice/tsrun-test.slice/${unit}`, 'nested by the dashes of the slice name');
  t.equal(show(unit, 'Slice').Slice, 'tsrun-test.slice', 'Slice=tsrun-test.slice');
  t.equal((await h.delete(id, '--force')).code, 0, 'deleted');
  t.ok(unitGone(unit), 'the scope is stopped');

  // runc names it runc-<id>.scope, tsrun tsrun-<id>.scope
  const id2 = h.id(t);
  const unit2 = `${isRunc() ? 'runc' : 'tsrun'}-${id2}.scope`;
  t.teardown(() => void spawnSync('systemctl', ['stop', unit2], { timeout: 20_000 }));
  const s2 = await h.mustCreate(t, id2, systemdBundle(null), [], { global: SD });
  t.equal(initCgroup(s2.state!.pid!), `0::/system.slice/${unit2}`, 'system.slice:<prefix>:<id>');
  t.equal((await h.delete(id2, '--force')).code, 0, 'deleted');
  t.ok(unitGone(unit2), 'the scope is stopped');
});

t.test('run in the foreground: the process runs in the scope, which is gone afterwards', { skip }, async (t) => {
  const id = h.id(t);
  const unit = `tsrun-test-${id}.scope`;
  const b = systemdBundle(`:tsrun-test:${id}`, {}, ['cat', '/proc/self/cgroup']);
  const r = await h.run(id, b, [], { global: SD });
  t.equal(r.code, 0, 'run succeeds', diag(r));
  t.match(r.stdout, new RegExp(`^0::/system.slice/${unit.replace(/\./g, '\\.')}$`, 'm'), 'an empty slice means system.slice');
  t.ok(unitGone(unit), 'the scope is gone after run');
  await h.expectNoTrace(t, id);
});

t.test('bad cgroupsPath values give clear errors and leave nothing behind', { skip }, async (t) => {
  const cases: [string, (id: string) => string, RegExp][] = [
    // the log line escapes the quotes
    ['not three fields', () => 'bad', /expected cgroupsPath to be of format \\?"slice:prefix:name\\?"/],
    ['a slice name without .slice', (id) => `foo:tsrun-test:${id}`, /invalid slice name: foo/],
    ['a slice name with an empty part', (id) => `a--b.slice:tsrun-test:${id}`, /invalid slice name: a--b\.slice/],
    ['a name with a slash', (id) => `system.slice:tsrun-test:${id}/x`, /unit name/i],
  ];
  for (const [what, path_, message] of cases) {
    const id = h.id(t);
    const cgroupsPath = path_(id);
    const r = await h.create(id, systemdBundle(cgroupsPath), [], { global: SD });
    t.not(r.code, 0, `${what}: create fails`, diag(r));
    t.match(r.stderr, message, `${what}: the error says why`);
    t.ok(unitGone(`tsrun-test-${id}.scope`), `${what}: no unit`);
    await h.expectNoTrace(t, id);
  }
});

t.test('a limit the kernel refuses fails create and stops the scope', { skip }, async (t) => {
  const id = h.id(t);
  const unit = `tsrun-test-${id}.scope`;
  const r = await h.create(id, systemdBundle(`system.slice:tsrun-test:${id}`, { memory: { limit: 12 } }), [], { global: SD });
  t.not(r.code, 0, 'create fails', diag(r));
  t.ok(unitGone(unit), 'the scope is stopped');
  t.notOk(fs.existsSync(path.join(CGROUP, 'system.slice', unit)), 'its cgroup is gone');
  await h.expectNoTrace(t, id);
});

t.test('without --systemd-cgroup, "slice:prefix:name" is a plain cgroup path below our own cgroup (runc\'s cgroupfs driver)', async (t) => {
  const id = h.id(t);
  const cgroupsPath = `system.slice:tsrun-test:${id}`;
  const own = new Map(fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n').map((l) => [l.split(':')[1]!, l.split(':').slice(2).join(':')]));
  // runc: v2 hangs it below the parent of its own cgroup (its own likely has
  // processes), v1 below its own cgroup in each hierarchy
  const key = unified ? '' : 'pids';
  const base = unified ? path.posix.dirname(own.get('')!) : own.get('pids');
  const { state } = await h.mustCreate(t, id, systemdBundle(cgroupsPath));
  const line = initCgroup(state!.pid!).split('\n').find((l) => l.split(':')[1] === key);
  t.equal(line?.split(':').slice(2).join(':'), path.posix.join(base ?? '/', cgroupsPath), 'the cgroup is named after the whole path');
  t.equal((await h.delete(id, '--force')).code, 0, 'deleted');
  t.notOk(fs.existsSync(path.join(unified ? CGROUP : '/sys/fs/cgroup/pids', path.posix.join(base ?? '/', cgroupsPath))), 'the cgroup is gone');
});

h.done();
