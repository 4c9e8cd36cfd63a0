// Runtime-agnostic helpers for the tsrun CLI conformance suite.
//
// Everything here talks to the runtime only through its runc-compatible command
// line, so the same tests run against `runc` (the reference) and against tsrun.
// Select the binary with the RUNTIME environment variable (default: <repo>/bin/tsrun).

import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

/** Repository root (this file lives at <repo>/conformance/lib/harness.ts). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where busybox-static comes from; override with BUSYBOX. */
export const BUSYBOX = process.env.BUSYBOX || '/bin/busybox';

// ---------------------------------------------------------------------------
// The runtime under test
// ---------------------------------------------------------------------------

let runtimePath: string | undefined;

/** Absolute path of the runtime under test: $RUNTIME, or <repo>/bin/tsrun. */
export function runtime(): string {
  if (runtimePath) return runtimePath;
  const r = process.env.RUNTIME;
  if (!r) {
    runtimePath = path.join(REPO, 'bin', 'tsrun');
  } else if (r.includes('/')) {
    runtimePath = path.resolve(r);
  } else {
    // A bare name: look it up in PATH like a shell would.
    const dirs = (process.env.PATH || '').split(':').filter(Boolean);
    const hit = dirs.map((d) => path.join(d, r)).find((p) => {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    runtimePath = hit ?? r;
  }
  return runtimePath;
}

/**
 * Multiplies every timeout of the suite (runtime calls, waitFor): a slow
 * machine, like the emulated VM of `make test-cgroup2`, sets
 * CONFORMANCE_TIME_SCALE.
 */
export const TIME_SCALE = Math.max(1, Number(process.env.CONFORMANCE_TIME_SCALE) || 1);

let versionCache: string | undefined;

/** Output of `$RUNTIME --version` ('' if it could not be run). */
export function runtimeVersion(): string {
  if (versionCache === undefined) {
    const r = spawnSync(runtime(), ['--version'], { encoding: 'utf8', timeout: 10_000 * TIME_SCALE });
    versionCache = r.status === 0 ? String(r.stdout) : '';
  }
  return versionCache;
}

/** True when the runtime under test is runc (first line of --version starts with "runc"). */
export function isRunc(): boolean {
  return runtimeVersion().split('\n')[0]!.trim().startsWith('runc');
}

/**
 * Subtest options recording a known deviation of runc from the spec: on runc the
 * subtest is marked `todo` (its failures are reported but do not fail the run);
 * on any other runtime the subtest is a normal, enforced test.
 * Always give the reason and, next to the test, a comment on what runc does.
 */
export function runcDeviation(reason: string): { todo?: string } {
  // CONFORMANCE_STRICT=1 enforces these tests on runc too (to confirm the deviation is real).
  if (process.env.CONFORMANCE_STRICT) return {};
  return isRunc() ? { todo: `runc deviation: ${reason}` } : {};
}

// ---------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------

export function randomSuffix(n = 4): string {
  return randomBytes(n).toString('hex');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Poll `fn` until it returns a truthy value or `timeout` ms pass.
 * Resolves to that value, or undefined on timeout.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeout = 5000,
  interval = 20,
): Promise<T | undefined> {
  const deadline = Date.now() + timeout * TIME_SCALE;
  for (;;) {
    let v: T | undefined;
    try {
      v = await fn();
    } catch {
      v = undefined;
    }
    if (v) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(interval);
  }
}

/** /proc/<pid>/stat fields after the comm: [state, ppid, ..., starttime at index 19]. */
function procStat(pid: number): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Start time (clock ticks since boot) of a live process, or undefined. */
export function pidStartTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/**
 * Is `pid` a live (non-zombie) process? If `start` is given, a process with a
 * different start time (pid reuse) does not count. Zombies count as dead: on
 * hosts whose pid 1 does not reap orphans, an exited container init stays a
 * zombie forever although it holds no resources.
 */
export function pidAlive(pid: number, start?: string): boolean {
  if (!(pid > 0)) return false;
  const st = procStat(pid);
  if (!st) return false;
  if (st[0] === 'Z' || st[0] === 'X' || st[0] === 'x') return false;
  if (start !== undefined && st[19] !== start) return false;
  return true;
}

/** Lines of the host's /proc/self/mountinfo that mention `p`. */
export function hostMountsMentioning(p: string): string[] {
  const mi = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  return mi.split('\n').filter((l) => l.includes(p));
}

/** Mount points of every cgroup (v1) and cgroup2 hierarchy on the host. */
export function cgroupMountPoints(): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const fstype = post.split(' ')[0];
    if (fstype === 'cgroup' || fstype === 'cgroup2') out.push(pre.split(' ')[4]!);
  }
  return out;
}

