// linux.seccomp (config-linux.md "Seccomp"), checked from inside the container:
// actions, errnoRet, argument conditions, default-deny profiles, the filter
// being in force for the container process (/proc/self/status "Seccomp: 2")
// but not for the runtime's own set-up, and no_new_privs staying independent;
// SCMP_ACT_NOTIFY with a listener (a small python agent) at listenerPath.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';

import { Harness, diag, isRunc, parseStatus, waitFor, type Config } from './lib/harness.js';
import { Agent, type AgentEvent } from './lib/seccomp-agent.js';

const h = new Harness(t, 'seccomp');

const SIGSYS = 31;

/** Enough for busybox `true` under a default-deny profile, with runc's and tsrun's set-up after a load before the user switch. */
const ALLOW_TRUE = [
  'arch_prctl', 'brk', 'capget', 'capset', 'chdir', 'close', 'close_range', 'epoll_create1', 'epoll_ctl', 'epoll_pwait',
  'execve', 'exit', 'exit_group', 'faccessat', 'faccessat2', 'fchdir', 'fcntl', 'fstat', 'fstatfs', 'futex', 'getcwd',
  'getdents64', 'getegid', 'geteuid', 'getgid', 'getpid', 'getppid', 'getrandom', 'gettid', 'getuid', 'madvise', 'mmap',
  'mprotect', 'munmap', 'nanosleep', 'newfstatat', 'openat', 'prctl', 'prlimit64', 'read', 'readlink', 'readlinkat', 'rseq',
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'sched_getaffinity', 'sched_yield', 'sendto', 'set_robust_list',
  'set_tid_address', 'setgid', 'setgroups', 'setresgid', 'setresuid', 'setuid', 'sigaltstack', 'tgkill', 'uname', 'write',
];

const MOUNT_SYSCALLS = ['mount', 'umount2', 'pivot_root', 'fsopen', 'fsconfig', 'fsmount', 'move_mount', 'open_tree', 'mount_setattr'];

interface Variant {
  name: string;
  patch(c: Config): void;
}

// Where the filter is loaded depends on no_new_privs and CAP_SYS_ADMIN: right
// before execve when either is there, before the user switch otherwise.
const VARIANTS: Variant[] = [
  { name: 'noNewPrivileges true', patch: (c) => (c.process.noNewPrivileges = true) },
  { name: 'noNewPrivileges false', patch: (c) => (c.process.noNewPrivileges = false) },
  {
    name: 'noNewPrivileges false, CAP_SYS_ADMIN',
    patch: (c) => {
      c.process.noNewPrivileges = false;
      for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SYS_ADMIN');
    },
  },
];

function bundleWith(args: string[], seccomp: Record<string, unknown>, variant?: Variant) {
  return h.bundle({
    args,
    config: (c) => {
      variant?.patch(c);
      c.linux.seccomp = seccomp;
    },
  });
}

async function runIn(t: Test, args: string[], seccomp: Record<string, unknown>, variant?: Variant) {
  const id = h.id(t);
  return h.run(id, bundleWith(args, seccomp, variant));
}

