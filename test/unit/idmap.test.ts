// Unit tests for src/plan/idmap.ts (idmapped mounts: mapping checks, which
// user namespace a mount's idmap takes) and how buildPlan and encodePlan
// carry the result.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlanError } from '../../src/errors.js';
import { buildPlan, type PlanContext } from '../../src/plan/build.js';
import { encodePlan } from '../../src/plan/encode.js';
import { checkIdMappings, containerUserns, idMapText, planMountIdmap } from '../../src/plan/idmap.js';
import { parseMountOptions } from '../../src/plan/mount-options.js';
import type { IdMapping, Mount, Spec } from '../../src/spec/types.js';

const bundle = mkdtempSync(join(tmpdir(), 'tsrun-idmap-'));
mkdirSync(join(bundle, 'rootfs'));
t.teardown(() => rmSync(bundle, { recursive: true, force: true }));

const map = (containerID: number, hostID: number, size: number): IdMapping => ({ containerID, hostID, size });

function thrown(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error('expected a PlanError');
}

t.test('idMapText writes uid_map lines: containerID hostID size', async (t) => {
  t.equal(idMapText([map(0, 100000, 65536), map(70000, 5, 1)]), '0 100000 65536\n70000 5 1\n');
  t.equal(idMapText([]), '');
});

t.test('checkIdMappings accepts what the kernel takes', async (t) => {
  t.doesNotThrow(() => checkIdMappings([map(0, 100000, 65536)], '/p'));
  t.doesNotThrow(() => checkIdMappings([map(0, 1000, 10), map(10, 0, 10), map(20, 5000, 1)], '/p'), 'adjacent ranges do not overlap');
  t.doesNotThrow(() => checkIdMappings([map(4294967294, 0, 1)], '/p'), 'the last id below 2^32-1');
  t.doesNotThrow(() => checkIdMappings([map(0, 0, 4294967295)], '/p'), 'the whole id space');
  const many = Array.from({ length: 340 }, (_, i) => map(i, 1000 + i, 1));
  t.doesNotThrow(() => checkIdMappings(many, '/p'), '340 entries');
});

t.test('checkIdMappings refuses, naming the entry', async (t) => {
  const cases: [string, IdMapping[], string, RegExp][] = [
    ['empty', [], '/p', /at least one entry/],
    ['zero size', [map(0, 1000, 1), map(5, 2000, 0)], '/p/1/size', /at least 1/],
    ['containerID past 2^32-1', [map(4294967290, 0, 10)], '/p/0', /containerID 4294967290 \+ size 10 runs past/],
    ['hostID past 2^32-1', [map(0, 4294967295, 1)], '/p/0', /hostID/],
    ['overlapping containerIDs', [map(0, 1000, 10), map(9, 5000, 1)], '/p/1', /containerID range 9-9 overlaps entry 0/],
    ['overlapping hostIDs', [map(0, 1000, 10), map(100, 995, 10)], '/p/1', /hostID range 995-1004 overlaps entry 0/],
    ['one range inside another', [map(0, 1000, 100), map(500, 2000, 10), map(50, 3000, 1)], '/p/2', /containerID range 50-50 overlaps entry 0/],
    ['too many entries', Array.from({ length: 341 }, (_, i) => map(i, 1000 + i, 1)), '/p', /341 entries; the kernel takes at most 340/],
  ];
  for (const [name, mappings, pointer, re] of cases) {
    const e = thrown(() => checkIdMappings(mappings, '/p'));
    t.equal(e.pointer, pointer, `${name}: pointer`);
    t.match(e.message, re, `${name}: message`);
  }
  // 340 entries of large ids do not fit in one page of uid_map.
  const long = Array.from({ length: 340 }, (_, i) => map(4000000000 + i, 4100000000 + i, 1));
  const e = thrown(() => checkIdMappings(long, '/m'));
  t.equal(e.pointer, '/m');
  t.match(e.message, /4095 bytes/);
});

t.test('containerUserns: joined by path, or new with the linux maps, or none', async (t) => {
  t.equal(containerUserns([{ type: 'mount' }]), undefined);
  t.same(containerUserns([{ type: 'user', path: '/proc/1/ns/user' }]), { path: '/proc/1/ns/user' });
  t.same(containerUserns([{ type: 'user' }], [map(0, 1, 2)], [map(0, 3, 4)]), { uidMappings: [map(0, 1, 2)], gidMappings: [map(0, 3, 4)] });
});