/** One parsed /proc/<pid>/mountinfo line. */
export interface MountInfo {
  root: string;
  mountPoint: string;
  options: string[]; // per-mount options (ro, nosuid, ...)
  fstype: string;
  source: string;
  superOptions: string[];
}

export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const f = pre.split(' ');
    const g = post.split(' ');
    const unesc = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
    out.push({
      root: unesc(f[3]!),
      mountPoint: unesc(f[4]!),
      options: (f[5] ?? '').split(','),
      fstype: g[0]!,
      source: g[1]!,
      superOptions: (g[2] ?? '').split(','),
    });
  }
  return out;
}

/** The topmost (last-mounted) entry at `mountPoint`, if any. */
export function mountAt(mounts: MountInfo[], mountPoint: string): MountInfo | undefined {
  return [...mounts].reverse().find((m) => m.mountPoint === mountPoint);
}

/** Capability names to bit numbers (capabilities(7)). */
export const CAP_BITS: Record<string, number> = {
  CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_DAC_READ_SEARCH: 2, CAP_FOWNER: 3, CAP_FSETID: 4,
  CAP_KILL: 5, CAP_SETGID: 6, CAP_SETUID: 7, CAP_SETPCAP: 8, CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10, CAP_NET_BROADCAST: 11, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14, CAP_IPC_OWNER: 15, CAP_SYS_MODULE: 16, CAP_SYS_RAWIO: 17, CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19, CAP_SYS_PACCT: 20, CAP_SYS_ADMIN: 21, CAP_SYS_BOOT: 22, CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24, CAP_SYS_TIME: 25, CAP_SYS_TTY_CONFIG: 26, CAP_MKNOD: 27, CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29, CAP_AUDIT_CONTROL: 30, CAP_SETFCAP: 31,
};

/** Capability mask (as /proc/<pid>/status prints it, 16 hex digits) for a list of names. */
export function capMask(names: string[]): string {
  let m = 0n;
  for (const n of names) m |= 1n << BigInt(CAP_BITS[n]!);
  return m.toString(16).padStart(16, '0');
}

