// A hostile rootfs must not make the runtime act on host paths, and the runtime
// binary must not be reachable from the container (regression tests for runc
// CVEs: 2019-5736, 2019-16884, 2019-19921, 2021-30465, 2023-27561, 2023-28642,
// 2016-3697; see ../shared/ARCHITECTURE.md section 4).
//
// Each "escape" test gives the rootfs a symlink pointing at a host directory that
// holds a canary file. The runtime may refuse to create the container or may
// resolve the path inside the rootfs, but the host directory must stay exactly as
// it was and must not get a mount.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { Harness, diag, hostMountsMentioning, isRunc, runcDeviation, runtime, type Bundle } from './lib/harness.js';

const h = new Harness(t, 'security');

/** A host directory with a canary file; returns it and a snapshot function. */
function evilDir() {
  const dir = h.hostDir('evil');
  fs.writeFileSync(path.join(dir, 'canary'), 'canary\n');
  fs.mkdirSync(path.join(dir, 'subdir'));
  const snap = () => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d).sort()) {
        const p = path.join(d, e);
        const st = fs.lstatSync(p);
        const rel = path.relative(dir, p);
        if (st.isDirectory()) {
          out.push(`${rel}/ ${st.mode.toString(8)}`);
          walk(p);
        } else if (st.isSymbolicLink()) out.push(`${rel} -> ${fs.readlinkSync(p)}`);
        else out.push(`${rel} ${st.mode.toString(8)} ${st.isFile() ? fs.readFileSync(p, 'utf8') : 'special'}`);
      }
    };
    walk(dir);
    const st = fs.statSync(dir);
    out.push(`. ${st.mode.toString(8)} ${st.mtimeMs}`);
    return out;
  };
  return { dir, snap };
}

/** ../../.. path from `fromDirInRootfs` (absolute, inside the container) up to / and then to `target`. */
function relativeUp(fromDirInRootfs: string, b: Bundle, target: string) {
  // Enough ".." to climb out of the bundle's rootfs on the host, whatever the depth.
  const depth = path.join(b.rootfs, fromDirInRootfs).split('/').length + 2;
  return '../'.repeat(depth) + target.replace(/^\//, '');
}

/** Try create (+ start when it succeeds), then check the host dir is untouched and unmounted. */
async function attempt(t: Test, b: Bundle, evil: ReturnType<typeof evilDir>) {
  const before = evil.snap();
  const id = h.id(t);
  const r = await h.create(id, b);
  if (r.code === 0) {
    t.pass('create succeeded: the path must have been resolved inside the rootfs');
    const s = await h.start(id);
    t.comment(`start exit ${s.code}`);
    await h.waitStatus(id, 'stopped', 3000);
  } else {
    t.pass(`create refused the rootfs (${r.stderr.trim().split('\n').pop()})`);
  }
  t.strictSame(hostMountsMentioning(evil.dir), [], 'no host mount on or below the host directory');
  t.strictSame(evil.snap(), before, 'host directory unchanged');
  await h.forceDelete(id);
  t.strictSame(hostMountsMentioning(evil.dir), [], 'still no host mount after delete');
  t.strictSame(evil.snap(), before, 'host directory still unchanged after delete');
  return r;
}

t.test('rootfs /proc is a symlink to an absolute host path: the runtime must not mount procfs there (CVE-2019-16884, 2023-27561)', async (t) => {
  const evil = evilDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo pwned > /proc/pwned; true'] });
  fs.rmSync(path.join(b.rootfs, 'proc'), { recursive: true });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'proc'));
  await attempt(t, b, evil);
});

t.test('rootfs /proc is a relative ../../ symlink leading to a host path (CVE-2023-28642)', async (t) => {
  const evil = evilDir();
  const b = h.bundle({ args: ['sh', '-c', 'echo pwned > /proc/pwned; true'] });
  fs.rmSync(path.join(b.rootfs, 'proc'), { recursive: true });
  fs.symlinkSync(relativeUp('/', b, evil.dir), path.join(b.rootfs, 'proc'));
  await attempt(t, b, evil);
});

t.test('rootfs /sys is a symlink to an absolute host path', async (t) => {
  const evil = evilDir();
  const b = h.bundle({ args: ['true'] });
  fs.rmSync(path.join(b.rootfs, 'sys'), { recursive: true });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'sys'));
  await attempt(t, b, evil);
});

// runc 1.1.5 mounts the /dev tmpfs at the securely resolved path, but then creates
// /dev/fd, /dev/std{in,out,err} and /dev/ptmx through the image's /dev symlink,
// i.e. in the host directory it points to (ARCHITECTURE.md: CVE-2026-41579/47766).
const DEV_SYMLINK_DEVIATION = runcDeviation('the /dev/fd, /dev/std* and /dev/ptmx symlinks are created in the host directory a rootfs /dev symlink points to');

