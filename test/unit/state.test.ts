// Unit tests for src/state/{id,process-identity,store}.ts.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ContainerNotFoundError, RuntimeError } from '../../src/errors.js';
import { checkContainerId } from '../../src/state/id.js';
import { isSameProcessAlive, readProcStat } from '../../src/state/process-identity.js';
import { type ContainerRecord, StateStore } from '../../src/state/store.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsrun-state-test-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('checkContainerId', async (t) => {
  const valid = ['a', 'c1', 'my-container_1.2+3', 'A'.repeat(1024), '...', '.hidden', 'x..y', '-', '0'];
  for (const id of valid) t.doesNotThrow(() => checkContainerId(id), `valid: ${id.length > 20 ? `${id.length} chars` : id}`);

  const invalid = ['', '.', '..', 'a/b', '/abs', '../x', 'a b', 'tab\t', 'nl\n', 'ünïcödé', 'emoji😀', 'a:b', 'a\\b', 'a\0b', 'A'.repeat(1025), '*', '$x'];
  for (const id of invalid) {
    t.throws(() => checkContainerId(id), RuntimeError, `invalid: ${JSON.stringify(id.length > 20 ? `${id.length} chars` : id)}`);
  }
  t.throws(() => checkContainerId(''), /cannot be empty/);
  t.throws(() => checkContainerId('a/b'), /invalid container id "a\/b"/);
});

t.test('readProcStat of this process', async (t) => {
  const st = readProcStat(process.pid);
  t.ok(st, 'readable');
  t.equal(st!.state, 'R', 'we are running while reading our own stat');
  t.match(st!.startTime, /^\d+$/, 'start time is a tick count');
  // field 22 counted independently: the 20th field after ") "
  const raw = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
  const after = raw.slice(raw.lastIndexOf(') ') + 2).trim().split(/\s+/);
  t.equal(st!.startTime, after[19]);
  // pid 1 started before us
  const init = readProcStat(1);
  t.ok(init, 'pid 1 is readable');
  t.ok(BigInt(init!.startTime) <= BigInt(st!.startTime), 'pid 1 started no later than we did');
  t.ok(isSameProcessAlive(process.pid, st!.startTime), 'we are alive');
  t.notOk(isSameProcessAlive(process.pid, String(BigInt(st!.startTime) + 1n)), 'wrong start time: not the same process');
  t.notOk(isSameProcessAlive(process.pid, ''), 'empty start time');
  t.notOk(isSameProcessAlive(0, st!.startTime), 'pid 0');
  t.notOk(isSameProcessAlive(-1, st!.startTime), 'negative pid');
});

t.test('readProcStat of a dead pid', async (t) => {
  const r = spawnSync('true');
  t.equal(r.status, 0);
  const pid = r.pid!;
  t.ok(pid > 0);
  // reaped by spawnSync; pid reuse within this instant is practically impossible
  t.equal(readProcStat(pid), undefined, 'no /proc entry');
  t.notOk(isSameProcessAlive(pid, '1'), 'not alive');
  t.equal(readProcStat(0x3fffffff), undefined, 'a pid above pid_max');
});

t.test('process names with spaces and ")"', async (t) => {
  const dir = join(tmp, 'bin');
  mkdirSync(dir);
  const name = 'a) (b c) x';
  const link = join(dir, name);
  const sleepBin = ['/bin/sleep', '/usr/bin/sleep'].find((p) => existsSync(p));
  if (!sleepBin) {
    t.pass('no sleep binary: skipped');
    return;
  }
  symlinkSync(sleepBin, link);
  const child = spawn(link, ['30'], { stdio: 'ignore' });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  await new Promise((r) => child.once('spawn', r));
  let comm = '';
  for (let i = 0; i < 200 && comm !== name; i++) {
    try {
      comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
    } catch {
      /* not yet */
    }
    if (comm !== name) await sleep(5);
  }
  t.equal(comm, name, 'the kernel took the name with ") (" in it');
  const raw = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  t.ok(raw.includes(`(${name})`), 'stat shows the odd name');

  const st = readProcStat(child.pid!);
  t.ok(st);
  t.match(st!.state, /^[RSD]$/, 'a one-letter state (parsed after the last ")")');
  t.match(st!.startTime, /^\d+$/);
  const mine = readProcStat(process.pid)!;
  t.ok(BigInt(st!.startTime) >= BigInt(mine.startTime), 'child started after us');
  t.ok(isSameProcessAlive(child.pid!, st!.startTime));
  t.notOk(isSameProcessAlive(child.pid!, mine.startTime === st!.startTime ? '0' : mine.startTime), 'wrong start time');

  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  t.notOk(isSameProcessAlive(child.pid!, st!.startTime), 'dead after kill');
});

