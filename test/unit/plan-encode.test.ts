// Unit tests for src/plan/encode.ts: the TLV records tsrun-init decodes.
// The bytes are read back with an independent little reader below.
import t from 'tap';

import { encodePlan } from '../../src/plan/encode.js';
import { PLAN_VERSION } from '../../src/plan/protocol.js';
import type { Plan } from '../../src/plan/types.js';

// Tag numbers from addon/common/protocol.h, written out here so a drift
// between protocol.ts and the C header fails this test.
const T = {
  Version: 1, Mode: 2, NsNew: 10, NsJoin: 11, NsType: 12, UidMapNeeded: 13,
  Rootfs: 20, RootReadonly: 21, RootPropagation: 22, NoPivot: 23, Mount: 24, MountSource: 25,
  MountDest: 26, MountType: 27, MountFlags: 28, MountData: 29, MountPropagation: 30,
  MountAttrSet: 31, MountAttrClr: 32, MountRecursiveAttr: 33, HostPropagation: 34, MountCopyUp: 35, HostMountNs: 36,
  Device: 40, DevPath: 41, DevMode: 42, DevRdev: 43, DevUid: 44, DevGid: 45,
  Symlink: 47, LinkTarget: 48, MaskedPath: 50, ReadonlyPath: 51, Hostname: 52, Domainname: 53,
  Sysctl: 54, Value: 55, Arg: 60, Env: 61, Cwd: 62, Uid: 63, Gid: 64, AdditionalGid: 65,
  Umask: 66, NoNewPrivs: 67, CapBounding: 68, CapEffective: 69, CapPermitted: 70,
  CapInheritable: 71, CapAmbient: 72, CapsPresent: 73, Rlimit: 74, RlimitType: 75,
  RlimitSoft: 76, RlimitHard: 77, PreserveFds: 78, SeccompBpf: 79, Terminal: 80,
  Path: 82, NewKeyring: 83, ExecFifoName: 84, ConsoleRows: 85, ConsoleCols: 86, OomScoreAdj: 87,
  SeccompFlags: 90, ExecPath: 110, ExecFromFd: 111, HookPause: 112, LoopbackUp: 113, JoinProcess: 114, JoinRoot: 115, Setsid: 81,
  Personality: 120, IoPriority: 121, SchedPolicy: 122, SchedFlags: 123, SchedNice: 124, SchedPriority: 125,
  SchedRuntime: 126, SchedDeadline: 127, SchedPeriod: 128, CpuAffinityInitial: 129, CpuAffinityFinal: 130,
  MemPolicyMode: 131, MemPolicyNodes: 132, TimeOffsets: 133,
} as const;

interface Rec {
  tag: number;
  payload: Uint8Array;
}

/** {u32 tag, u32 len LE, payload}*; throws on any length running past the end. */
function readRecords(buf: Uint8Array): Rec[] {
  const out: Rec[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 8) throw new Error(`truncated header at ${off}`);
    const tag = view.getUint32(off, true);
    const len = view.getUint32(off + 4, true);
    off += 8;
    if (len > buf.length - off) throw new Error(`record ${tag} at ${off - 8} overruns (${len})`);
    out.push({ tag, payload: buf.subarray(off, off + len) });
    off += len;
  }
  return out;
}

function u64(r: Rec): bigint {
  if (r.payload.length !== 8) throw new Error(`tag ${r.tag}: u64 payload of ${r.payload.length} bytes`);
  return new DataView(r.payload.buffer, r.payload.byteOffset, 8).getBigUint64(0, true);
}

function str(r: Rec): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(r.payload);
}

const all = (recs: Rec[], tag: number) => recs.filter((r) => r.tag === tag);
function one(recs: Rec[], tag: number): Rec {
  const found = all(recs, tag);
  if (found.length !== 1) throw new Error(`tag ${tag}: ${found.length} records`);
  return found[0]!;
}

/** glibc <sys/sysmacros.h> __SYSMACROS_DEFINE_MAKEDEV, as 32-bit unsigned arithmetic on halves. */
function glibcMakedev(major: number, minor: number): bigint {
  const M = BigInt(major >>> 0);
  const m = BigInt(minor >>> 0);
  let dev = (M & 0x00000fffn) << 8n;
  dev |= (M & 0xfffff000n) << 32n;
  dev |= (m & 0x000000ffn) << 0n;
  dev |= (m & 0xffffff00n) << 12n;
  return dev;
}

