// Running the runtime as a real unprivileged user, for the rootless tests.
//
// The suite runs as root; these helpers make (once) a dedicated user
// `tsrun-rootless` with /etc/subuid and /etc/subgid ranges (useradd adds
// them), give it a private directory inside the harness's temp dir with its
// own XDG_RUNTIME_DIR (mode 0700, as pam_systemd would make /run/user/<uid>),
// and run the runtime through setpriv(1) with that user's uid, gid and
// groups and no capabilities left.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Test } from 'tap';

import { type Bundle, type BundleOptions, type Config, type Harness, type RtOptions, type RtResult, isRunc, makeBundle, runtime, spawnCaptured } from './harness.js';

export const ROOTLESS_USER = 'tsrun-rootless';

export interface IdRange {
  start: number;
  count: number;
}

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  /** the user's first range in /etc/subuid and /etc/subgid, if it has one */
  subuid?: IdRange;
  subgid?: IdRange;
}

function firstRange(file: string, name: string, uid: number): IdRange | undefined {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if ((who === name || who === String(uid)) && start && count) return { start: Number(start), count: Number(count) };
  }
  return undefined;
}

function lookup(name: string): RootlessUser | undefined {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const f = r.stdout.trim().split(':');
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  return { name, uid, gid, subuid: firstRange('/etc/subuid', name, uid), subgid: firstRange('/etc/subgid', name, gid) };
}

/** The test user (created if missing), or why rootless tests cannot run here. */
export function rootlessUser(): RootlessUser | string {
  if (process.geteuid?.() !== 0) return 'the rootless tests need root to set up an unprivileged user';
  let user = lookup(ROOTLESS_USER);
  if (!user) {
    // No home directory: each test file gives the user a private one.
    const r = spawnSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', ROOTLESS_USER], { encoding: 'utf8' });
    // Another test file may have made it at the same moment: look again before giving up.
    user = lookup(ROOTLESS_USER);
    if (!user) return `useradd ${ROOTLESS_USER} failed: ${r.stderr.trim() || `exit status ${r.status}`}`;
  }
  if (user.uid === 0) return `${ROOTLESS_USER} has uid 0`;
  // Unprivileged user namespaces must work at all on this host.
  const probe = spawnSync('setpriv', [...setprivArgs(user), 'unshare', '--user', '--map-root-user', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unprivileged user namespaces do not work here: ${probe.stderr.trim()}`;
  return user;
}

export function setprivArgs(user: RootlessUser): string[] {
  return [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--reset-env'];
}

/** The runtime as the user runs it; what spawned the runtime (root) keeps the stdio files. */
export class RootlessEnv {
  /** the user's private directory (its HOME), holding its bundles */
  readonly home: string;
  /** its XDG_RUNTIME_DIR */
  readonly xdg: string;
  /** the runtime binary the user can execute */
  readonly runtime: string;

  constructor(
    readonly h: Harness,
    readonly user: RootlessUser,
  ) {
    // The harness's temp dir is root's (0700): let the user through to its own corner only.
    fs.chmodSync(h.base, 0o711);
    this.home = path.join(h.base, 'home');
    this.xdg = path.join(this.home, 'xdg-runtime');
    fs.mkdirSync(this.xdg, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.home, 0o700);
    fs.chownSync(this.home, user.uid, user.gid);
    fs.chownSync(this.xdg, user.uid, user.gid);
    this.runtime = this.executableRuntime();
  }

  // The runtime must be executable by the user. bin/tsrun usually is
  // (every directory above it is 0755); where it is not, the user gets a
  // private copy (one file: tsrun-init is embedded in it).
  private executableRuntime(): string {
    const rt = runtime();
    const ok = spawnSync('setpriv', [...setprivArgs(this.user), 'test', '-x', rt]).status === 0;
    if (ok) return rt;
    const copy = path.join(this.home, path.basename(rt));
    fs.copyFileSync(rt, copy);
    fs.chmodSync(copy, 0o755);
    return copy;
  }

  /** Where the runtime keeps state by default for this user: $XDG_RUNTIME_DIR/<runtime>. */
  get defaultRoot(): string {
    return path.join(this.xdg, isRunc() ? 'runc' : 'tsrun');
  }

  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: this.home,
      USER: this.user.name,
      LOGNAME: this.user.name,
      XDG_RUNTIME_DIR: this.xdg,
    };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /** `$RUNTIME args...` as the user, with its environment (no --root unless given). */
  rt(args: string[], opts: RtOptions & { envExtra?: Record<string, string | undefined> } = {}): Promise<RtResult> {
    const { envExtra, ...rest } = opts;
    return spawnCaptured('setpriv', [...setprivArgs(this.user), 'env', ...envArgs(this.env(envExtra)), this.runtime, ...args], this.h.ioDir, {
      ...rest,
      env: { PATH: process.env.PATH },
    });
  }

  /** The same as the user, plus remembering the pid `state` reports so the final check sees it die. */
  async state(id: string, opts: RtOptions & { envExtra?: Record<string, string | undefined> } = {}): Promise<{ res: RtResult; state?: { status: string; pid?: number; [k: string]: unknown } }> {
    const res = await this.rt(['state', id], opts);
    if (res.code !== 0) return { res };
    try {
      const state = JSON.parse(res.stdout);
      if (typeof state.pid === 'number') this.h.notePid(state.pid);
      return { res, state };
    } catch {
      return { res };
    }
  }

  /**
   * A bundle owned by the user: the busybox rootfs of the harness and the
   * config `spec --rootless` writes, run by the user, then `edit`ed.
   */
  async bundle(t: Test, edit: (c: Config) => void = () => {}, opts: BundleOptions = {}): Promise<Bundle | undefined> {
    const b = makeBundle({ ...opts, parent: this.home, cgroupsPath: null });
    fs.rmSync(b.configPath);
    spawnSync('chown', ['-R', `${this.user.uid}:${this.user.gid}`, b.dir]);
    const r = await this.rt(['spec', '--rootless'], { cwd: b.dir });
    if (r.code !== 0) {
      t.fail('spec --rootless as the user', { stderr: r.stderr });
      return undefined;
    }
    b.config = JSON.parse(fs.readFileSync(b.configPath, 'utf8'));
    b.config.process.terminal = false;
    edit(b.config);
    b.write();
    fs.chownSync(b.configPath, this.user.uid, this.user.gid);
    return b;
  }

  /** Registers a `delete --force` of `id` as the user at the end of `t`. */
  cleanupAt(t: Test, id: string): void {
    t.teardown(async () => {
      await this.state(id);
      await this.rt(['delete', '--force', id], { timeout: 15_000 });
    });
  }
}

function envArgs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