for (const v of VARIANTS) {
  t.test(`seccomp (${v.name}): SCMP_ACT_ERRNO makes mkdir fail with EPERM; the filter is in force; NoNewPrivs is the config's`, async (t) => {
    const r = await runIn(
      t,
      ['sh', '-c', 'mkdir /tmp/x; echo "mkdir=$?"; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'],
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        // unknown syscall names are skipped, not an error
        syscalls: [{ names: ['mkdir', 'mkdirat', 'no_such_syscall_anywhere'], action: 'SCMP_ACT_ERRNO' }],
      },
      v,
    );
    t.equal(r.code, 0, 'run succeeds', diag(r));
    t.match(r.stderr, /can't create directory '\/tmp\/x': Operation not permitted/, 'mkdir: Operation not permitted (EPERM, the default errnoRet)');
    t.match(r.stdout, /mkdir=1/);
    const status = parseStatus(r.stdout);
    t.equal(status.Seccomp, '2', 'Seccomp: 2 (filter mode)');
    t.equal(status.NoNewPrivs, v.name === 'noNewPrivileges true' ? '1' : '0', 'no_new_privs as configured, whatever seccomp needs');
  });

  t.test(`seccomp (${v.name}): a default-deny profile with an allow list runs busybox true`, async (t) => {
    const r = await runIn(t, ['true'], { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ALLOW_TRUE, action: 'SCMP_ACT_ALLOW' }] }, v);
    t.equal(r.code, 0, 'true exits 0', diag(r));
  });

  t.test(`seccomp (${v.name}): a default-deny profile without close_range (older than Linux 5.9) runs busybox true`, async (t) => {
    const names = ALLOW_TRUE.filter((n) => n !== 'close_range');
    const r = await runIn(t, ['sh', '-c', 'ls /proc/self/fd'], { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: [...names, 'writev', 'ioctl', 'lseek', 'getdents64', 'stat', 'lstat', 'statx'], action: 'SCMP_ACT_ALLOW' }] }, v);
    t.equal(r.code, 0, 'runs', diag(r));
    t.same(r.stdout.trim().split(/\s+/).sort(), ['0', '1', '2', '3'], 'and no runtime fd reaches the container (3 is ls\'s own)');
  });

  // config-linux.md "Seccomp": a profile older than faccessat2 (Linux 5.8),
  // like runtime-tools' default one, fails it with EPERM; the process must
  // still be found (on PATH and by path) and run.
  for (const args of [['true'], ['/bin/true']]) {
    t.test(`seccomp (${v.name}): a default-deny profile without faccessat2 runs ${args[0]}`, async (t) => {
      const names = ALLOW_TRUE.filter((n) => n !== 'faccessat2');
      const r = await runIn(t, args, { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] }, v);
      t.equal(r.code, 0, `${args[0]} exits 0`, diag(r));
    });
  }

  t.test(`seccomp (${v.name}): the runtime's own set-up is not filtered, the container is`, async (t) => {
    // mount, pivot_root and friends are what the set-up is made of.
    const r = await runIn(
      t,
      ['sh', '-c', 'mount -t tmpfs tmpfs /mnt; echo "mount=$?"'],
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MOUNT_SYSCALLS, action: 'SCMP_ACT_ERRNO', errnoRet: 28 }] },
      v,
    );
    t.equal(r.code, 0, 'the container is set up and runs', diag(r));
    t.match(r.stderr, /No space left on device/, 'mount inside fails with the profile\'s errno (ENOSPC)');
    t.match(r.stdout, /mount=255/);
  });
}

t.test('seccomp: errnoRet 38 (ENOSYS) is returned instead of EPERM', async (t) => {
  const r = await runIn(t, ['mkdir', '/tmp/x'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
  });
  t.equal(r.code, 1, 'mkdir fails', diag(r));
  t.match(r.stderr, /Function not implemented/);
});

t.test('seccomp: defaultErrnoRet is what unlisted syscalls return', async (t) => {
  // mkdir is not on the allow list; everything busybox needs to report it is.
  const r = await runIn(t, ['mkdir', '/tmp/x'], {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 13,
    syscalls: [{ names: [...ALLOW_TRUE, 'writev', 'ioctl', 'lseek'], action: 'SCMP_ACT_ALLOW' }],
  });
  t.equal(r.code, 1, 'mkdir fails', diag(r));
  t.match(r.stderr, /Permission denied/, 'EACCES');
});

for (const action of ['SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP']) {
  t.test(`seccomp: ${action} ends the process with SIGSYS (run exits ${128 + SIGSYS})`, async (t) => {
    const r = await runIn(t, ['mkdir', '/tmp/x'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action }] });
    t.equal(r.code, 128 + SIGSYS, diag(r));
  });
}