/** gnu_dev_major/gnu_dev_minor, to check the round trip. */
function glibcMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn & 0xffffffffn));
}
function glibcMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn & 0xffffffffn));
}

function basePlan(): Plan {
  return {
    mode: 'create',
    newNamespaces: 0x00020000 | 0x04000000,
    joinNamespaces: [],
    uidMapNeeded: false,
    rootfs: '/bundle/rootfs',
    rootReadonly: false,
    hostPropagation: 0x80000n | 0x4000n,
    rootPropagation: 0n,
    noPivot: false,
    mounts: [],
    devices: [],
    symlinks: [],
    maskedPaths: [],
    readonlyPaths: [],
    sysctls: [],
    args: ['sh'],
    env: [],
    cwd: '/',
    uid: 0,
    gid: 0,
    additionalGids: [],
    noNewPrivileges: false,
    rlimits: [],
    preserveFds: 0,
    terminal: false,
    newKeyring: true,
    execFifoName: 'exec.fifo',
  };
}

function fullPlan(): Plan {
  return {
    ...basePlan(),
    mode: 'join',
    newNamespaces: 0x20000000 | 0x00020000,
    joinNamespaces: [
      { flag: 0x40000000, path: '/proc/123/ns/net' },
      { flag: 0x08000000, path: '/var/run/netns/ipc x' },
    ],
    uidMapNeeded: true,
    rootfs: '/tmp/b ü/rootfs',
    rootReadonly: true,
    hostPropagation: 0x40000n | 0x4000n,
    rootPropagation: 0x100000n | 0x4000n,
    noPivot: true,
    hostMountNs: true,
    joinRoot: '/proc/123/root',
    mounts: [
      {
        source: 'proc', destination: '/proc', type: 'proc', flags: 0xen, data: '', propagation: 0n,
        attrSet: 0n, attrClr: 0n, recursiveAttr: false,
      },
      {
        source: 'tmpfs', destination: '/dev', type: 'tmpfs', flags: 0x2n | 0x1000000n, data: 'mode=755,size=65536k',
        propagation: 0x40000n, attrSet: 0n, attrClr: 0n, recursiveAttr: false, copyUp: true,
      },
      {
        source: '/host/data', destination: '/data', type: 'bind', flags: 0x1000n | 0x4000n, data: '',
        propagation: 0x80000n | 0x4000n, attrSet: 0x1n | 0x10n, attrClr: 0x70n, recursiveAttr: true,
      },
    ],
    devices: [
      { path: '/dev/null', mode: 0o020666, major: 1, minor: 3, uid: 0, gid: 0 },
      { path: '/dev/nvme0n1', mode: 0o060660, major: 259, minor: 300, uid: 1000, gid: 6 },
      { path: '/dev/big', mode: 0o020600, major: 4096 + 17, minor: 0x12345, uid: 4294967294, gid: 65534 },
    ],
    symlinks: [
      { path: '/dev/fd', target: '/proc/self/fd' },
      { path: '/dev/ptmx', target: 'pts/ptmx' },
    ],
    maskedPaths: ['/proc/kcore', '/sys/firmware'],
    readonlyPaths: ['/proc/sys'],
    hostname: 'box',
    domainname: 'example.org',
    sysctls: [
      { key: 'net.ipv4.ip_forward', value: '1' },
      { key: 'kernel.shmmax', value: '68719476736' },
    ],
    args: ['/bin/sh', '-c', 'echo "hi there"', ''],
    env: ['PATH=/bin', 'A=b=c'],
    cwd: '/work dir',
    uid: 1000,
    gid: 1001,
    additionalGids: [5, 6, 4294967295],
    umask: 0o027,
    noNewPrivileges: true,
    capabilities: {
      bounding: (1n << 40n) | 1n,
      effective: 1n << 21n,
      permitted: (1n << 21n) | (1n << 5n),
      inheritable: 0n,
      ambient: 1n << 10n,
    },
    rlimits: [
      { resource: 7, soft: 1024n, hard: 4096n },
      { resource: 4, soft: 0xffffffffffffffffn, hard: 0xffffffffffffffffn },
    ],
    oomScoreAdj: -999,
    preserveFds: 3,
    seccompBpf: new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]),
    terminal: true,
    newKeyring: false,
    execFifoName: 'exec.fifo',
  };
}

