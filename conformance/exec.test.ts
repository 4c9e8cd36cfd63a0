// `exec`: another process in a running container (runc CLI; the OCI spec has no
// exec operation, so every test here names the runc behaviour callers rely on:
// containerd runs `exec --process FILE --detach --pid-file P ID`, docker and
// podman `exec [-t] [-u] [--env] [--cwd] ID CMD...`). The exec'd process must
// share everything that confines the container's first process: namespaces,
// cgroups, capabilities, seccomp, no_new_privs, and the CVE rows of
// ../shared/ARCHITECTURE.md section 4 that concern exec (2016-9962, 2022-29162,
// 2024-21626, 2026-30892).
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';

import {
  Harness, RUNC_DEFAULT_CAPS, capMask, diag, parseStatus, pidAlive, runcDeviation, runcKeepsCallersRtSignals, waitFor,
  type Bundle, type Config, type RtOptions,
} from './lib/harness.js';

const h = new Harness(t, 'exec');

interface Running {
  id: string;
  b: Bundle;
  pid: number;
}

/** A running container (`sleep 1000`) with noNewPrivileges false, or undefined (the test fails). */
async function running(t: Test, patch?: (c: Config) => void): Promise<Running | undefined> {
  const id = h.id();
  const b = h.bundle({
    args: ['sleep', '1000'],
    config: (c) => {
      c.process.noNewPrivileges = false;
      patch?.(c);
    },
  });
  const c = await h.create(id, b);
  if (c.code !== 0) {
    t.fail('create of the container to exec into', diag(c));
    return undefined;
  }
  const s = await h.start(id);
  if (s.code !== 0) {
    t.fail('start of the container to exec into', diag(s));
    return undefined;
  }
  const st = await h.waitStatus(id, 'running');
  if (!st?.pid) {
    t.fail('container is running');
    return undefined;
  }
  h.notePid(st.pid);
  return { id, b, pid: st.pid };
}

// One container shared by most tests (made on first use, deleted by h.done()).
let mainContainer: Promise<Running | undefined> | undefined;
function main(t: Test) {
  mainContainer ??= running(t);
  return mainContainer;
}

/** `exec [flags...] ID args...` */
function ex(c: Running, flags: string[], args: string[], opts: RtOptions = {}) {
  return h.rt(['exec', ...flags, c.id, ...args], opts);
}

/** Run `exec` and return its stdout; the test fails on a non-zero exit. */
async function exOut(t: Test, c: Running, flags: string[], args: string[], opts: RtOptions = {}) {
  const r = await ex(c, flags, args, opts);
  t.equal(r.code, 0, `exec ${[...flags, ...args].join(' ').slice(0, 60)} succeeds`, diag(r));
  return r.stdout;
}

async function statusOf(t: Test, c: Running, flags: string[] = [], opts: RtOptions = {}) {
  return parseStatus(await exOut(t, c, flags, ['cat', '/proc/self/status'], opts));
}

function nsLinks(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of fs.readdirSync(`/proc/${pid}/ns`)) out[n] = fs.readlinkSync(`/proc/${pid}/ns/${n}`);
  return out;
}

/** exec --detach --pid-file; resolves to the host pid (noted for the final leak check) or undefined. */
async function execDetached(t: Test, c: Running, flags: string[], args: string[], opts: RtOptions = {}) {
  const pidFile = path.join(h.hostDir('pid'), 'exec.pid');
  const started = Date.now();
  const r = await ex(c, ['--detach', '--pid-file', pidFile, ...flags], args, opts);
  const elapsed = Date.now() - started;
  t.equal(r.code, 0, 'exec --detach succeeds', diag(r));
  if (r.code !== 0) return undefined;
  let pid = NaN;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch (e) {
    t.fail(`pid file written: ${(e as Error).message}`);
    return undefined;
  }
  t.ok(pid > 0, `the pid file holds a pid (${pid})`);
  if (!(pid > 0)) return undefined;
  h.notePid(pid);
  return { pid, elapsed, res: r };
}

/** A marker path in the rootfs's /tmp: if the command ran, the file exists. */
function marker(c: Running, name: string) {
  return { inside: `/tmp/${name}`, host: path.join(c.b.rootfs, 'tmp', name) };
}

