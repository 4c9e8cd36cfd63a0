// Unit tests for src/plan/mount-options.ts: OCI mount options -> mount(2)
// flags, propagation, mount_setattr(2) attributes and the data string.
import t from 'tap';

import { bindAttributes, knownMountOptions, MOUNT_ATTR, MS, parseMountOptions } from '../../src/plan/mount-options.js';

// Values from <linux/mount.h> / <sys/mount.h>, written out independently of
// the module so a typo in either place shows up.
const K = {
  MS_RDONLY: 1n,
  MS_NOSUID: 2n,
  MS_NODEV: 4n,
  MS_NOEXEC: 8n,
  MS_SYNCHRONOUS: 16n,
  MS_REMOUNT: 32n,
  MS_MANDLOCK: 64n,
  MS_DIRSYNC: 128n,
  MS_NOSYMFOLLOW: 256n,
  MS_NOATIME: 1024n,
  MS_NODIRATIME: 2048n,
  MS_BIND: 4096n,
  MS_REC: 16384n,
  MS_SILENT: 32768n,
  MS_UNBINDABLE: 1n << 17n,
  MS_PRIVATE: 1n << 18n,
  MS_SLAVE: 1n << 19n,
  MS_SHARED: 1n << 20n,
  MS_RELATIME: 1n << 21n,
  MS_STRICTATIME: 1n << 24n,
  MS_LAZYTIME: 1n << 25n,
  MOUNT_ATTR_RDONLY: 0x1n,
  MOUNT_ATTR_NOSUID: 0x2n,
  MOUNT_ATTR_NODEV: 0x4n,
  MOUNT_ATTR_NOEXEC: 0x8n,
  MOUNT_ATTR__ATIME: 0x70n,
  MOUNT_ATTR_RELATIME: 0x0n,
  MOUNT_ATTR_NOATIME: 0x10n,
  MOUNT_ATTR_STRICTATIME: 0x20n,
  MOUNT_ATTR_NODIRATIME: 0x80n,
  MOUNT_ATTR_NOSYMFOLLOW: 0x200000n,
};

t.test('constants match the kernel headers', async (t) => {
  t.equal(MS.RDONLY, K.MS_RDONLY);
  t.equal(MS.NOSUID, K.MS_NOSUID);
  t.equal(MS.NODEV, K.MS_NODEV);
  t.equal(MS.NOEXEC, K.MS_NOEXEC);
  t.equal(MS.SYNCHRONOUS, K.MS_SYNCHRONOUS);
  t.equal(MS.REMOUNT, K.MS_REMOUNT);
  t.equal(MS.MANDLOCK, K.MS_MANDLOCK);
  t.equal(MS.DIRSYNC, K.MS_DIRSYNC);
  t.equal(MS.NOSYMFOLLOW, K.MS_NOSYMFOLLOW);
  t.equal(MS.NOATIME, K.MS_NOATIME);
  t.equal(MS.NODIRATIME, K.MS_NODIRATIME);
  t.equal(MS.BIND, K.MS_BIND);
  t.equal(MS.REC, K.MS_REC);
  t.equal(MS.SILENT, K.MS_SILENT);
  t.equal(MS.UNBINDABLE, K.MS_UNBINDABLE);
  t.equal(MS.PRIVATE, K.MS_PRIVATE);
  t.equal(MS.SLAVE, K.MS_SLAVE);
  t.equal(MS.SHARED, K.MS_SHARED);
  t.equal(MS.RELATIME, K.MS_RELATIME);
  t.equal(MS.STRICTATIME, K.MS_STRICTATIME);
  t.equal(MS.LAZYTIME, K.MS_LAZYTIME);
  t.equal(MOUNT_ATTR.RDONLY, K.MOUNT_ATTR_RDONLY);
  t.equal(MOUNT_ATTR.NOSUID, K.MOUNT_ATTR_NOSUID);
  t.equal(MOUNT_ATTR.NODEV, K.MOUNT_ATTR_NODEV);
  t.equal(MOUNT_ATTR.NOEXEC, K.MOUNT_ATTR_NOEXEC);
  t.equal(MOUNT_ATTR.ATIME_MASK, K.MOUNT_ATTR__ATIME);
  t.equal(MOUNT_ATTR.RELATIME, K.MOUNT_ATTR_RELATIME);
  t.equal(MOUNT_ATTR.NOATIME, K.MOUNT_ATTR_NOATIME);
  t.equal(MOUNT_ATTR.STRICTATIME, K.MOUNT_ATTR_STRICTATIME);
  t.equal(MOUNT_ATTR.NODIRATIME, K.MOUNT_ATTR_NODIRATIME);
  t.equal(MOUNT_ATTR.NOSYMFOLLOW, K.MOUNT_ATTR_NOSYMFOLLOW);
});

