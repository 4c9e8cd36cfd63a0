// The addon's rtnetlink wrappers (addon/src/netlink.cc) against the real
// kernel: a veth end moved into a scratch network namespace and back.
// Needs root and the built addon.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import t from 'tap';

import { native, type Native } from '../../src/native/index.js';

function load(): Native | undefined {
  try {
    const n = native();
    return typeof n.netlinkOpen === 'function' ? n : undefined;
  } catch {
    return undefined;
  }
}

const n = load();
const skip = !n ? 'the native addon is not built' : process.geteuid?.() !== 0 ? 'needs root' : false;

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

t.test('rtnetlink through the addon', { skip }, async (t) => {
  const addon = n!;
  const fds: number[] = [];
  t.teardown(() => fds.forEach((fd) => addon.closeFd(fd)));
  const keep = (fd: number) => (fds.push(fd), fd);

  // A scratch network namespace, held by a sleeping process.
  const holder = spawn('unshare', ['-n', 'sleep', '60'], { stdio: 'ignore' });
  t.teardown(() => void holder.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 300));
  const nsFd = keep(addon.netnsOpen(`/proc/${holder.pid}/ns/net`));
  const ours = keep(addon.netnsOpen('/proc/self/ns/net'));

  t.throws(() => addon.netnsOpen('/proc/self/ns/mnt'), /is not a network namespace/, 'another kind of namespace is refused');
  t.throws(() => addon.netnsOpen('/nonexistent'), { code: 'ENOENT' });

  const host = keep(addon.netlinkOpen(-1));
  const inner = keep(addon.netlinkOpen(nsFd));
  t.ok(addon.netlinkLinks(host).some((l) => l.name === 'lo' && l.up), 'our lo is listed, up');
  t.same(addon.netlinkLinks(inner).map((l) => l.name), ['lo'], 'the new namespace has only lo: the socket is in it');

  const name = `tsrun-u${randomBytes(2).toString('hex')}`;
  t.equal(ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`).status, 0, 'veth pair made');
  t.teardown(() => {
    ip('link', 'del', name);
    ip('link', 'del', `${name}p`);
  });
  t.equal(ip('addr', 'add', '10.201.7.1/24', 'dev', name).status, 0);
  const link = addon.netlinkLinks(host).find((l) => l.name === name)!;
  const addrs = addon.netlinkAddresses(host, link.index);
  const v4 = addrs.find((a) => a.family === 2)!;
  t.same([...v4.local!], [10, 201, 7, 1], 'IFA_LOCAL read');
  t.equal(v4.prefixLength, 24);
  t.equal(v4.scope, 0, 'global scope');
  t.equal(v4.flags & 0x80, 0x80, 'IFA_F_PERMANENT');

  addon.netlinkMoveLink(host, link.index, nsFd, 'moved0');
  t.notOk(addon.netlinkLinks(host).some((l) => l.name === name), 'gone from our namespace');
  const moved = addon.netlinkLinks(inner).find((l) => l.name === 'moved0');
  t.ok(moved, 'there, renamed, in the other one');
  t.same(addon.netlinkAddresses(inner, moved!.index), [], 'the move dropped the address');
  addon.netlinkAddAddress(inner, moved!.index, { ...v4, flags: 0 });
  addon.netlinkSetUp(inner, moved!.index, true);
  t.ok(addon.netlinkLinks(inner).find((l) => l.name === 'moved0')!.up, 'set up');
  t.same([...addon.netlinkAddresses(inner, moved!.index).find((a) => a.family === 2)!.local!], [10, 201, 7, 1], 'address added again');
  t.throws(() => addon.netlinkAddAddress(inner, moved!.index, { ...v4, flags: 0 }), { code: 'EEXIST' }, 'adding it twice fails');

  addon.netlinkMoveLink(inner, moved!.index, ours, name);
  t.ok(addon.netlinkLinks(host).some((l) => l.name === name), 'moved back under its name');

  const bridge = `tsrun-b${randomBytes(2).toString('hex')}`;
  t.equal(ip('link', 'add', bridge, 'type', 'bridge').status, 0, 'bridge made');
  t.teardown(() => void ip('link', 'del', bridge));
  const br = addon.netlinkLinks(host).find((l) => l.name === bridge)!;
  t.throws(() => addon.netlinkMoveLink(host, br.index, nsFd, bridge), { code: 'EINVAL', message: /^RTM_NEWLINK tsrun-b\w+: invalid argument \(The interface netns is immutable\)$/ }, 'the kernel reason comes with the error');
});