t.test('glibc makedev reference values', async (t) => {
  // Values computed with the glibc macros (gnu_dev_makedev).
  t.equal(glibcMakedev(1, 3), 0x103n);
  t.equal(glibcMakedev(259, 0), 0x10300n);
  t.equal(glibcMakedev(0, 256), 0x100000n);
  t.equal(glibcMakedev(4096, 0), 0x100000000000n);
  t.equal(glibcMakedev(0xffffffff, 0xffffffff), 0xffffffffffffffffn);
  for (const [ma, mi] of [[1, 3], [259, 300], [4113, 0x12345], [0xfff, 0xff], [0x1000, 0x100], [0xffffffff, 0xffffffff]] as const) {
    const d = glibcMakedev(ma, mi);
    t.equal(glibcMajor(d), ma, `major round trip ${ma}`);
    t.equal(glibcMinor(d), mi, `minor round trip ${mi}`);
  }
});

t.test('a minimal plan', async (t) => {
  const recs = readRecords(encodePlan(basePlan()));
  t.equal(recs[0]!.tag, T.Version, 'version comes first');
  t.equal(u64(recs[0]!), BigInt(PLAN_VERSION));
  t.equal(PLAN_VERSION, 1, 'matches kPlanVersion in protocol.h');
  t.equal(u64(one(recs, T.Mode)), 0n, 'create = 0');
  t.equal(u64(one(recs, T.NsNew)), 0x04020000n);
  t.equal(all(recs, T.NsJoin).length, 0);
  t.equal(str(one(recs, T.Rootfs)), '/bundle/rootfs');
  t.equal(u64(one(recs, T.HostPropagation)), 0x84000n);
  t.equal(u64(one(recs, T.RootPropagation)), 0n);
  t.equal(u64(one(recs, T.NewKeyring)), 1n);
  t.equal(str(one(recs, T.ExecFifoName)), 'exec.fifo');
  // optional fields are absent, not zero
  for (const tag of [T.Hostname, T.Domainname, T.Umask, T.CapsPresent, T.CapBounding, T.OomScoreAdj, T.SeccompBpf, T.Mount, T.Device])
    t.equal(all(recs, tag).length, 0, `tag ${tag} absent`);
  // every scalar is exactly 8 bytes
  for (const r of recs) {
    if ([T.Rootfs, T.Cwd, T.Arg, T.ExecFifoName].includes(r.tag as never)) continue;
    t.equal(r.payload.length, 8, `tag ${r.tag} is a u64`);
  }
  // booleans are 0/1
  t.equal(u64(one(recs, T.UidMapNeeded)), 0n);
  t.equal(u64(one(recs, T.RootReadonly)), 0n);
  t.equal(u64(one(recs, T.NoPivot)), 0n);
  t.equal(all(recs, T.HostMountNs).length, 0, 'a mount namespace: no HostMountNs record');
  t.equal(all(recs, T.JoinRoot).length, 0, 'a create plan has no JoinRoot');
  t.equal(u64(one(recs, T.NoNewPrivs)), 0n);
  t.equal(u64(one(recs, T.Terminal)), 0n);
});

