// The tmpcopyup mount option (a runc extension to config.md Mounts, in runc's
// `features` mountOptions; podman adds it to every --tmpfs and, with
// --read-only, to /tmp, /run and /var/tmp): a tmpfs mounted over a directory of
// the image starts with a copy of that directory's contents.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { DEFAULT_APPLETS, Harness, diag, hostMountsMentioning, mountAt, parseMountInfo, runcDeviation, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'tmpcopyup');

// A fixed, distinctive modification time (2001-09-09T01:46:40Z).
const MTIME = 1_000_000_000;

/** The image directory /data: modes, owners, symlinks, subdirectories, a hard link (and a fifo if asked). */
function imageData(b: Bundle, opts: { fifo?: boolean } = {}) {
  const data = path.join(b.rootfs, 'data');
  fs.mkdirSync(path.join(data, 'sub', 'deeper'), { recursive: true });
  fs.writeFileSync(path.join(data, 'file.txt'), 'hello from the image\n');
  fs.chmodSync(path.join(data, 'file.txt'), 0o640);
  fs.chownSync(path.join(data, 'file.txt'), 1000, 1000);
  fs.utimesSync(path.join(data, 'file.txt'), MTIME, MTIME);
  fs.symlinkSync('file.txt', path.join(data, 'link'));
  fs.lchownSync(path.join(data, 'link'), 1000, 1000);
  // A symlink that would leave the container if followed on the host.
  fs.symlinkSync('/etc', path.join(data, 'abs-link'));
  fs.writeFileSync(path.join(data, 'sub', 'inner.txt'), 'inner\n');
  fs.chmodSync(path.join(data, 'sub', 'inner.txt'), 0o600);
  fs.writeFileSync(path.join(data, 'sub', 'deeper', 'empty'), '');
  fs.chmodSync(path.join(data, 'sub', 'deeper', 'empty'), 0o644);
  fs.chmodSync(path.join(data, 'sub', 'deeper'), 0o755);
  fs.writeFileSync(path.join(data, 'run.sh'), '#!/bin/sh\necho ran\n');
  fs.chmodSync(path.join(data, 'run.sh'), 0o4755);
  fs.linkSync(path.join(data, 'file.txt'), path.join(data, 'hard'));
  if (opts.fifo) {
    const fifo = spawnSync('mkfifo', ['-m', '0620', path.join(data, 'fifo')]);
    if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr}`);
  }
  fs.chmodSync(path.join(data, 'sub'), 0o750);
  fs.chownSync(path.join(data, 'sub'), 1000, 1000);
  fs.utimesSync(path.join(data, 'sub'), MTIME, MTIME);
  fs.chmodSync(data, 0o751);
  fs.chownSync(data, 1000, 1000);
}

/** Everything below `dir` (lstat, never following a link), for "unchanged" checks. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d).sort()) {
      const p = path.join(d, e);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      const head = `${rel} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`;
      if (st.isDirectory()) {
        out.push(`${head}/`);
        walk(p);
      } else if (st.isSymbolicLink()) out.push(`${head} -> ${fs.readlinkSync(p)}`);
      else if (st.isFile()) out.push(`${head} ${fs.readFileSync(p, 'utf8')}`);
      else out.push(`${head} special`);
    }
  };
  walk(dir);
  const st = fs.statSync(dir);
  out.push(`. ${st.mode.toString(8)} ${st.uid}:${st.gid}`);
  return out;
}

const tmpfsMount = (destination: string, options: string[]) => ({ destination, type: 'tmpfs', source: 'tmpfs', options });

/** Runs `script` as the container's root, with CAP_DAC_OVERRIDE to look into 0640 1000:1000 files. */
async function run(t: Test, b: Bundle, script: string): Promise<string> {
  b.patch((c: Config) => {
    c.process.args = ['sh', '-c', script];
    for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_DAC_OVERRIDE');
  });
  const r = await h.run(h.id(t), b);
  t.equal(r.code, 0, 'container ran', diag(r));
  return r.stdout;
}

/** "key value" lines printed by the container script. */
function lines(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of out.split('\n')) {
    const i = l.indexOf(' ');
    if (i > 0) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

t.test('tmpcopyup: the tmpfs over /data starts with a copy of the image directory (runc extension; config.md Mounts)', async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['nosuid', 'nodev', 'tmpcopyup'])) });
  imageData(b);
  const before = snapshot(path.join(b.rootfs, 'data'));
  const out = await run(t, b, [
    'echo "fstype $(stat -f -c %T /data)"',
    'for f in file.txt sub sub/inner.txt sub/deeper sub/deeper/empty run.sh; do echo "$f $(stat -c "%a %u:%g %F" /data/$f)"; done',
    'echo "link $(stat -c "%u:%g %F" /data/link) $(readlink /data/link)"',
    'echo "abs-link $(stat -c %F /data/abs-link) $(readlink /data/abs-link)"',
    'echo "content $(cat /data/file.txt) / $(cat /data/link) / $(cat /data/sub/inner.txt)"',
    'echo "names $(ls -A /data | tr "\\n" " ")"',
    'echo "sizes $(wc -c < /data/file.txt) $(wc -c < /data/sub/deeper/empty)"',
    // writes stay in the tmpfs
    'echo changed > /data/file.txt && echo new > /data/new && rm /data/sub/inner.txt && mkdir /data/made && echo "writes ok"',
    'echo "after $(cat /data/file.txt) $(cat /data/new) $(ls /data/sub/inner.txt 2>&1 >/dev/null | wc -l)"',
    'echo ===; cat /proc/self/mountinfo',
  ].join('\n'));
  const [head, mi] = out.split('===\n');
  const v = lines(head!);
  t.equal(v.get('fstype'), 'tmpfs', 'stat -f says /data is a tmpfs');
  const m = mountAt(parseMountInfo(mi ?? ''), '/data');
  t.equal(m?.fstype, 'tmpfs', 'mountinfo: tmpfs at /data');
  t.ok(m?.options.includes('nosuid') && m?.options.includes('nodev'), 'mount flags applied (nosuid, nodev)', { options: m?.options });
  t.equal(v.get('file.txt'), '640 1000:1000 regular file', 'regular file: mode and owner kept');
  t.equal(v.get('sub'), '750 1000:1000 directory', 'subdirectory: mode and owner kept');
  t.equal(v.get('sub/inner.txt'), '600 0:0 regular file', 'file in a subdirectory copied');
  t.equal(v.get('sub/deeper'), '755 0:0 directory', 'nested directory copied');
  t.equal(v.get('sub/deeper/empty'), '644 0:0 regular empty file', 'empty file copied');
  t.equal(v.get('run.sh'), '4755 0:0 regular file', 'set-uid bit kept (the owner is set first)');
  t.equal(v.get('link'), '1000:1000 symbolic link file.txt', 'symlink copied as a symlink with its owner');
  t.equal(v.get('abs-link'), 'symbolic link /etc', 'an absolute symlink is copied, not followed');
  t.equal(v.get('content'), 'hello from the image / hello from the image / inner', 'contents copied');
  t.equal(v.get('names'), 'abs-link file.txt hard link run.sh sub ', 'nothing more, nothing less');
  t.equal(v.get('sizes'), '21 0', 'sizes');
  t.equal(v.get('writes'), 'ok', 'the copy is writable', { stdout: out });
  t.equal(v.get('after'), 'changed new 1', 'changes seen inside');
  t.strictSame(snapshot(path.join(b.rootfs, 'data')), before, 'the image directory on the host is unchanged');
  t.notOk(fs.existsSync(path.join(b.rootfs, 'data', 'new')), 'a file written inside did not reach the image');
});

t.test('tmpcopyup: the tmpfs root takes the mode of the directory it covers when mode= is not given (runc behaviour)', async (t) => {
  const b = h.bundle({
    config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup']), tmpfsMount('/run', ['nosuid', 'nodev', 'tmpcopyup'])),
  });
  imageData(b);
  fs.mkdirSync(path.join(b.rootfs, 'run'), { mode: 0o755 });
  fs.chmodSync(path.join(b.rootfs, 'run'), 0o755);
  const out = await run(t, b, 'echo "data $(stat -c %a /data)"; echo "run $(stat -c %a /run)"; echo "fs $(stat -f -c %T /run)"');
  const v = lines(out);
  t.equal(v.get('data'), '751', '/data keeps 0751 (not tmpfs\'s 1777)');
  t.equal(v.get('run'), '755', 'an empty /run keeps 0755');
  t.equal(v.get('fs'), 'tmpfs');
});

// runc 1.1.5 leaves the tmpfs root owned by root.
t.test('tmpcopyup: the tmpfs root takes the owner of the directory it covers', runcDeviation('the tmpfs root stays owned by 0:0'), async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  imageData(b);
  const out = await run(t, b, 'echo "owner $(stat -c %u:%g /data)"');
  t.equal(lines(out).get('owner'), '1000:1000');
});

// runc 1.1.5 gives every tmpfs over an existing directory that directory's mode, mode= or not.
t.test('tmpcopyup: an explicit mode= wins for the tmpfs root', runcDeviation('the covered directory\'s mode replaces mode='), async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup', 'mode=1770'])) });
  imageData(b);
  const out = await run(t, b, 'echo "mode $(stat -c %a /data)"; echo "content $(cat /data/file.txt)"');
  const v = lines(out);
  t.equal(v.get('mode'), '1770', 'mode=1770');
  t.equal(v.get('content'), 'hello from the image', 'contents still copied');
});

t.test('tmpcopyup over a directory the image does not have: an empty tmpfs (runc extension)', async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/not/there', ['tmpcopyup', 'size=1m'])) });
  const out = await run(t, b, 'echo "names [$(ls -A /not/there)]"; echo "fs $(stat -f -c %T /not/there)"; echo "mode $(stat -c %a /not/there)"; echo x > /not/there/f && echo "write ok"');
  const v = lines(out);
  t.equal(v.get('names'), '[]', 'empty');
  t.equal(v.get('fs'), 'tmpfs', 'a tmpfs');
  t.equal(v.get('mode'), '1777', 'tmpfs default mode');
  t.equal(v.get('write'), 'ok', 'writable');
  t.ok(fs.statSync(path.join(b.rootfs, 'not', 'there')).isDirectory(), 'the mount point was made in the image');
  t.strictSame(fs.readdirSync(path.join(b.rootfs, 'not', 'there')), [], 'and stays empty');
});

t.test('tmpcopyup with ro: the copy is there, the tmpfs is read-only (config.md Linux mount options: ro)', async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['ro', 'nosuid', 'noexec', 'tmpcopyup', 'size=2m'])) });
  imageData(b);
  const out = await run(t, b, 'echo "content $(cat /data/sub/inner.txt)"; touch /data/x 2>/dev/null || echo "write refused"; echo ===; cat /proc/self/mountinfo');
  const [head, mi] = out.split('===\n');
  const v = lines(head!);
  t.equal(v.get('content'), 'inner', 'copied');
  t.equal(v.get('write'), 'refused', 'writes fail');
  const m = mountAt(parseMountInfo(mi ?? ''), '/data');
  t.equal(m?.fstype, 'tmpfs');
  for (const o of ['ro', 'nosuid', 'noexec']) t.ok(m?.options.includes(o), `option ${o}`, { options: m?.options });
  t.ok(m?.superOptions.includes('size=2048k'), 'size=2m passed to the tmpfs', { superOptions: m?.superOptions });
});

// runc 1.1.5 gives every copy the time of the copy.
t.test('tmpcopyup keeps modification times of files, symlinks and directories', runcDeviation('modification times are not kept'), async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  imageData(b);
  fs.utimesSync(path.join(b.rootfs, 'data'), MTIME + 7, MTIME + 7);
  spawnSync('touch', ['-h', '-d', '@1000000003', path.join(b.rootfs, 'data', 'link')]);
  const out = await run(t, b, 'echo "mtime $(stat -c %Y /data/file.txt) $(stat -c %Y /data/sub) $(stat -c %Y /data/link) $(stat -c %Y /data)"');
  t.equal(lines(out).get('mtime'), `${MTIME} ${MTIME} ${MTIME + 3} ${MTIME + 7}`, 'file, subdirectory, symlink, tmpfs root');
});

// runc 1.1.5 copies each hard link as a file of its own.
t.test('tmpcopyup keeps hard links within the directory', runcDeviation('hard links become separate copies'), async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  imageData(b);
  const out = await run(t, b, 'echo "inodes $(stat -c %i /data/file.txt) $(stat -c %i /data/hard)"; echo "links $(stat -c %h /data/hard)"');
  const [a, c] = (lines(out).get('inodes') ?? '').split(' ');
  t.ok(a && a === c, 'file.txt and hard share an inode', { a, c });
  t.equal(lines(out).get('links'), '2');
});

// runc 1.1.5 fails the whole container: it makes no fifo, then cannot lchown it (ENOENT).
t.test('tmpcopyup copies a fifo as a fifo', runcDeviation('a fifo in the directory makes the copy fail'), async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  imageData(b, { fifo: true });
  const out = await run(t, b, 'echo "fifo $(stat -c "%a %u:%g %F" /data/fifo)"; echo "content $(cat /data/file.txt)"');
  t.equal(lines(out).get('fifo'), '620 0:0 fifo', 'a fifo with its mode');
  t.equal(lines(out).get('content'), 'hello from the image', 'the rest copied too');
});

// Reads extended attributes with python3: Node has no xattr API.
function xattrs(file: string, names: string[]): string[] {
  const script = 'import os,sys\nfor n in sys.argv[2:]:\n  try: print(n, os.getxattr(sys.argv[1], n, follow_symlinks=False).hex())\n  except OSError as e: print(n, "none", e.errno)';
  const r = spawnSync(process.env.PYTHON ?? 'python3', ['-c', script, file, ...names], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

function setXattr(file: string, name: string, valueHex: string) {
  const r = spawnSync(process.env.PYTHON ?? 'python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]))', file, name, valueHex], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
}

// A version-2 file capability granting cap_net_raw (13), permitted and effective.
const FILE_CAP_NET_RAW = Buffer.from(new Uint32Array([0x02000001, 1 << 13, 0, 0, 0]).buffer).toString('hex');

t.test('tmpcopyup copies extended attributes: file capabilities and user.* on files and directories', runcDeviation('extended attributes are not copied'), async (t) => {
  const b = h.bundle({ args: ['sleep', '1000'], config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  imageData(b);
  const data = path.join(b.rootfs, 'data');
  setXattr(path.join(data, 'run.sh'), 'security.capability', FILE_CAP_NET_RAW);
  setXattr(path.join(data, 'file.txt'), 'user.origin', Buffer.from('image').toString('hex'));
  setXattr(path.join(data, 'sub'), 'user.dir', Buffer.from('sub').toString('hex'));
  const id = h.id(t);
  const { state } = await h.mustCreate(t, id, b);
  // The created container's mount namespace holds the tmpfs: look through its root.
  const inside = path.join('/proc', String(state!.pid), 'root', 'data');
  t.strictSame(xattrs(path.join(inside, 'run.sh'), ['security.capability']), [`security.capability ${FILE_CAP_NET_RAW}`], 'file capability kept (set after the owner, which would clear it)');
  t.strictSame(xattrs(path.join(inside, 'file.txt'), ['user.origin']), [`user.origin ${Buffer.from('image').toString('hex')}`], 'user.* on a file');
  t.strictSame(xattrs(path.join(inside, 'sub'), ['user.dir']), [`user.dir ${Buffer.from('sub').toString('hex')}`], 'user.* on a directory');
  t.equal(fs.statSync(path.join(inside, 'run.sh')).mode & 0o7777, 0o4755, 'set-uid bit kept alongside the capability');
});

// runc 1.1.5 writes out the holes of a sparse file.
t.test('tmpcopyup copies large and sparse files whole', runcDeviation('sparse files are filled in'), async (t) => {
  const b = h.bundle({
    applets: [...DEFAULT_APPLETS, 'md5sum'],
    config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])),
  });
  const big = Buffer.alloc(3 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  b.addFile('data/big.bin', '');
  fs.writeFileSync(path.join(b.rootfs, 'data', 'big.bin'), big);
  const sparse = path.join(b.rootfs, 'data', 'sparse.bin');
  const fd = fs.openSync(sparse, 'w');
  fs.writeSync(fd, 'head', 0);
  fs.writeSync(fd, 'tail', 48 * 1024 * 1024);
  fs.closeSync(fd);
  const want = spawnSync('md5sum', [path.join(b.rootfs, 'data', 'big.bin'), sparse], { encoding: 'utf8' }).stdout
    .split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
  const out = await run(t, b, [
    'echo "big $(md5sum < /data/big.bin | cut -d" " -f1) $(wc -c < /data/big.bin)"',
    'echo "sparse $(md5sum < /data/sparse.bin | cut -d" " -f1) $(wc -c < /data/sparse.bin) $(head -c 4 /data/sparse.bin)$(tail -c 4 /data/sparse.bin)"',
    'echo "blocks $(stat -c %b /data/sparse.bin)"',
  ].join('\n'));
  const v = lines(out);
  t.equal(v.get('big'), `${want[0]} ${big.length}`, 'a 3 MiB file is copied byte for byte');
  t.equal(v.get('sparse'), `${want[1]} ${48 * 1024 * 1024 + 4} headtail`, 'a sparse file has the same bytes');
  t.ok(Number(v.get('blocks')) < 1024, 'and stays sparse on the tmpfs (fewer than 1024 512-byte blocks)', { blocks: v.get('blocks') });
});

t.test('tmpcopyup follows an in-root symlinked destination like any mount, and copies what it points at', async (t) => {
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  b.addFile('real/inside.txt', 'via the link\n');
  fs.symlinkSync('/real', path.join(b.rootfs, 'data'));
  const out = await run(t, b, 'echo "fs $(stat -f -c %T /real)"; echo "content $(cat /real/inside.txt)"; echo x > /real/new');
  t.equal(lines(out).get('fs'), 'tmpfs', 'the tmpfs is on the link target');
  t.equal(lines(out).get('content'), 'via the link', 'its contents were copied');
  t.notOk(fs.existsSync(path.join(b.rootfs, 'real', 'new')), 'writes stay in the tmpfs');
});

// runc 1.1.5 walks into mounts below the directory and copies their contents too.
t.test('tmpcopyup copies only the image directory, not mounts below it', runcDeviation('mounts below the directory are copied too'), async (t) => {
  const host = h.hostDir('below');
  fs.writeFileSync(path.join(host, 'from-host'), 'host file\n');
  const b = h.bundle({
    config: (c) => c.mounts.push({ destination: '/data/mnt', type: 'bind', source: host, options: ['rbind', 'ro'] }, tmpfsMount('/data', ['tmpcopyup'])),
  });
  imageData(b);
  fs.mkdirSync(path.join(b.rootfs, 'data', 'mnt'));
  const out = await run(t, b, 'echo "names $(ls -A /data | tr "\\n" " ")"; echo "content $(cat /data/file.txt)"; echo "below $(cat /data/mnt/from-host 2>/dev/null)"');
  t.equal(lines(out).get('content'), 'hello from the image', 'the image files are copied');
  t.notMatch(lines(out).get('names') ?? '', /\bmnt\b/, 'the mount point below /data is left out', { names: lines(out).get('names') });
  t.equal(lines(out).get('below'), '', 'nothing of the mounted host directory was copied');
});

t.test('tmpcopyup: a destination that is a symlink to a host directory neither copies nor covers it', async (t) => {
  const host = h.hostDir('evil');
  fs.writeFileSync(path.join(host, 'canary'), 'host secret\n');
  const before = snapshot(host);
  const b = h.bundle({ config: (c) => c.mounts.push(tmpfsMount('/data', ['tmpcopyup'])) });
  fs.symlinkSync(host, path.join(b.rootfs, 'data'));
  b.patch((c: Config) => {
    c.process.args = ['sh', '-c', 'cat /data/canary 2>/dev/null; ls -A /data; true'];
  });
  const r = await h.run(h.id(t), b);
  // Refusing is fine; succeeding is fine as long as the host directory stayed out of it.
  t.notMatch(r.stdout, /host secret|canary/, 'the host directory was not copied in', diag(r));
  t.strictSame(snapshot(host), before, 'the host directory is unchanged');
  t.strictSame(hostMountsMentioning(host), [], 'nothing is mounted on the host directory');
});

h.done();