t.test('exec ID CMD ARGS: the command and its own flags are passed untouched (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const pid = await exOut(t, c, [], ['sh', '-c', 'echo $$']);
  t.match(pid, /^\d+\n$/, 'sh -c \'echo $$\' prints a pid');
  const ls = await exOut(t, c, [], ['ls', '-la', '/']);
  t.match(ls, /^d.* bin$/m, 'ls -la / lists /bin in long format');
  t.match(ls, /^d.* \.\.$/m, 'ls -a shows ..');
  // Flags that are also exec's own (--cwd, -e, -u, --detach) belong to the command after the id.
  const echo = await exOut(t, c, [], ['echo', '-n', '--help', '-u', '5', '--cwd', '/x', '-e', 'A=B', '--detach', '-t']);
  t.equal(echo, '--help -u 5 --cwd /x -e A=B --detach -t', 'echo received every word after the id');
});

t.test('exec without a command fails (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const r = await ex(c, [], []);
  t.not(r.code, 0, 'refused', diag(r));
});

t.test('exec: stdin, stdout and stderr are the runtime\'s (runc behaviour)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const r = await ex(c, [], ['sh', '-c', 'cat; echo to-stderr >&2'], { input: 'line one\nline two\n' });
  t.equal(r.code, 0, 'exec succeeds', diag(r));
  t.equal(r.stdout, 'line one\nline two\n', 'stdin copied to stdout by cat');
  t.equal(r.stderr, 'to-stderr\n', 'stderr is the runtime\'s stderr');
});

t.test('exec: the process is in every namespace of the container and is not its pid 1 (runc behaviour)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const out = await exOut(t, c, [], [
    'sh', '-c', 'echo $$; for n in $(ls /proc/1/ns); do echo "$n $(readlink /proc/self/ns/$n) $(readlink /proc/1/ns/$n)"; done',
  ]);
  const [pid, ...lines] = out.trim().split('\n');
  t.not(pid, '1', 'the exec\'d process is not pid 1');
  t.ok(Number(pid) > 1, `it has a pid of the container's pid namespace (${pid})`);
  const names = lines.map((l) => l.split(' ')[0]);
  for (const ns of ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'uts', 'user']) t.ok(names.includes(ns), `${ns} compared`);
  for (const l of lines) {
    const [n, self, init] = l.split(' ');
    t.equal(self, init, `${n}: same namespace as the container's pid 1`);
  }
  const hn = await exOut(t, c, [], ['hostname']);
  t.equal(hn, 'conformance\n', 'the container\'s hostname');
});

t.test('exec --detach --pid-file: returns at once; the pid file has the host pid of a process in the container\'s namespaces and cgroups (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const d = await execDetached(t, c, [], ['sleep', '31']);
  if (!d) return;
  t.ok(d.elapsed < 10_000, `exec returned while the process runs (${d.elapsed} ms)`);
  t.ok(pidAlive(d.pid), 'the process runs');
  t.equal(fs.readFileSync(`/proc/${d.pid}/cmdline`, 'utf8'), 'sleep\x0031\x00', 'it is the exec\'d command');
  t.strictSame(nsLinks(d.pid), nsLinks(c.pid), 'every /proc/<pid>/ns link equals the container init\'s');
  t.equal(
    fs.readFileSync(`/proc/${d.pid}/cgroup`, 'utf8'),
    fs.readFileSync(`/proc/${c.pid}/cgroup`, 'utf8'),
    '/proc/<pid>/cgroup equals the container init\'s',
  );
  if (c.b.cgroupsPath) {
    t.match(fs.readFileSync(`/proc/${d.pid}/cgroup`, 'utf8'), c.b.cgroupsPath, 'that is the configured cgroupsPath');
  }
  process.kill(d.pid, 'SIGKILL');
  await waitFor(() => !pidAlive(d.pid), 3000);
  t.equal(await h.status(c.id), 'running', 'the container still runs after the exec\'d process died');
});

t.test('exec: the exit status passes through; killed by signal N gives 128+N (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  t.equal((await ex(c, [], ['sh', '-c', 'exit 7'])).code, 7, 'exit 7 -> 7');
  t.equal((await ex(c, [], ['true'])).code, 0, 'true -> 0');
  t.equal((await ex(c, [], ['false'])).code, 1, 'false -> 1');
  t.equal((await ex(c, [], ['sh', '-c', 'kill -KILL $$'])).code, 128 + 9, 'SIGKILL -> 137');
  t.equal((await ex(c, [], ['sh', '-c', 'kill -TERM $$'])).code, 128 + 15, 'SIGTERM -> 143');
  t.equal(await h.status(c.id), 'running', 'the container still runs');
});

