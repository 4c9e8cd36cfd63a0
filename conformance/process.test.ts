// The container process as config.md "Process" / "User" and runtime-linux.md
// "File descriptors" describe it, observed from inside the container.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import {
  Harness, RUNC_DEFAULT_CAPS, capMask, diag, parseStatus, runcDeviation, runcKeepsCallersRtSignals,
  type BundleOptions, type RtOptions,
} from './lib/harness.js';

const h = new Harness(t, 'process');

/** Run a container in the foreground and return its stdout (the test fails on a non-zero exit). */
async function runOut(t: Test, opts: BundleOptions, extra: string[] = [], rtOpts: RtOptions = {}): Promise<string> {
  const id = h.id(t);
  const b = h.bundle(opts);
  const r = await h.run(id, b, extra, rtOpts);
  t.equal(r.code, 0, 'container ran', diag(r));
  return r.stdout;
}

async function statusOf(t: Test, opts: BundleOptions, rtOpts: RtOptions = {}) {
  return parseStatus(await runOut(t, { ...opts, args: ['cat', '/proc/self/status'] }, [], rtOpts));
}

t.test('the container process is pid 1 of its new pid namespace (config-linux.md Namespaces: pid)', async (t) => {
  t.equal(await runOut(t, { args: ['sh', '-c', 'echo $$'] }), '1\n');
});

t.test('hostname "as seen by processes running inside the container" (config.md Hostname)', async (t) => {
  t.equal(await runOut(t, { args: ['hostname'], config: (c) => (c.hostname = 'conf-host-42') }), 'conf-host-42\n');
});

// runc 1.1.5 parses but does not apply `domainname` (support arrived in runc 1.2).
t.test(
  'domainname "as seen by processes running inside the container" (config.md Domainname)',
  runcDeviation('domainname is ignored'),
  async (t) => {
  const out = await runOut(t, {
    args: ['cat', '/proc/sys/kernel/domainname'],
    config: (c) => (c.domainname = 'example.test'),
  });
  t.equal(out, 'example.test\n');
  },
);

t.test('env: the process environment is exactly process.env (config.md Process: env, "same semantics as environ")', async (t) => {
  const env = ['PATH=/bin', 'HOME=/home/x', 'FOO=bar baz', 'EMPTY=', 'WITH_EQ=a=b=c', 'UNICODE=ünï'];
  const out = await runOut(t, { args: ['env'], config: (c) => (c.process.env = env) });
  t.strictSame(out.split('\n').filter(Boolean).sort(), [...env].sort(), 'env output equals the config');
});

// runc (like Docker) adds HOME from the container's /etc/passwd when process.env has none.
t.test('env: without HOME in process.env, the only variable a runtime may add is HOME (runc behaviour)', async (t) => {
  const env = ['PATH=/bin', 'FOO=1'];
  const out = await runOut(t, { args: ['env'], config: (c) => (c.process.env = env) });
  const got = out.split('\n').filter(Boolean);
  const extra = got.filter((l) => !env.includes(l));
  t.ok(env.every((e) => got.includes(e)), 'every configured variable is present');
  t.ok(extra.every((l) => l.startsWith('HOME=')), 'nothing else but HOME was added', { extra });
  if (extra.length) t.equal(extra[0], 'HOME=/root', 'HOME (if added) is uid 0\'s home from /etc/passwd');
});

t.test('cwd: "the working directory that will be set for the executable" (config.md Process: cwd)', async (t) => {
  const out = await runOut(t, {
    args: ['pwd'],
    files: { '/work/dir/.keep': '' },
    config: (c) => (c.process.cwd = '/work/dir'),
  });
  t.equal(out, '/work/dir\n');
});

t.test('args[0] is resolved "with the same semantics as execvp\'s file" using process.env PATH (config.md Process: args)', async (t) => {
  const out = await runOut(t, {
    args: ['myprog', 'one', 'two'],
    files: { '/opt/bin/myprog': { content: '#!/bin/sh\necho "myprog:$*"\n', mode: 0o755 } },
    config: (c) => (c.process.env = ['PATH=/opt/bin:/bin']),
  });
  t.equal(out, 'myprog:one two\n');
});

t.test('args are passed verbatim, without shell interpretation (config.md Process: args)', async (t) => {
  const args = ['a b', '$HOME', '*', '', "q'uote", 'tab\there', '--flag=x'];
  const out = await runOut(t, { args: ['printf', '[%s]\\n', ...args] });
  t.equal(out, args.map((a) => `[${a}]\n`).join(''));
});

