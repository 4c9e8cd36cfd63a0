// Idmapped mounts: a mount's uidMappings / gidMappings and the idmap and
// ridmap options (config.md "Mounts"; the mapping format is config-linux.md
// "User namespace mappings"), with and without the container's own user
// namespace. As in runc 1.2 and crun, a mapping entry {containerID, hostID,
// size} is written like a user namespace's uid_map: an id containerID+k on
// the source filesystem is seen as host id hostID+k through the mount (and
// a container with a user namespace sees that host id through its own map).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { Harness, diag, isRunc, waitFor, type Bundle, type Config } from './lib/harness.js';

const h = new Harness(t, 'idmap');
// A container root mapped to an unprivileged host uid must be able to reach its bundle.
fs.chmodSync(h.base, 0o755);

// runc 1.1.5 predates idmapped mounts (runc 1.2 added them): it ignores
// uidMappings / gidMappings and the idmap / ridmap options without a word,
// so a stat inside shows the unmapped owners (checked by hand).
const skip = isRunc() ? 'runc 1.1.5 has no idmapped mounts: it silently ignores uidMappings/gidMappings, idmap and ridmap' : false;

const OVERFLOW = Number(fs.readFileSync('/proc/sys/kernel/overflowuid', 'utf8').trim());
const OVERFLOW_GID = Number(fs.readFileSync('/proc/sys/kernel/overflowgid', 'utf8').trim());

// Default config mounts are /mounts/0 .. /mounts/6; the first one a test adds is 7.
const FIRST = 7;

interface IdMap {
  containerID: number;
  hostID: number;
  size: number;
}
const map = (containerID: number, hostID: number, size: number): IdMap => ({ containerID, hostID, size });

/** A host directory with files of known owners: a (1001:1002), root (0:0). */
function sourceDir(): string {
  const d = h.hostDir('src');
  fs.chmodSync(d, 0o755);
  fs.writeFileSync(path.join(d, 'a'), 'a\n');
  fs.chownSync(path.join(d, 'a'), 1001, 1002);
  fs.writeFileSync(path.join(d, 'root'), 'root\n');
  return d;
}

function owners(p: string): string {
  const st = fs.statSync(p);
  return `${st.uid}:${st.gid}`;
}

/** Parses lines "<name> <uid>:<gid>" from `stat -c '%n %u:%g'`. */
function parseStat(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [name, ids] = line.trim().split(' ');
    if (name && ids) r[name] = ids;
  }
  return r;
}

interface MountSpec {
  destination: string;
  source: string;
  options: string[];
  uidMappings?: IdMap[];
  gidMappings?: IdMap[];
}

function bindWith(source: string, destination: string, options: string[], uid?: IdMap[], gid?: IdMap[]): MountSpec {
  return { destination, source, options, ...(uid ? { uidMappings: uid } : {}), ...(gid ? { gidMappings: gid } : {}) };
}

/** The container gets a user namespace mapping 0..65535 to host 100000..165535. */
function withUserns(c: Config) {
  c.linux.namespaces.push({ type: 'user' });
  c.linux.uidMappings = [map(0, 100000, 65536)];
  c.linux.gidMappings = [map(0, 100000, 65536)];
}

function bundleWith(mounts: MountSpec[], opts: { userns?: boolean } = {}): Bundle {
  const b = h.bundle();
  fs.chmodSync(b.dir, 0o755);
  // Mount targets exist already: a container root mapped to host 100000
  // cannot create them in a rootfs owned by host root.
  for (const m of mounts) fs.mkdirSync(path.join(b.rootfs, m.destination), { recursive: true });
  b.patch((c) => {
    for (const m of mounts) c.mounts.push({ type: 'bind', ...m });
    if (opts.userns) withUserns(c);
  });
  return b;
}

/** Runs `script` in the container; returns stdout, failing the test unless it exits 0. */
async function runIn(t: Test, b: Bundle, script: string): Promise<string> {
  b.patch((c) => {
    c.process.args = ['sh', '-c', script];
  });
  const r = await h.run(h.id(t), b);
  t.equal(r.code, 0, 'the container ran', diag(r));
  return r.stdout;
}

/** create must fail naming `pointer`, and leave nothing behind. */
async function createFails(t: Test, b: Bundle, message: RegExp) {
  const id = h.id(t);
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, message, 'the error names the field and the problem', diag(r));
  await h.expectNoTrace(t, id, b);
  return r;
}

