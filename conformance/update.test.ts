// `update`: changing a live container's limits the three ways engines do it
// (containerd/Docker: --resources - on stdin; podman: --resources=FILE;
// people: runc's single flags), read back from the host's cgroup files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, diag } from './lib/harness.js';

const h = new Harness(t, 'update');
const MB = 1024 * 1024;

function memoryFile(cgroupsPath: string, file: string): string | undefined {
  const p = path.join('/sys/fs/cgroup/memory', cgroupsPath, file);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim() : undefined;
}

t.test('update --resources - (stdin), --resources=FILE and single flags change the live cgroup', { skip: !fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') && 'no cgroup v1 memory controller' }, async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'], config: (c) => (c.linux.resources = { ...c.linux.resources, memory: { limit: 64 * MB } }) });
  const r = await h.run(id, b, ['--detach']);
  t.equal(r.code, 0, 'started', diag(r));
  const cg = b.cgroupsPath!;
  t.equal(memoryFile(cg, 'memory.limit_in_bytes'), String(64 * MB), 'created with 64 MiB');

  // Docker's payload: zeros mean "leave as is".
  const docker = JSON.stringify({ memory: { limit: 96 * MB, reservation: 0, swap: 192 * MB, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } });
  const u1 = await h.rt(['update', '--resources', '-', id], { input: docker });
  t.equal(u1.code, 0, 'update --resources - succeeds', diag(u1));
  t.equal(memoryFile(cg, 'memory.limit_in_bytes'), String(96 * MB), 'limit raised to 96 MiB');
  const memsw = memoryFile(cg, 'memory.memsw.limit_in_bytes');
  if (memsw !== undefined) t.equal(memsw, String(192 * MB), 'memory+swap set to 192 MiB');

  const file = path.join(h.hostDir('upd'), 'resources.json');
  fs.writeFileSync(file, JSON.stringify({ memory: { limit: 48 * MB } }));
  const u2 = await h.rt(['update', `--resources=${file}`, id]);
  t.equal(u2.code, 0, 'update --resources=FILE succeeds', diag(u2));
  t.equal(memoryFile(cg, 'memory.limit_in_bytes'), String(48 * MB), 'limit lowered to 48 MiB');

  const u3 = await h.rt(['update', '--memory', '80m', '--pids-limit', '30', id]);
  t.equal(u3.code, 0, 'update --memory 80m --pids-limit 30 succeeds', diag(u3));
  t.equal(memoryFile(cg, 'memory.limit_in_bytes'), String(80 * MB), '--memory takes a unit suffix');
  const pids = path.join('/sys/fs/cgroup/pids', cg, 'pids.max');
  if (fs.existsSync(pids)) t.equal(fs.readFileSync(pids, 'utf8').trim(), '30', '--pids-limit');
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