t.test('no options / undefined', async (t) => {
  for (const p of [parseMountOptions(), parseMountOptions([])]) {
    t.same(p, {
      flags: 0n,
      cleared: 0n,
      propagation: 0n,
      data: [],
      recursiveSet: 0n,
      recursiveClr: 0n,
      hasRecursive: false,
      copyUp: false,
      unsupported: [],
    });
  }
  const d = parseMountOptions(['defaults']);
  t.equal(d.flags, 0n, 'defaults sets nothing');
  t.equal(d.cleared, 0n, 'defaults clears nothing');
  t.same(d.data, [], 'defaults is not passed as data');
});

// [set option, clear option, flag]
const PAIRS: [string, string, bigint][] = [
  ['ro', 'rw', K.MS_RDONLY],
  ['nosuid', 'suid', K.MS_NOSUID],
  ['nodev', 'dev', K.MS_NODEV],
  ['noexec', 'exec', K.MS_NOEXEC],
  ['sync', 'async', K.MS_SYNCHRONOUS],
  ['mand', 'nomand', K.MS_MANDLOCK],
  ['noatime', 'atime', K.MS_NOATIME],
  ['nodiratime', 'diratime', K.MS_NODIRATIME],
  ['relatime', 'norelatime', K.MS_RELATIME],
  ['strictatime', 'nostrictatime', K.MS_STRICTATIME],
  ['lazytime', 'nolazytime', K.MS_LAZYTIME],
  ['silent', 'loud', K.MS_SILENT],
  ['nosymfollow', 'symfollow', K.MS_NOSYMFOLLOW],
];

t.test('flag options set and clear', async (t) => {
  for (const [on, off, flag] of PAIRS) {
    const a = parseMountOptions([on]);
    t.equal(a.flags, flag, `${on} sets its flag`);
    t.equal(a.cleared, 0n, `${on} clears nothing`);
    t.same(a.data, [], `${on} is not data`);

    const b = parseMountOptions([off]);
    t.equal(b.flags, 0n, `${off} sets nothing`);
    t.equal(b.cleared, flag, `${off} records the cleared flag`);

    const c = parseMountOptions([on, off]);
    t.equal(c.flags, 0n, `${on},${off}: the last one wins (cleared)`);
    t.equal(c.cleared, flag);

    const d = parseMountOptions([off, on]);
    t.equal(d.flags, flag, `${off},${on}: the last one wins (set)`);
    t.equal(d.cleared, 0n, `${off},${on}: no longer cleared`);
  }
});

t.test('one-way flag options', async (t) => {
  t.equal(parseMountOptions(['dirsync']).flags, K.MS_DIRSYNC);
  t.equal(parseMountOptions(['remount']).flags, K.MS_REMOUNT);
  t.equal(parseMountOptions(['bind']).flags, K.MS_BIND);
  t.equal(parseMountOptions(['rbind']).flags, K.MS_BIND | K.MS_REC);
});

t.test('flags accumulate', async (t) => {
  const p = parseMountOptions(['nosuid', 'noexec', 'nodev', 'ro', 'rbind']);
  t.equal(p.flags, K.MS_NOSUID | K.MS_NOEXEC | K.MS_NODEV | K.MS_RDONLY | K.MS_BIND | K.MS_REC);
  t.same(p.data, []);
  t.equal(p.propagation, 0n);
  t.equal(p.hasRecursive, false);
});

t.test('atime family', async (t) => {
  t.equal(parseMountOptions(['noatime', 'nodiratime']).flags, K.MS_NOATIME | K.MS_NODIRATIME);
  t.equal(parseMountOptions(['strictatime']).flags, K.MS_STRICTATIME);
  t.equal(parseMountOptions(['relatime', 'lazytime']).flags, K.MS_RELATIME | K.MS_LAZYTIME);
  const p = parseMountOptions(['noatime', 'atime', 'relatime']);
  t.equal(p.flags, K.MS_RELATIME);
  t.equal(p.cleared, K.MS_NOATIME);
});