t.test('exec --env: variables are added, and override the container\'s (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const base = (await exOut(t, c, [], ['env'])).split('\n').filter(Boolean);
  const baseExtra = base.filter((l) => !c.b.config.process.env.includes(l));
  t.ok(c.b.config.process.env.every((e: string) => base.includes(e)), 'without --env: the container\'s env');
  t.ok(baseExtra.every((l) => l.startsWith('HOME=')), 'nothing but HOME added', { baseExtra });
  const out = (await exOut(t, c, ['--env', 'A=B', '--env', 'TERM=dumb', '--env', 'C=x y=z'], ['env'])).split('\n');
  t.ok(out.includes('A=B'), 'A=B added');
  t.ok(out.includes('C=x y=z'), 'a value with spaces and "=" is kept whole');
  t.strictSame(out.filter((l) => l.startsWith('TERM=')), ['TERM=dumb'], 'TERM overridden (once, not appended)');
  t.ok(out.some((l) => l.startsWith('PATH=/usr/local/sbin')), 'PATH of the config kept');
  const short = (await exOut(t, c, ['-e', 'X=1'], ['env'])).split('\n');
  t.ok(short.includes('X=1'), '-e X=1 (short form)');
});

t.test('exec --cwd: the working directory (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  t.equal(await exOut(t, c, ['--cwd', '/tmp'], ['pwd']), '/tmp\n');
  const m = marker(c, 'cwd-missing-ran');
  const r = await ex(c, ['--cwd', '/does/not/exist'], ['touch', m.inside]);
  t.not(r.code, 0, 'a cwd that does not exist fails', diag(r));
  t.notOk(fs.existsSync(m.host), 'and the command did not run');
});

t.test('exec --user: numeric uid[:gid] (runc CLI; CVE-2026-30892: "-u 1" is uid 1)', async (t) => {
  const c = await main(t);
  if (!c) return;
  t.equal(await exOut(t, c, ['--user', '1000:1000'], ['sh', '-c', 'id -u; id -g']), '1000\n1000\n', '--user 1000:1000');
  t.equal(await exOut(t, c, ['-u', '1000'], ['sh', '-c', 'id -u; id -g']), '1000\n0\n', '-u 1000 keeps the container\'s gid (0)');
  const one = await exOut(t, c, ['-u', '1'], ['grep', '-E', '^(Uid|Gid):', '/proc/self/status']);
  t.match(one, /^Uid:\s+1\s+1\s+1\s+1$/m, '-u 1 runs as uid 1 (real, effective, saved, fs), not 0');
  t.match(one, /^Gid:\s+0\s+0\s+0\s+0$/m, 'gid 0');
  t.equal(await exOut(t, c, ['-u', '0:1000'], ['sh', '-c', 'id -u; id -g']), '0\n1000\n', '-u 0:1000');
});

const BAD_USERS = ['root', 'nobody', '1:x', '1:2:3', '-1', '1:', ':1', '0x10', '1 ', '99999999999', '4294967296'];
for (const u of BAD_USERS) {
  // runc 1.1.5 parses with strconv.Atoi and truncates to uint32: 99999999999 runs as uid
  // 1215752191 and 4294967296 as uid 0; "-1" becomes 4294967295 (setuid then fails).
  const opts = ['99999999999', '4294967296'].includes(u) ? runcDeviation(`-u ${u} is truncated to 32 bits and runs`) : {};
  t.test(`exec -u ${JSON.stringify(u)}: refused, nothing runs (runc CLI: -u takes uid[:gid], numbers only; CVE-2016-3697)`, opts, async (t) => {
    const c = await main(t);
    if (!c) return;
    const m = marker(c, `user-${Buffer.from(u).toString('hex')}`);
    const r = await ex(c, ['-u', u], ['touch', m.inside]);
    t.not(r.code, 0, 'exec fails', diag(r));
    t.notOk(fs.existsSync(m.host), 'the command did not run');
  });
}