t.test('a full plan', async (t) => {
  const plan = fullPlan();
  const bytes = encodePlan(plan);
  t.type(bytes, Uint8Array);
  const recs = readRecords(bytes);

  t.equal(u64(one(recs, T.Mode)), 1n, 'join = 1');
  t.equal(u64(one(recs, T.HostMountNs)), 1n, 'no mount namespace');
  t.equal(str(one(recs, T.JoinRoot)), '/proc/123/root');
  t.equal(u64(one(recs, T.NsNew)), 0x20020000n);
  const joins = all(recs, T.NsJoin).map((r) => readRecords(r.payload));
  t.equal(joins.length, 2);
  t.same(
    joins.map((j) => [u64(one(j, T.NsType)), str(one(j, T.Path))]),
    [
      [0x40000000n, '/proc/123/ns/net'],
      [0x08000000n, '/var/run/netns/ipc x'],
    ],
  );
  t.equal(u64(one(recs, T.UidMapNeeded)), 1n);
  t.equal(str(one(recs, T.Rootfs)), '/tmp/b ü/rootfs', 'utf-8 string');
  t.equal(one(recs, T.Rootfs).payload.length, Buffer.byteLength('/tmp/b ü/rootfs'), 'length in bytes, not chars');
  t.equal(u64(one(recs, T.RootReadonly)), 1n);
  t.equal(u64(one(recs, T.HostPropagation)), 0x44000n);
  t.equal(u64(one(recs, T.RootPropagation)), 0x104000n);
  t.equal(u64(one(recs, T.NoPivot)), 1n);

  // mounts: nested records, in order
  const mounts = all(recs, T.Mount).map((r) => readRecords(r.payload));
  t.equal(mounts.length, 3);
  plan.mounts.forEach((m, i) => {
    const r = mounts[i]!;
    t.equal(str(one(r, T.MountSource)), m.source, `mount ${i} source`);
    t.equal(str(one(r, T.MountDest)), m.destination, `mount ${i} dest`);
    t.equal(str(one(r, T.MountType)), m.type, `mount ${i} type`);
    t.equal(u64(one(r, T.MountFlags)), m.flags, `mount ${i} flags`);
    t.equal(u64(one(r, T.MountPropagation)), m.propagation, `mount ${i} propagation`);
    t.equal(u64(one(r, T.MountAttrSet)), m.attrSet, `mount ${i} attr set`);
    t.equal(u64(one(r, T.MountAttrClr)), m.attrClr, `mount ${i} attr clr`);
    t.equal(u64(one(r, T.MountRecursiveAttr)), m.recursiveAttr ? 1n : 0n, `mount ${i} recursive`);
    if (m.data) t.equal(str(one(r, T.MountData)), m.data, `mount ${i} data`);
    else t.equal(all(r, T.MountData).length, 0, `mount ${i}: empty data is omitted`);
    if (m.copyUp) t.equal(u64(one(r, T.MountCopyUp)), 1n, `mount ${i} copy-up`);
    else t.equal(all(r, T.MountCopyUp).length, 0, `mount ${i}: no copy-up record unless asked for`);
    // only mount tags inside a mount record
    for (const x of r)
      t.ok((x.tag >= T.MountSource && x.tag <= T.MountRecursiveAttr) || x.tag === T.MountCopyUp, `mount ${i}: tag ${x.tag} belongs to a mount`);
  });
  t.equal(all(mounts[1]!, T.MountCopyUp).length, 1, 'the copy-up tmpfs carries the record');
  t.equal(all(recs, T.MountCopyUp).length, 0, 'the copy-up tag only appears nested in a mount');
  t.equal(str(one(mounts[1]!, T.MountData)), 'mode=755,size=65536k');

  // devices and makedev
  const devices = all(recs, T.Device).map((r) => readRecords(r.payload));
  t.equal(devices.length, 3);
  plan.devices.forEach((d, i) => {
    const r = devices[i]!;
    t.equal(str(one(r, T.DevPath)), d.path);
    t.equal(u64(one(r, T.DevMode)), BigInt(d.mode), `${d.path} mode`);
    const rdev = u64(one(r, T.DevRdev));
    t.equal(rdev, glibcMakedev(d.major, d.minor), `${d.path} rdev is gnu_dev_makedev(${d.major}, ${d.minor})`);
    t.equal(glibcMajor(rdev), d.major, `${d.path} major`);
    t.equal(glibcMinor(rdev), d.minor, `${d.path} minor`);
    t.equal(u64(one(r, T.DevUid)), BigInt(d.uid));
    t.equal(u64(one(r, T.DevGid)), BigInt(d.gid));
  });
  t.equal(u64(one(devices[0]!, T.DevRdev)), 0x103n, '/dev/null is 1:3 = 0x103');
  t.equal(u64(one(devices[1]!, T.DevRdev)), 0x1032cn | (0x100n << 12n), '259:300');
  t.not(u64(one(devices[1]!, T.DevRdev)), (259n << 8n) | 300n, 'not the old 8-bit encoding');

  const links = all(recs, T.Symlink).map((r) => readRecords(r.payload));
  t.same(
    links.map((l) => [str(one(l, T.Path)), str(one(l, T.LinkTarget))]),
    plan.symlinks.map((l) => [l.path, l.target]),
  );
  t.same(all(recs, T.MaskedPath).map(str), plan.maskedPaths);
  t.same(all(recs, T.ReadonlyPath).map(str), plan.readonlyPaths);
  t.equal(str(one(recs, T.Hostname)), 'box');
  t.equal(str(one(recs, T.Domainname)), 'example.org');
  const sysctls = all(recs, T.Sysctl).map((r) => readRecords(r.payload));
  t.same(
    sysctls.map((s) => [str(one(s, T.Path)), str(one(s, T.Value))]),
    plan.sysctls.map((s) => [s.key, s.value]),
  );

  t.same(all(recs, T.Arg).map(str), plan.args, 'args in order, empty one kept');
  t.equal(all(recs, T.Arg)[3]!.payload.length, 0, 'empty arg is a zero-length record');
  t.same(all(recs, T.Env).map(str), plan.env);
  t.equal(str(one(recs, T.Cwd)), '/work dir');
  t.equal(u64(one(recs, T.Uid)), 1000n);
  t.equal(u64(one(recs, T.Gid)), 1001n);
  t.same(all(recs, T.AdditionalGid).map(u64), [5n, 6n, 4294967295n]);
  t.equal(u64(one(recs, T.Umask)), 0o027n);
  t.equal(u64(one(recs, T.NoNewPrivs)), 1n);

  t.equal(u64(one(recs, T.CapsPresent)), 1n);
  t.equal(u64(one(recs, T.CapBounding)), (1n << 40n) | 1n);
  t.equal(u64(one(recs, T.CapEffective)), 1n << 21n);
  t.equal(u64(one(recs, T.CapPermitted)), (1n << 21n) | (1n << 5n));
  t.equal(u64(one(recs, T.CapInheritable)), 0n);
  t.equal(u64(one(recs, T.CapAmbient)), 1n << 10n);

  const rlimits = all(recs, T.Rlimit).map((r) => readRecords(r.payload));
  t.same(
    rlimits.map((r) => [u64(one(r, T.RlimitType)), u64(one(r, T.RlimitSoft)), u64(one(r, T.RlimitHard))]),
    [
      [7n, 1024n, 4096n],
      [4n, 0xffffffffffffffffn, 0xffffffffffffffffn],
    ],
  );

  const oom = one(recs, T.OomScoreAdj);
  t.equal(u64(oom), (1n << 64n) - 999n, 'negative oomScoreAdj is two\'s complement');
  t.equal(new DataView(oom.payload.buffer, oom.payload.byteOffset, 8).getBigInt64(0, true), -999n);
  t.equal(u64(one(recs, T.PreserveFds)), 3n);
  t.same([...one(recs, T.SeccompBpf).payload], [0x06, 0, 0, 0, 0, 0, 0xff, 0x7f], 'seccomp bytes verbatim');
  t.equal(u64(one(recs, T.Terminal)), 1n);
  t.equal(u64(one(recs, T.NewKeyring)), 0n);

  // no unknown tags at the top level
  const known = new Set<number>(Object.values(T));
  for (const r of recs) t.ok(known.has(r.tag), `top-level tag ${r.tag} is known`);
});