/** Parse "Key:\tvalue" lines of /proc/<pid>/status. */
export function parseStatus(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * The "no ignored signals" tests, for runc: it resets the signals Go handles
 * but keeps 32 and 33 (glibc's own) ignored when its caller had them so, as
 * GNU make's children do (and libuv resets only 1-31 for ours).
 */
export function runcKeepsCallersRtSignals(): { todo?: string } {
  const ignored = BigInt(`0x${parseStatus(fs.readFileSync('/proc/self/status', 'utf8')).SigIgn ?? '0'}`);
  if ((ignored & 0x180000000n) === 0n) return {};
  return runcDeviation('keeps signals 32 and 33 ignored, as its caller (here under GNU make) had them');
}

// ---------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------

/** busybox applets linked into every rootfs (as /bin/<name> -> busybox). */
export const DEFAULT_APPLETS = [
  'sh', 'echo', 'cat', 'ls', 'sleep', 'hostname', 'id', 'readlink', 'true', 'false', 'env',
  'pwd', 'mount', 'stat', 'kill', 'grep', 'touch', 'mkdir', 'rm', 'head', 'wc', 'od', 'printf',
  'test', '[', 'tr', 'cut', 'sed', 'dd', 'chmod', 'ln', 'uname', 'find', 'xargs', 'sort', 'cp',
  'mv', 'ps', 'tail', 'realpath', 'mknod', 'umount', 'nproc', 'whoami', 'basename', 'dirname',
];

// The mounts, masked and read-only paths and capabilities of `runc spec` (runc 1.1.5).
export const RUNC_DEFAULT_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
];

export const DEFAULT_READONLY_PATHS = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

export const DEFAULT_ENV = [
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'TERM=xterm',
];

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Config = Record<string, any>;

/**
 * A config.json close to `runc spec` output. Differences: process.terminal is
 * false, root.readonly is false (tests write scratch files), and the hostname
 * is "conformance". `cgroupsPath` is set by makeBundle so leaks can be checked.
 */
export function defaultConfig(args: string[] = ['sh']): Config {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: [...DEFAULT_ENV],
      cwd: '/',
      capabilities: {
        bounding: [...RUNC_DEFAULT_CAPS],
        effective: [...RUNC_DEFAULT_CAPS],
        permitted: [...RUNC_DEFAULT_CAPS],
        ambient: [...RUNC_DEFAULT_CAPS],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: 'conformance',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev', type: 'tmpfs', source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts', type: 'devpts', source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/dev/shm', type: 'tmpfs', source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      {
        destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    },
  };
}

export interface BundleOptions {
  /** Directory to create the bundle in (default: os.tmpdir()). */
  parent?: string;
  /** process.args (default ['sh']). */
  args?: string[];
  /** busybox applets to link in /bin (default DEFAULT_APPLETS). */
  applets?: string[];
  /** Extra files to write in the rootfs: path inside rootfs -> content (or {content, mode}). */
  files?: Record<string, string | { content: string; mode?: number }>;
  /** Patch the config before it is first written. */
  config?: (c: Config) => void;
  /** linux.cgroupsPath to set (null: leave unset). Default: a unique /tsrun-conformance-<rand>. */
  cgroupsPath?: string | null;
}

export interface Bundle {
  /** Absolute bundle directory. */
  dir: string;
  /** Absolute rootfs directory (<dir>/rootfs). */
  rootfs: string;
  configPath: string;
  /** The config object as last written. */
  config: Config;
  /** The cgroupsPath set in the config, if any. */
  cgroupsPath?: string;
  /** Write `config` to config.json. */
  write(): void;
  /** Modify the config and write it. */
  patch(fn: (c: Config) => void): Bundle;
  /** Write a file inside the rootfs. */
  addFile(p: string, content: string, mode?: number): void;
  /** Append a bind mount of host path `src` at `dest` (options default rbind,rw). */
  bind(src: string, dest: string, options?: string[]): Bundle;
}

function mkdirp(p: string, mode = 0o755) {
  fs.mkdirSync(p, { recursive: true, mode });
}