t.test('seccomp: argument conditions (SCMP_CMP_EQ; two on the same argument match either)', async (t) => {
  const r = await runIn(
    t,
    ['sh', '-c', 'linux32 true; echo "linux32=$?"; linux64 true; echo "linux64=$?"; nc 127.0.0.1 9; echo "inet=$?"; nc ::1 9; echo "inet6=$?"; ip link show lo >/dev/null; echo "netlink=$?"'],
    {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        // personality(PER_LINUX32) only; personality(PER_LINUX) still works
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
        // socket(AF_INET) or socket(AF_INET6); AF_NETLINK still works
        {
          names: ['socket'],
          action: 'SCMP_ACT_ERRNO',
          args: [
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 10, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    },
  );
  t.equal(r.code, 0, diag(r));
  t.match(r.stdout, /linux32=1/, 'personality(PER_LINUX32) refused');
  t.match(r.stderr, /personality\(0x8\): Operation not permitted/);
  t.match(r.stdout, /linux64=0/, 'personality(PER_LINUX) allowed');
  t.match(r.stdout, /inet=1/, 'AF_INET socket refused');
  t.match(r.stdout, /inet6=1/, 'AF_INET6 socket refused');
  t.match(r.stderr, /nc: socket: Operation not permitted/);
  t.match(r.stdout, /netlink=0/, 'AF_NETLINK socket allowed');
});

t.test('seccomp: SCMP_CMP_MASKED_EQ compares the masked argument with valueTwo', async (t) => {
  const r = await runIn(t, ['sh', '-c', 'linux32 true; echo "linux32=$?"; linux64 true; echo "linux64=$?"'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    // (arg0 & 0xff) == 8
    syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0xff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' }] }],
  });
  t.equal(r.code, 0, diag(r));
  t.match(r.stdout, /linux32=1/);
  t.match(r.stdout, /linux64=0/);
});

// runc 1.1.5 refuses every flag: "seccomp flags are not yet supported by runc".
t.test('seccomp: flags TSYNC, LOG and SPEC_ALLOW', { skip: isRunc() ? 'runc 1.1 does not support seccomp flags' : false }, async (t) => {
  const r = await runIn(t, ['sh', '-c', 'mkdir /tmp/x; echo "mkdir=$?"; grep "^Seccomp:" /proc/self/status'], {
    defaultAction: 'SCMP_ACT_ALLOW',
    flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
  });
  t.equal(r.code, 0, diag(r));
  t.match(r.stdout, /mkdir=1/);
  t.match(r.stdout, /Seccomp:\s+2/);
});

t.test('seccomp: a profile blocking what the runtime needs after loading it fails create, naming seccomp, leaving nothing', async (t) => {
  // Without no_new_privs and CAP_SYS_ADMIN the filter goes in before the user
  // switch, so capset has to pass it.
  const id = h.id(t);
  const b = bundleWith(['true'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['capset'], action: 'SCMP_ACT_ERRNO' }] }, VARIANTS[1]);
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  await h.expectNoTrace(t, id, b);
  // runc 1.1.5 reports "unable to apply caps: operation not permitted".
  t.test('the error names seccomp and the syscall', { skip: isRunc() ? 'runc words this error its own way' : false }, async (t) => {
    t.match(r.stderr, /seccomp/, diag(r));
    t.match(r.stderr, /capset/);
  });
});

// --- SCMP_ACT_NOTIFY: linux.seccomp.listenerPath and listenerMetadata ----------

const NR_MKDIR = 83;
const NR_MKDIRAT = 258;
const MKDIR_NOTIFY = [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }];

function notifyProfile(agent: Agent | undefined, extra: Record<string, unknown> = {}) {
  return { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: agent?.socketPath, listenerMetadata: 'agent-metadata 1', syscalls: MKDIR_NOTIFY, ...extra };
}

function checkProcessState(t: Test, ev: AgentEvent | undefined, want: { id: string; bundle: string; status: string; pid: number; statePid: number }) {
  t.ok(ev, 'the listener received a container process state', { ev });
  if (!ev) return;
  const m = ev.message!;
  t.match(m.ociVersion, /^1\.\d+\.\d+/, 'ociVersion');
  t.strictSame(m.fds, ['seccompFd'], 'fds: ["seccompFd"]');
  t.equal(ev.links?.length, 1, 'exactly one fd came along');
  t.match(ev.links?.[0], /^anon_inode:\[?seccomp notify\]?$/, 'and it is a seccomp notify fd');
  t.equal(m.pid, want.pid, 'pid: the process that loaded the filter');
  t.equal(m.metadata, 'agent-metadata 1', 'metadata: listenerMetadata');
  t.equal(m.state?.id, want.id, 'state.id');
  t.equal(m.state?.status, want.status, `state.status ${want.status}`);
  t.equal(m.state?.pid, want.statePid, 'state.pid: the container process');
  t.equal(m.state?.bundle, want.bundle, 'state.bundle');
  t.match(m.state?.ociVersion, /^1\./, 'state.ociVersion');
  t.same(m.state?.annotations, { 'org.example.agent': 'yes' }, 'state.annotations');
}

