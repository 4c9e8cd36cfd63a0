// linux.seccomp (config-linux.md "Seccomp"), checked from inside the container:
// actions, errnoRet, argument conditions, default-deny profiles, the filter
// being in force for the container process (/proc/self/status "Seccomp: 2")
// but not for the runtime's own set-up, and no_new_privs staying independent.
import t from 'tap';
import type { Test } from 'tap';

import { Harness, diag, isRunc, parseStatus, type Config } from './lib/harness.js';

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

t.test('seccomp: SCMP_ACT_NOTIFY is refused, naming the field', { skip: isRunc() ? 'runc supports seccomp notify' : false }, async (t) => {
  const id = h.id(t);
  const b = bundleWith(['true'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] });
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, /\/linux\/seccomp\/syscalls\/0\/action/);
  t.match(r.stderr, /SCMP_ACT_NOTIFY/);
  await h.expectNoTrace(t, id, b);
});

h.done();
