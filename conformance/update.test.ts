// `update`: changing a live container's limits the three ways engines do it
// (containerd/Docker: --resources - on stdin; podman: --resources=FILE;
// people: runc's single flags), read back from the host's cgroup files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { CGROUP_VERSION, controllerAt, readControllerFile, sharesToWeight } from './lib/cgroup-files.js';
import { Harness, diag, isRunc, runtimeVersion } from './lib/harness.js';

const h = new Harness(t, 'update');
const MB = 1024 * 1024;

// The files by cgroup version (lib/cgroup-files.ts).
const LIMIT = { v1: 'memory.limit_in_bytes', v2: 'memory.max' };
const memoryFile = (cgroupsPath: string, file: { v1: string; v2: string }) => readControllerFile('memory', cgroupsPath, file);

t.test('update --resources - (stdin), --resources=FILE and single flags change the live cgroup', { skip: !controllerAt('memory') && 'no memory controller' }, async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'], config: (c) => (c.linux.resources = { ...c.linux.resources, memory: { limit: 64 * MB } }) });
  const r = await h.run(id, b, ['--detach']);
  t.equal(r.code, 0, 'started', diag(r));
  const cg = b.cgroupsPath!;
  t.equal(memoryFile(cg, LIMIT), String(64 * MB), 'created with 64 MiB');

  // Docker's payload: zeros mean "leave as is".
  const docker = JSON.stringify({ memory: { limit: 96 * MB, reservation: 0, swap: 192 * MB, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } });
  const u1 = await h.rt(['update', '--resources', '-', id], { input: docker });
  t.equal(u1.code, 0, 'update --resources - succeeds', diag(u1));
  t.equal(memoryFile(cg, LIMIT), String(96 * MB), 'limit raised to 96 MiB');
  const swap = memoryFile(cg, { v1: 'memory.memsw.limit_in_bytes', v2: 'memory.swap.max' });
  // v1 limits memory+swap; v2 swap alone (192 - 96 MiB)
  if (swap !== undefined) t.equal(swap, String(CGROUP_VERSION === 1 ? 192 * MB : 96 * MB), 'memory+swap set to 192 MiB');

  const file = path.join(h.hostDir('upd'), 'resources.json');
  fs.writeFileSync(file, JSON.stringify({ memory: { limit: 48 * MB } }));
  const u2 = await h.rt(['update', `--resources=${file}`, id]);
  t.equal(u2.code, 0, 'update --resources=FILE succeeds', diag(u2));
  t.equal(memoryFile(cg, LIMIT), String(48 * MB), 'limit lowered to 48 MiB');

  const u3 = await h.rt(['update', '--memory', '80m', '--pids-limit', '30', id]);
  t.equal(u3.code, 0, 'update --memory 80m --pids-limit 30 succeeds', diag(u3));
  t.equal(memoryFile(cg, LIMIT), String(80 * MB), '--memory takes a unit suffix');
  const pids = readControllerFile('pids', cg, { v1: 'pids.max', v2: 'pids.max' });
  if (pids !== undefined) t.equal(pids, '30', '--pids-limit');
});

const cpu = controllerAt('cpu');
t.test('update of cpu shares, quota and period: cpu.shares and cpu.cfs_* on v1, cpu.weight and cpu.max on v2', { skip: !cpu && 'no cpu controller' }, async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.run(id, b, ['--detach']);
  t.equal(r.code, 0, 'started', diag(r));
  const u = await h.rt(['update', '--cpu-share', '512', '--cpu-quota', '25000', '--cpu-period', '100000', id]);
  t.equal(u.code, 0, 'update succeeds', diag(u));
  const dir = cpu!.dir(b.cgroupsPath!);
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8').trim() : undefined);
  if (cpu!.v === 1) {
    t.equal(read('cpu.shares'), '512');
    t.equal(read('cpu.cfs_quota_us'), '25000');
    t.equal(read('cpu.cfs_period_us'), '100000');
  } else {
    // runc before 1.3 converts linearly
    t.equal(read('cpu.weight'), String(sharesToWeight(512, isRunc() && /^runc version 1\.[012]\./.test(runtimeVersion()))));
    t.equal(read('cpu.max'), '25000 100000');
  }
});

t.test('update of a stopped or unknown container fails', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  const r = await h.run(id, b, ['--keep']);
  t.equal(r.code, 0, 'ran', diag(r));
  const u = await h.rt(['update', '--memory', '64m', id]);
  t.not(u.code, 0, 'refused for a stopped container', diag(u));
  const missing = await h.rt(['update', '--memory', '64m', 'no-such-container-x']);
  t.not(missing.code, 0, 'refused for an unknown id');
  t.match(missing.stderr, /does not exist/, 'the error says so');
});

h.done();