t.test('exec --additional-gids / -g: supplementary groups (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  // runc's CLI library refuses two spellings of one flag in a command line ("Cannot use two forms of the same flag").
  t.equal((await statusOf(t, c, ['-g', '5', '-g', '6'])).Groups, '5 6', '-g 5 -g 6: Groups: 5 6');
  t.equal((await statusOf(t, c, ['--additional-gids', '7'])).Groups, '7', '--additional-gids 7: Groups: 7');
  const u = await statusOf(t, c, ['--user', '1000:1000', '-g', '5']);
  t.equal(u.Groups, '5', 'with --user 1000:1000 -g 5: Groups: 5');
  const plain = await statusOf(t, c);
  t.equal(plain.Groups ?? '', '', 'without -g: no supplementary groups');
});

t.test('exec: the container\'s capabilities apply to the exec\'d process; inheritable stays empty (config.md capabilities)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const st = await statusOf(t, c);
  const want = capMask(RUNC_DEFAULT_CAPS);
  t.equal(st.CapEff, want, 'CapEff = the configured set');
  t.equal(st.CapPrm, want, 'CapPrm = the configured set');
  t.equal(st.CapBnd, want, 'CapBnd = the configured set');
  t.equal(st.CapInh, '0000000000000000', 'CapInh empty');
});

t.test('exec --cap CAP_NET_ADMIN: added to bounding, effective, permitted, never inheritable (runc CLI; CVE-2022-29162)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const st = await statusOf(t, c, ['--cap', 'CAP_NET_ADMIN']);
  const want = capMask([...RUNC_DEFAULT_CAPS, 'CAP_NET_ADMIN']);
  t.equal(st.CapBnd, want, 'CapBnd gains CAP_NET_ADMIN');
  t.equal(st.CapEff, want, 'CapEff gains CAP_NET_ADMIN');
  t.equal(st.CapPrm, want, 'CapPrm gains CAP_NET_ADMIN');
  t.equal(st.CapInh, '0000000000000000', 'CapInh stays empty');
  const again = await statusOf(t, c);
  t.equal(again.CapEff, capMask(RUNC_DEFAULT_CAPS), 'a later exec without --cap does not have it');
});

t.test('exec --no-new-privs sets no_new_privs (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  t.equal((await statusOf(t, c)).NoNewPrivs, '0', 'without the flag: the container\'s value (false)');
  t.equal((await statusOf(t, c, ['--no-new-privs'])).NoNewPrivs, '1', 'with --no-new-privs: 1');
});

t.test('exec --process FILE: the whole process (args, env, cwd, user) comes from the file (runc CLI, containerd)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const dir = h.hostDir('proc');
  const file = path.join(dir, 'process.json');
  fs.writeFileSync(file, JSON.stringify({
    terminal: false,
    user: { uid: 1000, gid: 1000, additionalGids: [7] },
    args: ['sh', '-c', 'echo "foo=$FOO"; pwd; id -u; id -g; grep ^Groups: /proc/self/status; env | sort'],
    env: ['PATH=/usr/bin:/bin', 'FOO=from-process-json', 'HOME=/home/nobody'],
    cwd: '/tmp',
    capabilities: {
      bounding: [...RUNC_DEFAULT_CAPS], effective: [...RUNC_DEFAULT_CAPS], permitted: [...RUNC_DEFAULT_CAPS],
    },
    noNewPrivileges: true,
  }));
  const out = await exOut(t, c, ['--process', file], []);
  const lines = out.split('\n').map((l) => l.trimEnd());
  t.strictSame(lines.slice(0, 5), ['foo=from-process-json', '/tmp', '1000', '1000', 'Groups:\t7'], 'env, cwd, uid, gid, groups');
  const env = lines.slice(5).filter(Boolean).filter((l) => !l.startsWith('PWD=') && !l.startsWith('SHLVL='));
  t.strictSame(env, ['FOO=from-process-json', 'HOME=/home/nobody', 'PATH=/usr/bin:/bin'], 'the env is the file\'s only (no TERM from the config)');
});

t.test('exec --process FILE with an unreadable or invalid file fails (runc CLI)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const dir = h.hostDir('proc');
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"args": [');
  t.not((await ex(c, ['--process', bad], [])).code, 0, 'invalid JSON');
  t.not((await ex(c, ['--process', path.join(dir, 'missing.json')], [])).code, 0, 'missing file');
});

