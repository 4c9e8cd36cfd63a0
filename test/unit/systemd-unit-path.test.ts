// Unit tests for the systemd driver's reading of linux.cgroupsPath
// ("slice:prefix:name", runc's syntax) and the scope's cgroup directories.
import t from 'tap';

import { PlanError } from '../../src/errors.js';
import type { Hierarchy } from '../../src/cgroups/hierarchy.js';
import { systemdScope } from '../../src/cgroups/systemd/manager.js';
import { expandSlice, parseSystemdPath } from '../../src/cgroups/systemd/unit-path.js';

t.test('expandSlice nests slices by the dashes in their names', async (t) => {
  t.equal(expandSlice('system.slice'), '/system.slice');
  t.equal(expandSlice('tsrun-test.slice'), '/tsrun.slice/tsrun-test.slice');
  t.equal(expandSlice('a-b-c.slice'), '/a.slice/a-b.slice/a-b-c.slice');
  t.equal(expandSlice('-.slice'), '/');
  for (const bad of ['foo', '.slice', 'a--b.slice', '-a.slice', 'a-.slice', 'a/b.slice', 'system.scope', '']) {
    t.throws(() => expandSlice(bad), { message: `invalid slice name: ${bad}` }, bad);
  }
});

t.test('parseSystemdPath reads slice:prefix:name like runc', async (t) => {
  t.same(parseSystemdPath('system.slice:docker:abc', 'id'), { slice: 'system.slice', unit: 'docker-abc.scope', cgroup: '/system.slice/docker-abc.scope', name: 'abc' });
  t.same(parseSystemdPath(':tsrun:abc', 'id'), { slice: 'system.slice', unit: 'tsrun-abc.scope', cgroup: '/system.slice/tsrun-abc.scope', name: 'abc' }, 'empty slice: system.slice');
  t.same(parseSystemdPath('tsrun-test.slice:p:c1', 'id').cgroup, '/tsrun.slice/tsrun-test.slice/p-c1.scope');
  t.same(parseSystemdPath(undefined, 'c9'), { slice: 'system.slice', unit: 'tsrun-c9.scope', cgroup: '/system.slice/tsrun-c9.scope', name: 'c9' }, 'no path: system.slice:tsrun:<id>');
  t.same(parseSystemdPath('', 'c9').unit, 'tsrun-c9.scope', 'an empty path is no path');
  t.equal(parseSystemdPath('system.slice:p:sub.slice', 'id').unit, 'sub.slice', 'a name ending in .slice is a slice');
  t.equal(parseSystemdPath('-.slice:p:x', 'id').cgroup, '/p-x.scope', 'the root slice');
});

t.test('parseSystemdPath refuses bad paths, naming the field', async (t) => {
  const cases: [string, RegExp][] = [
    ['bad', /expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "bad" instead/],
    ['/system.slice/x', /expected cgroupsPath to be of format/],
    ['a:b:c:d', /expected cgroupsPath to be of format/],
    ['foo:p:n', /invalid slice name: foo/],
    ['a--b.slice:p:n', /invalid slice name: a--b.slice/],
    ['system.slice:p:a/b', /"p-a\/b.scope" is not a valid systemd unit name/],
    ['system.slice:p:../../x', /is not a valid systemd unit name/],
    ['system.slice:p:a b', /is not a valid systemd unit name/],
    [`system.slice:p:${'x'.repeat(250)}`, /is not a valid systemd unit name/],
  ];
  for (const [path, message] of cases) {
    t.throws(() => parseSystemdPath(path, 'id'), PlanError, path);
    t.throws(() => parseSystemdPath(path, 'id'), { message: /^config\.json: \/linux\/cgroupsPath: / }, `${path}: names the field`);
    t.throws(() => parseSystemdPath(path, 'id'), { message }, `${path}: says why`);
  }
});

t.test('systemdScope: the scope directory in every hierarchy; a slice name is refused', async (t) => {
  const v2: Hierarchy[] = [{ version: 2, mountpoint: '/sys/fs/cgroup', controllers: [], root: '/' }];
  t.same(systemdScope('system.slice:tsrun-test:c1', 'c1', v2).paths, { '/sys/fs/cgroup': '/sys/fs/cgroup/system.slice/tsrun-test-c1.scope' });
  const v1: Hierarchy[] = [
    { version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], root: '/' },
    { version: 1, mountpoint: '/sys/fs/cgroup/cpuset', controllers: ['cpuset'], root: '/' },
    { version: 1, mountpoint: '/sys/fs/cgroup/pids', controllers: ['pids'], root: '/system.slice' },
  ];
  t.same(systemdScope(undefined, 'c2', v1).paths, {
    '/sys/fs/cgroup/memory': '/sys/fs/cgroup/memory/system.slice/tsrun-c2.scope',
    '/sys/fs/cgroup/cpuset': '/sys/fs/cgroup/cpuset/system.slice/tsrun-c2.scope',
    '/sys/fs/cgroup/pids': '/sys/fs/cgroup/pids/tsrun-c2.scope',
  }, 'a mount of a sub-tree shows the path relative to its root');
  t.throws(() => systemdScope('system.slice:p:x.slice', 'c3', v2), { message: /\/linux\/cgroupsPath: "x.slice" is a slice, which cannot hold processes/ });
});