t.test('user: uid, gid and additionalGids are applied (config.md POSIX-platform User)', async (t) => {
  const st = await statusOf(t, { config: (c) => (c.process.user = { uid: 1000, gid: 1000, additionalGids: [10, 20, 1000] }) });
  t.equal(st.Uid, '1000\t1000\t1000\t1000', 'real, effective, saved, fs uid = 1000');
  t.equal(st.Gid, '1000\t1000\t1000\t1000', 'real, effective, saved, fs gid = 1000');
  t.strictSame((st.Groups ?? '').split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b), [10, 20, 1000], 'supplementary groups');
});

t.test('user: a uid/gid without passwd entry is applied numerically; no extra groups (config.md POSIX-platform User)', async (t) => {
  const st = await statusOf(t, { config: (c) => (c.process.user = { uid: 4242, gid: 4343 }) });
  t.equal(st.Uid, '4242\t4242\t4242\t4242');
  t.equal(st.Gid, '4343\t4343\t4343\t4343');
  t.strictSame((st.Groups ?? '').split(/\s+/).filter(Boolean), [], 'no supplementary groups');
});

t.test('user.umask is applied (config.md POSIX-platform User: umask)', async (t) => {
  const st = await statusOf(t, { config: (c) => (c.process.user.umask = 0o027) });
  t.equal(st.Umask, '0027');
});

// runc 1.1.5 always sets umask 0022 when user.umask is unset (libcontainer/init_linux.go).
t.test(
  'user.umask unset: "the umask should not be changed from the calling process\' umask" (config.md POSIX-platform User)',
  runcDeviation('umask is forced to 0022 when user.umask is unset'),
  async (t) => {
    const st = await statusOf(t, {}, { shellPrefix: 'umask 0077' });
    t.equal(st.Umask, '0077', 'the caller\'s umask 0077 is kept');
  },
);

t.test('fds: "only the stdin, stdout and stderr file descriptors are kept open" even if the runtime inherited more (runtime-linux.md)', async (t) => {
  const dir = h.hostDir();
  const extra = [0, 1, 2].map((i) => fs.openSync(path.join(dir, `f${i}`), 'w+'));
  try {
    // ls opens the directory itself as the lowest free fd: 3 when only 0-2 are open.
    const out = await runOut(t, { args: ['ls', '/proc/self/fd'] }, [], { extraFds: extra });
    t.strictSame(out.split(/\s+/).filter(Boolean).sort(), ['0', '1', '2', '3'], 'only 0 1 2 (+ the fd ls opened)');
  } finally {
    extra.forEach((fd) => fs.closeSync(fd));
  }
});

t.test('fds: --preserve-fds N passes fds 3..3+N-1 through (runtime-linux.md "MAY pass additional file descriptors")', async (t) => {
  const dir = h.hostDir();
  fs.writeFileSync(path.join(dir, 'three'), 'three\n');
  fs.writeFileSync(path.join(dir, 'four'), 'four\n');
  fs.writeFileSync(path.join(dir, 'five'), 'five\n');
  const fds = ['three', 'four', 'five'].map((n) => fs.openSync(path.join(dir, n), 'r'));
  try {
    const out = await runOut(t, { args: ['sh', '-c', 'cat <&3; cat <&4; ls /proc/self/fd'] }, ['--preserve-fds', '2'], {
      extraFds: fds,
    });
    const lines = out.split('\n').filter(Boolean);
    t.strictSame(lines.slice(0, 2), ['three', 'four'], 'fds 3 and 4 are the files given to the runtime');
    t.strictSame(lines.slice(2).sort(), ['0', '1', '2', '3', '4', '5'], 'fd 5 (third extra) was not passed; 5 is ls\'s own');
  } finally {
    fds.forEach((fd) => fs.closeSync(fd));
  }
});

t.test('signals: no ignored and no blocked signals in the container process, even if the caller ignored some (runc behaviour)', async (t) => {
  for (const prefix of ['', "trap '' PIPE HUP INT QUIT USR1 TERM"]) {
    const out = await runOut(t, { args: ['grep', '^Sig', '/proc/self/status'] }, [], prefix ? { shellPrefix: prefix } : {});
    const st = parseStatus(out);
    const label = prefix ? 'caller ignored PIPE HUP INT QUIT USR1 TERM' : 'plain caller';
    t.equal(st.SigIgn, '0000000000000000', `${label}: SigIgn is empty`, runcKeepsCallersRtSignals());
    t.equal(st.SigBlk, '0000000000000000', `${label}: SigBlk is empty`);
  }
});