t.test('exec --preserve-fds 1: fd 3 passes through; otherwise only 0, 1, 2 are open (runc CLI; CVE-2016-9962)', async (t) => {
  const c = await main(t);
  if (!c) return;
  const dir = h.hostDir();
  fs.writeFileSync(path.join(dir, 'three'), 'three\n');
  fs.writeFileSync(path.join(dir, 'four'), 'four\n');
  const fds = ['three', 'four'].map((n) => fs.openSync(path.join(dir, n), 'r'));
  try {
    // ls opens the directory itself as the lowest free fd.
    const plain = await exOut(t, c, [], ['ls', '/proc/self/fd'], { extraFds: fds });
    t.strictSame(plain.split(/\s+/).filter(Boolean).sort(), ['0', '1', '2', '3'], 'without --preserve-fds: 0 1 2 (+ ls\'s own)');
    const out = await exOut(t, c, ['--preserve-fds', '1'], ['sh', '-c', 'cat <&3; ls /proc/self/fd'], { extraFds: fds });
    const lines = out.split('\n').filter(Boolean);
    t.equal(lines[0], 'three', 'fd 3 is the file the runtime got as its fd 3');
    t.strictSame(lines.slice(1).sort(), ['0', '1', '2', '3', '4'], 'fd 4 (not preserved) is closed; 4 is ls\'s own');
  } finally {
    fds.forEach((fd) => fs.closeSync(fd));
  }
});

t.test('exec: no ignored and no blocked signals in the exec\'d process, even if the caller ignored some (runc behaviour)', async (t) => {
  const c = await main(t);
  if (!c) return;
  for (const prefix of ['', "trap '' PIPE HUP INT QUIT USR1 TERM"]) {
    const st = await statusOf(t, c, [], prefix ? { shellPrefix: prefix } : {});
    t.equal(st.SigIgn, '0000000000000000', `SigIgn zero${prefix ? ' (caller ignored signals)' : ''}`, runcKeepsCallersRtSignals());
    t.equal(st.SigBlk, '0000000000000000', `SigBlk zero${prefix ? ' (caller ignored signals)' : ''}`);
  }
});

t.test('exec into a stopped container fails with "stopped" or "not running" (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'the container stopped');
  const r = await h.rt(['exec', id, 'touch', '/tmp/ran']);
  t.not(r.code, 0, 'exec fails', diag(r));
  t.match(r.stderr, /stopped|not running/, 'error says stopped / not running', diag(r));
  t.notOk(fs.existsSync(path.join(b.rootfs, 'tmp', 'ran')), 'nothing ran');
});

t.test('exec into an unknown container fails with "does not exist" (runc CLI; containerd matches the text)', async (t) => {
  const r = await h.rt(['exec', `nope-${Date.now()}`, 'true']);
  t.not(r.code, 0, 'exec fails', diag(r));
  t.match(r.stderr, /does not exist/, diag(r));
});

t.test('exec of a missing program fails with "executable file not found" / "no such file or directory" (podman maps it to 127)', async (t) => {
  const c = await main(t);
  if (!c) return;
  for (const prog of ['no-such-program', '/bin/no-such-program']) {
    const r = await ex(c, [], [prog, 'arg']);
    t.not(r.code, 0, `${prog}: exec fails`, diag(r));
    t.not(r.code, null, `${prog}: the runtime exits, it is not killed`);
    t.match(r.stderr, /executable file not found|no such file or directory/i, `${prog}: error text`, diag(r));
  }
  t.equal(await h.status(c.id), 'running', 'the container still runs');
});

t.test('CVE-2016-9962: after exec the process is dumpable again (owned by its uid) and holds only its stdio', async (t) => {
  const c = await main(t);
  if (!c) return;
  const d = await execDetached(t, c, ['--user', '1000:1000'], ['sleep', '32']);
  if (!d) return;
  const owner = await waitFor(() => (fs.statSync(`/proc/${d.pid}/environ`).uid === 1000 ? 1000 : undefined), 3000);
  t.equal(owner, 1000, '/proc/<pid> belongs to uid 1000: the process is dumpable after exec, not before');
  const status = parseStatus(fs.readFileSync(`/proc/${d.pid}/status`, 'utf8'));
  t.match(status.Uid, /^1000\s+1000\s+1000\s+1000$/, 'it runs as 1000');
  const fds = fs.readdirSync(`/proc/${d.pid}/fd`).sort();
  t.strictSame(fds, ['0', '1', '2'], 'only stdio open: nothing of the runtime leaked in', {
    links: fds.map((f) => { try { return fs.readlinkSync(`/proc/${d.pid}/fd/${f}`); } catch { return '?'; } }),
  });
  process.kill(d.pid, 'SIGKILL');
});

