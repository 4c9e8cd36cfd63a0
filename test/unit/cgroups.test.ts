// Unit tests for src/cgroups/{hierarchy,paths,manager,container-mounts}.ts:
// the pure parts (mountinfo and /proc/<pid>/cgroup parsing, path placement,
// the mounts a "cgroup" mount becomes).
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cgroupMountPlan } from '../../src/cgroups/container-mounts.js';
import { type Hierarchy, hierarchyKey, isCgroup2Only, parseMountinfo, parseProcCgroup } from '../../src/cgroups/hierarchy.js';
import { resolveCgroupPaths } from '../../src/cgroups/manager.js';
import { containerCgroupPath, isContainedPath } from '../../src/cgroups/paths.js';

const MS_RDONLY = 0x1n;
const MS_NOSUID = 0x2n;
const MS_NODEV = 0x4n;
const MS_NOEXEC = 0x8n;
const MS_REMOUNT = 0x20n;
const MS_BIND = 0x1000n;
const MS_REC = 0x4000n;
const ATTR_RDONLY = 0x1n;
const ATTR_NOSUID = 0x2n;
const ATTR_NODEV = 0x4n;
const ATTR_NOEXEC = 0x8n;

// This machine's `grep cgroup /proc/self/mountinfo` (v1 + a cgroup2 "unified").
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

// A systemd host with only cgroup2 (optional "shared:N" fields before " - ").
const PURE_V2 = `22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

// An older Docker host: comounted controllers and extra super options.
const COMOUNTED = `29 25 0:25 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
30 29 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
31 29 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
34 29 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct
35 29 0:31 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,net_cls,net_prio
36 29 0:32 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,cpuset,clone_children
37 29 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,memory
38 29 0:34 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,pids,release_agent=/x
39 29 0:35 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct
`;

t.test('parseMountinfo: hybrid v1 + v2 (this machine)', async (t) => {
  const h = parseMountinfo(HYBRID);
  t.equal(h.length, 10, 'nine v1 hierarchies and cgroup2; the tmpfs is no hierarchy');
  t.same(h[0], { version: 1, mountpoint: '/sys/fs/cgroup/cpu', controllers: ['cpu'], root: '/' });
  t.same(h[8], { version: 1, mountpoint: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'], root: '/' });
  t.same(h[9], { version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' });
  t.same(
    h.filter((x) => x.version === 1).map((x) => x.controllers.join(',')),
    ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'name=systemd'],
  );
  t.same(h.map(hierarchyKey), ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'name=systemd', '']);
});

t.test('parseMountinfo: pure v2', async (t) => {
  t.same(parseMountinfo(PURE_V2), [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }]);
  // a second cgroup2 mount (e.g. a bind elsewhere) is not another hierarchy
  const twice = `${PURE_V2}50 22 0:26 / /mnt/cg rw - cgroup2 cgroup2 rw\n`;
  t.same(parseMountinfo(twice), [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }], 'first mount wins');
  t.same(parseMountinfo(''), []);
  t.same(parseMountinfo('garbage\n\n'), []);
});

t.test('parseMountinfo: comounted controllers, options filtered, duplicates dropped', async (t) => {
  const h = parseMountinfo(COMOUNTED);
  t.same(
    h.map((x) => [x.version, x.mountpoint, x.controllers]),
    [
      [2, '/sys/fs/cgroup/unified', []],
      [1, '/sys/fs/cgroup/systemd', ['name=systemd']],
      [1, '/sys/fs/cgroup/cpu,cpuacct', ['cpu', 'cpuacct']],
      [1, '/sys/fs/cgroup/net_cls,net_prio', ['net_cls', 'net_prio']],
      [1, '/sys/fs/cgroup/cpuset', ['cpuset']],
      [1, '/sys/fs/cgroup/memory', ['memory']],
      [1, '/sys/fs/cgroup/pids', ['pids']],
    ],
  );
  t.equal(hierarchyKey(h[2]!), 'cpu,cpuacct');
});

t.test('parseMountinfo: octal escapes and non-"/" roots', async (t) => {
  const text = [
    '60 31 0:40 /docker/abc /sys/fs/cgroup/my\\040cgroups rw - cgroup cgroup rw,memory',
    '61 31 0:41 /a\\134b\\011c /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
    '62 31 0:42 /kubepods/pod\\0401 /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');
  t.same(parseMountinfo(text), [
    { version: 1, mountpoint: '/sys/fs/cgroup/my cgroups', controllers: ['memory'], root: '/docker/abc' },
    { version: 1, mountpoint: '/sys/fs/cgroup/pids', controllers: ['pids'], root: '/a\\b\tc' },
    { version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/kubepods/pod 1' },
  ]);
});

t.test('parseMountinfo on the live /proc/self/mountinfo', async (t) => {
  const live = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  for (const h of live) {
    t.ok(h.mountpoint.startsWith('/'), `${h.mountpoint} is absolute`);
    t.ok(h.root.startsWith('/'), `${h.mountpoint}: root ${h.root} is absolute`);
    if (h.version === 1) t.ok(h.controllers.length > 0, `${h.mountpoint} has controllers`);
    t.notOk(h.controllers.includes('rw'), 'no mount options among controllers');
  }
  t.equal(new Set(live.map(hierarchyKey)).size, live.length, 'one entry per hierarchy');
});

t.test('parseProcCgroup', async (t) => {
  const m = parseProcCgroup(`12:cpu,cpuacct:/user.slice
