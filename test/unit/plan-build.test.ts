// Unit tests for src/plan/build.ts: config.json -> plan, with a real bundle
// directory (temp dir with an empty rootfs/).
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlanError } from '../../src/errors.js';
import { buildPlan, type PlanContext } from '../../src/plan/build.js';
import type { PlanMount } from '../../src/plan/types.js';
import type { Spec } from '../../src/spec/types.js';

const bundle = mkdtempSync(join(tmpdir(), 'tsrun-plan-build-'));
mkdirSync(join(bundle, 'rootfs'));
writeFileSync(join(bundle, 'not-a-dir'), '');
t.teardown(() => rmSync(bundle, { recursive: true, force: true }));

const CLONE = {
  mount: 0x00020000,
  uts: 0x04000000,
  ipc: 0x08000000,
  pid: 0x20000000,
  network: 0x40000000,
  cgroup: 0x02000000,
  user: 0x10000000,
};
const CLONE_NEWTIME = 0x80;
const MS_BIND = 0x1000n;
const MS_REC = 0x4000n;
const MS_PRIVATE = 0x40000n;
const MS_SLAVE = 0x80000n;
const MS_SHARED = 0x100000n;
const MS_UNBINDABLE = 0x20000n;

interface CgroupCall {
  destination: string;
  readonly: boolean;
}

function context(calls: CgroupCall[] = []): PlanContext {
  return {
    bundle,
    execFifoName: 'exec.fifo',
    preserveFds: 2,
    noPivot: false,
    noNewKeyring: false,
    cgroupMounts(destination, readonly) {
      calls.push({ destination, readonly });
      const m: PlanMount = {
        source: '/sys/fs/cgroup/unified/c1',
        destination,
        type: 'bind',
        flags: MS_BIND | MS_REC,
        data: '',
        propagation: 0n,
        attrSet: readonly ? 1n : 0n,
        attrClr: 0n,
        recursiveAttr: false,
      };
      return { mounts: [m], symlinks: [{ path: `${destination}/cpu`, target: 'cpu,cpuacct' }] };
    },
  };
}

function spec(extra: Partial<Spec> = {}): Spec {
  return {
    ociVersion: '1.3.0',
    process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' },
    root: { path: 'rootfs' },
    linux: { namespaces: [{ type: 'mount' }] },
    ...extra,
  };
}

function withLinux(linux: NonNullable<Spec['linux']>, extra: Partial<Spec> = {}): Spec {
  return spec({ ...extra, linux: { namespaces: [{ type: 'mount' }], ...linux } });
}

/** The assertions planError uses (a tap Test has them all). */
interface Asserts {
  fail(msg: string): unknown;
  ok(value: unknown, msg: string): unknown;
  equal(found: unknown, wanted: unknown, msg: string): unknown;
  match(found: unknown, pattern: unknown, msg: string): unknown;
  type(found: unknown, type: unknown, msg: string): unknown;
}

/** Asserts fn throws a PlanError with this pointer and a message matching re. */
function planError(t: Asserts, fn: () => unknown, pointer: string, re: RegExp, name?: string): void {
  try {
    fn();
    t.fail(`${name ?? pointer}: expected a PlanError`);
  } catch (e) {
    t.type(e, PlanError, `${name ?? pointer}: a PlanError`);
    const pe = e as PlanError;
    t.equal(pe.pointer, pointer, `${name ?? pointer}: pointer`);
    t.match(pe.message, re, `${name ?? pointer}: message`);
    t.ok(pe.message.startsWith(`config.json: ${pointer}: `), `${name ?? pointer}: message names the pointer`);
  }
}


t.test('minimal spec', async (t) => {
  const p = buildPlan(spec(), context());
  t.equal(p.mode, 'create');
  t.equal(p.rootfs, join(bundle, 'rootfs'), 'rootfs resolved against the bundle');
  t.equal(p.newNamespaces, CLONE.mount);
  t.same(p.joinNamespaces, []);
  t.equal(p.rootReadonly, false);
  t.equal(p.hostPropagation, MS_SLAVE | MS_REC, 'default host propagation rslave');
  t.equal(p.rootPropagation, 0n);
  t.equal(p.noPivot, false);
  t.equal(p.newKeyring, true);
  t.equal(p.preserveFds, 2);
  t.equal(p.execFifoName, 'exec.fifo');
  t.same(p.args, ['sh']);
  t.same(p.env, []);
  t.equal(p.cwd, '/');
  t.equal(p.capabilities, undefined, 'no capabilities given: none in plan');
  t.equal(p.hostname, undefined);
  t.equal(p.oomScoreAdj, undefined);
  t.equal(p.umask, undefined);
  t.same(p.rlimits, []);
  t.same(p.sysctls, []);
  t.same(
    p.symlinks.map((l) => l.path),
    ['/dev/fd', '/dev/stdin', '/dev/stdout', '/dev/stderr'],
    'default symlinks, no /dev/ptmx without /dev/pts',
  );
  t.equal(p.terminal, false);
  t.equal(p.seccompBpf, undefined, 'no seccomp config: no filter');
});