function notifyBundle(args: string[], seccomp: Record<string, unknown>, variant?: Variant) {
  return h.bundle({
    args,
    config: (c) => {
      variant?.patch(c);
      c.annotations = { 'org.example.agent': 'yes' };
      c.linux.seccomp = seccomp;
    },
  });
}

/** What the container's init holds open while it waits for `start`. */
function fdLinks(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return fs.readdirSync(dir).map((fd) => {
    try {
      return fs.readlinkSync(path.join(dir, fd));
    } catch {
      return '';
    }
  });
}

for (const v of VARIANTS) {
  t.test(`seccomp NOTIFY (${v.name}): create hands the listener fd and the container process state to listenerPath; the listener answers mkdir`, async (t) => {
    const agent = await Agent.start(t, h.hostDir('agent'), 0);
    const id = h.id(t);
    const b = notifyBundle(['sh', '-c', 'mkdir /tmp/x; echo "mkdir=$?"; [ -d /tmp/x ] && echo present || echo absent; ls /proc/self/fd'], notifyProfile(agent), v);
    const r = await h.create(id, b);
    t.equal(r.code, 0, 'create succeeds', diag(r));
    const state = (await h.state(id)).state;
    t.equal(state?.status, 'created');
    // The spec's order (and runc's): the listener has the fd before the container process runs.
    const ev = await agent.nthState(0, 2000);
    checkProcessState(t, ev, { id, bundle: b.dir, status: 'creating', pid: state!.pid!, statePid: state!.pid! });
    t.notOk(fdLinks(state!.pid!).some((l) => /seccomp notify/.test(l)), 'the waiting container process holds no notify fd');
    const started = await h.start(id);
    t.equal(started.code, 0, 'start succeeds', diag(started));
    t.ok(await h.waitStatus(id, 'stopped', 10_000), 'the container runs to its end');
    const out = r.output();
    t.match(out.stdout, /mkdir=0/, 'mkdir succeeds: the listener said so', out);
    t.match(out.stdout, /absent/, 'without the directory being made: the listener answered, the kernel did not run mkdir');
    t.same(out.stdout.split('\n').filter((l) => /^\d+$/.test(l)).sort(), ['0', '1', '2', '3'], 'no notify fd reaches the container (3 is ls\'s own)');
    const n = agent.events.filter((e) => e.event === 'notification');
    t.ok(n.some((e) => e.nr === NR_MKDIR || e.nr === NR_MKDIRAT), 'the listener saw the mkdir', { events: agent.events });
    t.equal(agent.states().length, 1, 'one connection, one state');
    await h.delete(id);
  });
}

t.test('seccomp NOTIFY: the listener\'s errno is what the container sees', async (t) => {
  const agent = await Agent.start(t, h.hostDir('agent'), 28);
  const id = h.id(t);
  const r = await h.create(id, notifyBundle(['sh', '-c', 'mkdir /tmp/x; echo "mkdir=$?"'], notifyProfile(agent)));
  t.equal(r.code, 0, 'create succeeds', diag(r));
  t.equal((await h.start(id)).code, 0, 'start succeeds');
  t.ok(await h.waitStatus(id, 'stopped', 10_000));
  const out = r.output();
  t.match(out.stdout, /mkdir=1/, 'mkdir fails', out);
  t.match(out.stderr, /No space left on device/, 'with ENOSPC, the listener\'s answer');
  t.equal(agent.states().length, 1);
  await h.delete(id);
});