t.test('uidMappings/gidMappings on a bind mount map its owners, without a user namespace (config.md Mounts)', { skip }, async (t) => {
  const src = sourceDir();
  const b = bundleWith([
    bindWith(src, '/mapped', ['rbind', 'idmap'], [map(1000, 2000, 10), map(0, 5000, 1)], [map(1000, 3000, 10)]),
    bindWith(src, '/plain', ['rbind']),
    // A single file can be idmapped too.
    bindWith(path.join(src, 'a'), '/file', ['bind', 'idmap'], [map(1001, 4001, 1)], [map(1002, 4002, 1)]),
  ]);
  fs.rmdirSync(path.join(b.rootfs, 'file'));
  const out = await runIn(t, b, "stat -c '%n %u:%g' /mapped/a /mapped/root /plain/a /plain/root /file; grep ' /mapped ' /proc/self/mountinfo");
  const ids = parseStat(out);
  t.equal(ids['/mapped/a'], '2001:3002', 'a file owned by 1001:1002 on the source is seen as 2001:3002');
  t.equal(ids['/mapped/root'], `5000:${OVERFLOW_GID}`, 'uid 0 maps to 5000; gid 0 is outside the gid mapping (overflow gid)');
  t.equal(ids['/plain/a'], '1001:1002', 'a plain bind of the same directory is not mapped');
  t.equal(ids['/plain/root'], '0:0');
  t.equal(ids['/file'], '4001:4002', 'an idmapped file bind mount');
  t.match(out, /\bidmapped\b/, 'mountinfo marks the mount idmapped');
  t.equal(owners(path.join(src, 'a')), '1001:1002', 'the source keeps its owners (no chown: config-linux.md)');
});

t.test('a file created through the idmapped mount has the reverse-mapped owner on the host', { skip }, async (t) => {
  const src = sourceDir();
  // The container's root (host uid 0) is containerID 1234 / 4321 on the source.
  // The kernel refuses writes to an inode whose owner has no mapping
  // through the mount: the directory belongs to 1234:4321 on disk.
  fs.chownSync(src, 1234, 4321);
  const b = bundleWith([bindWith(src, '/data', ['bind', 'idmap'], [map(1234, 0, 1)], [map(4321, 0, 1)])]);
  const out = await runIn(t, b, "touch /data/new && stat -c '%n %u:%g' /data/new /data/a");
  const ids = parseStat(out);
  t.equal(ids['/data/new'], '0:0', 'inside, the new file belongs to the container root');
  t.equal(ids['/data/a'], `${OVERFLOW}:${OVERFLOW_GID}`, 'ids outside the mapping are seen as the overflow ids');
  t.equal(owners(path.join(src, 'new')), '1234:4321', 'on the host it belongs to 1234:4321');
});

t.test('a writer whose id has no mapping through the mount cannot create files (EOVERFLOW)', { skip }, async (t) => {
  const src = sourceDir();
  fs.chmodSync(src, 0o777);
  const b = bundleWith([bindWith(src, '/data', ['bind', 'idmap'], [map(0, 2000, 10)], [map(0, 2000, 10)])]);
  b.patch((c) => {
    c.process.args = ['sh', '-c', 'touch /data/new'];
  });
  const r = await h.run(h.id(t), b);
  t.not(r.code, 0, 'touch fails', diag(r));
  t.match(r.stderr, /Value too large/, 'with EOVERFLOW', diag(r));
  t.notOk(fs.existsSync(path.join(src, 'new')), 'nothing was created on the host');
});

t.test('with the container user namespace, mount mappings are relative to the host (config.md Mounts)', { skip }, async (t) => {
  const src = sourceDir();
  const b = bundleWith(
    [
      // The same mapping as the container's: source ids appear unchanged inside.
      bindWith(src, '/same', ['rbind', 'idmap'], [map(0, 100000, 65536)], [map(0, 100000, 65536)]),
      // A different one: source id 1001 is host 100007, which the container sees as 7.
      bindWith(src, '/other', ['rbind', 'idmap'], [map(1001, 100007, 1)], [map(1002, 100009, 1)]),
      bindWith(src, '/plain', ['rbind']),
    ],
    { userns: true },
  );
  const out = await runIn(
    t,
    b,
    "touch /same/new && stat -c '%n %u:%g' /same/a /same/root /same/new /other/a /other/root /plain/a; cat /proc/self/uid_map",
  );
  const ids = parseStat(out);
  t.match(out, /^\s*0\s+100000\s+65536/m, 'the container runs in its own user namespace');
  t.equal(ids['/same/a'], '1001:1002', 'source 1001:1002 is seen as 1001:1002');
  t.equal(ids['/same/root'], '0:0', 'source 0:0 is seen as the container root');
  t.equal(ids['/same/new'], '0:0', 'a new file belongs to the container root inside');
  t.equal(owners(path.join(src, 'new')), '0:0', 'and to 0:0 on the host: the reverse mapping');
  t.equal(ids['/other/a'], '7:9', 'another mapping: source 1001:1002 -> host 100007:100009 -> 7:9 inside');
  t.equal(ids['/other/root'], `${OVERFLOW}:${OVERFLOW_GID}`, 'unmapped ids are the overflow ids');
  t.equal(ids['/plain/a'], `${OVERFLOW}:${OVERFLOW_GID}`, 'a plain bind of host-owned files shows overflow ids in the user namespace');
});