/** Create a bundle directory with a busybox-static rootfs and a runc-like config.json. */
export function makeBundle(opts: BundleOptions = {}): Bundle {
  const parent = opts.parent ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, 'bundle-'));
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'root', 'home/nobody', 'mnt']) {
    mkdirp(path.join(rootfs, d));
  }
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  // A private copy (not a hard link): a container must never be able to modify the host's busybox.
  fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of opts.applets ?? DEFAULT_APPLETS) {
    const l = path.join(rootfs, 'bin', a);
    if (!fs.existsSync(l)) fs.symlinkSync('busybox', l);
  }
  fs.writeFileSync(
    path.join(rootfs, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:1000:1000:nobody:/home/nobody:/bin/sh\n',
  );
  fs.writeFileSync(path.join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:1000:\n');
  fs.writeFileSync(path.join(rootfs, 'etc', 'hostname'), 'image-hostname\n');

  const config = defaultConfig(opts.args ?? ['sh']);
  const cgroupsPath =
    opts.cgroupsPath === null ? undefined : (opts.cgroupsPath ?? `/tsrun-conformance-${randomSuffix(6)}`);
  if (cgroupsPath) config.linux.cgroupsPath = cgroupsPath;

  const b: Bundle = {
    dir,
    rootfs,
    configPath: path.join(dir, 'config.json'),
    config,
    cgroupsPath,
    write() {
      fs.writeFileSync(b.configPath, JSON.stringify(b.config, null, 2));
    },
    patch(fn) {
      fn(b.config);
      b.write();
      return b;
    },
    addFile(p, content, mode = 0o644) {
      const full = path.join(rootfs, p);
      mkdirp(path.dirname(full));
      fs.writeFileSync(full, content);
      fs.chmodSync(full, mode);
    },
    bind(src, dest, options = ['rbind', 'rw']) {
      b.config.mounts.push({ destination: dest, type: 'bind', source: src, options });
      b.write();
      return b;
    },
  };
  for (const [p, v] of Object.entries(opts.files ?? {})) {
    if (typeof v === 'string') b.addFile(p, v, p.endsWith('.sh') ? 0o755 : 0o644);
    else b.addFile(p, v.content, v.mode);
  }
  opts.config?.(config);
  b.write();
  return b;
}

// ---------------------------------------------------------------------------
// Running the runtime
// ---------------------------------------------------------------------------

export interface RtOptions {
  /** Working directory of the runtime process. */
  cwd?: string;
  /** Kill the runtime (SIGKILL) after this many ms (default 20000). */
  timeout?: number;
  /** Data for the runtime's stdin (a pipe); default stdin is /dev/null. */
  input?: string;
  /** File descriptors (of this process) passed to the runtime as its fds 3, 4, ... */
  extraFds?: number[];
  /** Environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Shell commands run by /bin/sh right before exec'ing the runtime, e.g.
   * "umask 077; trap '' PIPE" to give the runtime a particular umask or
   * ignored signals (Node resets signal dispositions in the children it spawns).
   */
  shellPrefix?: string;
  /** Don't add `--root <root>` (raw invocation). */
  noRoot?: boolean;
  /** Global flags placed before the command, after --root. */
  global?: string[];
  /** Called with the runtime's ChildProcess right after spawn (e.g. to signal it). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface RtResult {
  /** Exit status, or null if killed by a signal or not started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command line, for messages. */
  cmd: string;
  /** Re-read the stdout/stderr files: a created container keeps writing to the stdio given to `create`. */
  output(): { stdout: string; stderr: string };
}

let ioCounter = 0;

/** Never pass path-like ids to cleanup commands: a broken runtime might act on them as paths. */
function safeId(id: string): boolean {
  return /^[\w+.-]+$/.test(id) && id !== '.' && id !== '..';
}

/** Spawn `cmd args` with stdout/stderr captured to files under `ioDir`. */
export function spawnCaptured(cmd: string, args: string[], ioDir: string, opts: RtOptions = {}): Promise<RtResult> {
  mkdirp(ioDir);
  const n = `${process.pid}-${++ioCounter}`;
  const outPath = path.join(ioDir, `${n}.out`);
  const errPath = path.join(ioDir, `${n}.err`);
  // Files, not pipes: after `create`, the container process inherits the runtime's
  // stdio, so a pipe would stay open until the container exits.
  const outFd = fs.openSync(outPath, 'w+');
  const errFd = fs.openSync(errPath, 'w+');
  const stdio: StdioOptions = [opts.input !== undefined ? 'pipe' : 'ignore', outFd, errFd, ...(opts.extraFds ?? [])];
  let file = cmd;
  let argv = args;
  if (opts.shellPrefix) {
    file = '/bin/sh';
    argv = ['-c', `${opts.shellPrefix}\nexec "$@"`, 'sh', cmd, ...args];
  }
  const cmdline = [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  const read = () => ({
    stdout: fs.readFileSync(outPath, 'utf8'),
    stderr: fs.readFileSync(errPath, 'utf8'),
  });
  return new Promise((resolve) => {
    let timedOut = false;
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, extraErr = '') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const o = read();
      resolve({ code, signal, stdout: o.stdout, stderr: o.stderr + extraErr, timedOut, cmd: cmdline, output: read });
    };
    const child = spawn(file, argv, { stdio, cwd: opts.cwd, env: opts.env ?? process.env });
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, (opts.timeout ?? 20_000) * TIME_SCALE);
    child.on('error', (e) => finish(null, null, `\nspawn error: ${e.message}`));
    child.on('exit', (code, signal) => finish(code, signal));
    opts.onSpawn?.(child);
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Short description of a result, for assertion diagnostics. */
export function diag(r: RtResult): Record<string, unknown> {
  return { cmd: r.cmd, code: r.code, signal: r.signal, timedOut: r.timedOut, stdout: r.stdout, stderr: r.stderr };
}

export interface ContainerState {
  ociVersion: string;
  id: string;
  status: string;
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/**
 * One per test file: owns a private temp dir with the runtime's `--root`, the
 * bundles and host-side scratch dirs, tracks every container id and pid it saw,
 * and checks at the end that nothing leaked.
 */
export class Harness {
  readonly base: string;
  readonly root: string;
  readonly ioDir: string;
  private readonly ids = new Set<string>();
  private readonly pids = new Map<number, string | undefined>(); // pid -> start time
  private readonly cgroupPaths = new Set<string>();
  private cleaned = false;

  constructor(readonly t: Test, name: string) {
    this.base = fs.mkdtempSync(path.join(os.tmpdir(), `tsrun-conf-${name}-`));
    this.root = path.join(this.base, 'root');
    this.ioDir = path.join(this.base, 'io');
    mkdirp(this.ioDir);
    // Fallbacks if the file ends without done() (crash, tap timeout): force-delete quietly.
    t.teardown(async () => {
      if (!this.cleaned) await this.cleanup();
    });
    process.once('exit', () => {
      if (!this.cleaned) this.syncCleanup();
    });
  }

  /** Last-resort synchronous cleanup (from the process 'exit' event): no checks, no waiting. */
  private syncCleanup() {
    this.cleaned = true;
    const ids = new Set(this.ids);
    try {
      for (const e of fs.readdirSync(this.root)) ids.add(e);
    } catch {
      /* no root */
    }
    for (const id of [...ids].filter(safeId)) {
      spawnSync(runtime(), ['--root', this.root, 'delete', '--force', id], { stdio: 'ignore', timeout: 5000 * TIME_SCALE });
    }
    for (const mp of cgroupMountPoints()) {
      for (const cg of this.cgroupPaths) {
        try {
          fs.rmdirSync(path.join(mp, cg));
        } catch {
          /* absent or busy */
        }
      }
    }
    if (hostMountsMentioning(this.base).length === 0 && !process.env.KEEP_TMP) {
      fs.rmSync(this.base, { recursive: true, force: true });
    }
  }

  /** A fresh unique container id; if `t` is given, it is force-deleted at that test's teardown. */
  id(t?: Test, prefix = 'c'): string {
    const id = `${prefix}-${randomSuffix(5)}`;
    this.ids.add(id);
    if (t) t.teardown(() => this.forceDelete(id));
    return id;
  }

  /** Track an id not made by id() (e.g. used in a raw rt() call) so cleanup deletes it. */
  track(id: string) {
    this.ids.add(id);
  }

  /** A bundle inside this file's temp dir. */
  bundle(opts: BundleOptions = {}): Bundle {
    const b = makeBundle({ parent: this.base, ...opts });
    if (b.cgroupsPath) this.cgroupPaths.add(b.cgroupsPath);
    return b;
  }

  /** A host-side scratch directory (mode 0777) outside any bundle. */
  hostDir(prefix = 'host'): string {
    const d = fs.mkdtempSync(path.join(this.base, `${prefix}-`));
    fs.chmodSync(d, 0o777);
    return d;
  }

  /** Record a pid so the final check verifies it is gone. */
  notePid(pid: number) {
    if (pid > 0 && !this.pids.has(pid)) this.pids.set(pid, pidStartTime(pid));
  }

  /** Run `$RUNTIME --root <root> [global...] args...`. */
  async rt(args: string[], opts: RtOptions = {}): Promise<RtResult> {
    const full = opts.noRoot ? [...(opts.global ?? []), ...args] : ['--root', this.root, ...(opts.global ?? []), ...args];
    const r = await spawnCaptured(runtime(), full, this.ioDir, opts);
    if (args[0] === 'state' && r.code === 0) {
      try {
        const s = JSON.parse(r.stdout) as ContainerState;
        if (typeof s.pid === 'number') this.notePid(s.pid);
      } catch {
        /* reported by the tests */
      }
    }
    return r;
  }

  create(id: string, b: Bundle, extra: string[] = [], opts: RtOptions = {}) {
    this.ids.add(id);
    return this.rt(['create', '--bundle', b.dir, ...extra, id], opts);
  }

  run(id: string, b: Bundle, extra: string[] = [], opts: RtOptions = {}) {
    this.ids.add(id);
    return this.rt(['run', '--bundle', b.dir, ...extra, id], opts);
  }

  start(id: string) {
    return this.rt(['start', id]);
  }

  kill(id: string, ...rest: string[]) {
    return this.rt(['kill', id, ...rest]);
  }

  delete(id: string, ...flags: string[]) {
    return this.rt(['delete', ...flags, id]);
  }

  /** `state <id>` parsed; `state` is undefined if the command failed or printed no JSON. */
  async state(id: string): Promise<{ res: RtResult; state?: ContainerState }> {
    const res = await this.rt(['state', id]);
    if (res.code !== 0) return { res };
    try {
      return { res, state: JSON.parse(res.stdout) as ContainerState };
    } catch {
      return { res };
    }
  }

  async status(id: string): Promise<string | undefined> {
    return (await this.state(id)).state?.status;
  }

  /** Poll until the container has `status`; resolves to the state or undefined on timeout. */
  async waitStatus(id: string, status: string, timeout = 5000): Promise<ContainerState | undefined> {
    return waitFor(async () => {
      const s = (await this.state(id)).state;
      return s && s.status === status ? s : undefined;
    }, timeout, 25);
  }

  /** Create (and optionally start) a container, failing the test on error. Returns its state. */
  async mustCreate(t: Test, id: string, b: Bundle, extra: string[] = [], opts: RtOptions = {}) {
    const r = await this.create(id, b, extra, opts);
    t.equal(r.code, 0, `create ${id} succeeds`, diag(r));
    const s = (await this.state(id)).state;
    return { res: r, state: s };
  }

  async mustStart(t: Test, id: string) {
    const r = await this.start(id);
    t.equal(r.code, 0, `start ${id} succeeds`, diag(r));
    return r;
  }

  /** `delete --force`, quietly; remembers the pid first so the final check can verify it died. */
  async forceDelete(id: string) {
    if (!safeId(id)) return;
    const s = (await this.state(id)).state;
    if (s?.pid) this.notePid(s.pid);
    await this.rt(['delete', '--force', id], { timeout: 15_000 });
  }

  /**
   * What this harness left behind: live processes it saw, state entries in the
   * root, mounts mentioning its temp dir, cgroups of its bundles and processes in
   * them. `ignorePids` are excluded (e.g. a container the caller still owns).
   */
  leaks(opts: { ids?: string[]; ignorePids?: number[] } = {}): string[] {
    const problems: string[] = [];
    const ignore = new Set(opts.ignorePids ?? []);
    for (const [pid, start] of this.pids) {
      if (!ignore.has(pid) && pidAlive(pid, start)) problems.push(`process ${pid} is still alive`);
    }
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(this.root);
    } catch {
      /* no root: nothing stored */
    }
    const ids = opts.ids;
    for (const e of entries) {
      if (!ids || ids.some((id) => e.includes(id))) problems.push(`state entry ${path.join(this.root, e)} remains`);
    }
    for (const l of hostMountsMentioning(this.base)) problems.push(`host mount remains: ${l}`);
    for (const mp of cgroupMountPoints()) {
      for (const cg of this.cgroupPaths) {
        const p = path.join(mp, cg);
        if (fs.existsSync(p)) problems.push(`cgroup ${p} remains`);
      }
    }
    for (const pid of this.processesInOurCgroups()) {
      if (!ignore.has(pid)) problems.push(`process ${pid} is in a cgroup of this test file`);
    }
    return problems;
  }

  /**
   * Assert that a failed operation left no trace of container `id` made from
   * bundle `b`: `state` says it does not exist, no state entry, no mount
   * mentioning the bundle, no cgroup and no process in the bundle's cgroup.
   */
  async expectNoTrace(t: Test, id: string, b?: Bundle) {
    const { res } = await this.state(id);
    t.not(res.code, 0, `state ${id} fails afterwards`, diag(res));
    t.match(res.stderr, /does not exist/, 'state error says "does not exist"', diag(res));
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(this.root);
    } catch {
      /* none */
    }
    t.strictSame(entries.filter((e) => e.includes(id)), [], `no state entry for ${id} in the root dir`);
    if (b) {
      t.strictSame(hostMountsMentioning(b.dir), [], 'no host mount mentions the bundle');
      if (b.cgroupsPath) {
        const cgs = cgroupMountPoints()
          .map((mp) => path.join(mp, b.cgroupsPath!))
          .filter((p) => fs.existsSync(p));
        t.strictSame(cgs, [], 'no cgroup of the container remains');
        t.strictSame(this.processesInCgroups([b.cgroupsPath]), [], 'no process of the container remains');
      }
    }
  }

  /** Live processes whose /proc/<pid>/cgroup names a cgroupsPath of our bundles. */
  private processesInOurCgroups(): number[] {
    return this.processesInCgroups([...this.cgroupPaths]);
  }

  private processesInCgroups(paths: string[]): number[] {
    if (paths.length === 0) return [];
    const out: number[] = [];
    for (const e of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      const pid = Number(e);
      if (pid === process.pid || !pidAlive(pid)) continue;
      let cg = '';
      try {
        cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      } catch {
        continue;
      }
      for (const p of paths) {
        if (cg.split('\n').some((l) => l.endsWith(`:${p}`) || l.includes(`:${p}/`))) {
          out.push(pid);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Force-delete every container this file created (tracked ids plus anything
   * in the root), wait for their processes to die, and return the leaks found.
   */
  async cleanup(): Promise<string[]> {
    this.cleaned = true;
    const ids = new Set(this.ids);
    try {
      for (const e of fs.readdirSync(this.root)) ids.add(e);
    } catch {
      /* no root */
    }
    for (const id of ids) await this.forceDelete(id);
    await waitFor(() => [...this.pids].every(([pid, st]) => !pidAlive(pid, st)), 5000);
    await waitFor(() => this.processesInOurCgroups().length === 0, 2000);
    const problems = this.leaks();

    // Hygiene only (problems are already recorded): kill what is ours, drop
    // leftover cgroups and mounts, remove the temp dir if nothing is mounted in it.
    for (const pid of this.processesInOurCgroups()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const mp of cgroupMountPoints()) {
      for (const cg of this.cgroupPaths) {
        try {
          fs.rmdirSync(path.join(mp, cg));
        } catch {
          /* absent or busy */
        }
      }
    }
    const mounts = hostMountsMentioning(this.base)
      .map((l) => l.split(' ')[4]!)
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    if (hostMountsMentioning(this.base).length === 0 && !process.env.KEEP_TMP) {
      fs.rmSync(this.base, { recursive: true, force: true });
    }
    return problems;
  }

  /** Add the final subtest: force-delete everything and assert nothing leaked. Call last. */
  done() {
    this.t.test('teardown: every container deleted, nothing leaked (processes, state, mounts, cgroups)', async (t) => {
      const problems = await this.cleanup();
      t.strictSame(problems, [], 'no leftovers after force-deleting every container of this file');
    });
  }
}