t.test('copy-up mount record', async (t) => {
  const mount = {
    source: 'tmpfs', destination: '/run', type: 'tmpfs', flags: 0x6n, data: 'size=65536k', propagation: 0n,
    attrSet: 0n, attrClr: 0n, recursiveAttr: false,
  };
  const encodeOne = (m: Plan['mounts'][number]) => readRecords(one(readRecords(encodePlan({ ...basePlan(), mounts: [m] })), T.Mount).payload);
  const on = encodeOne({ ...mount, copyUp: true });
  const rec = one(on, T.MountCopyUp);
  t.equal(rec.payload.length, 8, 'a u64 bool');
  t.equal(u64(rec), 1n, 'true is 1');
  t.equal(on[on.length - 1]!.tag, T.MountCopyUp, 'written last, after the data');
  t.equal(str(one(on, T.MountData)), 'size=65536k');
  t.equal(all(encodeOne({ ...mount, copyUp: false }), T.MountCopyUp).length, 0, 'false: omitted');
  t.equal(all(encodeOne(mount), T.MountCopyUp).length, 0, 'absent: omitted');
  // Apart from the record, the encoding is the same.
  const without = encodePlan({ ...basePlan(), mounts: [mount] });
  const withIt = encodePlan({ ...basePlan(), mounts: [{ ...mount, copyUp: true }] });
  t.equal(withIt.length - without.length, 16, 'one 8-byte header plus one u64');
});

t.test('oomScoreAdj edge values', async (t) => {
  for (const v of [-1000, -1, 0, 1, 1000]) {
    const recs = readRecords(encodePlan({ ...basePlan(), oomScoreAdj: v }));
    const r = one(recs, T.OomScoreAdj);
    t.equal(new DataView(r.payload.buffer, r.payload.byteOffset, 8).getBigInt64(0, true), BigInt(v), `${v}`);
  }
  t.equal(u64(one(readRecords(encodePlan({ ...basePlan(), oomScoreAdj: -1 })), T.OomScoreAdj)), 0xffffffffffffffffn);
});

