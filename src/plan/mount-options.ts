// OCI mount options -> mount(2) flags, propagation, mount_setattr(2)
// attributes and the filesystem data string, as runc reads them.

export const MS = {
  RDONLY: 0x1n,
  NOSUID: 0x2n,
  NODEV: 0x4n,
  NOEXEC: 0x8n,
  SYNCHRONOUS: 0x10n,
  REMOUNT: 0x20n,
  MANDLOCK: 0x40n,
  DIRSYNC: 0x80n,
  NOSYMFOLLOW: 0x100n,
  NOATIME: 0x400n,
  NODIRATIME: 0x800n,
  BIND: 0x1000n,
  MOVE: 0x2000n,
  REC: 0x4000n,
  SILENT: 0x8000n,
  UNBINDABLE: 0x20000n,
  PRIVATE: 0x40000n,
  SLAVE: 0x80000n,
  SHARED: 0x100000n,
  RELATIME: 0x200000n,
  I_VERSION: 0x800000n,
  STRICTATIME: 0x1000000n,
  LAZYTIME: 0x2000000n,
} as const;

export const MOUNT_ATTR = {
  RDONLY: 0x1n,
  NOSUID: 0x2n,
  NODEV: 0x4n,
  NOEXEC: 0x8n,
  ATIME_MASK: 0x70n,
  RELATIME: 0x0n,
  NOATIME: 0x10n,
  STRICTATIME: 0x20n,
  NODIRATIME: 0x80n,
  NOSYMFOLLOW: 0x200000n,
} as const;

interface FlagOption {
  set: boolean;
  flag: bigint;
}

const FLAG_OPTIONS: Record<string, FlagOption> = {
  defaults: { set: false, flag: 0n },
  ro: { set: true, flag: MS.RDONLY },
  rw: { set: false, flag: MS.RDONLY },
  nosuid: { set: true, flag: MS.NOSUID },
  suid: { set: false, flag: MS.NOSUID },
  nodev: { set: true, flag: MS.NODEV },
  dev: { set: false, flag: MS.NODEV },
  noexec: { set: true, flag: MS.NOEXEC },
  exec: { set: false, flag: MS.NOEXEC },
  sync: { set: true, flag: MS.SYNCHRONOUS },
  async: { set: false, flag: MS.SYNCHRONOUS },
  dirsync: { set: true, flag: MS.DIRSYNC },
  remount: { set: true, flag: MS.REMOUNT },
  mand: { set: true, flag: MS.MANDLOCK },
  nomand: { set: false, flag: MS.MANDLOCK },
  atime: { set: false, flag: MS.NOATIME },
  noatime: { set: true, flag: MS.NOATIME },
  diratime: { set: false, flag: MS.NODIRATIME },
  nodiratime: { set: true, flag: MS.NODIRATIME },
  relatime: { set: true, flag: MS.RELATIME },
  norelatime: { set: false, flag: MS.RELATIME },
  strictatime: { set: true, flag: MS.STRICTATIME },
  nostrictatime: { set: false, flag: MS.STRICTATIME },
  lazytime: { set: true, flag: MS.LAZYTIME },
  nolazytime: { set: false, flag: MS.LAZYTIME },
  iversion: { set: true, flag: MS.I_VERSION },
  noiversion: { set: false, flag: MS.I_VERSION },
  silent: { set: true, flag: MS.SILENT },
  loud: { set: false, flag: MS.SILENT },
  nosymfollow: { set: true, flag: MS.NOSYMFOLLOW },
  symfollow: { set: false, flag: MS.NOSYMFOLLOW },
  bind: { set: true, flag: MS.BIND },
  rbind: { set: true, flag: MS.BIND | MS.REC },
};

const PROPAGATION_OPTIONS: Record<string, bigint> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

interface AttrOption {
  set: bigint;
  clr: bigint;
}

