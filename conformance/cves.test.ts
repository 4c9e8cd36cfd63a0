// Regression tests for the rows of ../shared/ARCHITECTURE.md section 4 that
// the create/start path can meet and security.test.ts does not already
// cover: CVE-2024-21626 (cwd through a leaked fd), CVE-2016-9962 (dumpable
// init), CVE-2025-31133 (masking from a swapped /dev/null) and
// CVE-2025-52881 (sysctl writes redirected through the container's /proc).
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { Harness, cgroupMountPoints, diag, mountAt, parseMountInfo, randomSuffix, runcDeviation, waitFor } from './lib/harness.js';
import { RootlessEnv, type RootlessUser, rootlessUser } from './lib/rootless.js';

const h = new Harness(t, 'cves');
const rootless = rootlessUser();
// A v1 hierarchy with a real controller, where a cgroup can be handed to the rootless user.
const delegatable = cgroupMountPoints().find((mp) => /\/(pids|cpu|memory|freezer)$/.test(mp));

t.test('CVE-2024-21626: a cwd of /proc/self/fd/N never lands outside the container root', async (t) => {
  for (const fd of [3, 4, 5, 6, 7, 8]) {
    const id = h.id(t);
    const b = h.bundle({ args: ['sh', '-c', 'pwd; ls -a ..'], config: (c) => (c.process.cwd = `/proc/self/fd/${fd}`) });
    const r = await h.run(id, b);
    // Either refused, or the directory it ended up in is inside the container.
    if (r.code === 0) {
      t.notMatch(r.stdout, /^\/proc\/self\/fd|\(unreachable\)|^\/sys\/fs\/cgroup|^\/run\//m, `fd ${fd}: cwd is a container path`, diag(r));
      t.notMatch(r.stdout, new RegExp(path.basename(b.dir)), `fd ${fd}: no host path is visible from the cwd`, diag(r));
    } else {
      t.pass(`fd ${fd}: refused (${r.stderr.trim().slice(0, 80)})`);
    }
  }
});

t.test('CVE-2016-9962: the container process is non-dumpable until it execs the user program', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '30'], config: (c) => (c.process.user = { uid: 1000, gid: 1000 }) });
  const c = (await h.mustCreate(t, id, b)).state;
  if (!c?.pid) return;
  // /proc/<pid> of a non-dumpable process belongs to root, whatever its uid.
  const created = fs.statSync(`/proc/${c.pid}/environ`);
  t.equal(created.uid, 0, 'while created, /proc/<pid> is root-owned: the process is not dumpable');
  const status = fs.readFileSync(`/proc/${c.pid}/status`, 'utf8');
  t.match(status, /^Uid:\s+1000\s/m, 'it already runs as the container user');
  await h.mustStart(t, id);
  // `start` may return a moment before the exec itself.
  const owner = await waitFor(() => (fs.statSync(`/proc/${c.pid}/environ`).uid === 1000 ? 1000 : undefined), 3000);
  t.equal(owner, 1000, 'after exec the user program is dumpable again (owned by its uid)');
});

t.test('CVE-2016-9962: while created, every fd of the container process beyond stdio is close-on-exec', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  const c = (await h.mustCreate(t, id, b)).state;
  if (!c?.pid) return;
  const fds = fs.readdirSync(`/proc/${c.pid}/fd`).map(Number).sort((a, b) => a - b);
  for (const fd of fds.filter((x) => x > 2)) {
    const flags = fs.readFileSync(`/proc/${c.pid}/fdinfo/${fd}`, 'utf8');
    const octal = /flags:\s+([0-7]+)/.exec(flags)?.[1] ?? '0';
    t.ok((parseInt(octal, 8) & 0o2000000) !== 0, `fd ${fd} is close-on-exec`);
  }
});

t.test('CVE-2025-31133: masked paths are covered by the real null device even when the image swaps /dev/null', async (t) => {
  const secret = h.hostDir('secret');
  fs.writeFileSync(path.join(secret, 'data'), 'host-secret\n');
  const id = h.id(t);
  const b = h.bundle({
    args: ['sh', '-c', 'stat -c "%F %t:%T" /proc/kcore /etc/masked 2>&1; cat /etc/masked; echo end'],
    config: (c) => {
      // No /dev tmpfs: the image's own /dev is used, and its null is a symlink to a host file.
      c.mounts = c.mounts.filter((m: { destination: string }) => !m.destination.startsWith('/dev'));
      c.linux.maskedPaths = ['/etc/masked', '/proc/kcore'];
    },
  });
  fs.rmSync(path.join(b.rootfs, 'dev'), { recursive: true, force: true });
  fs.mkdirSync(path.join(b.rootfs, 'dev'));
  fs.symlinkSync(path.join(secret, 'data'), path.join(b.rootfs, 'dev', 'null-orig'));
  b.addFile('/etc/masked', 'image-content\n');
  const r = await h.run(id, b);
  if (r.code !== 0) {
    t.pass(`refused: ${r.stderr.trim().slice(0, 120)}`);
  } else {
    t.match(r.stdout, /character special file 1:3/, 'the masked file is the null device', diag(r));
    t.notMatch(r.stdout, /host-secret|image-content/, 'nothing of the host or the image shows through', diag(r));
  }
  t.equal(fs.readFileSync(path.join(secret, 'data'), 'utf8'), 'host-secret\n', 'host file untouched');
});