t.test('propagation options', async (t) => {
  const cases: [string, bigint][] = [
    ['private', K.MS_PRIVATE],
    ['rprivate', K.MS_PRIVATE | K.MS_REC],
    ['shared', K.MS_SHARED],
    ['rshared', K.MS_SHARED | K.MS_REC],
    ['slave', K.MS_SLAVE],
    ['rslave', K.MS_SLAVE | K.MS_REC],
    ['unbindable', K.MS_UNBINDABLE],
    ['runbindable', K.MS_UNBINDABLE | K.MS_REC],
  ];
  for (const [opt, want] of cases) {
    const p = parseMountOptions([opt]);
    t.equal(p.propagation, want, opt);
    t.equal(p.flags, 0n, `${opt} is not a mount flag`);
    t.same(p.data, [], `${opt} is not data`);
  }
  t.equal(parseMountOptions(['rshared', 'private']).propagation, K.MS_PRIVATE, 'last propagation wins');
  // bind + propagation: MS_REC of rbind stays in flags, propagation apart.
  const b = parseMountOptions(['rbind', 'rslave']);
  t.equal(b.flags, K.MS_BIND | K.MS_REC);
  t.equal(b.propagation, K.MS_SLAVE | K.MS_REC);
});

t.test('recursive (mount_setattr) options', async (t) => {
  const cases: [string, bigint, bigint][] = [
    ['rro', K.MOUNT_ATTR_RDONLY, 0n],
    ['rrw', 0n, K.MOUNT_ATTR_RDONLY],
    ['rnosuid', K.MOUNT_ATTR_NOSUID, 0n],
    ['rsuid', 0n, K.MOUNT_ATTR_NOSUID],
    ['rnodev', K.MOUNT_ATTR_NODEV, 0n],
    ['rdev', 0n, K.MOUNT_ATTR_NODEV],
    ['rnoexec', K.MOUNT_ATTR_NOEXEC, 0n],
    ['rexec', 0n, K.MOUNT_ATTR_NOEXEC],
    ['rnodiratime', K.MOUNT_ATTR_NODIRATIME, 0n],
    ['rdiratime', 0n, K.MOUNT_ATTR_NODIRATIME],
    ['rnosymfollow', K.MOUNT_ATTR_NOSYMFOLLOW, 0n],
    ['rsymfollow', 0n, K.MOUNT_ATTR_NOSYMFOLLOW],
    // atime values are an enum: setting one must clear the whole mask.
    ['rrelatime', K.MOUNT_ATTR_RELATIME, K.MOUNT_ATTR__ATIME],
    ['rnoatime', K.MOUNT_ATTR_NOATIME, K.MOUNT_ATTR__ATIME],
    ['rstrictatime', K.MOUNT_ATTR_STRICTATIME, K.MOUNT_ATTR__ATIME],
  ];
  for (const [opt, set, clr] of cases) {
    const p = parseMountOptions([opt]);
    t.equal(p.recursiveSet, set, `${opt} set`);
    t.equal(p.recursiveClr, clr, `${opt} clr`);
    t.equal(p.hasRecursive, true, `${opt} marks the mount recursive`);
    t.equal(p.flags, 0n, `${opt} is no mount(2) flag`);
    t.same(p.data, [], `${opt} is not data`);
  }
  const combo = parseMountOptions(['rro', 'rnosuid', 'rnodev', 'rnoexec']);
  t.equal(combo.recursiveSet, K.MOUNT_ATTR_RDONLY | K.MOUNT_ATTR_NOSUID | K.MOUNT_ATTR_NODEV | K.MOUNT_ATTR_NOEXEC);
  t.equal(combo.recursiveClr, 0n);

  // A later atime option replaces an earlier one in the set mask.
  const atime = parseMountOptions(['rnoatime', 'rstrictatime']);
  t.equal(atime.recursiveSet, K.MOUNT_ATTR_STRICTATIME, 'rstrictatime replaced rnoatime');
  t.equal(atime.recursiveClr, K.MOUNT_ATTR__ATIME);
  const rel = parseMountOptions(['rnoatime', 'rrelatime']);
  t.equal(rel.recursiveSet, 0n, 'rrelatime (0) replaced rnoatime');
  t.equal(rel.recursiveClr, K.MOUNT_ATTR__ATIME);

  // The kernel refuses atime bits in attr_set unless the whole mask is in attr_clr.
  for (const opts of [['rnoatime'], ['rstrictatime'], ['rro', 'rnoatime', 'rnosuid']]) {
    const p = parseMountOptions(opts);
    if (p.recursiveSet & K.MOUNT_ATTR__ATIME) t.equal(p.recursiveClr & K.MOUNT_ATTR__ATIME, K.MOUNT_ATTR__ATIME, `${opts} clears the atime mask`);
  }

  t.equal(parseMountOptions(['rro', 'rrw']).recursiveClr, K.MOUNT_ATTR_RDONLY);
  t.equal(parseMountOptions(['rbind']).hasRecursive, false, 'rbind is no mount_setattr option');
});