t.test('rootfs /dev is a symlink to an absolute host path: no device nodes or links appear on the host (CVE-2026-41579)', DEV_SYMLINK_DEVIATION, async (t) => {
  const evil = evilDir();
  const b = h.bundle({
    args: ['sh', '-c', 'echo pwned > /dev/pwned; true'],
    config: (c) => (c.linux.devices = [{ path: '/dev/conf-null', type: 'c', major: 1, minor: 3, fileMode: 0o666 }]),
  });
  fs.rmSync(path.join(b.rootfs, 'dev'), { recursive: true });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'dev'));
  await attempt(t, b, evil);
});

t.test('rootfs /dev is a relative symlink leading to a host path (CVE-2026-47766)', DEV_SYMLINK_DEVIATION, async (t) => {
  const evil = evilDir();
  const b = h.bundle({ args: ['true'] });
  fs.rmSync(path.join(b.rootfs, 'dev'), { recursive: true });
  fs.symlinkSync(relativeUp('/', b, evil.dir), path.join(b.rootfs, 'dev'));
  await attempt(t, b, evil);
});

t.test('a tmpfs mount destination that is an absolute symlink out of the rootfs ends up inside the rootfs (CVE-2019-19921)', async (t) => {
  const evil = evilDir();
  const b = h.bundle({
    args: ['sh', '-c', 'echo pwned > /mnt/escape/pwned; true'],
    config: (c) => c.mounts.push({ destination: '/mnt/escape', type: 'tmpfs', source: 'tmpfs' }),
  });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'mnt', 'escape'));
  await attempt(t, b, evil);
});

t.test('a bind mount destination that is a relative ../ symlink out of the rootfs ends up inside the rootfs (CVE-2021-30465)', async (t) => {
  const evil = evilDir();
  const src = h.hostDir('src');
  fs.writeFileSync(path.join(src, 'payload'), 'payload\n');
  const b = h.bundle({
    args: ['true'],
    config: (c) => c.mounts.push({ destination: '/mnt/escape', type: 'bind', source: src, options: ['rbind', 'ro'] }),
  });
  fs.symlinkSync(relativeUp('/mnt', b, evil.dir), path.join(b.rootfs, 'mnt', 'escape'));
  await attempt(t, b, evil);
});

t.test('a mount destination below a symlinked directory does not create directories on the host', async (t) => {
  const evil = evilDir();
  const b = h.bundle({
    args: ['true'],
    config: (c) => c.mounts.push({ destination: '/linked/sub/dir', type: 'tmpfs', source: 'tmpfs' }),
  });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'linked'));
  await attempt(t, b, evil);
});

t.test('process.cwd that is a symlink out of the rootfs is resolved inside the container', async (t) => {
  const evil = evilDir();
  const id = h.id(t);
  const b = h.bundle({ args: ['ls', '-A', '.'], config: (c) => (c.process.cwd = '/escape-cwd') });
  fs.symlinkSync(evil.dir, path.join(b.rootfs, 'escape-cwd'));
  const before = evil.snap();
  const r = await h.run(id, b);
  t.notMatch(r.stdout, /canary/, 'the host directory is not the working directory', diag(r));
  t.strictSame(evil.snap(), before, 'host directory unchanged');
});

/** Create a container and return /proc/<pid>/exe of its (waiting) container process. */
async function createdExe(t: Test): Promise<string | undefined> {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, id, b);
  t.ok(state?.pid, 'container process pid');
  return state?.pid ? `/proc/${state.pid}/exe` : undefined;
}

/** The runtime's binary and node's, by real path. */
function hostBinaries(): string[] {
  const out = new Set<string>();
  for (const p of [runtime(), process.execPath]) {
    out.add(p);
    try {
      out.add(fs.realpathSync(p));
    } catch {
      /* missing runtime: reported elsewhere */
    }
  }
  return [...out];
}