t.test('rlimits: rlim_cur and rlim_max "MUST match the configured value" (config.md POSIX process: rlimits)', async (t) => {
  const out = await runOut(t, {
    args: ['cat', '/proc/self/limits'],
    config: (c) =>
      (c.process.rlimits = [
        { type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 },
        { type: 'RLIMIT_CORE', soft: 0, hard: 4096 },
      ]),
  });
  const row = (name: string) => out.split('\n').find((l) => l.startsWith(name))?.split(/\s{2,}/);
  t.strictSame(row('Max open files')?.slice(1, 3), ['512', '1024'], 'RLIMIT_NOFILE 512/1024');
  t.strictSame(row('Max core file size')?.slice(1, 3), ['0', '4096'], 'RLIMIT_CORE 0/4096');
});

t.test('capabilities: as root, the bounding/effective/permitted sets are those configured, inheritable empty (config.md Linux Process)', async (t) => {
  const st = await statusOf(t, {});
  const m = capMask(RUNC_DEFAULT_CAPS);
  t.equal(st.CapBnd, m, 'CapBnd');
  t.equal(st.CapPrm, m, 'CapPrm');
  t.equal(st.CapEff, m, 'CapEff');
  t.equal(st.CapInh, '0000000000000000', 'CapInh (no inheritable configured)');
});

t.test('capabilities: as uid 1000, ambient capabilities survive exec; each set is as configured (config.md Linux Process)', async (t) => {
  const st = await statusOf(t, {
    config: (c) => {
      c.process.user = { uid: 1000, gid: 1000 };
      c.process.capabilities = {
        bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE'],
        effective: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
        inheritable: ['CAP_NET_BIND_SERVICE'],
        ambient: ['CAP_NET_BIND_SERVICE'],
      };
    },
  });
  t.equal(st.CapBnd, capMask(['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']), 'CapBnd');
  t.equal(st.CapInh, capMask(['CAP_NET_BIND_SERVICE']), 'CapInh');
  t.equal(st.CapAmb, capMask(['CAP_NET_BIND_SERVICE']), 'CapAmb');
  // After execve by a non-root user without file capabilities, permitted = effective = ambient.
  t.equal(st.CapPrm, capMask(['CAP_NET_BIND_SERVICE']), 'CapPrm (= ambient after exec)');
  t.equal(st.CapEff, capMask(['CAP_NET_BIND_SERVICE']), 'CapEff (= ambient after exec)');
});

t.test('noNewPrivileges is applied when true and not when false (config.md Linux Process: noNewPrivileges)', async (t) => {
  const on = await statusOf(t, { config: (c) => (c.process.noNewPrivileges = true) });
  t.equal(on.NoNewPrivs, '1', 'true -> NoNewPrivs 1');
  const off = await statusOf(t, { config: (c) => (c.process.noNewPrivileges = false) });
  t.equal(off.NoNewPrivs, '0', 'false -> NoNewPrivs 0');
});

t.test('oomScoreAdj: "the runtime MUST set oom_score_adj to the given value" (config.md Linux Process)', async (t) => {
  const out = await runOut(t, { args: ['cat', '/proc/self/oom_score_adj'], config: (c) => (c.process.oomScoreAdj = 123) });
  t.equal(out, '123\n');
});

t.test('oomScoreAdj unset: "the runtime MUST NOT change the value of oom_score_adj" (config.md Linux Process)', async (t) => {
  // The runtime inherits this process's value; give it a distinctive one through a shell.
  const out = await runOut(t, { args: ['cat', '/proc/self/oom_score_adj'] }, [], {
    shellPrefix: 'echo 77 > /proc/self/oom_score_adj',
  });
  t.equal(out, '77\n', 'the caller\'s value 77 is kept');
});

t.test('env: HOME comes from the container\'s /etc/passwd by uid, "/" for a uid it does not list (runc behaviour)', async (t) => {
  for (const [uid, want] of [[1000, '/home/nobody'], [4242, '/']] as const) {
    const id = h.id(t);
    const b = h.bundle({ args: ['sh', '-c', 'echo "home=$HOME"'], config: (c) => (c.process.user = { uid, gid: uid }) });
    const r = await h.run(id, b);
    t.equal(r.code, 0, `uid ${uid} ran`, diag(r));
    t.match(r.stdout, new RegExp(`^home=${want}$`, 'm'), `uid ${uid}: HOME=${want}`);
  }
});

h.done();