t.test('zombies count as dead', async (t) => {
  // sh forks "sleep 0" and then becomes "sleep 30", which never reaps it.
  const child = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  const zpid = await new Promise<number>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
  });
  t.ok(zpid > 0, `zombie-to-be pid ${zpid}`);
  let st = readProcStat(zpid);
  for (let i = 0; i < 400 && st?.state !== 'Z'; i++) {
    await sleep(5);
    st = readProcStat(zpid);
  }
  t.equal(st?.state, 'Z', 'a zombie');
  t.notOk(isSameProcessAlive(zpid, st!.startTime), 'a zombie with the right start time is not alive');
});

function record(id: string, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id,
    pid: 1234,
    pidStartTime: '5678',
    bundle: '/bundles/x',
    rootfs: '/bundles/x/rootfs',
    created: '2024-01-02T03:04:05Z',
    owner: 'root',
    ociVersion: '1.3.0',
    annotations: { a: 'b' },
    cgroupPaths: { '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/x' },
    createdComplete: true,
    ...extra,
  };
}

t.test('StateStore', async (t) => {
  const root = join(tmp, 'root');
  const store = new StateStore(root);
  t.same(store.ids(), [], 'missing root: no containers');

  const dir = store.claim('c1');
  t.equal(dir, join(root, 'c1'));
  t.ok(statSync(dir).isDirectory());
  t.equal(statSync(root).mode & 0o777, 0o711 & ~process.umask(), 'root created 0711 (minus umask)');
  t.throws(() => store.claim('c1'), /container with id exists: c1/, 'second claim of the same id throws');
  t.throws(() => store.claim('c1'), RuntimeError);

  t.throws(() => store.read('c1'), ContainerNotFoundError, 'claimed but not written yet: not found');
  t.throws(() => store.read('nope'), ContainerNotFoundError);
  t.throws(() => store.read('nope'), /does not exist/);
  try {
    store.read('nope');
  } catch (e) {
    t.equal((e as Error).message, 'container "nope" does not exist');
  }

  const rec = record('c1');
  store.write(rec);
  t.same(store.read('c1'), rec, 'round trip');
  t.same(readdirSync(dir), ['state.json'], 'atomic write leaves no temporary file');
  t.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600 & ~process.umask(), 'state.json is private');
  t.same(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), rec);

  store.write({ ...rec, pid: 99, createdComplete: false });
  t.equal(store.read('c1').pid, 99, 'rewrite replaces');
  t.equal(store.read('c1').createdComplete, false);
  t.same(readdirSync(dir), ['state.json'], 'still no temporary file');

  for (const id of ['zeta', 'alpha', 'Mid', 'b.2', 'b.10']) store.claim(id);
  writeFileSync(join(root, 'stray-file'), 'x');
  t.same(store.ids(), ['Mid', 'alpha', 'b.10', 'b.2', 'c1', 'zeta'], 'ids sorted, files ignored');

  t.equal(store.fifoPath('c1'), join(root, 'c1', 'exec.fifo'));
  t.equal(store.hasFifo('c1'), false);
  writeFileSync(store.fifoPath('c1'), '');
  t.equal(store.hasFifo('c1'), true);

  store.remove('c1');
  t.notOk(existsSync(dir), 'directory removed with its contents');
  t.throws(() => store.read('c1'), ContainerNotFoundError, 'removed: not found');
  t.doesNotThrow(() => store.remove('c1'), 'removing twice is fine');
  t.notOk(store.ids().includes('c1'));
  t.doesNotThrow(() => store.claim('c1'), 'the id can be claimed again after remove');

  // ids are checked before touching the file system
  for (const bad of ['..', '.', 'a/b', '', '../root']) {
    t.throws(() => store.claim(bad), RuntimeError, `claim(${JSON.stringify(bad)})`);
    t.throws(() => store.read(bad), RuntimeError, `read(${JSON.stringify(bad)})`);
    t.throws(() => store.remove(bad), RuntimeError, `remove(${JSON.stringify(bad)})`);
  }
  t.ok(existsSync(root), 'remove("..") did not delete anything');
  t.throws(() => store.write(record('../evil')), RuntimeError, 'write refuses a bad id');
  t.notOk(existsSync(join(tmp, 'evil')));
});

t.test('StateStore: racing claims, exactly one wins', async (t) => {
  const store = new StateStore(join(tmp, 'race'));
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => Promise.resolve().then(() => store.claim('same'))));
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.equal(results.filter((r) => r.status === 'rejected').length, 7);
});