9:name=systemd:/user.slice/session-1.scope
4:memory:/process_api/c1042801c92404a924ed191b8ee486a5
1:pids:/odd:path:with:colons
0::/init.scope
`);
  t.equal(m.get('cpu,cpuacct'), '/user.slice');
  t.equal(m.get('name=systemd'), '/user.slice/session-1.scope');
  t.equal(m.get('memory'), '/process_api/c1042801c92404a924ed191b8ee486a5');
  t.equal(m.get('pids'), '/odd:path:with:colons', 'a path may contain colons');
  t.equal(m.get(''), '/init.scope', 'v2 line has an empty key');
  t.equal(m.size, 5, 'blank line ignored');
  t.same([...parseProcCgroup('0::/\n').entries()], [['', '/']]);
  t.equal(parseProcCgroup('nonsense\n1:x\n').size, 0);

  const live = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  t.ok(live.size > 0, 'the live file parses');
  for (const p of live.values()) t.ok(p.startsWith('/'), `${p} is absolute`);
});

t.test('containerCgroupPath', async (t) => {
  t.equal(containerCgroupPath(undefined, 'c1', '/user.slice'), '/c1', 'default /<id>');
  t.equal(containerCgroupPath('', 'c1', '/user.slice'), '/c1', 'empty = default');
  t.equal(containerCgroupPath('/machine/c1', 'c1', '/user.slice'), '/machine/c1', 'absolute as is');
  t.equal(containerCgroupPath('/machine//x/../c1/', 'c1', '/'), '/machine/c1/', 'absolute normalized');
  t.equal(containerCgroupPath('tsrun/c1', 'c1', '/user.slice'), '/user.slice/tsrun/c1', 'relative to own cgroup');
  t.equal(containerCgroupPath('tsrun/c1', 'c1', '/'), '/tsrun/c1');
  t.equal(containerCgroupPath('tsrun/c1', 'c1', ''), '/tsrun/c1', 'own path unknown: from /');
});

t.test('containerCgroupPath on a cgroup v2 only host: below the parent of our own cgroup (runc)', async (t) => {
  const own = '/system.slice/tsrun-vm-run.service';
  t.equal(containerCgroupPath(undefined, 'c1', own, true), '/system.slice/c1', 'no path: <parent>/<id>');
  t.equal(containerCgroupPath('', 'c1', own, true), '/system.slice/c1', 'empty = none');
  t.equal(containerCgroupPath('foo/bar', 'c1', own, true), '/system.slice/foo/bar', 'relative: <parent>/<path>');
  t.equal(containerCgroupPath('/machine/c1', 'c1', own, true), '/machine/c1', 'absolute as is');
  t.equal(containerCgroupPath(undefined, 'c1', '/', true), '/c1', 'from the root cgroup: /<id>');
  t.equal(containerCgroupPath('x', 'c1', '/a', true), '/x', 'one level down: the root');
});

t.test('isCgroup2Only and resolveCgroupPaths on each layout', async (t) => {
  t.ok(isCgroup2Only(parseMountinfo(PURE_V2)), 'pure v2');
  t.notOk(isCgroup2Only(parseMountinfo(HYBRID)), 'hybrid');
  t.notOk(isCgroup2Only(parseMountinfo(COMOUNTED)), 'comounted v1 + unified');
  t.ok(isCgroup2Only(parseMountinfo(`${PURE_V2}60 30 0:40 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n`)), 'a named v1 hierarchy does not count');
  t.notOk(isCgroup2Only([]), 'no cgroups at all');
  // absolute paths do not depend on our own cgroup
  t.same(resolveCgroupPaths('/a/b', 'c1', parseMountinfo(PURE_V2)), { '/sys/fs/cgroup': '/sys/fs/cgroup/a/b' });
  // relative ones do: our own cgroup from /proc/self/cgroup
  const own = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')).get('') ?? '/';
  const parent = own === '/' ? '' : own.slice(0, own.lastIndexOf('/'));
  t.same(resolveCgroupPaths(undefined, 'c1', parseMountinfo(PURE_V2)), { '/sys/fs/cgroup': `/sys/fs/cgroup${parent}/c1` }, 'pure v2, no path: beside our own cgroup');
  t.same(resolveCgroupPaths(undefined, 'c1', parseMountinfo(HYBRID))['/sys/fs/cgroup/unified'], '/sys/fs/cgroup/unified/c1', 'hybrid, no path: /<id> as before');
});

t.test('killContainerCgroup: cgroup.kill on a cgroup v2 only host, never on a hybrid one', async (t) => {
  const { killContainerCgroup } = await import('../../src/cgroups/v2/kill.js');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-kill-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const v2 = parseMountinfo(PURE_V2).map((h) => ({ ...h, mountpoint: dir }));
  t.notOk(killContainerCgroup({ [dir]: dir }, v2), 'no cgroup.kill file (Linux < 5.14): false, signal each process');
  writeFileSync(join(dir, 'cgroup.kill'), '');
  t.ok(killContainerCgroup({ [dir]: dir }, v2), 'written');
  t.equal(readFileSync(join(dir, 'cgroup.kill'), 'utf8'), '1');
  writeFileSync(join(dir, 'cgroup.kill'), '');
  const hybrid = parseMountinfo(HYBRID).map((h) => (h.version === 2 ? { ...h, mountpoint: dir } : h));
  t.notOk(killContainerCgroup({ [dir]: dir }, hybrid), 'hybrid: the v1 way');
  t.equal(readFileSync(join(dir, 'cgroup.kill'), 'utf8'), '', 'and nothing written');
});

t.test('isContainedPath', async (t) => {
  t.ok(isContainedPath('/a/b'));
  t.ok(isContainedPath('/a/b/'), 'a trailing slash stays inside', {
  });
  t.ok(isContainedPath('a/b'));
  t.notOk(isContainedPath('/a/../b'));
  t.notOk(isContainedPath('../a'));
  t.notOk(isContainedPath('/a//b'));
  t.notOk(isContainedPath('/a/./b'));
});

const V1: Hierarchy[] = [
  { version: 1, mountpoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
  { version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' },
];

t.test('resolveCgroupPaths with explicit hierarchies', async (t) => {
  t.same(resolveCgroupPaths(undefined, 'c1', V1), {
    '/sys/fs/cgroup/cpu,cpuacct': '/sys/fs/cgroup/cpu,cpuacct/c1',
    '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/c1',
    '/sys/fs/cgroup/unified': '/sys/fs/cgroup/unified/c1',
  }, 'default /<id> in every hierarchy');
  t.same(resolveCgroupPaths('/machine/c1', 'c1', V1), {
    '/sys/fs/cgroup/cpu,cpuacct': '/sys/fs/cgroup/cpu,cpuacct/machine/c1',
    '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/machine/c1',
    '/sys/fs/cgroup/unified': '/sys/fs/cgroup/unified/machine/c1',
  }, 'absolute cgroupsPath');
  t.same(resolveCgroupPaths(undefined, 'c1', []), {});

  // A hierarchy whose mount root is a sub-tree (as inside a container).
  const sub: Hierarchy[] = [
    { version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/docker/abc' },
    { version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/kubepods/pod1' },
  ];
  t.same(resolveCgroupPaths('/docker/abc/tsrun/c1', 'c1', sub), {
    '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/tsrun/c1',
    '/sys/fs/cgroup': '/sys/fs/cgroup/docker/abc/tsrun/c1',
  }, 'paths below the mount root are shown relative to it');
  t.same(resolveCgroupPaths('/kubepods/pod1/c1', 'c1', sub), {
    '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/kubepods/pod1/c1',
    '/sys/fs/cgroup': '/sys/fs/cgroup/c1',
  });
  t.same(resolveCgroupPaths('/docker/abc', 'c1', sub)['/sys/fs/cgroup/memory'], '/sys/fs/cgroup/memory', 'the mount root itself');

  // "/docker/abcdef" is not below the root "/docker/abc".
  const prefix = resolveCgroupPaths('/docker/abcdef/c1', 'c1', sub)['/sys/fs/cgroup/memory'];
  t.equal(prefix, '/sys/fs/cgroup/memory/docker/abcdef/c1', 'a root is a path prefix, not a string prefix', {
  });
});

t.test('resolveCgroupPaths: relative cgroupsPath hangs below our own cgroup', async (t) => {
  const own = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  const live: Hierarchy[] = [];
  // Use the keys this process really has, so the test runs on any host.
  for (const key of own.keys()) {
    if (key === '') live.push({ version: 2, mountpoint: '/sys/fs/cgroup/unified-test', controllers: [], root: '/' });
    else live.push({ version: 1, mountpoint: `/sys/fs/cgroup/${key}`, controllers: key.split(','), root: '/' });
  }
  const paths = resolveCgroupPaths('tsrun/c1', 'c1', live);
  for (const h of live) {
    const mine = own.get(hierarchyKey(h))!;
    t.equal(paths[h.mountpoint], `${h.mountpoint}${mine === '/' ? '' : mine}/tsrun/c1`, `${h.mountpoint} below ${mine}`);
  }
  // a hierarchy this process is not in counts as "/"
  const extra: Hierarchy = { version: 1, mountpoint: '/x/none', controllers: ['nonexistent'], root: '/' };
  t.equal(resolveCgroupPaths('tsrun/c1', 'c1', [extra])['/x/none'], '/x/none/tsrun/c1');
});

t.test('cgroupMountPlan: v1 hierarchies', async (t) => {
  const paths = resolveCgroupPaths('/ctr/c1', 'c1', V1);
  const rw = cgroupMountPlan('/sys/fs/cgroup', false, V1, paths);
  t.equal(rw.mounts.length, 4, 'tmpfs + one bind per hierarchy');
  t.same(rw.mounts[0], {
    source: 'tmpfs', destination: '/sys/fs/cgroup', type: 'tmpfs', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: 'mode=755',
    propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false,
  });
  const hidden = ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC;
  t.same(rw.mounts.slice(1).map((m) => [m.source, m.destination, m.type, m.flags, m.attrSet]), [
    ['/sys/fs/cgroup/cpu,cpuacct/ctr/c1', '/sys/fs/cgroup/cpu,cpuacct', 'bind', MS_BIND | MS_REC, hidden],
    ['/sys/fs/cgroup/memory/ctr/c1', '/sys/fs/cgroup/memory', 'bind', MS_BIND | MS_REC, hidden],
    ['/sys/fs/cgroup/unified/ctr/c1', '/sys/fs/cgroup/unified', 'bind', MS_BIND | MS_REC, hidden],
  ], "binds of the container's own cgroups, never the host hierarchy root");
  t.same(rw.symlinks, [
    { path: '/sys/fs/cgroup/cpu', target: 'cpu,cpuacct' },
    { path: '/sys/fs/cgroup/cpuacct', target: 'cpu,cpuacct' },
  ], 'comounted hierarchies reachable under each name');

  const ro = cgroupMountPlan('/sys/fs/cgroup', true, V1, paths);
  t.equal(ro.mounts.length, 5, 'plus the read-only remount');
  for (const m of ro.mounts.slice(1, 4)) t.equal(m.attrSet, hidden | ATTR_RDONLY, `${m.destination} bound read-only`);
  t.same(ro.mounts[4], {
    source: 'tmpfs', destination: '/sys/fs/cgroup', type: 'tmpfs', flags: MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
    data: 'mode=755', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false,
  }, 'the remount comes last, after the binds into the tmpfs');
  t.same(ro.symlinks, rw.symlinks);

  const other = cgroupMountPlan('/cg', false, V1, paths);
  t.same(other.mounts.map((m) => m.destination), ['/cg', '/cg/cpu,cpuacct', '/cg/memory', '/cg/unified'], 'destination honoured');
  t.same(other.symlinks.map((l) => l.path), ['/cg/cpu', '/cg/cpuacct']);
});

t.test('cgroupMountPlan: v2 only', async (t) => {
  const v2: Hierarchy[] = [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }];
  const paths = resolveCgroupPaths(undefined, 'c1', v2);
  const rw = cgroupMountPlan('/sys/fs/cgroup', false, v2, paths);
  t.same(rw, {
    mounts: [{
      source: '/sys/fs/cgroup/c1', destination: '/sys/fs/cgroup', type: 'bind', flags: MS_BIND | MS_REC, data: '',
      propagation: 0n, attrSet: ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC, attrClr: 0n, recursiveAttr: false,
    }],
    symlinks: [],
  });
  const ro = cgroupMountPlan('/sys/fs/cgroup', true, v2, paths);
  t.equal(ro.mounts.length, 1, 'a single bind, no remount');
  t.equal(ro.mounts[0]!.attrSet, ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC | ATTR_RDONLY);
  t.same(cgroupMountPlan('/sys/fs/cgroup', false, [], {}), { mounts: [], symlinks: [] }, 'no cgroups at all: nothing');
});