t.test('seccomp NOTIFY: a foreground run works too', { skip: isRunc() ? 'runc 1.1.5 hangs in a foreground run with a notify listener' : false }, async (t) => {
  const agent = await Agent.start(t, h.hostDir('agent'), 28);
  const r = await h.run(h.id(t), notifyBundle(['mkdir', '/tmp/x'], notifyProfile(agent)));
  t.equal(r.code, 1, 'mkdir fails', diag(r));
  t.match(r.stderr, /No space left on device/, 'with the listener\'s ENOSPC');
  t.equal(agent.states().length, 1);
});

t.test('seccomp NOTIFY: exec sends a new listener fd, with the exec\'d process\'s pid and the container\'s state', async (t) => {
  const agent = await Agent.start(t, h.hostDir('agent'), 0);
  const id = h.id(t);
  const b = notifyBundle(['sleep', '1000'], notifyProfile(agent));
  t.equal((await h.create(id, b)).code, 0, 'create');
  t.equal((await h.start(id)).code, 0, 'start');
  const state = (await h.state(id)).state!;
  const pidFile = path.join(h.hostDir('exec'), 'pid');
  // Detached: runc 1.1.5 never returns from a foreground exec with a notify listener.
  const r = await h.rt(['exec', '-d', '--pid-file', pidFile, id, 'sh', '-c', 'mkdir /tmp/y; echo "mkdir=$?"; [ -d /tmp/y ] && echo present || echo absent']);
  t.equal(r.code, 0, 'exec -d succeeds', diag(r));
  const execPid = Number(fs.readFileSync(pidFile, 'utf8'));
  h.notePid(execPid);
  checkProcessState(t, await agent.nthState(1), { id, bundle: b.dir, status: 'running', pid: execPid, statePid: state.pid! });
  t.not(execPid, state.pid, 'pid is the exec\'d process, not the container\'s');
  t.ok(await waitFor(() => !fs.existsSync(`/proc/${execPid}`), 10_000), 'the exec\'d process ends');
  const out = r.output();
  t.match(out.stdout, /mkdir=0\s+absent/, 'the listener answered the exec\'d process\'s mkdir', out);

  await t.test('a foreground exec', { skip: isRunc() ? 'runc 1.1.5 never returns from a foreground exec with a notify listener' : false }, async (t) => {
    const r = await h.rt(['exec', id, 'sh', '-c', 'mkdir /tmp/z; echo "mkdir=$?"; [ -d /tmp/z ] && echo present || echo absent']);
    t.equal(r.code, 0, 'exec succeeds', diag(r));
    t.match(r.stdout, /mkdir=0\s+absent/, 'the listener answered');
    t.equal(agent.states().length, 3, 'a third connection');
  });
  await h.kill(id, 'KILL');
  await h.waitStatus(id, 'stopped');
  await h.delete(id);
});

t.test('seccomp NOTIFY without listenerPath fails create, naming the field, leaving nothing', async (t) => {
  const id = h.id(t);
  const b = notifyBundle(['true'], notifyProfile(undefined, { listenerMetadata: undefined }));
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  // runc 1.1.5: "listenerPath is not set"
  t.match(r.stderr, /listenerPath/, 'the error names listenerPath');
  if (!isRunc()) t.match(r.stderr, /\/linux\/seccomp\/listenerPath/, 'by its JSON pointer');
  await h.expectNoTrace(t, id, b);
});

t.test('seccomp NOTIFY with a listenerPath nobody listens on fails create, naming the path, leaving nothing', async (t) => {
  const id = h.id(t);
  const missing = path.join(h.hostDir('agent'), 'nobody.sock');
  const b = notifyBundle(['true'], notifyProfile(undefined, { listenerPath: missing }));
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /no such file or directory/i, 'the error says why');
  t.ok(r.stderr.includes(missing), 'and names the socket', diag(r));
  if (!isRunc()) t.match(r.stderr, /\/linux\/seccomp\/listenerPath/, 'and the field');
  await h.expectNoTrace(t, id, b);
});

