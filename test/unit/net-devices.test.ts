// Unit tests for linux.netDevices: the plan side (src/plan/net-devices.ts)
// and the move/rollback logic (src/lifecycle/net-devices.ts) against a fake
// rtnetlink that keeps two namespaces in memory.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlanError } from '../../src/errors.js';
import { addressesToCarry, moveNetDevices, newLink } from '../../src/lifecycle/net-devices.js';
import type { NetAddress, NetLink, Native } from '../../src/native/index.js';
import { buildPlan } from '../../src/plan/build.js';
import { encodePlan } from '../../src/plan/encode.js';
import { interfaceNameProblem, isRuntimeNetns, planNetDevices, type NetDeviceMove } from '../../src/plan/net-devices.js';
import type { Linux } from '../../src/spec/types.js';

const TAG_NET_DEVICES_PAUSE = 160; // addon/common/protocol.h

function pointerOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanError) return e.pointer;
    throw e;
  }
  return undefined;
}

t.test('interface names follow the kernel (dev_valid_name)', async (t) => {
  for (const ok of ['eth0', 'a', 'fifteen-bytes-x', 'veth.1', 'ctr_eth1']) t.equal(interfaceNameProblem(ok, false), undefined, `${ok} is valid`);
  for (const bad of ['', '.', '..', 'a/b', 'a:b', 'a b', 'a\tb', 'a\0b', 'sixteen-bytes-xx', 'ééééééééé']) t.ok(interfaceNameProblem(bad, true), `${JSON.stringify(bad)} is not`);
  t.equal(interfaceNameProblem('eth%d', true), undefined, 'a %d template where allowed');
  t.ok(interfaceNameProblem('eth%d', false), 'but not as a host name');
  for (const bad of ['eth%s', 'a%d%d', '%', 'x%'] ) t.ok(interfaceNameProblem(bad, true), `${bad} is not a template`);
});

t.test('planNetDevices', async (t) => {
  const netns = { namespaces: [{ type: 'mount' as const }, { type: 'network' as const }] };
  const never = () => false;
  t.same(planNetDevices({ ...netns }, never), [], 'none asked');
  t.same(planNetDevices({ ...netns, netDevices: { eth1: { name: 'ctr0' }, 'a~b': {} } }, never), [
    { hostName: 'eth1', containerName: 'ctr0', pointer: '/linux/netDevices/eth1' },
    { hostName: 'a~b', containerName: 'a~b', pointer: '/linux/netDevices/a~0b' },
  ], 'renamed or kept, pointers escaped');
  t.same(planNetDevices({ ...netns, netDevices: { eth1: { name: '' } } }, never)[0]!.containerName, 'eth1', 'an empty name keeps the host name');

  t.equal(pointerOf(() => planNetDevices({ namespaces: [{ type: 'mount' }], netDevices: { eth1: {} } }, never)), '/linux/netDevices', 'no network namespace');
  const joined: Linux = { namespaces: [{ type: 'network', path: '/run/netns/x' }], netDevices: { eth1: {} } };
  t.equal(pointerOf(() => planNetDevices(joined, () => true)), '/linux/netDevices', "the runtime's own namespace by path");
  t.equal(planNetDevices(joined, never).length, 1, 'another joined namespace is fine');
  t.equal(pointerOf(() => planNetDevices({ ...netns, netDevices: { 'a/b': {} } }, never)), '/linux/netDevices/a~1b', 'a bad host name');
  t.equal(pointerOf(() => planNetDevices({ ...netns, netDevices: { eth1: { name: '..' } } }, never)), '/linux/netDevices/eth1/name', 'a bad new name');
  t.equal(pointerOf(() => planNetDevices({ ...netns, netDevices: { eth1: { name: 'x' }, eth2: { name: 'x' } } }, never)), '/linux/netDevices/eth2/name', 'two devices, one name');
  t.equal(pointerOf(() => planNetDevices({ ...netns, netDevices: { eth1: {}, eth2: { name: 'eth1' } } }, never)), '/linux/netDevices/eth2/name', 'a new name taking a kept one');
  t.equal(planNetDevices({ ...netns, netDevices: { eth1: { name: 'c%d' }, eth2: { name: 'c%d' } } }, never).length, 2, 'templates may repeat');
});

t.test('isRuntimeNetns compares the namespace inode', async (t) => {
  t.equal(isRuntimeNetns('/proc/self/ns/net'), true, 'ours');
  t.equal(isRuntimeNetns(`/proc/${process.pid}/ns/net`), true, 'ours by pid');
  t.equal(isRuntimeNetns('/proc/self/ns/mnt'), false, 'another namespace');
  t.equal(isRuntimeNetns('/nonexistent'), false, 'a missing path is left to init');
});

