// linux.netDevices (config-linux.md Network Devices): host interfaces moved
// into the container's network namespace, renamed when `name` is set, with
// their permanent global addresses, set up. This kernel has no dummy driver
// (CONFIG_DUMMY is off), so the test interfaces are veth pairs: one end moves,
// its peer stays on the host.
//
// On delete the spec says the runtime "MUST NOT attempt to move the interface
// out of the namespace": the kernel returns physical devices to the initial
// namespace (under their in-container name) and destroys virtual ones (veth,
// macvlan, ...). runc 1.4 and crun do the same. So after delete a veth that
// lived in the container's own namespace is gone, with its peer; one moved
// into a namespace the container joined stays there, for the namespace's
// owner to handle. A create that fails puts back what it moved.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { Harness, diag, isRunc, randomSuffix, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'net-devices');

const RUNC_REASON = 'runc 1.1.5 has no linux.netDevices (added in runc 1.4.0): it ignores the field';
if (isRunc()) {
  t.test('netDevices', { skip: RUNC_REASON }, async () => {});
}

function ip(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustIp(...args: string[]): string {
  const r = ip(...args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface LinkJson {
  ifname: string;
  mtu: number;
  flags: string[];
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}

/** `ip -j addr show dev <name>` in our namespace (or in the named one), undefined when absent. */
function hostLink(name: string, netns?: string): LinkJson | undefined {
  const r = netns ? ip('-n', netns, '-j', 'addr', 'show', 'dev', name) : ip('-j', 'addr', 'show', 'dev', name);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as LinkJson[])[0];
}

const addresses = (l: LinkJson | undefined) => (l?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen} ${a.scope}`).sort();

/** A veth pair `name` / `name`p, removed at the test's end wherever it went. */
function veth(t: Test, name: string): string {
  mustIp('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
  t.teardown(() => {
    ip('link', 'del', name);
    ip('link', 'del', `${name}p`);
  });
  return name;
}

/** A unique interface name: tsrun-d + 4 hex digits (11 bytes, its peer 12). */
const ifname = () => `tsrun-d${randomSuffix(2)}`;
/** A random 10.x.y.0/24 so parallel runs do not clash. */
const subnet = () => `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;

function netBundle(devices: Record<string, { name?: string }>, args: string[] = ['sleep', '300']): Bundle {
  return h.bundle({
    args,
    config: (c: Config) => {
      c.linux.netDevices = devices;
    },
  });
}

async function execIn(t: Test, id: string, script: string): Promise<string> {
  const r = await h.rt(['exec', id, 'sh', '-c', script]);
  t.equal(r.code, 0, 'exec in the container succeeds', diag(r));
  return r.stdout;
}

/** Asserts the failed create named `pointer`, left no container, and `dev` is on the host as before. */
async function expectRefused(t: Test, r: Awaited<ReturnType<Harness['create']>>, id: string, b: Bundle, pointer: RegExp, dev?: { name: string; before: LinkJson | undefined }) {
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, pointer, 'the error names the field', diag(r));
  await h.expectNoTrace(t, id, b);
  if (dev) {
    const now = hostLink(dev.name);
    t.ok(now, `${dev.name} is still on the host under its name`);
    t.strictSame(addresses(now), addresses(dev.before), `${dev.name} keeps its addresses`);
  }
}

if (!isRunc()) {
  t.test('a host interface moves in, renamed, with its permanent global addresses, up; gone from the host meanwhile (config-linux.md Network Devices)', async (t) => {
    const name = veth(t, ifname());
    const net = subnet();
    mustIp('link', 'set', 'dev', name, 'mtu', '1400');
    mustIp('addr', 'add', `${net}.1/24`, 'dev', name);
    mustIp('-6', 'addr', 'add', `fd00:${Math.floor(Math.random() * 0xffff).toString(16)}::1/64`, 'dev', name, 'nodad');
    // Not global: must stay behind.
    mustIp('addr', 'add', `${net}.2/32`, 'dev', name, 'scope', 'link');
    const hostV6 = (hostLink(name)?.addr_info ?? []).find((a) => a.family === 'inet6' && a.scope === 'global')!.local;
    const inner = `ctr${randomSuffix(3)}`;
    const b = netBundle({ [name]: { name: inner } });
    const id = h.id(t);
    await h.mustCreate(t, id, b);

    t.equal(hostLink(name), undefined, 'the interface left the host namespace');
    t.ok(hostLink(`${name}p`), 'its veth peer is still on the host');
    const out = await execIn(t, id, `ip addr show dev ${inner}; echo mtu=$(cat /sys/class/net/${inner}/mtu); echo flags=$(cat /sys/class/net/${inner}/flags); ls /sys/class/net`);
    t.match(out, new RegExp(`inet ${net.replace(/\./g, '\\.')}\\.1/24 .*scope global`), 'its IPv4 address came along');
    t.match(out, new RegExp(`inet6 ${hostV6.replace(/\./g, '\\.')}/64 scope global`), 'its IPv6 address came along');
    t.notMatch(out, new RegExp(`${net.replace(/\./g, '\\.')}\\.2/`), 'a link-scope address did not');
    t.match(out, /mtu=1400/, 'its mtu is preserved');
    const flags = Number(/flags=(0x[0-9a-f]+)/.exec(out)?.[1]);
    t.equal(flags & 1, 1, 'it is up (IFF_UP)');
    t.notMatch(out, new RegExp(`\\b${name}\\b`), 'the host name is not used inside');

    const del = await h.delete(id, '--force');
    t.equal(del.code, 0, 'delete succeeds', diag(del));
    // The kernel destroys a virtual device with its namespace (and a veth's
    // peer with it): proof that the namespace really went and that tsrun did
    // not move the device out (spec: MUST NOT).
    t.equal(hostLink(inner), undefined, 'the device did not come back under its container name');
    t.equal(hostLink(name), undefined, 'nor under its host name');
    t.equal(hostLink(`${name}p`), undefined, 'the namespace is gone: the kernel destroyed the veth pair');
  });

  t.test('without name the host name is kept; a "%d" template lets the kernel number the device', async (t) => {
    const plain = veth(t, ifname());
    const templated = veth(t, ifname());
    const b = netBundle({ [plain]: {}, [templated]: { name: 'tmpl%d' } });
    const id = h.id(t);
    await h.mustCreate(t, id, b);
    const out = await execIn(t, id, 'ls /sys/class/net');
    const names = out.split(/\s+/).filter(Boolean).sort();
    t.ok(names.includes(plain), `${plain} is inside under its own name`, { names });
    t.ok(names.includes('tmpl0'), 'the template became tmpl0', { names });
  });

  t.test('the devices are in place when createRuntime hooks run (runtime.md Lifecycle 4)', async (t) => {
    const name = veth(t, ifname());
    const seen = path.join(h.hostDir('hook'), 'links');
    const hook = path.join(h.hostDir('hookbin'), 'hook.sh');
    fs.writeFileSync(hook, `#!/bin/sh\npid=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p')\nnsenter -t "$pid" -n ip -o link > ${seen}\n`, { mode: 0o755 });
    const b = netBundle({ [name]: { name: 'hooked0' } });
    b.patch((c: Config) => {
      c.hooks = { createRuntime: [{ path: hook }] };
    });
    const id = h.id(t);
    await h.mustCreate(t, id, b);
    t.match(fs.readFileSync(seen, 'utf8'), /hooked0/, 'the hook saw the device in the container namespace');
  });

  t.test('a sysctl may name a moved device: devices are in place before sysctls are written', async (t) => {
    const name = veth(t, ifname());
    const inner = `sys${randomSuffix(3)}`;
    const b = netBundle({ [name]: { name: inner } });
    b.patch((c: Config) => {
      c.linux.sysctl = { [`net.ipv4.conf.${inner}.forwarding`]: '1' };
    });
    const id = h.id(t);
    await h.mustCreate(t, id, b);
    const out = await execIn(t, id, `cat /proc/sys/net/ipv4/conf/${inner}/forwarding`);
    t.equal(out.trim(), '1', 'the sysctl of the moved device was set');
  });

  t.test('a namespace the container joins keeps the device after delete, for its owner to handle', async (t) => {
    const name = veth(t, ifname());
    const ns = `tsrun-ns${randomSuffix(6)}`;
    mustIp('netns', 'add', ns);
    t.teardown(() => {
      ip('netns', 'del', ns);
    });
    mustIp('addr', 'add', `${subnet()}.1/24`, 'dev', name);
    const before = hostLink(name);
    const b = netBundle({ [name]: { name: 'joined0' } });
    b.patch((c: Config) => {
      c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) => (n.type === 'network' ? { type: 'network', path: `/var/run/netns/${ns}` } : n));
    });
    const id = h.id(t);
    await h.mustCreate(t, id, b);
    t.equal(hostLink(name), undefined, 'the interface left the host namespace');
    const del = await h.delete(id, '--force');
    t.equal(del.code, 0, 'delete succeeds', diag(del));
    const inNs = hostLink('joined0', ns);
    t.ok(inNs, 'after delete the device is still in the joined namespace, under its container name');
    t.strictSame(addresses(inNs), addresses(before), 'with its addresses');
    // What an orchestrator would do: move it back under its host name.
    mustIp('-n', ns, 'link', 'set', 'dev', 'joined0', 'netns', `/proc/${process.pid}/ns/net`, 'name', name);
    t.ok(hostLink(name), 'the owner can move it back to the host');
  });

  t.test('a create that fails after the move puts the devices back under their host names, with addresses and state', async (t) => {
    const name = veth(t, ifname());
    mustIp('addr', 'add', `${subnet()}.1/24`, 'dev', name);
    mustIp('link', 'set', 'dev', name, 'up');
    const before = hostLink(name);
    const b = netBundle({ [name]: { name: 'failing0' } });
    b.patch((c: Config) => {
      c.hooks = { createRuntime: [{ path: '/bin/false' }] };
    });
    const id = h.id(t);
    const r = await h.create(id, b);
    t.not(r.code, 0, 'create fails in the hook', diag(r));
    await h.expectNoTrace(t, id, b);
    const after = hostLink(name);
    t.ok(after, 'the device is back on the host under its host name');
    t.strictSame(addresses(after), addresses(before), 'with its addresses');
    t.ok(after?.flags.includes('UP'), 'and up again, as it was');
    t.equal(hostLink('failing0'), undefined, 'its container name is not left on the host');
  });

  t.test('a device that cannot change namespace (a bridge) fails create; the one moved before it comes back', async (t) => {
    const name = veth(t, ifname());
    mustIp('addr', 'add', `${subnet()}.1/24`, 'dev', name);
    const before = hostLink(name);
    const bridge = ifname();
    mustIp('link', 'add', bridge, 'type', 'bridge');
    t.teardown(() => {
      ip('link', 'del', bridge);
    });
    const b = netBundle({ [name]: { name: 'first0' }, [bridge]: {} });
    const id = h.id(t);
    const r = await h.create(id, b);
    await expectRefused(t, r, id, b, new RegExp(`/linux/netDevices/${bridge}`), { name, before });
    t.match(r.stderr, /netns is immutable|invalid argument/i, 'the kernel reason is given', diag(r));
    t.ok(hostLink(bridge), 'the bridge is still on the host');
  });

  t.test('errors name the field and leave nothing behind', async (t) => {
    t.test('a host device that does not exist', async (t) => {
      const missing = ifname();
      const b = netBundle({ [missing]: {} });
      const id = h.id(t);
      const r = await h.create(id, b);
      await expectRefused(t, r, id, b, new RegExp(`/linux/netDevices/${missing}: network device ${missing} does not exist`));
    });

    t.test('a name that already exists in the container namespace ("lo")', async (t) => {
      const name = veth(t, ifname());
      mustIp('addr', 'add', `${subnet()}.1/24`, 'dev', name);
      const before = hostLink(name);
      const b = netBundle({ [name]: { name: 'lo' } });
      const id = h.id(t);
      const r = await h.create(id, b);
      await expectRefused(t, r, id, b, new RegExp(`/linux/netDevices/${name}/name: a network device named lo already exists`), { name, before });
    });

    t.test('no network namespace', async (t) => {
      const name = veth(t, ifname());
      const before = hostLink(name);
      const b = netBundle({ [name]: {} });
      b.patch((c: Config) => {
        c.linux.namespaces = c.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
      });
      const id = h.id(t);
      const r = await h.create(id, b);
      await expectRefused(t, r, id, b, /\/linux\/netDevices: moving network devices needs a network namespace/, { name, before });
    });

    t.test("the runtime's own network namespace by path", async (t) => {
      const name = veth(t, ifname());
      const before = hostLink(name);
      const b = netBundle({ [name]: {} });
      b.patch((c: Config) => {
        c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) => (n.type === 'network' ? { type: 'network', path: `/proc/${process.pid}/ns/net` } : n));
      });
      const id = h.id(t);
      const r = await h.create(id, b);
      await expectRefused(t, r, id, b, /\/linux\/netDevices: moving network devices needs the container's own network namespace/, { name, before });
    });

    for (const bad of ['a/b', '..', 'sixteen-bytes-xx', 'two words', 'x%s']) {
      t.test(`an invalid name ${JSON.stringify(bad)}`, async (t) => {
        const name = veth(t, ifname());
        const before = hostLink(name);
        const b = netBundle({ [name]: { name: bad } });
        const id = h.id(t);
        const r = await h.create(id, b);
        await expectRefused(t, r, id, b, new RegExp(`/linux/netDevices/${name}/name: `), { name, before });
      });
    }
  });

  t.test('features announces netDevices', async (t) => {
    const r = await h.rt(['features']);
    t.equal(r.code, 0, 'features succeeds', diag(r));
    t.same(JSON.parse(r.stdout).linux?.netDevices, { enabled: true }, 'linux.netDevices.enabled is true');
  });
}

h.done();