t.test('context flags', async (t) => {
  const p = buildPlan(spec(), { ...context(), noPivot: true, noNewKeyring: true, preserveFds: 0, execFifoName: 'f' });
  t.equal(p.noPivot, true);
  t.equal(p.newKeyring, false);
  t.equal(p.preserveFds, 0);
  t.equal(p.execFifoName, 'f');
});

t.test('rootfs', async (t) => {
  planError(t, () => buildPlan(spec({ root: { path: 'missing' } }), context()), '/root/path', /does not exist/, 'missing rootfs');
  planError(t, () => buildPlan(spec({ root: { path: 'not-a-dir' } }), context()), '/root/path', /not a directory/);
  const abs = buildPlan(spec({ root: { path: join(bundle, 'rootfs') } }), context());
  t.equal(abs.rootfs, join(bundle, 'rootfs'), 'absolute root path kept');
  t.equal(buildPlan(spec({ root: { path: 'rootfs', readonly: true } }), context()).rootReadonly, true);
  t.equal(buildPlan(spec({ root: { path: 'rootfs', readonly: false } }), context()).rootReadonly, false);
  planError(t, () => buildPlan(spec({ root: { path: '' } }), context()), '/root/path', /root filesystem is required/);
  const noRoot = spec();
  delete noRoot.root;
  planError(t, () => buildPlan(noRoot, context()), '/root/path', /required/, 'no root');
});

t.test('process', async (t) => {
  planError(t, () => buildPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: [], cwd: '/' } }), context()), '/process/args', /empty/);
  planError(t, () => buildPlan(spec({ process: { user: { uid: 0, gid: 0 }, cwd: '/' } }), context()), '/process/args', /empty/, 'no args');
  planError(t, () => buildPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: 'tmp' } }), context()), '/process/cwd', /absolute/);
  const noProcess = spec();
  delete noProcess.process;
  planError(t, () => buildPlan(noProcess, context()), '/process', /process is required/);

  const p = buildPlan(
    spec({
      process: {
        user: { uid: 1000, gid: 100, umask: 0o077, additionalGids: [5, 10] },
        args: ['/bin/echo', 'a b'],
        env: ['X=1'],
        cwd: '/srv',
        noNewPrivileges: true,
        oomScoreAdj: -500,
      },
    }),
    context(),
  );
  t.same(p.args, ['/bin/echo', 'a b']);
  t.same(p.env, ['X=1']);
  t.equal(p.cwd, '/srv');
  t.equal(p.uid, 1000);
  t.equal(p.gid, 100);
  t.equal(p.umask, 0o077);
  t.same(p.additionalGids, [5, 10]);
  t.equal(p.noNewPrivileges, true);
  t.equal(p.oomScoreAdj, -500);
});

