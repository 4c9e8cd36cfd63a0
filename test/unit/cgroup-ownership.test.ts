// Unit tests for src/cgroups/v2/ownership.ts: when the container's cgroup is
// delegated (config-linux.md Cgroup ownership), to which host uid, which files.
// The chown itself is checked live in conformance/spec-config-linux.test.ts
// on a cgroup v2 host (make test-cgroup2).
import t from 'tap';

import { delegatableFiles, delegatedOwner } from '../../src/cgroups/v2/ownership.js';
import type { Spec } from '../../src/spec/types.js';

function spec(patch: { namespaces?: object[]; mounts?: object[]; uid?: number; uidMappings?: object[] } = {}): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: { cwd: '/', args: ['sh'], user: { uid: patch.uid ?? 1000, gid: 1000 } },
    mounts: (patch.mounts ?? [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'rw'] }]) as Spec['mounts'],
    linux: {
      namespaces: (patch.namespaces ?? [{ type: 'mount' }, { type: 'cgroup' }]) as NonNullable<Spec['linux']>['namespaces'],
      uidMappings: patch.uidMappings as NonNullable<Spec['linux']>['uidMappings'],
    },
  } as Spec;
}

t.test('delegated to process.user.uid with a new cgroup namespace and a read-write cgroup mount, on cgroup v2 only', async (t) => {
  t.equal(delegatedOwner(spec(), true), 1000);
  t.equal(delegatedOwner(spec({ uid: 0 }), true), 0, 'root too');
  t.equal(delegatedOwner(spec(), false), undefined, 'cgroup v1 in use: "SHOULD NOT"');
});

t.test('left alone without a new cgroup namespace', async (t) => {
  t.equal(delegatedOwner(spec({ namespaces: [{ type: 'mount' }] }), true), undefined, 'no cgroup namespace');
  t.equal(delegatedOwner(spec({ namespaces: [{ type: 'mount' }, { type: 'cgroup', path: '/proc/1/ns/cgroup' }] }), true), undefined, 'a joined one');
});

t.test('left alone without a read-write cgroup mount at /sys/fs/cgroup', async (t) => {
  t.equal(delegatedOwner(spec({ mounts: [] }), true), undefined, 'no cgroup mount');
  t.equal(delegatedOwner(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro'] }] }), true), undefined, 'read-only');
  t.equal(delegatedOwner(spec({ mounts: [{ destination: '/cg', type: 'cgroup', source: 'cgroup' }] }), true), undefined, 'another destination');
  t.equal(delegatedOwner(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup2', source: 'none' }] }), true), undefined, 'source is not "cgroup"');
  t.equal(delegatedOwner(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup' }] }), true), 1000, 'no options: read-write');
});

t.test('a user namespace: the host uid the process user maps to', async (t) => {
  const userns = [{ type: 'mount' }, { type: 'cgroup' }, { type: 'user' }];
  const uidMappings = [
    { containerID: 0, hostID: 100000, size: 1000 },
    { containerID: 1000, hostID: 300000, size: 10 },
  ];
  t.equal(delegatedOwner(spec({ namespaces: userns, uidMappings, uid: 0 }), true), 100000);
  t.equal(delegatedOwner(spec({ namespaces: userns, uidMappings, uid: 1005 }), true), 300005, 'second range');
  t.equal(delegatedOwner(spec({ namespaces: userns, uidMappings, uid: 2000 }), true), undefined, 'unmapped: nobody to give it to');
  const joined = [{ type: 'mount' }, { type: 'cgroup' }, { type: 'user', path: '/proc/1/ns/user' }];
  t.equal(delegatedOwner(spec({ namespaces: joined, uid: 0 }), true), undefined, 'a joined user namespace: mapping unknown');
});

t.test('the files: the kernel\'s list, or the spec\'s fallback', async (t) => {
  t.strictSame(delegatableFiles('cgroup.procs\ncgroup.threads\ncgroup.subtree_control\nmemory.oom.group\nmemory.reclaim\n'), [
    'cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control', 'memory.oom.group', 'memory.reclaim',
  ]);
  t.strictSame(delegatableFiles(undefined), ['cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads'], 'no /sys/kernel/cgroup/delegate');
});