t.test('a NUL byte in any string throws', async (t) => {
  const cases: [string, (p: Plan) => void][] = [
    ['arg', (p) => (p.args = ['sh', 'a\0b'])],
    ['env', (p) => (p.env = ['A=\0'])],
    ['rootfs', (p) => (p.rootfs = '/x\0/y')],
    ['cwd', (p) => (p.cwd = '/\0')],
    ['hostname', (p) => (p.hostname = 'h\0')],
    ['mount source', (p) => (p.mounts = [{ ...fullPlan().mounts[0]!, source: 'pr\0c' }])],
    ['mount data', (p) => (p.mounts = [{ ...fullPlan().mounts[1]!, data: 'mode=755\0' }])],
    ['device path', (p) => (p.devices = [{ ...fullPlan().devices[0]!, path: '/dev/\0null' }])],
    ['symlink target', (p) => (p.symlinks = [{ path: '/dev/fd', target: '\0' }])],
    ['sysctl value', (p) => (p.sysctls = [{ key: 'net.x', value: '1\0' }])],
    ['ns path', (p) => (p.joinNamespaces = [{ flag: 0x40000000, path: '/proc/1/ns/net\0' }])],
    ['masked path', (p) => (p.maskedPaths = ['\0'])],
  ];
  for (const [name, mutate] of cases) {
    const p = basePlan();
    mutate(p);
    t.throws(() => encodePlan(p), /NUL/, name);
  }
  // seccomp is binary: NULs there are fine
  t.doesNotThrow(() => encodePlan({ ...basePlan(), seccompBpf: new Uint8Array(16) }));
});

t.test('lengths are exact and the buffer has no slack', async (t) => {
  const bytes = encodePlan(fullPlan());
  // readRecords consumed everything without overrun; re-sum the sizes
  const recs = readRecords(bytes);
  const total = recs.reduce((n, r) => n + 8 + r.payload.length, 0);
  t.equal(total, bytes.length);
  // encoding is deterministic
  t.same([...encodePlan(fullPlan())], [...bytes]);
});

t.test('process attributes: personality, ioPriority, scheduler, affinity, memory policy, time offsets', async (t) => {
  const none = readRecords(encodePlan(basePlan()));
  for (const tag of [T.Personality, T.IoPriority, T.SchedPolicy, T.CpuAffinityInitial, T.CpuAffinityFinal, T.MemPolicyMode, T.TimeOffsets])
    t.equal(all(none, tag).length, 0, `tag ${tag} absent unless asked for`);
  const recs = readRecords(
    encodePlan({
      ...basePlan(),
      personality: 8,
      ioPriority: (2 << 13) | 6,
      scheduler: { policy: 6, flags: 1, nice: -5, priority: 0, runtime: 1000000n, deadline: 2000000n, period: 3000000n },
      cpuAffinityInitial: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]),
      cpuAffinityFinal: new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]),
      memoryPolicy: { mode: 3, nodes: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]) },
      timeOffsets: 'boottime 5 0\n',
    }),
  );
  t.equal(u64(one(recs, T.Personality)), 8n);
  t.equal(u64(one(recs, T.IoPriority)), (2n << 13n) | 6n);
  t.equal(u64(one(recs, T.SchedPolicy)), 6n);
  t.equal(u64(one(recs, T.SchedFlags)), 1n);
  t.equal(BigInt.asIntN(64, u64(one(recs, T.SchedNice))), -5n, 'nice is a two\'s complement i64');
  t.equal(u64(one(recs, T.SchedPriority)), 0n);
  t.equal(u64(one(recs, T.SchedRuntime)), 1000000n);
  t.equal(u64(one(recs, T.SchedDeadline)), 2000000n);
  t.equal(u64(one(recs, T.SchedPeriod)), 3000000n);
  t.same([...one(recs, T.CpuAffinityInitial).payload], [1, 0, 0, 0, 0, 0, 0, 0]);
  t.same([...one(recs, T.CpuAffinityFinal).payload], [3, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(u64(one(recs, T.MemPolicyMode)), 3n);
  t.same([...one(recs, T.MemPolicyNodes).payload], [1, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(str(one(recs, T.TimeOffsets)), 'boottime 5 0\n');
});