t.test('idmap without mappings takes the container user namespace mapping (config.md: "MAY use the container\'s user namespace mapping")', { skip }, async (t) => {
  const src = sourceDir();
  const b = bundleWith([bindWith(src, '/data', ['rbind', 'idmap'])], { userns: true });
  const out = await runIn(t, b, "touch /data/new && stat -c '%n %u:%g' /data/a /data/root /data/new");
  const ids = parseStat(out);
  t.equal(ids['/data/a'], '1001:1002', 'source 1001:1002 is 1001:1002 inside');
  t.equal(ids['/data/root'], '0:0', 'source root is the container root');
  t.equal(owners(path.join(src, 'new')), '0:0', 'a file the container root creates is 0:0 on the host');
});

// A source tree with a submount: ridmap maps it too (AT_RECURSIVE), idmap only the top mount.
t.test('ridmap maps every mount of an rbind tree; idmap only the top one (config.md Mounts)', { skip }, async (t) => {
  const src = sourceDir();
  const sub = path.join(src, 'sub');
  fs.mkdirSync(sub);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'mode=755', 'idmap-test-sub', sub], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`mount tmpfs: ${m.stderr}`);
  t.teardown(() => {
    spawnSync('umount', ['-l', sub]);
  });
  fs.writeFileSync(path.join(sub, 'b'), 'b\n');
  fs.chownSync(path.join(sub, 'b'), 1001, 1002);
  const uid = [map(1000, 2000, 10)];
  const gid = [map(1000, 3000, 10)];
  const b = bundleWith([bindWith(src, '/top', ['rbind', 'idmap'], uid, gid), bindWith(src, '/all', ['rbind', 'ridmap'], uid, gid)]);
  const out = await runIn(t, b, "stat -c '%n %u:%g' /top/a /top/sub/b /all/a /all/sub/b");
  const ids = parseStat(out);
  t.equal(ids['/top/a'], '2001:3002', 'idmap: the top mount is mapped');
  t.equal(ids['/top/sub/b'], '1001:1002', 'idmap: the submount is not');
  t.equal(ids['/all/a'], '2001:3002', 'ridmap: the top mount is mapped');
  t.equal(ids['/all/sub/b'], '2001:3002', 'ridmap: the submount is mapped too');
});

t.test('bad mappings and options are refused naming the field, leaving nothing behind (runtime.md Errors)', { skip }, async (t) => {
  const src = sourceDir();
  const ok = [map(0, 2000, 10)];
  const cases: { name: string; mounts: MountSpec[]; userns?: boolean; message: RegExp }[] = [
    {
      name: 'overlapping containerID ranges',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], [map(0, 2000, 10), map(5, 3000, 10)], ok)],
      message: new RegExp(`/mounts/${FIRST}/uidMappings/1\\b.*overlaps`),
    },
    {
      name: 'overlapping hostID ranges',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], ok, [map(0, 2000, 10), map(100, 2009, 1)])],
      message: new RegExp(`/mounts/${FIRST}/gidMappings/1\\b.*overlaps`),
    },
    {
      name: 'a zero size',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], [map(0, 2000, 0)], ok)],
      message: new RegExp(`/mounts/${FIRST}/uidMappings/0/size\\b`),
    },
    {
      name: 'a range past the largest id',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], ok, [map(4294967290, 2000, 10)])],
      message: new RegExp(`/mounts/${FIRST}/gidMappings/0\\b`),
    },
    {
      name: 'empty uidMappings',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], [], ok)],
      message: new RegExp(`/mounts/${FIRST}/uidMappings\\b`),
    },
    {
      name: 'uidMappings without gidMappings ("MUST be specified along with gidMappings")',
      mounts: [bindWith(src, '/data', ['bind', 'idmap'], ok)],
      message: new RegExp(`/mounts/${FIRST}\\b.*gidMappings`),
    },
    {
      name: 'idmap without mappings on a container without a user namespace ("an error MUST be returned")',
      mounts: [bindWith(src, '/data', ['rbind', 'idmap'])],
      message: new RegExp(`/mounts/${FIRST}/options/1\\b.*idmap`),
    },
    {
      name: 'ridmap on a tmpfs mount (only bind mounts are idmapped)',
      mounts: [{ destination: '/data', source: 'tmpfs', options: ['ridmap'], uidMappings: ok, gidMappings: ok, type: 'tmpfs' } as MountSpec],
      message: new RegExp(`/mounts/${FIRST}/options/0\\b.*bind mount`),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const b = bundleWith(c.mounts, { userns: c.userns });
      await createFails(t, b, c.message);
      t.notOk(fs.existsSync(path.join(src, 'new')), 'the source is untouched');
    });
  }
});