t.test('seccomp NOTIFY as the default action fails create, leaving nothing', async (t) => {
  const agent = await Agent.start(t, h.hostDir('agent'), 0);
  const id = h.id(t);
  const b = notifyBundle(['true'], notifyProfile(agent, { defaultAction: 'SCMP_ACT_NOTIFY', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ALLOW' }] }));
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /SCMP_ACT_NOTIFY cannot be (used as )?the default action|SCMP_ACT_NOTIFY cannot be used as default action/);
  if (!isRunc()) t.match(r.stderr, /\/linux\/seccomp\/defaultAction/);
  await h.expectNoTrace(t, id, b);
  t.equal(agent.states().length, 0, 'the listener got nothing');
});

t.test('seccomp NOTIFY on write fails create, naming it, leaving nothing (runc: "SCMP_ACT_NOTIFY cannot be used for the write syscall")', async (t) => {
  // The runtime tells itself about the listener with write(2), which cannot wait for the listener.
  const agent = await Agent.start(t, h.hostDir('agent'), 0);
  const id = h.id(t);
  const b = notifyBundle(['true'], notifyProfile(agent, { syscalls: [{ names: ['mkdir', 'write'], action: 'SCMP_ACT_NOTIFY' }] }));
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /SCMP_ACT_NOTIFY cannot be used for the write syscall/, diag(r));
  if (!isRunc()) t.match(r.stderr, /\/linux\/seccomp\/syscalls\/0\/names\/1/, 'naming the entry');
  await h.expectNoTrace(t, id, b);
  t.equal(agent.states().length, 0, 'the listener got nothing');
});

t.test('seccomp NOTIFY on the socket calls seccomp agents intercept (sendmsg, sendto, recvmsg, close, ...) still hands the listener over', async (t) => {
  // bypass4netns-like: the agent sees these calls and lets them go ahead.
  const agent = await Agent.start(t, h.hostDir('agent'), 0);
  const id = h.id(t);
  const names = ['sendmsg', 'sendto', 'recvmsg', 'recvfrom', 'fcntl', 'connect', 'socket', 'mkdir', 'mkdirat'];
  // runc 1.1.5's create never returns when close is notified.
  if (!isRunc()) names.push('close');
  const b = notifyBundle(
    ['sh', '-c', 'nc 127.0.0.1 9 </dev/null; mkdir /tmp/x; echo "mkdir=$?"; [ -d /tmp/x ] && echo present || echo absent'],
    notifyProfile(agent, { syscalls: [{ names, action: 'SCMP_ACT_NOTIFY' }] }),
  );
  const r = await h.create(id, b);
  t.equal(r.code, 0, 'create succeeds', diag(r));
  const state = (await h.state(id)).state;
  checkProcessState(t, await agent.nthState(0), { id, bundle: b.dir, status: 'creating', pid: state!.pid!, statePid: state!.pid! });
  t.equal((await h.start(id)).code, 0, 'start succeeds');
  t.ok(await h.waitStatus(id, 'stopped', 10_000), 'the container runs to its end');
  t.match(r.output().stdout, /mkdir=0\s+absent/, 'the listener answered');
  // nc's socket(2) and connect(2): 41 and 42 on x86-64
  t.ok(agent.events.some((e) => e.event === 'notification' && e.nr === 41), 'and saw the socket calls, which went ahead', { events: agent.events });
  t.match(r.output().stderr, /nc: can't connect to remote host \(127\.0\.0\.1\): Connection refused/, 'for real: nothing listens on port 9');
  await h.delete(id);
});

t.test('seccomp: listenerPath without a NOTIFY rule is ignored', async (t) => {
  const r = await h.run(h.id(t), notifyBundle(['true'], notifyProfile(undefined, { listenerPath: '/nonexistent/agent.sock', syscalls: [] })));
  t.equal(r.code, 0, diag(r));
});

t.test('features lists SCMP_ACT_NOTIFY', async (t) => {
  const r = await h.rt(['features']);
  t.equal(r.code, 0, diag(r));
  const f = JSON.parse(r.stdout) as { linux?: { seccomp?: { actions?: string[] } } };
  t.ok(f.linux?.seccomp?.actions?.includes('SCMP_ACT_NOTIFY'), 'linux.seccomp.actions has SCMP_ACT_NOTIFY');
});

h.done();