function plan(m: Mount, userns?: Parameters<typeof planMountIdmap>[4]) {
  const parsed = parseMountOptions(m.options);
  const isBind = m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
  return planMountIdmap(m, '/mounts/3', parsed, isBind, userns);
}

t.test('planMountIdmap: what a mount asks for', async (t) => {
  const uid = [map(0, 100000, 65536)];
  const gid = [map(0, 200000, 10)];
  const bind = { destination: '/d', type: 'bind', source: '/s' };
  t.equal(plan({ ...bind, options: ['rbind'] }), undefined, 'no option, no mappings: none');
  t.same(plan({ ...bind, options: ['rbind', 'idmap'], uidMappings: uid, gidMappings: gid }), {
    recursive: false, uidMap: '0 100000 65536\n', gidMap: '0 200000 10\n',
  }, 'idmap with mappings');
  t.same(plan({ ...bind, options: ['rbind', 'ridmap'], uidMappings: uid, gidMappings: gid })?.recursive, true, 'ridmap is recursive');
  t.same(plan({ ...bind, options: ['rbind'], uidMappings: uid, gidMappings: gid })?.recursive, false, 'mappings alone: the top mount');
  t.same(
    plan({ ...bind, options: ['rbind', 'idmap'], uidMappings: uid, gidMappings: gid }, { path: '/proc/9/ns/user' })?.uidMap,
    '0 100000 65536\n',
    'mappings on the mount win over the container user namespace',
  );
  t.same(plan({ ...bind, options: ['bind', 'ridmap'] }, { path: '/proc/9/ns/user' }), { recursive: true, usernsPath: '/proc/9/ns/user' },
    'no mappings: the joined user namespace');
  t.same(plan({ ...bind, options: ['idmap'] }, { uidMappings: uid, gidMappings: gid }), {
    recursive: false, uidMap: '0 100000 65536\n', gidMap: '0 200000 10\n',
  }, 'no mappings: the new user namespace\'s maps');
  t.same(plan({ destination: '/d', source: '/s', options: ['rbind', 'idmap'] }, { path: '/u' }), { recursive: false, usernsPath: '/u' },
    'a bind mount by option, without a type');
});

t.test('planMountIdmap refuses, naming the field', async (t) => {
  const ok = [map(0, 1000, 1)];
  const cases: [string, Mount, string, RegExp][] = [
    ['idmap without mappings or user namespace', { destination: '/d', type: 'bind', source: '/s', options: ['rbind', 'rw', 'idmap'] },
      '/mounts/3/options/2', /"idmap" needs uidMappings and gidMappings/],
    ['uidMappings alone', { destination: '/d', type: 'bind', source: '/s', uidMappings: ok }, '/mounts/3/gidMappings', /together with uidMappings/],
    ['gidMappings alone', { destination: '/d', type: 'bind', source: '/s', gidMappings: ok }, '/mounts/3/uidMappings', /together with gidMappings/],
    ['idmap on tmpfs', { destination: '/d', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'idmap'], uidMappings: ok, gidMappings: ok },
      '/mounts/3/options/1', /need a bind mount, not type tmpfs/],
    ['mappings on proc', { destination: '/d', type: 'proc', source: 'proc', uidMappings: ok, gidMappings: ok }, '/mounts/3/uidMappings', /need a bind mount/],
    ['bad uidMappings entry', { destination: '/d', type: 'bind', source: '/s', options: ['idmap'], uidMappings: [map(0, 1, 0)], gidMappings: ok },
      '/mounts/3/uidMappings/0/size', /at least 1/],
    ['bad gidMappings entry', { destination: '/d', type: 'bind', source: '/s', options: ['idmap'], uidMappings: ok, gidMappings: [map(0, 1, 5), map(4, 9, 1)] },
      '/mounts/3/gidMappings/1', /overlaps/],
  ];
  for (const [name, m, pointer, re] of cases) {
    const e = thrown(() => plan(m));
    t.equal(e.pointer, pointer, `${name}: pointer`);
    t.match(e.message, re, `${name}: message`);
  }
});

const context: PlanContext = {
  bundle,
  execFifoName: 'exec.fifo',
  preserveFds: 0,
  noPivot: false,
  noNewKeyring: false,
  cgroupMounts: () => ({ mounts: [], symlinks: [] }),
};