t.test('/proc/<pid>/exe of a created container is not the runtime\'s host binary path and cannot be opened for writing (CVE-2019-5736)', async (t) => {
  const exe = await createdExe(t);
  if (!exe) return;
  let link = '';
  try {
    link = fs.readlinkSync(exe);
  } catch (e) {
    t.pass(`readlink refused: ${(e as Error).message}`);
  }
  // runc 1.1.5 (Debian) shows "/" here (a detached read-only bind mount of itself);
  // upstream runc 1.1 may show "memfd:runc_cloned:/proc/self/exe (deleted)".
  t.comment(`${exe} -> ${link}`);
  t.notOk(hostBinaries().includes(link.replace(/ \(deleted\)$/, '')), 'not the runtime (or node) binary path', { link });
  t.notOk(/^\/(usr|bin|sbin|opt)\//.test(link) || link.startsWith(path.dirname(runtime()) + '/'), 'not a host binary path', { link });
  let writable = false;
  try {
    fs.closeSync(fs.openSync(exe, fs.constants.O_WRONLY));
    writable = true;
  } catch {
    /* expected: ETXTBSY / EROFS / EACCES / EPERM */
  }
  t.notOk(writable, 'cannot be opened for writing');
});

t.test('/proc/<pid>/exe of a created container is not node\'s binary (ARCHITECTURE.md: never expose node)', async (t) => {
  const exe = await createdExe(t);
  if (!exe) return;
  let st: fs.Stats | undefined;
  try {
    const fd = fs.openSync(exe, 'r');
    st = fs.fstatSync(fd);
    fs.closeSync(fd);
  } catch {
    t.pass('not even readable from the host');
    return;
  }
  const node = fs.statSync(process.execPath);
  t.notOk(st.dev === node.dev && st.ino === node.ino, 'a different file than node', { node: process.execPath });
});

t.test('seen from inside (a second container in its pid namespace), /proc/1/exe of a created container is no host binary (CVE-2019-5736)', async (t) => {
  const idA = h.id(t, 'created');
  const a = h.bundle({ args: ['sleep', '1000'] });
  const { state } = await h.mustCreate(t, idA, a);
  if (!state?.pid) return;
  const idB = h.id(t, 'peer');
  const b = h.bundle({
    args: ['sh', '-c', 'echo "link=$(readlink /proc/1/exe)"; echo "inode=$(stat -L -c "%d:%i" /proc/1/exe 2>/dev/null)"'],
    config: (c) =>
      (c.linux.namespaces = c.linux.namespaces.map((n: { type: string }) =>
        n.type === 'pid' ? { type: 'pid', path: `/proc/${state.pid}/ns/pid` } : n)),
  });
  const r = await h.run(idB, b);
  t.equal(r.code, 0, 'peer container ran', diag(r));
  const link = r.stdout.match(/^link=(.*)$/m)?.[1] ?? '';
  const inode = r.stdout.match(/^inode=(.*)$/m)?.[1] ?? '';
  t.comment(`inside: /proc/1/exe -> "${link}" (${inode})`);
  t.notOk(hostBinaries().includes(link.replace(/ \(deleted\)$/, '')), 'not the runtime (or node) binary path', { link });
  t.notOk(/^\/(usr|bin|sbin|opt)\//.test(link) || link.startsWith(path.dirname(runtime()) + '/'), 'not a host binary path', { link });
  const node = fs.statSync(process.execPath);
  t.not(inode, `${node.dev}:${node.ino}`, 'not node\'s binary (by device and inode)');
  t.equal(await h.status(idA), 'created', 'the first container is still created');
});

// runc 1.1.5 (Debian build) re-executes itself through a read-only bind mount of its
// own binary ("bindfd"): the inode IS the host runc, protected only by that mount
// being read-only and by ETXTBSY. A sealed copy (memfd) is the stronger design.
t.test(
  '/proc/<pid>/exe of a created container is a different file (inode) from the runtime binary (sealed copy, CVE-2019-5736)',
  isRunc() ? { todo: 'runc difference (not a spec rule): runc 1.1.5 execs its own inode through a read-only bind mount' } : {},
  async (t) => {
    const exe = await createdExe(t);
    if (!exe) return;
    let st: fs.Stats | undefined;
    try {
      const fd = fs.openSync(exe, 'r');
      st = fs.fstatSync(fd);
      fs.closeSync(fd);
    } catch {
      t.pass('not even readable from the host');
      return;
    }
    for (const p of hostBinaries()) {
      const o = fs.statSync(p);
      t.notOk(st.dev === o.dev && st.ino === o.ino, `not the same file as ${p}`);
    }
  },
);

t.test('a numeric uid is never resolved as a user name in the container\'s /etc/passwd (CVE-2016-3697)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['cat', '/proc/self/status'], config: (c) => (c.process.user = { uid: 1000, gid: 1000 }) });
  // A user *named* "1000" with uid 0.
  b.addFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n1000:x:0:0:evil:/:/bin/sh\n');
  const r = await h.run(id, b);
  t.equal(r.code, 0, diag(r));
  t.match(r.stdout, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, 'runs as uid 1000, not 0');
  t.match(r.stdout, /^Gid:\s+1000\s+1000\s+1000\s+1000$/m, 'runs as gid 1000');
});

t.test('the container sees only its own processes (config-linux.md Namespaces: pid)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sh', '-c', 'ls /proc | grep -E "^[0-9]+$"'] });
  const r = await h.run(id, b);
  t.equal(r.code, 0, diag(r));
  const pids = r.stdout.split('\n').filter(Boolean).map(Number);
  t.ok(pids.includes(1), 'pid 1 is present');
  t.ok(pids.length <= 4, 'only the container\'s few processes are visible', { pids });
});

h.done();