// mount_setattr(2) attributes applied to a whole bind tree (runc's r* options).
const RECURSIVE_OPTIONS: Record<string, AttrOption> = {
  rro: { set: MOUNT_ATTR.RDONLY, clr: 0n },
  rrw: { set: 0n, clr: MOUNT_ATTR.RDONLY },
  rnosuid: { set: MOUNT_ATTR.NOSUID, clr: 0n },
  rsuid: { set: 0n, clr: MOUNT_ATTR.NOSUID },
  rnodev: { set: MOUNT_ATTR.NODEV, clr: 0n },
  rdev: { set: 0n, clr: MOUNT_ATTR.NODEV },
  rnoexec: { set: MOUNT_ATTR.NOEXEC, clr: 0n },
  rexec: { set: 0n, clr: MOUNT_ATTR.NOEXEC },
  rnodiratime: { set: MOUNT_ATTR.NODIRATIME, clr: 0n },
  rdiratime: { set: 0n, clr: MOUNT_ATTR.NODIRATIME },
  rrelatime: { set: MOUNT_ATTR.RELATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rnorelatime: { set: 0n, clr: 0n },
  rnoatime: { set: MOUNT_ATTR.NOATIME, clr: MOUNT_ATTR.ATIME_MASK },
  // The kernel takes the atime mode as a whole: clear the full mask.
  ratime: { set: MOUNT_ATTR.RELATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rstrictatime: { set: MOUNT_ATTR.STRICTATIME, clr: MOUNT_ATTR.ATIME_MASK },
  rnostrictatime: { set: 0n, clr: 0n },
  rnosymfollow: { set: MOUNT_ATTR.NOSYMFOLLOW, clr: 0n },
  rsymfollow: { set: 0n, clr: MOUNT_ATTR.NOSYMFOLLOW },
};

// For bind mounts, the plain flags become attributes of the cloned tree.
const FLAG_TO_ATTR: [bigint, bigint][] = [
  [MS.RDONLY, MOUNT_ATTR.RDONLY],
  [MS.NOSUID, MOUNT_ATTR.NOSUID],
  [MS.NODEV, MOUNT_ATTR.NODEV],
  [MS.NOEXEC, MOUNT_ATTR.NOEXEC],
  [MS.NODIRATIME, MOUNT_ATTR.NODIRATIME],
  [MS.NOSYMFOLLOW, MOUNT_ATTR.NOSYMFOLLOW],
];

// runc extensions that change how tsrun-init mounts, not the flags.
const EXTENSION_OPTIONS = ['tmpcopyup'];

// config.md: an idmapping for the mount (ridmap: for every mount of the tree).
// Never passed to mount(2).
const IDMAP_OPTIONS: Record<string, boolean> = { idmap: false, ridmap: true };

/** Every mount option name tsrun understands (for `tsrun features`). */
export function knownMountOptions(): string[] {
  return [
    ...Object.keys(FLAG_OPTIONS),
    ...Object.keys(PROPAGATION_OPTIONS),
    ...Object.keys(RECURSIVE_OPTIONS),
    ...EXTENSION_OPTIONS,
    ...Object.keys(IDMAP_OPTIONS),
  ].sort();
}

export interface ParsedMountOptions {
  flags: bigint;
  /** flags the options explicitly cleared (rw, suid, ...), for bind mounts */
  cleared: bigint;
  propagation: bigint;
  data: string[];
  recursiveSet: bigint;
  recursiveClr: bigint;
  hasRecursive: boolean;
  /** tmpcopyup: fill a tmpfs with a copy of the directory it covers */
  copyUp: boolean;
  /** options tsrun knows but this mount cannot honour */
  unsupported: string[];
  /** idmap or ridmap, the last one given */
  idmap?: { option: 'idmap' | 'ridmap'; recursive: boolean };
}

export function parseMountOptions(options: readonly string[] = []): ParsedMountOptions {
  const out: ParsedMountOptions = {
    flags: 0n,
    cleared: 0n,
    propagation: 0n,
    data: [],
    recursiveSet: 0n,
    recursiveClr: 0n,
    hasRecursive: false,
    copyUp: false,
    unsupported: [],
  };
  for (const opt of options) {
    const f = FLAG_OPTIONS[opt];
    if (f) {
      if (f.set) {
        out.flags |= f.flag;
        out.cleared &= ~f.flag;
      } else {
        out.flags &= ~f.flag;
        out.cleared |= f.flag;
      }
      continue;
    }
    const p = PROPAGATION_OPTIONS[opt];
    if (p !== undefined) {
      out.propagation = p;
      continue;
    }
    const r = RECURSIVE_OPTIONS[opt];
    if (r) {
      out.recursiveSet = (out.recursiveSet & ~r.clr) | r.set;
      out.recursiveClr |= r.clr;
      out.hasRecursive = true;
      continue;
    }
    if (opt === 'tmpcopyup') {
      out.copyUp = true;
      continue;
    }
    if (opt === 'idmap' || opt === 'ridmap') {
      out.idmap = { option: opt, recursive: IDMAP_OPTIONS[opt]! };
      continue;
    }
    out.data.push(opt);
  }
  return out;
}

/** The mount_setattr(2) attributes a bind mount needs for its plain flags. */
export function bindAttributes(parsed: ParsedMountOptions): { set: bigint; clr: bigint } {
  let set = 0n;
  let clr = 0n;
  for (const [flag, attr] of FLAG_TO_ATTR) {
    if (parsed.flags & flag) set |= attr;
    else if (parsed.cleared & flag) clr |= attr;
  }
  if (parsed.flags & MS.NOATIME) {
    set |= MOUNT_ATTR.NOATIME;
    clr |= MOUNT_ATTR.ATIME_MASK;
  } else if (parsed.flags & MS.STRICTATIME) {
    set |= MOUNT_ATTR.STRICTATIME;
    clr |= MOUNT_ATTR.ATIME_MASK;
  } else if (parsed.flags & MS.RELATIME) {
    clr |= MOUNT_ATTR.ATIME_MASK;
  }
  return { set, clr };
}