t.test('data options are kept in order', async (t) => {
  const p = parseMountOptions(['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
  t.equal(p.flags, K.MS_NOSUID | K.MS_STRICTATIME);
  t.same(p.data, ['mode=755', 'size=65536k']);
  t.equal(p.data.join(','), 'mode=755,size=65536k');

  const pts = parseMountOptions(['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
  t.same(pts.data, ['newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
  t.equal(pts.flags, K.MS_NOSUID | K.MS_NOEXEC);

  // Unknown words are filesystem options, never silently dropped.
  t.same(parseMountOptions(['lowerdir=/a:/b', 'upperdir=/u', 'workdir=/w', 'index=off']).data, [
    'lowerdir=/a:/b',
    'upperdir=/u',
    'workdir=/w',
    'index=off',
  ]);
  // Options are case-sensitive like in runc: "RO" is data, not MS_RDONLY.
  const upper = parseMountOptions(['RO']);
  t.equal(upper.flags, 0n);
  t.same(upper.data, ['RO']);
});

t.test('idmap and ridmap ask for an idmapping: neither flag nor data, the last one wins', async (t) => {
  for (const [opt, recursive] of [['idmap', false], ['ridmap', true]] as const) {
    const p = parseMountOptions(['rbind', opt, 'ro']);
    t.same(p.idmap, { option: opt, recursive }, opt);
    t.same(p.unsupported, [], `${opt} is supported`);
    t.same(p.data, [], `${opt} is not passed on as data`);
    t.equal(p.flags, K.MS_BIND | K.MS_REC | K.MS_RDONLY);
    t.equal(p.copyUp, false, `${opt} is no copy-up`);
  }
  t.same(parseMountOptions(['idmap', 'tmpcopyup', 'ridmap']).idmap, { option: 'ridmap', recursive: true }, 'ridmap after idmap');
  t.same(parseMountOptions(['ridmap', 'idmap']).idmap, { option: 'idmap', recursive: false }, 'idmap after ridmap');
  t.equal(parseMountOptions(['rbind']).idmap, undefined, 'absent unless asked for');
  t.same(parseMountOptions(['IDMAP']).data, ['IDMAP'], 'case-sensitive: a different word is filesystem data');
});

t.test('tmpcopyup is recognised: a copy-up request, neither flag nor data', async (t) => {
  const p = parseMountOptions(['nosuid', 'nodev', 'noexec', 'tmpcopyup', 'size=64m']);
  t.equal(p.copyUp, true, 'copyUp set');
  t.same(p.unsupported, [], 'not unsupported');
  t.same(p.data, ['size=64m'], 'not passed on as filesystem data');
  t.equal(p.flags, K.MS_NOSUID | K.MS_NODEV | K.MS_NOEXEC, 'flags unaffected');
  t.equal(p.cleared, 0n);
  t.equal(p.propagation, 0n);
  t.equal(p.hasRecursive, false);
  // podman's --read-only /run: rw,nosuid,nodev,noexec,tmpcopyup with mode and size
  const podman = parseMountOptions(['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup', 'mode=755', 'size=65536k']);
  t.equal(podman.copyUp, true);
  t.same(podman.data, ['mode=755', 'size=65536k']);
  t.equal(podman.propagation, K.MS_PRIVATE | K.MS_REC);
  t.equal(parseMountOptions(['tmpcopyup', 'tmpcopyup']).copyUp, true, 'repeating it is harmless');
  t.equal(parseMountOptions(['nosuid']).copyUp, false, 'off unless asked for');
  // Case-sensitive like every other option: a different word is filesystem data.
  const upper = parseMountOptions(['TMPCOPYUP']);
  t.equal(upper.copyUp, false);
  t.same(upper.data, ['TMPCOPYUP']);
  t.same(parseMountOptions(['notmpcopyup']).data, ['notmpcopyup'], 'podman\'s notmpcopyup is no OCI option: left as data');
  t.ok(knownMountOptions().includes('tmpcopyup'), 'listed by knownMountOptions (tsrun features)');
  t.ok(knownMountOptions().includes('idmap') && knownMountOptions().includes('ridmap'), 'idmap and ridmap are listed');
});

t.test('bindAttributes maps plain flags to mount_setattr attributes', async (t) => {
  const set1: [string, bigint][] = [
    ['ro', K.MOUNT_ATTR_RDONLY],
    ['nosuid', K.MOUNT_ATTR_NOSUID],
    ['nodev', K.MOUNT_ATTR_NODEV],
    ['noexec', K.MOUNT_ATTR_NOEXEC],
    ['nodiratime', K.MOUNT_ATTR_NODIRATIME],
    ['nosymfollow', K.MOUNT_ATTR_NOSYMFOLLOW],
  ];
  for (const [opt, attr] of set1) {
    t.same(bindAttributes(parseMountOptions(['bind', opt])), { set: attr, clr: 0n }, `${opt} -> set`);
  }
  const clr1: [string, bigint][] = [
    ['rw', K.MOUNT_ATTR_RDONLY],
    ['suid', K.MOUNT_ATTR_NOSUID],
    ['dev', K.MOUNT_ATTR_NODEV],
    ['exec', K.MOUNT_ATTR_NOEXEC],
    ['diratime', K.MOUNT_ATTR_NODIRATIME],
    ['symfollow', K.MOUNT_ATTR_NOSYMFOLLOW],
  ];
  for (const [opt, attr] of clr1) {
    t.same(bindAttributes(parseMountOptions(['bind', opt])), { set: 0n, clr: attr }, `${opt} -> clr`);
  }

  t.same(bindAttributes(parseMountOptions(['rbind'])), { set: 0n, clr: 0n }, 'plain bind: nothing to change');
  t.same(bindAttributes(parseMountOptions(['rbind', 'mode=755'])), { set: 0n, clr: 0n }, 'data has no attribute');
  t.same(
    bindAttributes(parseMountOptions(['rbind', 'ro', 'nosuid', 'nodev', 'noexec'])),
    { set: K.MOUNT_ATTR_RDONLY | K.MOUNT_ATTR_NOSUID | K.MOUNT_ATTR_NODEV | K.MOUNT_ATTR_NOEXEC, clr: 0n },
  );
  t.same(bindAttributes(parseMountOptions(['ro', 'rw'])), { set: 0n, clr: K.MOUNT_ATTR_RDONLY }, 'rw after ro clears');
  t.same(bindAttributes(parseMountOptions(['rw', 'ro'])), { set: K.MOUNT_ATTR_RDONLY, clr: 0n }, 'ro after rw sets');
  // Flags without a mount_setattr counterpart do not leak into attributes.
  t.same(bindAttributes(parseMountOptions(['sync', 'dirsync', 'mand', 'silent', 'lazytime'])), { set: 0n, clr: 0n });
});

t.test('bindAttributes: atime is an enum with a mask', async (t) => {
  t.same(bindAttributes(parseMountOptions(['noatime'])), { set: K.MOUNT_ATTR_NOATIME, clr: K.MOUNT_ATTR__ATIME });
  t.same(bindAttributes(parseMountOptions(['strictatime'])), { set: K.MOUNT_ATTR_STRICTATIME, clr: K.MOUNT_ATTR__ATIME });
  t.same(bindAttributes(parseMountOptions(['relatime'])), { set: K.MOUNT_ATTR_RELATIME, clr: K.MOUNT_ATTR__ATIME });
  // noatime takes precedence over strictatime and relatime
  t.same(bindAttributes(parseMountOptions(['strictatime', 'noatime'])), { set: K.MOUNT_ATTR_NOATIME, clr: K.MOUNT_ATTR__ATIME });
  t.same(bindAttributes(parseMountOptions(['relatime', 'strictatime'])), { set: K.MOUNT_ATTR_STRICTATIME, clr: K.MOUNT_ATTR__ATIME });
  // noatime + nodiratime + ro
  t.same(bindAttributes(parseMountOptions(['ro', 'noatime', 'nodiratime'])), {
    set: K.MOUNT_ATTR_RDONLY | K.MOUNT_ATTR_NOATIME | K.MOUNT_ATTR_NODIRATIME,
    clr: K.MOUNT_ATTR__ATIME,
  });
  // A cleared atime option alone does not touch the atime mask (kernel would need the full mask).
  t.same(bindAttributes(parseMountOptions(['atime'])), { set: 0n, clr: 0n });
  // Invariant the kernel enforces (EINVAL otherwise): atime bits set => the whole mask cleared.
  for (const opts of [['noatime'], ['strictatime'], ['relatime', 'ro'], ['atime', 'noatime', 'nodev']]) {
    const a = bindAttributes(parseMountOptions(opts));
    if (a.set & K.MOUNT_ATTR__ATIME) t.equal(a.clr & K.MOUNT_ATTR__ATIME, K.MOUNT_ATTR__ATIME, `${opts}`);
    t.ok((a.clr & K.MOUNT_ATTR__ATIME) === 0n || (a.clr & K.MOUNT_ATTR__ATIME) === K.MOUNT_ATTR__ATIME, `${opts}: mask all or nothing`);
  }
});
