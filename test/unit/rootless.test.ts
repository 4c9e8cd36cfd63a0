// Unit tests for the pure parts of rootless operation: which id maps need
// newuidmap, the default state root, which limits can be applied without
// cgroups, and the read-only remounts that keep the host's cgroupfs out of
// reach (CVE-2023-25809).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlanError, RuntimeError } from '../../src/errors.js';
import type { Hierarchy } from '../../src/cgroups/hierarchy.js';
import { cgroupMountReadonly, checkCgroupLimits, requireCgroups, usableCgroupPaths } from '../../src/cgroups/rootless.js';
import { findHelper, formatIdMap, helperArgs, mapWriter, runHelper } from '../../src/lifecycle/id-maps.js';
import { MS } from '../../src/plan/mount-options.js';
import { hostCgroupMounts, protectHostCgroupfs } from '../../src/plan/readonly-host-cgroupfs.js';
import type { PlanMount } from '../../src/plan/types.js';
import { userName } from '../../src/state/owner.js';
import { defaultRoot } from '../../src/state/store.js';
import { isRootless, runningInUserNamespace, setRootlessMode } from '../../src/util/rootless.js';

t.test('mapWriter: root writes any map, a user only a map of its own id', async (t) => {
  const own = [{ containerID: 0, hostID: 1000, size: 1 }];
  t.equal(mapWriter(own, 1000, 0), 'direct', 'root');
  t.equal(mapWriter([{ containerID: 0, hostID: 100000, size: 65536 }], 1000, 0), 'direct', 'root, any range');
  t.equal(mapWriter(own, 1000, 1000), 'direct', 'the user, its own id');
  t.equal(mapWriter([{ containerID: 5, hostID: 1000, size: 1 }], 1000, 1000), 'direct', 'its own id at any container id');
  t.equal(mapWriter([{ containerID: 0, hostID: 1001, size: 1 }], 1000, 1000), 'helper', 'another id');
  t.equal(mapWriter([{ containerID: 0, hostID: 1000, size: 2 }], 1000, 1000), 'helper', 'its id and the next');
  t.equal(mapWriter([...own, { containerID: 1, hostID: 100000, size: 65536 }], 1000, 1000), 'helper', 'two ranges');
  t.equal(mapWriter([], 1000, 1000), 'helper', 'an empty map is not its own id either');
});

t.test('helperArgs and formatIdMap', async (t) => {
  const maps = [
    { containerID: 0, hostID: 1000, size: 1 },
    { containerID: 1, hostID: 100000, size: 65536 },
  ];
  t.strictSame(helperArgs(42, maps), ['42', '0', '1000', '1', '1', '100000', '65536']);
  t.equal(formatIdMap(maps), '0 1000 1\n1 100000 65536\n');
});

t.test('runHelper: a missing or failing newuidmap is a clear error', async (t) => {
  const maps = [{ containerID: 0, hostID: 100000, size: 10 }];
  t.throws(
    () => runHelper('uid', 1, maps, 1000, () => undefined),
    /linux\.uidMappings maps more than the caller's own uid \(1000\): that needs newuidmap \(package uidmap\) and ranges in \/etc\/subuid, but newuidmap was not found/,
  );
  t.throws(() => runHelper('gid', 1, maps, 1000, () => undefined), /needs newgidmap .*\/etc\/subgid/, 'the same for gids');
  t.throws(() => runHelper('uid', 1, maps, 1000, () => '/bin/false'), /newuidmap 1 0 100000 10: exit status 1/, 'a failing helper: its command line and status');
  const helper = findHelper('sh');
  t.ok(helper && helper.startsWith('/'), 'findHelper finds a program by absolute path');
  t.equal(findHelper('tsrun-no-such-helper'), undefined);
});

t.test('defaultRoot: $XDG_RUNTIME_DIR/tsrun when rootless, /run/tsrun otherwise (runc\'s rule)', async (t) => {
  const xdg = { XDG_RUNTIME_DIR: '/run/user/1000' };
  t.strictSame(defaultRoot({ env: xdg, euid: 1000, inUserNamespace: false }), { root: '/run/user/1000/tsrun', xdg: true }, 'unprivileged user');
  t.strictSame(defaultRoot({ env: {}, euid: 1000, inUserNamespace: false }), { root: '/run/tsrun', xdg: false }, 'no XDG_RUNTIME_DIR: the system root');
  t.strictSame(defaultRoot({ env: { XDG_RUNTIME_DIR: '' }, euid: 1000, inUserNamespace: false }), { root: '/run/tsrun', xdg: false }, 'an empty XDG_RUNTIME_DIR counts as unset');
  t.strictSame(defaultRoot({ env: xdg, euid: 0, inUserNamespace: false }), { root: '/run/tsrun', xdg: false }, 'real root ignores XDG_RUNTIME_DIR');
  t.strictSame(defaultRoot({ env: xdg, euid: 0, inUserNamespace: true }), { root: '/run/user/1000/tsrun', xdg: true }, 'root of a user namespace (rootless podman)');
  t.strictSame(defaultRoot({ env: { ...xdg, USER: 'root' }, euid: 0, inUserNamespace: true }), { root: '/run/tsrun', xdg: false }, 'unless USER says root');
});