function spec(mounts: Mount[], linux: NonNullable<Spec['linux']> = { namespaces: [{ type: 'mount' }] }): Spec {
  return { ociVersion: '1.3.0', process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' }, root: { path: 'rootfs' }, mounts, linux };
}

t.test('buildPlan carries the idmap of bind mounts, with the container user namespace as fallback', async (t) => {
  const userLinux = {
    namespaces: [{ type: 'mount' as const }, { type: 'user' as const }],
    uidMappings: [map(0, 100000, 65536)],
    gidMappings: [map(0, 100000, 65536)],
  };
  const p = buildPlan(
    spec(
      [
        { destination: '/a', type: 'bind', source: '/srv/a', options: ['rbind', 'ridmap'] },
        { destination: '/b', type: 'bind', source: '/srv/b', options: ['bind', 'idmap', 'ro'], uidMappings: [map(1, 2, 3)], gidMappings: [map(4, 5, 6)] },
        { destination: '/c', type: 'bind', source: '/srv/c', options: ['rbind'] },
      ],
      userLinux,
    ),
    context,
  );
  t.same(p.mounts[0]!.idmap, { recursive: true, uidMap: '0 100000 65536\n', gidMap: '0 100000 65536\n' });
  t.same(p.mounts[1]!.idmap, { recursive: false, uidMap: '1 2 3\n', gidMap: '4 5 6\n' });
  t.equal(p.mounts[1]!.attrSet & 1n, 1n, 'other options still apply (ro)');
  t.notOk('idmap' in p.mounts[2]!, 'a plain bind has no idmap');
  const joined = buildPlan(spec([{ destination: '/a', type: 'bind', source: '/srv/a', options: ['rbind', 'idmap'] }], {
    namespaces: [{ type: 'mount' }, { type: 'user', path: '/proc/7/ns/user' }],
  }), context);
  t.same(joined.mounts[0]!.idmap, { recursive: false, usernsPath: '/proc/7/ns/user' });
  const e = thrown(() => buildPlan(spec([{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'idmap'] }], userLinux), context));
  t.equal(e.pointer, '/mounts/0/options/1', 'a cgroup mount cannot be idmapped');
});

/** Top-level records, and the records nested in each Mount (tag 24), of an encoded plan. */
function mountRecords(bytes: Uint8Array): Map<number, Uint8Array>[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const walk = (off: number, end: number, fn: (tag: number, start: number, len: number) => void) => {
    while (off < end) {
      const tag = view.getUint32(off, true);
      const len = view.getUint32(off + 4, true);
      fn(tag, off + 8, len);
      off += 8 + len;
    }
  };
  const out: Map<number, Uint8Array>[] = [];
  walk(0, bytes.length, (tag, start, len) => {
    if (tag !== 24) return;
    const m = new Map<number, Uint8Array>();
    walk(start, start + len, (inner, s, l) => m.set(inner, bytes.subarray(s, s + l)));
    out.push(m);
  });
  return out;
}

t.test('encodePlan: tags 150-153 inside the mount record', async (t) => {
  const p = buildPlan(
    spec(
      [
        { destination: '/a', type: 'bind', source: '/srv/a', options: ['rbind', 'ridmap'], uidMappings: [map(0, 7, 1)], gidMappings: [map(0, 8, 1)] },
        { destination: '/b', type: 'bind', source: '/srv/b', options: ['bind', 'idmap'] },
        { destination: '/c', type: 'bind', source: '/srv/c', options: ['bind'] },
      ],
      { namespaces: [{ type: 'mount' }, { type: 'user', path: '/proc/7/ns/user' }] },
    ),
    context,
  );
  const [a, b, c] = mountRecords(encodePlan(p));
  const u64 = (v?: Uint8Array) => (v ? new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true) : undefined);
  const str = (v?: Uint8Array) => (v ? new TextDecoder().decode(v) : undefined);
  t.equal(u64(a!.get(150)), 2n, 'ridmap: mode 2');
  t.equal(str(a!.get(151)), '0 7 1\n');
  t.equal(str(a!.get(152)), '0 8 1\n');
  t.notOk(a!.has(153));
  t.equal(u64(b!.get(150)), 1n, 'idmap: mode 1');
  t.equal(str(b!.get(153)), '/proc/7/ns/user');
  t.notOk(b!.has(151) || b!.has(152), 'no maps when a namespace path is given');
  t.notOk([150, 151, 152, 153].some((tag) => c!.has(tag)), 'a plain bind carries no idmap record');
});