t.test('CVE-2025-52881: sysctls go to the container\'s own namespace, never the host, even with a hostile /proc', async (t) => {
  const hostForward = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const id = h.id(t);
  const want = hostForward.trim() === '1' ? '0' : '1';
  const b = h.bundle({
    args: ['cat', '/proc/sys/net/ipv4/ip_forward'],
    config: (c) => (c.linux.sysctl = { 'net.ipv4.ip_forward': want }),
  });
  const r = await h.run(id, b);
  t.equal(r.code, 0, 'container ran', diag(r));
  t.equal(r.stdout.trim(), want, 'the container sees its own value');
  t.equal(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), hostForward, 'the host value is unchanged');
});

t.test('sysctls outside the container\'s namespaces are refused and leave nothing behind', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'], config: (c) => (c.linux.sysctl = { 'vm.swappiness': '10' }) });
  const before = fs.readFileSync('/proc/sys/vm/swappiness', 'utf8');
  const r = await h.run(id, b);
  t.not(r.code, 0, 'refused', diag(r));
  t.equal(fs.readFileSync('/proc/sys/vm/swappiness', 'utf8'), before, 'host value unchanged');
  t.same(h.leaks({ ids: [id] }), [], 'nothing left behind');
});

// Rootless, a recursive bind of the host's /sys ("rbind,ro", as `spec
// --rootless` writes it) brings the host's cgroup mounts along, and "ro"
// only reaches the top mount. Without a cgroup mount of the config's own
// over /sys/fs/cgroup and without a cgroup namespace, the container could
// write every cgroup its user owns on the host (here: one delegated to it).
t.test('CVE-2023-25809: rootless without a cgroup namespace, the host cgroupfs under an rbind of /sys is read-only', {
  skip: typeof rootless === 'string' ? rootless : !delegatable && 'no cgroup v1 hierarchy to delegate a cgroup in',
  ...runcDeviation('runc 1.1.5 leaves the host cgroup mounts under "rbind,ro" /sys writable when the config has no cgroup mount'),
}, async (t) => {
  const user = rootless as RootlessUser;
  const U = new RootlessEnv(h, user);
  const name = `tsrun-cve-25809-${randomSuffix(5)}`;
  const delegated = path.join(delegatable!, name);
  fs.mkdirSync(delegated);
  spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, delegated]);
  const id = `cve-${randomSuffix(5)}`;
  t.teardown(async () => {
    await U.rt(['delete', '--force', id]);
    for (const d of [path.join(delegated, 'escape'), delegated]) {
      try {
        fs.rmdirSync(d);
      } catch {
        // absent
      }
    }
  });
  const inside = path.posix.join('/sys/fs/cgroup', path.basename(delegatable!), name);
  const b = await U.bundle(t, (c) => {
    c.mounts = c.mounts.filter((m: { type: string }) => m.type !== 'cgroup');
    c.linux.namespaces = c.linux.namespaces.filter((n: { type: string }) => n.type !== 'cgroup');
    c.process.args = ['sh', '-c', `cat /proc/self/mountinfo; ls -d ${inside} && mkdir ${inside}/escape && echo ESCAPED`];
  });
  if (!b) return;
  const r = await U.rt(['run', '--bundle', b.dir, id]);
  t.match(r.stdout, new RegExp(`^${inside}$`, 'm'), 'the delegated host cgroup is visible inside (the test sees what it means to)', diag(r));
  t.notMatch(r.stdout, /ESCAPED/, 'creating a cgroup in it fails', diag(r));
  t.match(r.stderr, /Read-only file system/, 'because the cgroupfs is read-only', diag(r));
  t.notOk(fs.existsSync(path.join(delegated, 'escape')), 'the host cgroup is untouched');
  const mounts = parseMountInfo(r.stdout).filter((m) => m.fstype === 'cgroup' || m.fstype === 'cgroup2');
  t.ok(mounts.length > 0, 'cgroup mounts are visible inside');
  const writable = [...new Set(mounts.map((m) => m.mountPoint))].filter((mp) => mountAt(mounts, mp)!.options.includes('rw'));
  t.strictSame(writable, [], 'no cgroup mount inside is writable');
});

h.done();