t.test('namespaces', async (t) => {
  const p = buildPlan(
    withLinux({
      namespaces: [
        { type: 'pid' },
        { type: 'network', path: '/var/run/netns/n1' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        { type: 'cgroup', path: '/proc/1/ns/cgroup' },
      ],
    }),
    context(),
  );
  t.equal(p.newNamespaces, CLONE.pid | CLONE.ipc | CLONE.uts | CLONE.mount, 'new namespaces as clone flags');
  t.same(p.joinNamespaces, [
    { flag: CLONE.network, path: '/var/run/netns/n1' },
    { flag: CLONE.cgroup, path: '/proc/1/ns/cgroup' },
  ]);

  planError(
    t,
    () => buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'pid' }, { type: 'pid', path: '/proc/1/ns/pid' }] }), context()),
    '/linux/namespaces/2/type',
    /duplicate namespace type pid/,
  );
  // config-linux.md: an unlisted type is inherited, the mount namespace too.
  for (const [name, s] of [
    ['pid only', withLinux({ namespaces: [{ type: 'pid' }] })],
    ['empty list', withLinux({ namespaces: [] })],
    ['no namespaces', spec({ linux: {} })],
  ] as const) {
    const p = buildPlan(s, context());
    t.equal(p.hostMountNs, true, `${name}: the host's mount namespace`);
    t.equal(p.hostPropagation, 0n, `${name}: the host's propagation is left alone`);
    t.equal(p.newNamespaces & 0x00020000, 0, `${name}: no CLONE_NEWNS`);
  }
  t.equal(buildPlan(withLinux({ namespaces: [{ type: 'mount', path: '/proc/1/ns/mnt' }] }), context()).hostMountNs, false, 'a joined mount namespace is not the host\'s');
  planError(
    t,
    () => buildPlan(withLinux({ namespaces: [{ type: 'user' }], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] }), context()),
    '/linux/namespaces',
    /user namespace needs a mount namespace too/,
    'a user namespace cannot mount in the host\'s mount namespace',
  );
  planError(
    t,
    () => buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'network', path: 'proc/1/ns/net' }] }), context()),
    '/linux/namespaces/1/path',
    /must be absolute: proc\/1\/ns\/net/,
  );
  // joining a mount namespace still counts as having one
  const joined = buildPlan(withLinux({ namespaces: [{ type: 'mount', path: '/proc/1/ns/mnt' }] }), context());
  t.equal(joined.newNamespaces, 0);
  t.same(joined.joinNamespaces, [{ flag: CLONE.mount, path: '/proc/1/ns/mnt' }]);
  planError(t, () => buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'user' }] }), context()), '/linux/uidMappings', /needs uidMappings and gidMappings/);
  const maps = [{ containerID: 0, hostID: 100000, size: 65536 }];
  const userns = buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'user' }], uidMappings: maps, gidMappings: maps }), context());
  t.ok(userns.uidMapNeeded, 'a new user namespace asks the parent for its id maps');
  t.equal(userns.newNamespaces & CLONE.user, CLONE.user);
  planError(t, () => buildPlan(withLinux({ namespaces: [{ type: 'mount' }], uidMappings: maps, gidMappings: maps }), context()), '/linux/uidMappings', /need a user namespace/);
  const timens = buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'time' }] }), context());
  t.equal(timens.newNamespaces & CLONE_NEWTIME, CLONE_NEWTIME, 'a new time namespace is planned like the others');
  t.equal(timens.timeOffsets, undefined, 'without offsets');
});

t.test('hostname and domainname need a uts namespace, new or joined', async (t) => {
  planError(t, () => buildPlan(spec({ hostname: 'box' }), context()), '/hostname', /uts namespace/);
  planError(t, () => buildPlan(spec({ domainname: 'example.org' }), context()), '/domainname', /uts namespace/);
  const uts = { namespaces: [{ type: 'mount' as const }, { type: 'uts' as const }] };
  const p = buildPlan(withLinux(uts, { hostname: 'box', domainname: 'example.org' }), context());
  t.equal(p.hostname, 'box');
  t.equal(p.domainname, 'example.org');
  const joined = { namespaces: [{ type: 'mount' as const }, { type: 'uts' as const, path: '/proc/1/ns/uts' }] };
  t.equal(buildPlan(withLinux(joined, { hostname: 'box' }), context()).hostname, 'box', 'set in a joined uts namespace too (config.md Hostname)');
  // an empty hostname asks for nothing
  const empty = buildPlan(spec({ hostname: '' }), context());
  t.equal(empty.hostname, undefined);
});

t.test('capabilities', async (t) => {
  const p = buildPlan(
    spec({
      process: {
        user: { uid: 0, gid: 0 },
        args: ['sh'],
        cwd: '/',
        capabilities: {
          bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN', 'CAP_CHECKPOINT_RESTORE'],
          effective: ['CAP_KILL'],
          permitted: ['cap_kill', 'CAP_NET_BIND_SERVICE'],
          ambient: [],
        },
      },
    }),
    context(),
  );
  t.ok(p.capabilities);
  t.equal(p.capabilities!.bounding, (1n << 0n) | (1n << 5n) | (1n << 21n) | (1n << 40n));
  t.equal(p.capabilities!.effective, 1n << 5n);
  t.equal(p.capabilities!.permitted, (1n << 5n) | (1n << 10n), 'names are case-insensitive');
  t.equal(p.capabilities!.inheritable, 0n, 'missing set is empty');
  t.equal(p.capabilities!.ambient, 0n);

  for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
    const s = spec({
      process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/', capabilities: { [set]: ['CAP_KILL', 'CAP_BOGUS'] } },
    });
    planError(t, () => buildPlan(s, context()), `/process/capabilities/${set}`, /CAP_BOGUS/, `unknown capability in ${set}`);
  }
});