t.test('the plan asks init to pause only when there are devices', async (t) => {
  const bundle = mkdtempSync(join(tmpdir(), 'tsrun-netdev-'));
  t.teardown(() => rmSync(bundle, { recursive: true, force: true }));
  mkdirSync(join(bundle, 'rootfs'));
  const ctx = { bundle, execFifoName: 'exec.fifo', preserveFds: 0, noPivot: false, noNewKeyring: false, cgroupMounts: () => ({ mounts: [], symlinks: [] }) };
  const spec = (netDevices?: Linux['netDevices']) => ({
    ociVersion: '1.3.0',
    process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' },
    root: { path: 'rootfs' },
    linux: { namespaces: [{ type: 'mount' as const }, { type: 'network' as const }], netDevices },
  });
  const tags = (bytes: Uint8Array) => {
    const out: number[] = [];
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let off = 0; off < bytes.length; off += 8 + v.getUint32(off + 4, true)) out.push(v.getUint32(off, true));
    return out;
  };
  t.ok(tags(encodePlan(buildPlan(spec({ eth1: {} }), ctx))).includes(TAG_NET_DEVICES_PAUSE), 'with devices');
  t.notOk(tags(encodePlan(buildPlan(spec(), ctx))).includes(TAG_NET_DEVICES_PAUSE), 'without');
  t.notOk(tags(encodePlan(buildPlan(spec({}), ctx))).includes(TAG_NET_DEVICES_PAUSE), 'with an empty set');
});

const v4 = (last: number, extra: Partial<NetAddress> = {}): NetAddress => ({
  family: 2, prefixLength: 24, scope: 0, flags: 0x80, local: new Uint8Array([10, 0, 0, last]), address: new Uint8Array([10, 0, 0, last]), ...extra,
});

t.test('addressesToCarry: permanent and global only, settable flags only', async (t) => {
  const carried = addressesToCarry([
    v4(1),
    v4(2, { scope: 253 }), // link
    v4(3, { flags: 0x01 }), // dynamic (IFA_F_SECONDARY only, not permanent)
    v4(4, { flags: 0x80 | 0x02 | 0x40 }), // permanent, nodad, tentative
  ]);
  t.same(carried.map((a) => a.local![3]), [1, 4]);
  t.same(carried.map((a) => a.flags), [0, 0x02], 'PERMANENT and TENTATIVE are the kernel\'s to set');
});

t.test('newLink finds the one link that appeared', async (t) => {
  const lo = { index: 1, name: 'lo', up: true };
  t.same(newLink([lo], [lo, { index: 7, name: 'c0', up: false }]), { index: 7, name: 'c0', up: false });
  t.equal(newLink([lo], [lo]), undefined);
});

/** Two namespaces of links; fd 100 is ours, 200 the container's; sockets 10 and 20. */
class FakeNet {
  readonly ns = new Map<number, { links: NetLink[]; addrs: Map<number, NetAddress[]> }>([
    [100, { links: [{ index: 1, name: 'lo', up: true }], addrs: new Map() }],
    [200, { links: [{ index: 1, name: 'lo', up: true }], addrs: new Map() }],
  ]);
  readonly log: string[] = [];
  immovable = new Set<string>();
  closed: number[] = [];
  private nextIndex = 50;

  add(name: string, up: boolean, addrs: NetAddress[] = []): void {
    const index = this.nextIndex++;
    this.ns.get(100)!.links.push({ index, name, up });
    this.ns.get(100)!.addrs.set(index, addrs);
  }

  where(name: string): number | undefined {
    for (const [fd, n] of this.ns) if (n.links.some((l) => l.name === name)) return fd;
    return undefined;
  }

  link(name: string): NetLink | undefined {
    for (const n of this.ns.values()) {
      const l = n.links.find((x) => x.name === name);
      if (l) return l;
    }
    return undefined;
  }

  addrs(name: string): NetAddress[] {
    const fd = this.where(name)!;
    return this.ns.get(fd)!.addrs.get(this.link(name)!.index) ?? [];
  }