/** Live processes whose uid_map contains `needle`. */
function processesWithUidMap(needle: RegExp): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (needle.test(fs.readFileSync(`/proc/${e}/uid_map`, 'utf8'))) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

t.test('a source the kernel cannot idmap fails create cleanly: no container, mount or helper process remains', { skip }, async (t) => {
  // procfs does not support idmapped mounts: mount_setattr(MOUNT_ATTR_IDMAP) fails with EINVAL.
  const b = bundleWith([bindWith('/proc', '/data', ['rbind', 'idmap'], [map(0, 777000, 7)], [map(0, 777000, 7)])]);
  const r = await createFails(t, b, /idmap/i);
  t.match(r.stderr, /\/data/, 'the message names the mount', diag(r));
  t.match(r.stderr, /mount_setattr|Invalid argument/, 'and the failing call', diag(r));
  const left = await waitFor(() => processesWithUidMap(/\b777000\b/).length === 0, 3000);
  t.ok(left, 'the helper holding the mapping is gone', { pids: processesWithUidMap(/\b777000\b/) });
});

t.test('idmap with a user namespace joined by path uses that namespace (config.md Mounts)', { skip }, async (t) => {
  // A host process in its own user namespace, mapping 0..65535 to 200000.
  let holder: ChildProcess | undefined;
  t.teardown(() => {
    holder?.kill('SIGKILL');
  });
  holder = spawn('unshare', ['--user', 'sleep', '1000'], { stdio: 'ignore' });
  const pid = holder.pid!;
  // Once the holder is in its new namespace, the test (host root) writes its maps.
  const inNewNs = await waitFor(() => {
    try {
      return fs.readlinkSync(`/proc/${pid}/ns/user`) !== fs.readlinkSync('/proc/self/ns/user');
    } catch {
      return false;
    }
  }, 5000);
  t.ok(inNewNs, 'the holder process is in a new user namespace');
  fs.writeFileSync(`/proc/${pid}/uid_map`, '0 200000 65536\n');
  fs.writeFileSync(`/proc/${pid}/gid_map`, '0 200000 65536\n');
  const src = sourceDir();
  const b = bundleWith([bindWith(src, '/data', ['rbind', 'idmap'])]);
  b.patch((c) => {
    c.linux.namespaces.push({ type: 'user', path: `/proc/${pid}/ns/user` });
  });
  const out = await runIn(t, b, "stat -c '%n %u:%g' /data/a /data/root; cat /proc/self/uid_map");
  const ids = parseStat(out);
  t.match(out, /^\s*0\s+200000\s+65536/m, 'the container joined the namespace');
  t.equal(ids['/data/a'], '1001:1002', 'source ids are seen through the joined namespace mapping');
  t.equal(ids['/data/root'], '0:0');
});

t.test('features: mountExtensions.idmap.enabled, and idmap / ridmap among mountOptions (features-linux.md)', { skip }, async (t) => {
  const r = await h.rt(['features']);
  t.equal(r.code, 0, 'features runs', diag(r));
  const f = JSON.parse(r.stdout);
  t.equal(f.linux?.mountExtensions?.idmap?.enabled, true, 'idmap enabled');
  t.ok(f.mountOptions.includes('idmap') && f.mountOptions.includes('ridmap'), 'both options listed');
});

h.done();