t.test('rlimits', async (t) => {
  const p = buildPlan(
    spec({
      process: {
        user: { uid: 0, gid: 0 },
        args: ['sh'],
        cwd: '/',
        rlimits: [
          { type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 },
          { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
          { type: 'RLIMIT_NPROC', soft: 100, hard: 100 },
          { type: 'RLIMIT_RTTIME', soft: 1, hard: 2 },
        ],
      },
    }),
    context(),
  );
  t.same(p.rlimits, [
    { resource: 7, soft: 1024n, hard: 4096n },
    { resource: 4, soft: 0n, hard: 0n },
    { resource: 6, soft: 100n, hard: 100n },
    { resource: 15, soft: 1n, hard: 2n },
  ]);
  t.type(p.rlimits[0]!.soft, 'bigint');
  const bad = (rlimits: { type: string; soft: number; hard: number }[]) =>
    spec({ process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/', rlimits } });
  planError(
    t,
    () => buildPlan(bad([{ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }, { type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 }]), context()),
    '/process/rlimits/1',
    /soft limit 2048 is above the hard limit 1024/,
  );
  planError(t, () => buildPlan(bad([{ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }]), context()), '/process/rlimits/0/type', /RLIMIT_BOGUS/);
});

// Known bug, kept visible: the assertions run and report "not ok # TODO".
t.test('rlimit "unlimited" as the JSON u64 maximum', async (t) => {
  // config.json writers (docker --ulimit x=-1) use 18446744073709551615 for
  // RLIM_INFINITY; JSON.parse turns it into 2**64 as a double.
  const s = JSON.parse(
    '{"ociVersion":"1.3.0","process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_MEMLOCK","soft":18446744073709551615,"hard":18446744073709551615}]},"root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"mount"}]}}',
  ) as Spec;
  const p = buildPlan(s, context());
  t.equal(BigInt.asUintN(64, p.rlimits[0]!.hard), 0xffffffffffffffffn, 'hard stays RLIM_INFINITY after the u64 cast');
  t.equal(BigInt.asUintN(64, p.rlimits[0]!.soft), 0xffffffffffffffffn, 'soft stays RLIM_INFINITY after the u64 cast');
});

t.test('sysctls and the namespaces they need', async (t) => {
  const ns = (...types: ('network' | 'ipc' | 'uts')[]) => [{ type: 'mount' as const }, ...types.map((type) => ({ type }))];
  const ok = buildPlan(
    withLinux(
      {
        namespaces: ns('network', 'ipc', 'uts'),
        sysctl: {
          'net.ipv4.ip_forward': '1',
          'kernel.shmmax': '68719476736',
          'fs.mqueue.msg_max': '100',
          'kernel.hostname': 'h',
        },
      },
      { hostname: 'h' },
    ),
    context(),
  );
  t.same(ok.sysctls, [
    { key: 'net.ipv4.ip_forward', value: '1' },
    { key: 'kernel.shmmax', value: '68719476736' },
    { key: 'fs.mqueue.msg_max', value: '100' },
    { key: 'kernel.hostname', value: 'h' },
  ]);

  planError(t, () => buildPlan(withLinux({ namespaces: ns('ipc', 'uts'), sysctl: { 'net.core.somaxconn': '1024' } }), context()),
    '/linux/sysctl/net.core.somaxconn', /needs a network namespace/);
  planError(t, () => buildPlan(withLinux({ namespaces: ns('network', 'uts'), sysctl: { 'kernel.shmmax': '1' } }), context()),
    '/linux/sysctl/kernel.shmmax', /needs a ipc namespace/);
  planError(t, () => buildPlan(withLinux({ namespaces: ns('network'), sysctl: { 'fs.mqueue.queues_max': '1' } }), context()),
    '/linux/sysctl/fs.mqueue.queues_max', /ipc namespace/);
  planError(t, () => buildPlan(withLinux({ namespaces: ns('network', 'ipc'), sysctl: { 'kernel.hostname': 'x' } }), context()),
    '/linux/sysctl/kernel.hostname', /needs a uts namespace/);
  planError(t, () => buildPlan(withLinux({ namespaces: ns('network', 'ipc', 'uts'), sysctl: { 'vm.swappiness': '10' } }), context()),
    '/linux/sysctl/vm.swappiness', /not namespaced/);
  planError(t, () => buildPlan(withLinux({ namespaces: ns('network', 'ipc', 'uts'), sysctl: { 'kernel.pid_max': '10' } }), context()),
    '/linux/sysctl/kernel.pid_max', /not namespaced/);
  // slash-separated key: pointer escaping (RFC 6901)
  planError(t, () => buildPlan(withLinux({ namespaces: ns('uts'), sysctl: { 'net/ipv4/ip_forward': '1' } }), context()),
    '/linux/sysctl/net~1ipv4~1ip_forward', /net\/ipv4\/ip_forward/);

  // a joined namespace (path) satisfies the requirement
  const joined = buildPlan(
    withLinux({ namespaces: [{ type: 'mount' }, { type: 'network', path: '/var/run/netns/x' }], sysctl: { 'net.ipv4.ip_forward': '1' } }),
    context(),
  );
  t.same(joined.sysctls, [{ key: 'net.ipv4.ip_forward', value: '1' }]);
});

t.test('mounts', async (t) => {
  const calls: CgroupCall[] = [];
  const p = buildPlan(
    spec({
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc' },
        { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
        { destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro', 'nosuid', 'rslave'] },
        { destination: '/abs', type: 'none', source: '/srv/abs', options: ['bind', 'rw', 'noatime'] },
        { destination: '/rec', source: '/srv/rec', options: ['rbind', 'rro', 'rnoexec'] },
        { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'ro'] },
        { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
        { destination: '/mnt/x', type: 'tmpfs' },
      ],
    }),
    context(calls),
  );
  t.equal(p.mounts.length, 8);
  const [proc, dev, data, abs, rec, cg, mq, x] = p.mounts;
  t.same(proc, { source: 'proc', destination: '/proc', type: 'proc', flags: 0n, data: '', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false });
  t.same(dev, {
    source: 'tmpfs', destination: '/dev', type: 'tmpfs', flags: 0x2n | 0x1000000n, data: 'mode=755,size=65536k',
    propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false,
  });
  t.same(data, {
    source: join(bundle, 'data'), destination: '/data', type: 'bind', flags: MS_BIND | MS_REC, data: '',
    propagation: MS_SLAVE | MS_REC, attrSet: 0x1n | 0x2n, attrClr: 0n, recursiveAttr: false,
  }, 'relative bind source resolved against the bundle; ro/nosuid become attributes');
  t.same(abs, {
    source: '/srv/abs', destination: '/abs', type: 'bind', flags: MS_BIND, data: '', propagation: 0n,
    attrSet: 0x10n, attrClr: 0x1n | 0x70n, recursiveAttr: false,
  }, 'bind option with type none is a bind; rw clears RDONLY; noatime with mask');
  t.same(rec, {
    source: '/srv/rec', destination: '/rec', type: 'bind', flags: MS_BIND | MS_REC, data: '', propagation: 0n,
    attrSet: 0x1n | 0x8n, attrClr: 0n, recursiveAttr: true,
  }, 'recursive options applied with AT_RECURSIVE');
  t.same(calls, [{ destination: '/sys/fs/cgroup', readonly: true }], 'cgroup mount delegated to ctx.cgroupMounts');
  t.equal(cg!.source, '/sys/fs/cgroup/unified/c1', 'expanded cgroup mount is in place');
  t.equal(mq!.type, 'mqueue');
  t.equal(mq!.flags, 0x2n | 0x8n | 0x4n);
  t.same(x, { source: 'tmpfs', destination: '/mnt/x', type: 'tmpfs', flags: 0n, data: '', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false },
    'missing source defaults to the type');
  t.ok(p.symlinks.some((l) => l.path === '/sys/fs/cgroup/cpu' && l.target === 'cpu,cpuacct'), 'cgroup symlinks appended');

  const calls2: CgroupCall[] = [];
  buildPlan(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup2', source: 'cgroup2' }] }), context(calls2));
  t.same(calls2, [{ destination: '/sys/fs/cgroup', readonly: false }], 'cgroup2 also delegated, rw');

  // config.md: a relative destination is taken from "/" (old configs)
  const rel = buildPlan(spec({ mounts: [{ destination: 'run/x', type: 'tmpfs' }, { destination: 'b', type: 'bind', source: 's' }] }), context());
  t.equal(rel.mounts[0]!.destination, '/run/x', 'relative destination taken from /');
  t.equal(rel.mounts[1]!.destination, '/b', 'relative bind destination taken from /');
  t.equal(rel.mounts[1]!.source, join(bundle, 's'));
  planError(t, () => buildPlan(spec({ mounts: [{ destination: '/a', type: 'proc' }, { destination: '/b', type: 'bind' }] }), context()),
    '/mounts/1/source', /needs a source/);
  planError(t, () => buildPlan(spec({ mounts: [{ destination: '/a', type: 'tmpfs', options: ['rro'] }] }), context()),
    '/mounts/0/options', /need a bind mount/);
  // Without mappings and without a user namespace, idmap has nothing to map with (idmap.test.ts has the rest).
  for (const opt of ['idmap', 'ridmap']) {
    planError(t, () => buildPlan(spec({ mounts: [{ destination: '/a', type: 'bind', source: '/x', options: ['rbind', opt] }] }), context()),
      '/mounts/0/options/1', new RegExp(`"${opt}" needs uidMappings`), opt);
  }
  planError(t, () => buildPlan(spec({ mounts: [{ destination: '/a', type: 'bind', source: '/x', uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] }] }), context()),
    '/mounts/0/gidMappings', /together with uidMappings/);
});

t.test('tmpcopyup: set on tmpfs mounts, refused elsewhere', async (t) => {
  const p = buildPlan(
    spec({
      mounts: [
        { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['rw', 'nosuid', 'nodev', 'tmpcopyup', 'mode=755', 'size=65536k'] },
        { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] },
        { destination: 'var/tmp', type: 'tmpfs', options: ['tmpcopyup', 'rprivate'] },
      ],
    }),
    context(),
  );
  const [run, tmp, vartmp] = p.mounts;
  t.same(run, {
    source: 'tmpfs', destination: '/run', type: 'tmpfs', flags: 0x2n | 0x4n, data: 'mode=755,size=65536k', propagation: 0n,
    attrSet: 0n, attrClr: 0n, recursiveAttr: false, copyUp: true,
  }, 'copyUp set; tmpcopyup is neither a flag nor data');
  t.equal(tmp!.copyUp, undefined, 'no copyUp field without the option');
  t.notOk('copyUp' in tmp!, 'the field is left out, not false');
  t.equal(vartmp!.copyUp, true, 'relative destination, no source');
  t.equal(vartmp!.destination, '/var/tmp');
  t.equal(vartmp!.source, 'tmpfs');
  t.equal(vartmp!.propagation, MS_PRIVATE | MS_REC, 'propagation kept alongside');

  const refused: [Spec['mounts'], string, RegExp][] = [
    [[{ destination: '/a', type: 'bind', source: '/x', options: ['rbind', 'tmpcopyup'] }], '/mounts/0/options/1', /tmpcopyup needs a tmpfs mount, not a bind mount/],
    [[{ destination: '/a', source: '/x', options: ['ro', 'bind', 'tmpcopyup'] }], '/mounts/0/options/2', /not a bind mount/],
    [[{ destination: '/a', type: 'proc' }, { destination: '/b', type: 'devpts', options: ['tmpcopyup'] }], '/mounts/1/options/0', /not type devpts/],
    [[{ destination: '/a', type: 'none', source: 'x', options: ['nosuid', 'tmpcopyup'] }], '/mounts/0/options/1', /not type none/],
    [[{ destination: '/a', options: ['tmpcopyup'] }], '/mounts/0/options/0', /not a mount without a type/],
    [[{ destination: '/a', type: 'tmpfs', options: ['remount', 'tmpcopyup'] }], '/mounts/0/options/1', /cannot be combined with remount/],
  ];
  for (const [mounts, pointer, re] of refused) planError(t, () => buildPlan(spec({ mounts }), context()), pointer, re);
});

t.test('/dev/ptmx only with /dev/pts', async (t) => {
  const without = buildPlan(spec({ mounts: [{ destination: '/dev', type: 'tmpfs', source: 'tmpfs' }] }), context());
  t.notOk(without.symlinks.some((l) => l.path === '/dev/ptmx'));
  const withPts = buildPlan(
    spec({ mounts: [{ destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['newinstance', 'ptmxmode=0666'] }] }),
    context(),
  );
  t.same(withPts.symlinks.filter((l) => l.path === '/dev/ptmx'), [{ path: '/dev/ptmx', target: 'pts/ptmx' }]);
  t.same(withPts.mounts[0]!.data, 'newinstance,ptmxmode=0666');
});

t.test('/dev/ptmx with a relative dev/pts destination', async (t) => {
  const p = buildPlan(spec({ mounts: [{ destination: 'dev/pts', type: 'devpts', source: 'devpts' }] }), context());
  t.equal(p.mounts[0]!.destination, '/dev/pts');
  t.ok(p.symlinks.some((l) => l.path === '/dev/ptmx'), '/dev/ptmx links to the new devpts', {
  });
});

t.test('devices', async (t) => {
  const p = buildPlan(spec(), context());
  t.same(p.devices, [
    { path: '/dev/null', mode: 0o020666, major: 1, minor: 3, uid: 0, gid: 0 },
    { path: '/dev/zero', mode: 0o020666, major: 1, minor: 5, uid: 0, gid: 0 },
    { path: '/dev/full', mode: 0o020666, major: 1, minor: 7, uid: 0, gid: 0 },
    { path: '/dev/random', mode: 0o020666, major: 1, minor: 8, uid: 0, gid: 0 },
    { path: '/dev/urandom', mode: 0o020666, major: 1, minor: 9, uid: 0, gid: 0 },
    { path: '/dev/tty', mode: 0o020666, major: 5, minor: 0, uid: 0, gid: 0 },
  ], 'the default devices of config-linux.md');

  const q = buildPlan(
    withLinux({
      devices: [
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600, uid: 1000, gid: 1000 },
        { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660, gid: 6 },
        { path: '/dev/fifo', type: 'p' },
        { path: '/dev/fuse', type: 'u', major: 10, minor: 229 },
        { path: '/dev/nvme0n1', type: 'b', major: 259, minor: 0, fileMode: 0o104660 },
      ],
    }),
    context(),
  );
  t.equal(q.devices.length, 10, 'six defaults (one overridden) plus four');
  const byPath = new Map(q.devices.map((d) => [d.path, d]));
  t.same(byPath.get('/dev/null'), { path: '/dev/null', mode: 0o020600, major: 1, minor: 3, uid: 1000, gid: 1000 }, 'config overrides a default by path');
  t.equal(q.devices.filter((d) => d.path === '/dev/null').length, 1, 'no duplicate /dev/null');
  t.same(byPath.get('/dev/sda'), { path: '/dev/sda', mode: 0o060660, major: 8, minor: 0, uid: 0, gid: 6 });
  t.same(byPath.get('/dev/fifo'), { path: '/dev/fifo', mode: 0o010666, major: 0, minor: 0, uid: 0, gid: 0 }, 'fifo, default mode 0666');
  t.same(byPath.get('/dev/fuse'), { path: '/dev/fuse', mode: 0o020666, major: 10, minor: 229, uid: 0, gid: 0 }, 'u is a character device');
  t.equal(byPath.get('/dev/nvme0n1')!.mode, 0o060000 | 0o4660, 'type bits in fileMode are replaced by the type');
});

t.test('rootfsPropagation', async (t) => {
  // The host side is never shared (mounts would reach the host) nor unbindable (the rootfs bind would fail).
  const cases: [NonNullable<NonNullable<Spec['linux']>['rootfsPropagation']>, bigint, bigint][] = [
    ['private', MS_PRIVATE, MS_PRIVATE],
    ['shared', MS_SHARED, MS_SLAVE],
    ['slave', MS_SLAVE, MS_SLAVE],
    ['unbindable', MS_UNBINDABLE, MS_SLAVE],
  ];
  for (const [name, flag, host] of cases) {
    const p = buildPlan(withLinux({ rootfsPropagation: name }), context());
    t.equal(p.hostPropagation, host | MS_REC, `${name}: host propagation`);
    t.equal(p.rootPropagation, flag | MS_REC, `${name}: root propagation`);
  }
});

t.test('terminals and hooks shape the plan', async (t) => {
  const tty = buildPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/', terminal: true, consoleSize: { height: 33, width: 101 } } }), context());
  t.equal(tty.terminal, true);
  t.same(tty.consoleSize, { height: 33, width: 101 });
  t.equal(buildPlan(spec({ hooks: { prestart: [{ path: '/bin/true' }] } }), context()).hookPause, true, 'create hooks pause init before pivot_root');
  t.equal(buildPlan(spec({ hooks: { poststart: [{ path: '/bin/true' }] } }), context()).hookPause, false, 'other hooks do not');
  t.equal(buildPlan(spec({ hooks: { prestart: [] } }), context()).hookPause, false, 'an empty hook list is fine');
});

t.test('masked and readonly paths pass through', async (t) => {
  const p = buildPlan(withLinux({ maskedPaths: ['/proc/kcore'], readonlyPaths: ['/proc/sys', '/proc/bus'] }), context());
  t.same(p.maskedPaths, ['/proc/kcore']);
  t.same(p.readonlyPaths, ['/proc/sys', '/proc/bus']);
});

t.test('fields tsrun cannot honour yet are refused by name, never dropped', async (t) => {
  const proc = { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' };
  planError(t, () => buildPlan(spec({ process: { ...proc, apparmorProfile: 'p' } }), context()), '/process/apparmorProfile', /AppArmor/);
  planError(t, () => buildPlan(spec({ process: { ...proc, selinuxLabel: 'l' } }), context()), '/process/selinuxLabel', /SELinux/);
  planError(t, () => buildPlan(withLinux({ intelRdt: { closID: 'x' } }), context()), '/linux/intelRdt', /RDT/);
  t.doesNotThrow(() => buildPlan(spec({ process: { ...proc, apparmorProfile: '' } }), context()), 'an empty profile asks for nothing');
});

t.test('netDevices are planned (net-devices.ts; more in net-devices.test.ts)', async (t) => {
  const p = buildPlan(withLinux({ namespaces: [{ type: 'mount' }, { type: 'network' }], netDevices: { eth1: { name: 'ctr0' }, eth2: {} } }), context());
  t.same(p.netDevices, [
    { hostName: 'eth1', containerName: 'ctr0', pointer: '/linux/netDevices/eth1' },
    { hostName: 'eth2', containerName: 'eth2', pointer: '/linux/netDevices/eth2' },
  ]);
  planError(t, () => buildPlan(withLinux({ netDevices: { eth0: {} } }), context()), '/linux/netDevices', /needs a network namespace/);
  t.same(buildPlan(withLinux({ netDevices: {} }), context()).netDevices, [], 'an empty set asks for nothing');
});

t.test('scheduling and execution attributes are planned (process-attrs.ts)', async (t) => {
  const proc = { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' };
  const p = buildPlan(
    withLinux(
      {
        namespaces: [{ type: 'mount' }, { type: 'time' }],
        personality: { domain: 'LINUX32' },
        memoryPolicy: { mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_STATIC_NODES'] },
        timeOffsets: { boottime: { secs: 10 } },
      },
      { process: { ...proc, ioPriority: { class: 'IOPRIO_CLASS_IDLE', priority: 0 }, scheduler: { policy: 'SCHED_BATCH', nice: 3 }, execCPUAffinity: { final: '1' } } },
    ),
    context(),
  );
  t.equal(p.personality, 8);
  t.equal(p.ioPriority, 3 << 13);
  t.same(p.scheduler, { policy: 3, flags: 0, nice: 3, priority: 0, runtime: 0n, deadline: 0n, period: 0n });
  t.same([...p.cpuAffinityFinal!], [2, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(p.memoryPolicy?.mode, 2 | (1 << 15));
  t.equal(p.timeOffsets, 'boottime 10 0\n');
  planError(t, () => buildPlan(withLinux({ timeOffsets: { boottime: { secs: 1 } } }), context()), '/linux/timeOffsets', /new time namespace/);
  planError(t, () => buildPlan(withLinux({ personality: { domain: 'LINUX', flags: ['X'] } }), context()), '/linux/personality/flags/0', /X/);
  planError(t, () => buildPlan(spec({ process: { ...proc, scheduler: { policy: 'SCHED_ISO' } } }), context()), '/process/scheduler/policy', /SCHED_ISO/);
});