t.test('runningInUserNamespace', async (t) => {
  t.notOk(runningInUserNamespace('         0          0 4294967295\n'), 'the identity map of the initial namespace');
  t.ok(runningInUserNamespace('         0       1000          1\n'), 'a one-id map');
  t.ok(runningInUserNamespace('0 0 65536\n'), 'a partial identity map');
});

t.test('the global --rootless flag overrides the detection', async (t) => {
  const detected = isRootless();
  setRootlessMode(undefined);
  t.equal(isRootless(), detected, 'no flag: detected');
  setRootlessMode('auto');
  t.equal(isRootless(), detected, 'auto: detected');
  setRootlessMode('true');
  t.equal(isRootless(), true, 'true');
  setRootlessMode('false');
  t.equal(isRootless(), false, 'false');
  setRootlessMode('');
  t.equal(isRootless(), true, 'the bare flag means true');
  t.throws(() => setRootlessMode('yes'), /invalid --rootless value "yes": want true, false or auto/);
});

t.test('userName', async (t) => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n';
  t.equal(userName(0, passwd), 'root');
  t.equal(userName(1000, passwd), 'alice');
  t.equal(userName(4242, passwd), '#4242', 'unknown uid');
});

const V1: Hierarchy[] = [
  { version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/pids', controllers: ['pids'], root: '/' },
  { version: 1, mountpoint: '/sys/fs/cgroup/devices', controllers: ['devices'], root: '/' },
  { version: 2, mountpoint: '/sys/fs/cgroup/unified', controllers: [], root: '/' },
];
const V2: Hierarchy[] = [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }];

t.test('checkCgroupLimits: limits need a cgroup in their hierarchy', async (t) => {
  t.doesNotThrow(() => checkCgroupLimits(V1, {}, undefined), 'no resources');
  t.doesNotThrow(() => checkCgroupLimits(V1, {}, { devices: [{ allow: false, access: 'rwm' }] }), 'device rules alone are not enforced rootless, as in runc');
  t.doesNotThrow(() => checkCgroupLimits(V1, {}, { memory: {} }), 'an empty memory object sets nothing');
  const err = t.throws(() => checkCgroupLimits(V1, {}, { memory: { limit: 1 << 26 } })) as PlanError;
  t.type(err, PlanError);
  t.match(err.message, /\/linux\/resources\/memory\/limit/, 'names the field');
  t.match(err.message, /cannot set memory limit.*\/sys\/fs\/cgroup\/memory.*rootless/, 'and the hierarchy');
  t.doesNotThrow(() => checkCgroupLimits(V1, { '/sys/fs/cgroup/pids': '/sys/fs/cgroup/pids/x' }, { pids: { limit: 10 } }), 'a delegated pids cgroup takes a pids limit');
  t.throws(() => checkCgroupLimits(V1, { '/sys/fs/cgroup/pids': '/sys/fs/cgroup/pids/x' }, { pids: { limit: 10 }, memory: { limit: 1 << 26 } }), /memory/, 'but not a memory limit');
  t.throws(() => checkCgroupLimits(V1, {}, { unified: { 'hugetlb.2MB.max': '1' } }), /\/linux\/resources\/unified/, 'unified keys need the cgroup2 hierarchy');
  t.throws(() => checkCgroupLimits(V2, {}, { pids: { limit: 10 } }), /\/linux\/resources\/pids\/limit.*\/sys\/fs\/cgroup /, 'cgroup v2 host');
  t.doesNotThrow(() => checkCgroupLimits(V2, { '/sys/fs/cgroup': '/sys/fs/cgroup/x' }, { pids: { limit: 10 } }), 'v2 with a delegated cgroup');
  const all = Object.fromEntries(V1.map((h) => [h.mountpoint, `${h.mountpoint}/c`]));
  t.doesNotThrow(() => checkCgroupLimits(V1, all, { memory: { limit: 1 << 26 }, pids: { limit: 10 } }), 'never refuses when every hierarchy has the cgroup (as root)');
});

t.test('usableCgroupPaths keeps what can be used', async (t) => {
  const paths = { '/a': '/a/c', '/b': '/b/c' };
  t.strictSame(usableCgroupPaths(paths, (d) => d === '/b/c'), { '/b': '/b/c' });
  t.strictSame(usableCgroupPaths(paths, () => false), {});
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-rootless-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // As root everything is writable: the real check passes a directory we made.
  t.strictSame(usableCgroupPaths({ [dir]: join(dir, 'deep', 'c') }), { [dir]: join(dir, 'deep', 'c') }, 'the nearest existing ancestor decides');
});