  native(): Native {
    const nsOf = (sock: number) => this.ns.get(sock === 10 ? 100 : 200)!;
    const fake: Partial<Native> = {
      netnsOpen: (path) => (path === '/proc/self/ns/net' ? 100 : 200),
      netlinkOpen: (fd) => (fd === -1 ? 10 : 20),
      closeFd: (fd) => void this.closed.push(fd),
      netlinkLinks: (sock) => nsOf(sock).links.map((l) => ({ ...l })),
      netlinkAddresses: (sock, index) => nsOf(sock).addrs.get(index) ?? [],
      netlinkMoveLink: (sock, index, target, name) => {
        const from = nsOf(sock);
        const l = from.links.find((x) => x.index === index)!;
        this.log.push(`move ${l.name} -> ${target}:${name}`);
        if (this.immovable.has(l.name)) throw new Error('RTM_NEWLINK: invalid argument');
        const to = this.ns.get(target)!;
        if (to.links.some((x) => x.name === name)) throw new Error('RTM_NEWLINK: file exists');
        from.links = from.links.filter((x) => x !== l);
        from.addrs.delete(index);
        const newName = name.includes('%d') ? name.replace('%d', '0') : name;
        to.links.push({ index, name: newName, up: false });
      },
      netlinkAddAddress: (sock, index, a) => {
        const n = nsOf(sock);
        n.addrs.set(index, [...(n.addrs.get(index) ?? []), a]);
      },
      netlinkSetUp: (sock, index, up) => {
        nsOf(sock).links.find((x) => x.index === index)!.up = up;
      },
    };
    return fake as Native;
  }
}

const dev = (hostName: string, containerName = hostName): NetDeviceMove => ({ hostName, containerName, pointer: `/linux/netDevices/${hostName}` });

t.test('moveNetDevices: moved, renamed, addresses again, up; release keeps them there', async (t) => {
  const net = new FakeNet();
  net.add('eth1', false, [v4(1), v4(2, { scope: 253 })]);
  net.add('eth2', true);
  const moved = moveNetDevices(net.native(), 42, [dev('eth1', 'ctr0'), dev('eth2', 'c%d')]);
  t.equal(net.where('ctr0'), 200, 'eth1 is inside as ctr0');
  t.equal(net.where('c0'), 200, 'the template was found inside');
  t.equal(net.where('eth1'), undefined, 'and not on the host');
  t.same(net.addrs('ctr0').map((a) => a.local![3]), [1], 'the global address was added again');
  t.equal(net.link('ctr0')!.up, true, 'it is up');
  moved.release();
  t.same(net.closed.sort((a, b) => a - b), [10, 20, 100, 200], 'sockets and namespace fds closed');
  t.same(moved.rollback(), [], 'a released handle has nothing to roll back');
  t.equal(net.where('ctr0'), 200, 'still inside');
});

t.test('moveNetDevices: checks every device before moving any', async (t) => {
  const net = new FakeNet();
  net.add('eth1', false);
  t.throws(() => moveNetDevices(net.native(), 42, [dev('eth1'), dev('missing')]), { pointer: '/linux/netDevices/missing' });
  t.throws(() => moveNetDevices(net.native(), 42, [dev('eth1'), dev('eth1', 'lo')]), { pointer: '/linux/netDevices/eth1/name' });
  net.ns.get(200)!.links.push({ index: 9, name: 'eth1', up: false });
  t.throws(() => moveNetDevices(net.native(), 42, [dev('eth1')]), { pointer: '/linux/netDevices/eth1' }, 'a kept name that exists inside');
  t.same(net.log, [], 'nothing was moved');
});

t.test('moveNetDevices: a failed move puts back what was moved, as it was', async (t) => {
  const net = new FakeNet();
  net.add('eth1', true, [v4(1)]);
  net.add('br0', false);
  net.immovable.add('br0');
  t.throws(() => moveNetDevices(net.native(), 42, [dev('eth1', 'ctr0'), dev('br0')]), /br0 into the container \(\/linux\/netDevices\/br0\): RTM_NEWLINK: invalid argument/);
  t.equal(net.where('eth1'), 100, 'eth1 is back on the host under its name');
  t.same(net.addrs('eth1').map((a) => a.local![3]), [1], 'with its address');
  t.equal(net.link('eth1')!.up, true, 'and up as before');
  t.equal(net.where('ctr0'), undefined, 'no ctr0 anywhere');
  t.same(net.log, ['move eth1 -> 200:ctr0', 'move br0 -> 200:br0', 'move ctr0 -> 100:eth1']);
});

t.test('rollback after a later failure of create', async (t) => {
  const net = new FakeNet();
  net.add('eth1', false, [v4(1)]);
  net.add('eth2', true);
  const moved = moveNetDevices(net.native(), 42, [dev('eth1', 'a0'), dev('eth2', 'b0')]);
  t.same(moved.rollback(), []);
  t.equal(net.where('eth1'), 100);
  t.equal(net.where('eth2'), 100);
  t.equal(net.link('eth1')!.up, false, 'eth1 stays down as it was');
  t.equal(net.link('eth2')!.up, true, 'eth2 is up again');
  t.same(net.log.slice(2), ['move b0 -> 100:eth2', 'move a0 -> 100:eth1'], 'in reverse order');
  t.same(moved.rollback(), [], 'a second rollback does nothing');
});