t.test('CVE-2024-21626: exec --cwd /proc/self/fd/N fails or lands inside the container, never on a host path', async (t) => {
  const c = await main(t);
  if (!c) return;
  for (const fd of [3, 4, 5, 6, 7, 8, 9]) {
    const r = await ex(c, ['--cwd', `/proc/self/fd/${fd}`], ['sh', '-c', 'pwd; ls -a ..; ls ../../..']);
    if (r.code === 0) {
      t.notMatch(r.stdout, /^\/proc\/self\/fd|\(unreachable\)|^\/sys\/fs\/cgroup|^\/run\//m, `fd ${fd}: cwd is a container path`, diag(r));
      t.notMatch(r.stdout, new RegExp(path.basename(c.b.dir)), `fd ${fd}: no host path visible from the cwd`, diag(r));
      t.notMatch(r.stdout, new RegExp(path.basename(h.base)), `fd ${fd}: no host path visible from the cwd`, diag(r));
    } else {
      t.pass(`fd ${fd}: refused (${r.stderr.trim().slice(0, 80)})`);
    }
  }
});

t.test('exec: the container\'s seccomp profile applies to exec\'d processes (config-linux.md Seccomp)', async (t) => {
  const c = await running(t, (cfg) => {
    cfg.linux.seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
    };
  });
  if (!c) return;
  const r = await ex(c, [], ['mkdir', '/tmp/x']);
  t.not(r.code, 0, 'exec mkdir fails', diag(r));
  t.match(r.stderr, /Operation not permitted/, 'with EPERM', diag(r));
  t.notOk(fs.existsSync(path.join(c.b.rootfs, 'tmp', 'x')), 'no directory was made');
  const st = await statusOf(t, c);
  t.equal(st.Seccomp, '2', 'Seccomp: 2 (filter mode) in the exec\'d process');
  // Capabilities do not lift it (the filter is loaded whatever the exec flags).
  const r2 = await ex(c, ['--cap', 'CAP_SYS_ADMIN'], ['mkdir', '/tmp/y']);
  t.not(r2.code, 0, 'with --cap CAP_SYS_ADMIN too', diag(r2));
  t.match(r2.stderr, /Operation not permitted/, 'with EPERM', diag(r2));
  t.notOk(fs.existsSync(path.join(c.b.rootfs, 'tmp', 'y')), 'no directory was made');
});

t.test('exec into a paused container fails unless --ignore-paused (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const r = await h.run(id, b, ['--detach']);
  t.equal(r.code, 0, 'started', diag(r));
  const p = await h.rt(['pause', id]);
  t.equal(p.code, 0, 'paused', diag(p));
  const refused = await h.rt(['exec', id, 'true']);
  t.not(refused.code, 0, 'exec into a paused container is refused');
  t.match(refused.stderr, /paused/, 'and the error says why');
  // The joining process enters the frozen cgroup and freezes with it: the
  // exec goes through once the container is resumed.
  const pending = h.rt(['exec', '--ignore-paused', id, 'echo', 'ran-after-resume']);
  await new Promise((r) => setTimeout(r, 500));
  const resumed = await h.rt(['resume', id]);
  t.equal(resumed.code, 0, 'resumed', diag(resumed));
  const done = await pending;
  t.equal(done.code, 0, '--ignore-paused: the exec is accepted and completes after resume', diag(done));
  t.match(done.stdout, /ran-after-resume/);
});

t.test('exec --process-label and --apparmor fail clearly where the host has no SELinux or AppArmor', async (t) => {
  const c = await main(t);
  if (!c) return;
  const label = await h.rt(['exec', '--process-label', 'system_u:system_r:container_t:s0', c.id, 'true']);
  const apparmor = await h.rt(['exec', '--apparmor', 'some-profile', c.id, 'true']);
  // runc 1.1.5 ignores both on such a host; tsrun refuses rather than run the process unconfined.
  if (label.code === 0) t.comment(`runtime ran the process without the label: ${label.stderr.trim()}`);
  else t.match(label.stderr, /SELinux/i, 'the label error names SELinux');
  if (apparmor.code === 0) t.comment('runtime ran the process without the AppArmor profile');
  else t.match(apparmor.stderr, /AppArmor/i, 'the profile error names AppArmor');
});

h.done();