t.test('cgroupMountReadonly: rootless, writable only with a cgroupns and every hierarchy delegated', async (t) => {
  const wanted = { '/a': '/a/c', '/b': '/b/c' };
  t.equal(cgroupMountReadonly(true, false, false, wanted, wanted), true, 'ro asked: ro');
  t.equal(cgroupMountReadonly(false, false, false, wanted, wanted), false, 'as root: as asked');
  t.equal(cgroupMountReadonly(false, true, false, wanted, {}), true, 'rootless without cgroups');
  t.equal(cgroupMountReadonly(false, true, true, wanted, {}), true, 'rootless with a cgroupns but no cgroups');
  t.equal(cgroupMountReadonly(false, true, true, wanted, { '/a': '/a/c' }), true, 'rootless with part of the hierarchies delegated');
  t.equal(cgroupMountReadonly(false, true, false, wanted, wanted), true, 'rootless, all delegated, but the host cgroupns');
  t.equal(cgroupMountReadonly(false, true, true, wanted, wanted), false, 'rootless, all delegated, own cgroupns: as asked');
  t.equal(cgroupMountReadonly(true, true, true, wanted, wanted), true, 'and ro stays ro');
  t.equal(cgroupMountReadonly(false, true, true, {}, {}), true, 'no hierarchies at all');
});

t.test('requireCgroups', async (t) => {
  t.doesNotThrow(() => requireCgroups({ '/a': '/a/c' }, 'pause'));
  t.throws(() => requireCgroups({}, 'pause the container'), RuntimeError);
  t.throws(() => requireCgroups({}, 'pause the container'), /cannot pause the container: the container has no cgroups/);
});

const MOUNTINFO = [
  '22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
  '28 22 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755',
  '29 28 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw',
  '31 28 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nodev,noatime shared:12 - cgroup cgroup rw,cpu,cpuacct',
  '32 28 0:29 / /sys/fs/cgroup/with\\040space rw,relatime - cgroup cgroup rw,pids',
  '40 1 0:40 / /mnt rw - ext4 /dev/sda rw',
].join('\n');

function bindMount(source: string, destination: string, rec = true): PlanMount {
  return { source, destination, type: 'bind', flags: MS.BIND | (rec ? MS.REC : 0n), data: '', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false };
}

t.test('hostCgroupMounts', async (t) => {
  t.strictSame(hostCgroupMounts(MOUNTINFO), [
    { mountpoint: '/sys/fs/cgroup/unified', options: ['rw', 'nosuid', 'nodev', 'noexec', 'relatime'] },
    { mountpoint: '/sys/fs/cgroup/cpu,cpuacct', options: ['rw', 'nodev', 'noatime'] },
    { mountpoint: '/sys/fs/cgroup/with space', options: ['rw', 'relatime'] },
  ]);
});

t.test('protectHostCgroupfs (CVE-2023-25809)', async (t) => {
  const cgroups = hostCgroupMounts(MOUNTINFO);
  const sys = bindMount('/sys', '/sys');
  const out = protectHostCgroupfs([sys], cgroups);
  t.equal(out[0], sys, 'the bind itself is kept as it is');
  t.strictSame(out.slice(1).map((m) => m.destination), ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/with space'], 'every cgroup mount under it is remounted');
  for (const m of out.slice(1)) {
    t.equal(m.flags & (MS.REMOUNT | MS.BIND | MS.RDONLY), MS.REMOUNT | MS.BIND | MS.RDONLY, `${m.destination}: a read-only bind remount`);
  }
  t.equal(out[1]!.flags & (MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RELATIME), MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RELATIME, 'keeps the flags a user namespace may not drop');
  t.equal(out[2]!.flags & (MS.NOATIME | MS.NOSUID), MS.NOATIME, 'only those the host mount has');

  t.strictSame(protectHostCgroupfs([bindMount('/sys', '/host-sys')], cgroups).slice(1).map((m) => m.destination)[0], '/host-sys/fs/cgroup/unified', 'at the bind destination');
  t.strictSame(protectHostCgroupfs([bindMount('/', '/host')], cgroups).length, 4, 'a bind of / exposes them too');
  t.strictSame(protectHostCgroupfs([bindMount('/sys', '/sys', false)], cgroups).length, 1, 'a non-recursive bind brings no submounts');
  t.strictSame(protectHostCgroupfs([bindMount('/mnt', '/mnt')], cgroups).length, 1, 'a tree without cgroup mounts');
  t.strictSame(protectHostCgroupfs([bindMount('/sys/fs/cgroup/cpu,cpuacct', '/cg')], cgroups).length, 1, 'an explicit bind of a cgroup mount is the config\'s choice');
  const tmpfs: PlanMount = { ...bindMount('tmpfs', '/sys/fs/cgroup'), type: 'tmpfs', flags: MS.NOSUID };
  t.strictSame(protectHostCgroupfs([sys, tmpfs], cgroups).length, 2, 'a later mount over /sys/fs/cgroup hides them: nothing to remount');
  const below: PlanMount = { ...tmpfs, destination: '/sys/fs/cgroup/unified/x' };
  t.strictSame(protectHostCgroupfs([sys, below], cgroups).length, 5, 'a later mount below one does not hide it');
  const remount: PlanMount = { ...tmpfs, flags: MS.REMOUNT | MS.RDONLY };
  t.strictSame(protectHostCgroupfs([sys, remount], cgroups).length, 5, 'a later remount hides nothing');
});
