// Unit tests for src/spec/default-config.ts: what `tsrun spec` writes must
// pass the schema (and the semantic checks), and the default must plan.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildPlan } from '../../src/plan/build.js';
import { defaultSpec, rootlessSpec } from '../../src/spec/default-config.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The validator module is generated; (re)build it (idempotent, fast).
const built = spawnSync(process.execPath, [join(repo, 'scripts', 'build-validator.mjs')], { cwd: repo, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`build-validator failed:\n${built.stdout}\n${built.stderr}`);
const { validateSpec, validateConfig } = await import('../../src/spec/validate.js');

t.test('defaultSpec is valid', async (t) => {
  const s = defaultSpec();
  t.same(validateSpec(s), [], 'schema');
  t.same(validateConfig(s, { requireProcess: true }), [], 'schema + ociVersion + semantics');
  t.same(validateSpec(JSON.parse(JSON.stringify(s))), [], 'still valid after a JSON round trip');
});

t.test('rootlessSpec is valid', async (t) => {
  const s = rootlessSpec(1000, 1000);
  t.same(validateSpec(s), [], 'schema');
  t.same(validateConfig(s, { requireProcess: true }), [], 'all layers');
  t.same(s.linux!.uidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  t.same(s.linux!.gidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  t.ok(s.linux!.namespaces!.some((n) => n.type === 'user'), 'user namespace');
  t.notOk(s.linux!.namespaces!.some((n) => n.type === 'network'), 'no network namespace of its own');
  t.equal(s.linux!.resources, undefined, 'no cgroup resources');
  const cg = s.mounts!.find((m) => m.type === 'cgroup');
  t.ok(cg?.options?.includes('ro'), 'a read-only cgroup mount, as runc spec --rootless writes it');
  const sys = s.mounts!.find((m) => m.destination === '/sys')!;
  t.same(sys, { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] });
  const pts = s.mounts!.find((m) => m.destination === '/dev/pts')!;
  t.notOk(pts.options!.includes('gid=5'), 'no gid=5 (unmapped group)');
  const mq = s.mounts!.filter((m) => m.destination === '/dev/mqueue');
  t.equal(mq.length, 1, 'one /dev/mqueue');
  t.equal(mq[0]!.type, 'mqueue', 'a new mqueue: the container has its own ipc namespace, owned by its user namespace');
});

t.test('a validator that can fail', async (t) => {
  const bad = defaultSpec() as unknown as Record<string, unknown>;
  (bad['process'] as Record<string, unknown>)['args'] = 'sh';
  t.not(validateSpec(bad).length, 0, 'args as a string is refused');
  const s = defaultSpec();
  s.linux!.namespaces!.push({ type: 'bogus' as never });
  t.not(validateSpec(s).length, 0, 'unknown namespace type is refused');
});

t.test('defaultSpec returns fresh copies', async (t) => {
  const a = defaultSpec();
  a.mounts![1]!.options!.push('mutated');
  a.process!.capabilities!.bounding!.push('CAP_SYS_ADMIN');
  const b = defaultSpec();
  t.notOk(b.mounts![1]!.options!.includes('mutated'), 'mount options not shared');
  t.notOk(b.process!.capabilities!.bounding!.includes('CAP_SYS_ADMIN'), 'capability lists not shared', {
  });
  t.notOk(a.process!.capabilities!.effective!.includes('CAP_SYS_ADMIN'), 'sets within one spec not aliased', {
  });
  a.process!.capabilities!.bounding!.pop(); // undo, in case the array is shared
  const r = rootlessSpec(1, 1);
  t.notOk(defaultSpec().mounts!.some((m) => m.destination === '/sys' && m.type === 'none'), 'rootlessSpec does not alter the default');
  t.ok(r);
});

t.test('the default config plans', async (t) => {
  const bundle = mkdtempSync(join(tmpdir(), 'tsrun-default-config-'));
  t.teardown(() => rmSync(bundle, { recursive: true, force: true }));
  mkdirSync(join(bundle, 'rootfs'));
  const calls: string[] = [];
  const plan = buildPlan(defaultSpec(), {
    bundle,
    execFifoName: 'exec.fifo',
    preserveFds: 0,
    noPivot: false,
    noNewKeyring: false,
    cgroupMounts(destination) {
      calls.push(destination);
      return { mounts: [], symlinks: [] };
    },
  });
  t.equal(plan.rootfs, join(bundle, 'rootfs'));
  t.equal(plan.rootReadonly, true);
  t.equal(plan.hostname, 'tsrun');
  t.same(calls, ['/sys/fs/cgroup']);
  t.ok(plan.symlinks.some((l) => l.path === '/dev/ptmx'), '/dev/pts is mounted, so /dev/ptmx links to it');
  t.equal(plan.capabilities!.bounding, (1n << 29n) | (1n << 5n) | (1n << 10n));
  t.same(plan.rlimits, [{ resource: 7, soft: 1024n, hard: 1024n }]);
  t.equal(plan.noNewPrivileges, true);
  t.same(plan.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys']);
});
