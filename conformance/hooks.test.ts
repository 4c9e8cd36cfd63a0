// POSIX-platform hooks (config.md "POSIX-platform Hooks") and the hook steps of
// the lifecycle (runtime.md "Lifecycle", steps 3-13).
//
// Every hook is a program on the host (or, for startContainer, in the rootfs)
// that records what it saw in a log directory: its state on stdin, its
// namespaces, its argv and environ, and its place in an "order" file. The
// container-namespace hooks reach that directory differently:
// createContainer's path resolves in the runtime namespace and it runs in the
// container's mount namespace before pivot_root, so the host path is still
// there; startContainer's path resolves in the container, so its script is
// in the rootfs and it writes to the log directory bind-mounted at /hooklog.
//
// runc 1.1.5 implements runtime-spec 1.0.2 hooks; where that differs from
// 1.3.0 the test is marked with runcDeviation() and a comment says what runc does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import {
  BUSYBOX,
  DEFAULT_ENV,
  Harness,
  cgroupMountPoints,
  diag,
  pidAlive,
  randomSuffix,
  runcDeviation,
  sleep,
  waitFor,
  type Bundle,
  type Config,
  type ContainerState,
  type RtResult,
} from './lib/harness.js';

const h = new Harness(t, 'hooks');

const KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
type Kind = (typeof KINDS)[number];
const RUNTIME_KINDS: Kind[] = ['prestart', 'createRuntime', 'poststart', 'poststop'];
const PATH_ENV = DEFAULT_ENV[0]!; // PATH=...:/usr/bin:/sbin:/bin, good on the host and in the rootfs

/** Where the log directory is mounted in the container (for startContainer hooks). */
const IN_CONTAINER_LOG = '/hooklog';

/**
 * The recorder: `rec.sh KIND DIR` writes DIR/KIND.{stdin,mnt,pid,net,environ,cmdline},
 * what it sees of the container process named in the state (KIND.target-cmdline,
 * KIND.target-mnt), of DIR/watch.pid (KIND.watch-state: its /proc state letter or
 * "gone") and of the paths in DIR/watch.paths (KIND.watch-paths: those that exist),
 * then appends KIND to DIR/order. Works with dash (host) and busybox ash (rootfs).
 * `read ... < /proc/self/stat` runs in the shell itself (a builtin), so $self is the
 * shell's pid as the mounted procfs numbers it (the host's before pivot_root).
 */
const RECORDER = `#!/bin/sh
kind=$1
d=$2
cat > "$d/$kind.stdin"
for ns in mnt pid net; do readlink /proc/self/ns/$ns > "$d/$kind.$ns"; done
read self rest < /proc/self/stat
tr '\\0' '\\n' < /proc/$self/environ > "$d/$kind.environ"
tr '\\0' '\\n' < /proc/$self/cmdline > "$d/$kind.cmdline"
pid=$(sed -n 's/.*"pid": *\\([0-9][0-9]*\\).*/\\1/p' "$d/$kind.stdin")
if [ -n "$pid" ] && [ "$kind" != startContainer ] && [ -r /proc/$pid/cmdline ]; then
  tr '\\0' ' ' < /proc/$pid/cmdline > "$d/$kind.target-cmdline"
  readlink /proc/$pid/ns/mnt > "$d/$kind.target-mnt"
fi
if [ -f "$d/watch.pid" ]; then
  w=$(cat "$d/watch.pid")
  if [ -r /proc/$w/stat ]; then sed 's/.*) //' /proc/$w/stat | cut -d' ' -f1 > "$d/$kind.watch-state"; else echo gone > "$d/$kind.watch-state"; fi
fi
if [ -f "$d/watch.paths" ]; then
  while read -r p; do if [ -e "$p" ]; then echo "$p"; fi; done < "$d/watch.paths" > "$d/$kind.watch-paths"
fi
echo "$kind" >> "$d/order"
`;

/** A failing hook: output on both streams, exit 1, stdin never read. */
const FAILING = `#!/bin/sh
echo boom-out
echo boom-err >&2
exit 1
`;

interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

/**
 * A log directory on the host and the recorder script, on the host and (once
 * attach() is called for a bundle) in the rootfs with the log directory bound
 * at /hooklog.
 */
class Recorder {
  readonly dir = h.hostDir('log');
  readonly scripts = h.hostDir('scripts');
  readonly hostScript = path.join(this.scripts, 'rec.sh');
  /** Only in the rootfs (no such file on the host): startContainer's path resolves in the container. */
  readonly rootfsScript = `/bin/rec-${randomSuffix()}.sh`;

  constructor() {
    fs.writeFileSync(this.hostScript, RECORDER, { mode: 0o755 });
  }

  /** Put the recorder in the rootfs and bind the log directory at /hooklog. */
  attach(b: Bundle): Bundle {
    b.addFile(this.rootfsScript, RECORDER, 0o755);
    b.bind(this.dir, IN_CONTAINER_LOG);
    return b;
  }

  /** A hook that records under the name `name` (default: the kind). */
  hook(kind: Kind, name: string = kind): Hook {
    if (kind === 'startContainer') {
      return { path: this.rootfsScript, args: ['rec.sh', name, IN_CONTAINER_LOG], env: [PATH_ENV] };
    }
    return { path: this.hostScript, args: ['rec.sh', name, this.dir], env: [PATH_ENV] };
  }

  /** A host script (runtime-namespace path) with the given body. */
  hostHook(name: string, body: string, extra: Partial<Hook> = {}): Hook {
    const p = path.join(this.scripts, `${name}.sh`);
    fs.writeFileSync(p, body, { mode: 0o755 });
    return { path: p, args: [name], env: [PATH_ENV], ...extra };
  }

  /** A script in the rootfs (container-namespace path) with the given body. */
  rootfsHook(b: Bundle, name: string, body: string, extra: Partial<Hook> = {}): Hook {
    const p = `/bin/${name}-${randomSuffix()}.sh`;
    b.addFile(p, body, 0o755);
    return { path: p, args: [name], env: [PATH_ENV], ...extra };
  }

  file(name: string): string | undefined {
    try {
      return fs.readFileSync(path.join(this.dir, name), 'utf8');
    } catch {
      return undefined;
    }
  }

  ran(name: string): boolean {
    return this.file(`${name}.stdin`) !== undefined;
  }

  order(): string[] {
    return (this.file('order') ?? '').split('\n').filter(Boolean);
  }

  state(name: string): ContainerState | undefined {
    const s = this.file(`${name}.stdin`);
    if (s === undefined) return undefined;
    try {
      return JSON.parse(s) as ContainerState;
    } catch {
      return undefined;
    }
  }

  line(name: string): string | undefined {
    return this.file(name)?.trim();
  }

  write(name: string, content: string) {
    fs.writeFileSync(path.join(this.dir, name), content);
  }
}

function setHooks(b: Bundle, hooks: Partial<Record<Kind, Hook[]>>) {
  b.patch((c: Config) => (c.hooks = hooks));
}

/** The runtime's error output: stderr plus the --log file, if any. */
function errorText(r: RtResult, log?: string): string {
  let l = '';
  try {
    if (log) l = fs.readFileSync(log, 'utf8');
  } catch {
    /* no log */
  }
  return `${r.stderr}\n${l}`;
}

function logFlags(): { log: string; global: string[] } {
  const log = path.join(h.base, `log-${randomSuffix()}.json`);
  return { log, global: ['--log', log, '--log-format', 'json'] };
}

const selfNs = (ns: string) => fs.readlinkSync(`/proc/self/ns/${ns}`);

function nsOf(pid: number) {
  return { mnt: fs.readlinkSync(`/proc/${pid}/ns/mnt`), pid: fs.readlinkSync(`/proc/${pid}/ns/pid`), net: fs.readlinkSync(`/proc/${pid}/ns/net`) };
}

/** The cgroup directories of a bundle that exist now. */
function cgroupDirs(b: Bundle): string[] {
  if (!b.cgroupsPath) return [];
  return cgroupMountPoints()
    .map((mp) => path.join(mp, b.cgroupsPath!))
    .filter((p) => fs.existsSync(p));
}

/** A container process that is gone (or a zombie) is stopped. */
async function waitGone(pid: number | undefined, timeout = 5000): Promise<boolean> {
  if (!pid) return true;
  return (await waitFor(() => !pidAlive(pid), timeout)) === true;
}

// ---------------------------------------------------------------------------
// One container with a recording hook of every kind, through its whole life.
// The subtests after it check what the hooks recorded.
// ---------------------------------------------------------------------------

const ANNOTATIONS = { 'org.example.hooks': 'yes', 'org.example.quoted': 'a "quoted" value, with \\ and ü' };

interface Life {
  rec: Recorder;
  id: string;
  bundle: Bundle;
  pid?: number;
  containerNs?: { mnt: string; pid: string; net: string };
  cgroups: string[];
  beforeCreate: string[];
  afterCreate: string[];
  afterStart: string[];
  afterDelete: string[];
  userSaw?: string;
}
let life: Life | undefined;

t.test('setup: a container with a recording hook of every kind goes through create, start, delete --force', async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  // The user program records whether startContainer's hook ran before it, then stays.
  const b = rec.attach(
    h.bundle({
      args: ['sh', '-c', `if [ -f ${IN_CONTAINER_LOG}/startContainer.stdin ]; then echo yes; else echo no; fi > ${IN_CONTAINER_LOG}/user-saw; exec sleep 30`],
      config: (c) => (c.annotations = { ...ANNOTATIONS }),
    }),
  );
  setHooks(b, Object.fromEntries(KINDS.map((k) => [k, [rec.hook(k)]])));
  const l: Life = { rec, id, bundle: b, cgroups: [], beforeCreate: rec.order(), afterCreate: [], afterStart: [], afterDelete: [] };

  const c = await h.mustCreate(t, id, b);
  l.afterCreate = rec.order();
  l.pid = c.state?.pid;
  if (l.pid) {
    l.containerNs = nsOf(l.pid);
    rec.write('watch.pid', `${l.pid}\n`);
  }
  l.cgroups = cgroupDirs(b);
  rec.write('watch.paths', l.cgroups.map((p) => `${p}\n`).join(''));

  await h.mustStart(t, id);
  l.afterStart = rec.order();
  l.userSaw = (await waitFor(() => rec.line('user-saw'), 5000)) ?? undefined;

  const d = await h.delete(id, '--force');
  t.equal(d.code, 0, 'delete --force succeeds', diag(d));
  l.afterDelete = rec.order();
  const { res } = await h.state(id);
  t.not(res.code, 0, 'the container is gone');
  life = l;
});

t.test('no hook runs before create is invoked (runtime.md Lifecycle 1-5)', async (t) => {
  if (!life) return t.fail('setup failed');
  t.strictSame(life.beforeCreate, [], 'nothing recorded before create');
});

t.test('create runs prestart, then createRuntime, then createContainer: "Hooks MUST be called in the listed order"; prestart "MUST be called before the createRuntime hooks", createContainer "after the createRuntime hooks" (runtime.md Lifecycle 3-5; config.md Hooks)', async (t) => {
  if (!life) return t.fail('setup failed');
  t.strictSame(life.afterCreate.filter((k) => k !== 'poststart'), ['prestart', 'createRuntime', 'createContainer'], 'the three create hooks, in order, by the time create returns');
});

// runc 1.1.5 runs the poststart hooks at the end of `create` (libcontainer's
// start() runs them once the init process exists, before it waits on the exec fifo).
t.test('poststart hooks are not part of create: "called after the user-specified process is executed" (config.md Poststart)', runcDeviation('poststart hooks run during create'), async (t) => {
  if (!life) return t.fail('setup failed');
  t.notOk(life.afterCreate.includes('poststart'), 'poststart has not run when create returns', { afterCreate: life.afterCreate });
});

t.test('startContainer runs as part of start, before the user-specified program (runtime.md Lifecycle 7-8; config.md StartContainer Hooks)', async (t) => {
  if (!life) return t.fail('setup failed');
  t.notOk(life.afterCreate.includes('startContainer'), 'not during create');
  t.ok(life.afterStart.includes('startContainer'), 'it ran by the time start returned', { afterStart: life.afterStart });
  t.equal(life.userSaw, 'yes', 'the user program found the file the hook had written');
});

t.test('poststart runs "after the user-specified process is executed but before the start operation returns" (config.md Poststart; runtime.md Lifecycle 8-9)', runcDeviation('poststart hooks run during create, before the user program'), async (t) => {
  if (!life) return t.fail('setup failed');
  const afterStart = life.afterStart.filter((k) => !life!.afterCreate.includes(k));
  t.strictSame(afterStart, ['startContainer', 'poststart'], 'start runs startContainer, then poststart');
  // The user program is `sh -c '...; exec sleep 30'`: either of its two images, not the runtime's init.
  t.match(life.rec.line('poststart.target-cmdline') ?? '', /^(sh -c if \[ -f |sleep 30)/, 'the container process the hook sees already runs the user program (it was exec\'d)');
});

t.test('poststop runs at delete, "after the container is deleted but before the delete operation returns" (config.md Poststop; runtime.md Lifecycle 11-13)', async (t) => {
  if (!life) return t.fail('setup failed');
  t.notOk(life.afterStart.includes('poststop'), 'not before delete');
  t.equal(life.afterDelete[life.afterDelete.length - 1], 'poststop', 'it ran, last, by the time delete returned', { order: life.afterDelete });
  t.strictSame(life.afterDelete.filter((k) => k === 'poststop'), ['poststop'], 'once');
  t.ok(life.pid, 'the container had a pid');
  t.match(life.rec.line('poststop.watch-state') ?? '', /^(gone|Z|X)$/, 'the container process was gone (or a zombie) when poststop ran');
  t.ok(life.cgroups.length > 0, 'the container had cgroups to check');
  t.equal(life.rec.line('poststop.watch-paths'), '', 'none of its cgroup directories existed when poststop ran');
});

t.test('prestart, createRuntime, poststart and poststop "MUST be executed in the runtime namespace" (config.md Hooks)', async (t) => {
  if (!life) return t.fail('setup failed');
  for (const k of RUNTIME_KINDS) {
    t.equal(life.rec.line(`${k}.mnt`), selfNs('mnt'), `${k}: the runtime's mount namespace`);
    t.equal(life.rec.line(`${k}.pid`), selfNs('pid'), `${k}: the runtime's pid namespace`);
  }
  // Lifecycle 2-3: the container's namespaces exist when prestart runs.
  t.ok(life.containerNs, 'the container had namespaces');
  t.equal(life.rec.line('prestart.target-mnt'), life.containerNs?.mnt, 'prestart: the container process named in the state already has its own mount namespace');
});

t.test('createContainer and startContainer "MUST be executed in the container namespace" (config.md Hooks)', async (t) => {
  if (!life?.containerNs) return t.fail('setup failed');
  for (const k of ['createContainer', 'startContainer'] as const) {
    for (const ns of ['mnt', 'pid', 'net'] as const) {
      t.equal(life.rec.line(`${k}.${ns}`), life.containerNs[ns], `${k}: the container's ${ns} namespace`);
    }
  }
  t.not(life.containerNs.mnt, selfNs('mnt'), 'which differs from the runtime\'s');
});

const EXPECTED_STATUS: Record<Kind, string> = {
  prestart: 'creating',
  createRuntime: 'creating',
  createContainer: 'creating',
  startContainer: 'created',
  poststart: 'running',
  poststop: 'stopped',
};

// runc 1.1.5: createContainer and startContainer run inside the container's
// init, which sets pid to its own getpid() (1 in the container's pid namespace),
// not the pid as seen by the host; poststart runs during create, with status
// "created".
const STATE_DEVIATION: Partial<Record<Kind, string>> = {
  createContainer: 'pid is 1 (getpid() in the container), not the host pid',
  startContainer: 'pid is 1 (getpid() in the container), not the host pid',
  poststart: 'poststart runs during create (status "created", before the user program)',
};

for (const kind of KINDS) {
  t.test(`${kind}: "The state of the container MUST be passed to hooks over stdin" with status "${EXPECTED_STATUS[kind]}" (config.md Hooks; runtime.md State)`, STATE_DEVIATION[kind] ? runcDeviation(STATE_DEVIATION[kind]!) : {}, async (t) => {
    if (!life) return t.fail('setup failed');
    const s = life.rec.state(kind);
    t.ok(s, 'stdin was a JSON document', { stdin: life.rec.file(`${kind}.stdin`)?.slice(0, 500) });
    if (!s) return;
    t.type(s.ociVersion, 'string', 'ociVersion');
    t.ok(s.ociVersion, 'ociVersion is not empty');
    t.equal(s.id, life.id, 'id');
    t.equal(s.status, EXPECTED_STATUS[kind], 'status');
    if (kind !== 'poststop') t.equal(s.pid, life.pid, 'pid: the container process as seen by the host');
    t.equal(s.bundle, life.bundle.dir, 'bundle: the absolute path of the bundle');
    t.ok(path.isAbsolute(s.bundle ?? ''), 'bundle is absolute');
    t.strictSame(s.annotations, ANNOTATIONS, 'annotations: those of config.json');
  });
}

// ---------------------------------------------------------------------------
// args and env
// ---------------------------------------------------------------------------

t.test('args "with the same semantics as execv\'s argv" (args[0] is argv[0]) and env "with the same semantics as environ": exactly the listed variables (config.md Hooks)', async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = rec.attach(h.bundle({ args: ['sleep', '30'] }));
  // busybox runs the applet named by argv[0], so argv[0] = "sh" makes it a shell;
  // the shell records its own argv and environ from /proc.
  const script =
    'read self rest < /proc/self/stat; ' +
    'tr "\\0" "\\n" < /proc/$self/cmdline > "$HOOK_DIR/$HOOK_NAME.argv"; ' +
    'tr "\\0" "\\n" < /proc/$self/environ > "$HOOK_DIR/$HOOK_NAME.environ"; ' +
    'cat > /dev/null';
  const argsFor = ['sh', '-c', script, 'zero', 'one two', 'three'];
  const envFor = (k: Kind, dir: string) => [PATH_ENV, `HOOK_DIR=${dir}`, `HOOK_NAME=${k}`, 'HOOK_SPACES=a b  c', 'HOOK_EMPTY='];
  const hooks: Partial<Record<Kind, Hook[]>> = {};
  for (const k of KINDS) {
    const inContainer = k === 'startContainer';
    hooks[k] = [{ path: inContainer ? '/bin/busybox' : BUSYBOX, args: argsFor, env: envFor(k, inContainer ? IN_CONTAINER_LOG : rec.dir) }];
  }
  setHooks(b, hooks);
  // A variable of the runtime's own environment must not reach the hooks.
  const env = { ...process.env, FOO_LEAK: '1' };
  const r1 = await h.create(id, b, [], { env });
  t.equal(r1.code, 0, 'create', diag(r1));
  const r2 = await h.rt(['start', id], { env });
  t.equal(r2.code, 0, 'start', diag(r2));
  const r3 = await h.rt(['delete', '--force', id], { env });
  t.equal(r3.code, 0, 'delete --force', diag(r3));
  for (const k of KINDS) {
    const argv = rec.file(`${k}.argv`);
    t.strictSame(argv?.split('\n').slice(0, -1), argsFor, `${k}: argv is args, argv[0] included`);
    const environ = rec.file(`${k}.environ`)?.split('\n').filter(Boolean).sort();
    t.strictSame(environ, envFor(k, k === 'startContainer' ? IN_CONTAINER_LOG : rec.dir).sort(), `${k}: the environment is exactly env (no FOO_LEAK, nothing else)`);
  }
});

// ---------------------------------------------------------------------------
// timeout
// ---------------------------------------------------------------------------

/** A hook that sleeps in a child of its own, which keeps the hook's stdout open; stdin is never read. */
const SLEEPER = (dir: string, name: string, secs: number) => `#!/bin/sh
sleep ${secs} &
echo $! > ${dir}/${name}.sleep-pid
wait
`;

function killSleeper(rec: Recorder, name: string) {
  const p = Number(rec.line(`${name}.sleep-pid`));
  if (p > 0) {
    try {
      // Only a host pid (runtime-namespace hook); one in the container's pid namespace dies with it.
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep')) process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** create with a hook of `kind` that times out: it fails soon after the timeout, leaves nothing, and poststop runs. */
async function timesOut(t: Test, kind: 'prestart' | 'createContainer', hookBody: (rec: Recorder) => string, annotations?: Record<string, string>) {
  const rec = new Recorder();
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '30'], config: (c) => annotations && (c.annotations = annotations) });
  const hook = rec.hostHook(`slow-${kind}`, hookBody(rec), { timeout: 1 });
  setHooks(b, { [kind]: [hook], poststop: [rec.hook('poststop')] });
  const t0 = Date.now();
  // A runtime that blocks on the hook would hang: give up after 10 s.
  const r = await h.create(id, b, [], { timeout: 10_000 });
  const took = Date.now() - t0;
  killSleeper(rec, kind);
  t.not(r.code, 0, `${kind}: create fails`, diag(r));
  t.ok(took < 5000, `${kind}: within a few seconds of the 1 s timeout (took ${took} ms)`);
  if (r.code === 0 || r.timedOut) {
    await h.forceDelete(id);
    return;
  }
  await h.expectNoTrace(t, id, b);
  t.ok(rec.ran('poststop'), `${kind}: poststop hooks still ran (Lifecycle 12-13)`);
}

for (const kind of ['prestart', 'createContainer'] as const) {
  t.test(`${kind}: "timeout is the number of seconds before aborting the hook": a hook running \`sleep 30\` with timeout 1 fails create within seconds, leaving nothing (config.md Hooks; runtime.md Lifecycle ${kind === 'prestart' ? 3 : 5}, 12, 13)`, async (t) => {
    await timesOut(t, kind, () => '#!/bin/sh\nexec sleep 30\n');
  });
}

// runc 1.1.5 kills the hook at its timeout but then waits (Go's exec.Cmd.Wait)
// until every copy of the hook's stdout/stderr pipes is closed, i.e. until the
// hook's own child exits.
t.test('timeout: a hook whose child keeps its stdout open is still aborted at its timeout (config.md Hooks: timeout)', runcDeviation('waits for the hook\'s children to close its output pipes'), async (t) => {
  for (const kind of ['prestart', 'createContainer'] as const) await timesOut(t, kind, (rec) => SLEEPER(rec.dir, kind, 6));
});

t.test('timeout: a hook that never reads a state larger than a pipe buffer (about 200 KB of annotations) is still aborted at its timeout (config.md Hooks: timeout)', async (t) => {
  // stdin stays open and unread for 6 s.
  for (const kind of ['prestart', 'createContainer'] as const) await timesOut(t, kind, () => '#!/bin/sh\nexec sleep 6\n', bigAnnotations());
});

// ---------------------------------------------------------------------------
// failures
// ---------------------------------------------------------------------------

const CREATE_STEP: Record<string, number> = { prestart: 3, createRuntime: 4, createContainer: 5 };

for (const kind of ['prestart', 'createRuntime', 'createContainer'] as const) {
  t.test(`a failing ${kind} hook: "the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12" (runtime.md Lifecycle ${CREATE_STEP[kind]}, 12, 13)`, async (t) => {
    const rec = new Recorder();
    const id = h.id(t);
    const b = rec.attach(h.bundle({ args: ['sleep', '30'] }));
    const later = KINDS.slice(KINDS.indexOf(kind)).filter((k) => k !== 'poststop');
    const hooks: Partial<Record<Kind, Hook[]>> = {};
    for (const k of later) hooks[k] = [rec.hook(k, `${k}-0`)];
    // The failing hook comes second among its kind, so the first one ran.
    hooks[kind] = [rec.hook(kind, `${kind}-0`), rec.hostHook(`fail-${kind}`, FAILING), rec.hook(kind, `${kind}-2`)];
    hooks.poststop = [rec.hook('poststop', 'poststop-0'), rec.hook('poststop', 'poststop-1')];
    setHooks(b, hooks);
    const { log, global } = logFlags();
    const r = await h.create(id, b, [], { global });
    t.not(r.code, 0, 'create fails', diag(r));
    const text = errorText(r, log);
    t.match(text, /boom-out/, "the error includes the hook's stdout", { text });
    t.match(text, /boom-err/, "the error includes the hook's stderr", { text });
    t.strictSame(
      rec.order().filter((k) => !k.startsWith('poststop')),
      [`${kind}-0`],
      'the hooks before the failing one ran; none after it (same kind or later kinds)',
    );
    await h.expectNoTrace(t, id, b);
    t.ok(rec.ran('poststop-0') && rec.ran('poststop-1'), 'the poststop hooks ran (step 13)', { order: rec.order() });
    t.equal(rec.state('poststop-0')?.status, 'stopped', 'with status "stopped"');
  });
}

// runc 1.1.5 runs startContainer hooks in the container's init after `start`
// has opened the exec fifo: `runc start` succeeds (exit 0, no hook output), the
// init exits with the error, and poststop waits for `delete` (poststart already
// ran during create).
t.test('a failing startContainer hook: start MUST generate an error, the user program never runs, the container is stopped and destroyed, poststop runs (runtime.md Lifecycle 7, 12, 13)', runcDeviation('start succeeds and only the init process fails; poststop waits for delete'), async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = rec.attach(h.bundle({ args: ['sh', '-c', `echo ran > ${IN_CONTAINER_LOG}/user-ran; exec sleep 30`] }));
  setHooks(b, {
    startContainer: [rec.rootfsHook(b, 'fail-start', FAILING)],
    poststart: [rec.hook('poststart')],
    poststop: [rec.hook('poststop')],
  });
  const c = await h.mustCreate(t, id, b);
  const { log, global } = logFlags();
  const r = await h.rt(['start', id], { global });
  t.not(r.code, 0, 'start fails', diag(r));
  const text = errorText(r, log);
  t.match(text, /boom-out/, "the error includes the hook's stdout", { text });
  t.match(text, /boom-err/, "the error includes the hook's stderr", { text });
  t.ok(await waitGone(c.state?.pid), 'the container process is gone');
  await sleep(200);
  t.equal(rec.file('user-ran'), undefined, 'the user program never ran');
  t.notOk(rec.ran('poststart'), 'poststart did not run');
  t.ok(rec.ran('poststop'), 'poststop ran before start returned');
  const s = (await h.state(id)).state;
  t.ok(!s || s.status === 'stopped', 'the container is stopped or gone', { state: s });
});

// runc 1.1.5 runs poststart hooks during `create` (and stops the container if
// one fails there), so `create` is what fails.
t.test('a failing poststart hook: start MUST generate an error and stop the container; the remaining poststart hooks do not run; poststop runs (runtime.md Lifecycle 9, 12, 13)', runcDeviation('poststart runs (and fails) during create'), async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = rec.attach(h.bundle({ args: ['sleep', '30'] }));
  setHooks(b, {
    poststart: [rec.hostHook('fail-poststart', FAILING), rec.hook('poststart', 'poststart-1')],
    poststop: [rec.hook('poststop')],
  });
  const c = await h.mustCreate(t, id, b);
  const { log, global } = logFlags();
  const r = await h.rt(['start', id], { global });
  t.not(r.code, 0, 'start fails', diag(r));
  const text = errorText(r, log);
  t.match(text, /boom-out/, "the error includes the hook's stdout", { text });
  t.match(text, /boom-err/, "the error includes the hook's stderr", { text });
  t.ok(await waitGone(c.state?.pid), 'the container process is stopped');
  t.notOk(rec.ran('poststart-1'), 'the next poststart hook did not run');
  t.ok(rec.ran('poststop'), 'poststop ran before start returned');
  const s = (await h.state(id)).state;
  t.ok(!s || s.status === 'stopped', 'the container is stopped or gone', { state: s });
});

// runc 1.1.5 stops at the first failing poststop hook: `delete` still exits 0
// and removes the container, but the remaining poststop hooks never run.
t.test('a failing poststop hook: "the runtime MUST log a warning, but the remaining hooks and lifecycle continue as if the hook had succeeded" (runtime.md Lifecycle 13)', runcDeviation('the remaining poststop hooks are skipped'), async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  setHooks(b, { poststop: [rec.hostHook('fail-poststop', FAILING), rec.hook('poststop', 'poststop-1')] });
  const c = await h.mustCreate(t, id, b);
  await h.mustStart(t, id);
  t.ok(await h.waitStatus(id, 'stopped'), 'the container stops');
  const r = await h.delete(id);
  t.equal(r.code, 0, 'delete succeeds', diag(r));
  t.ok(rec.ran('poststop-1'), 'the next poststop hook ran');
  await h.expectNoTrace(t, id, b);
  t.ok(await waitGone(c.state?.pid), 'the container process is gone');
});

// ---------------------------------------------------------------------------
// stdin that is never read, and a large state
// ---------------------------------------------------------------------------

/** About 200 KB of annotations: the state document is larger than a pipe buffer (64 KiB). */
function bigAnnotations(): Record<string, string> {
  const a: Record<string, string> = {};
  for (let i = 0; i < 200; i++) a[`org.example.big.${i}`] = `${i}:`.padEnd(1000, 'x');
  return a;
}

async function noReadLifecycle(t: Test, big: boolean) {
  const rec = new Recorder();
  const id = h.id(t);
  const annotations = big ? bigAnnotations() : { 'org.example.small': 'yes' };
  const b = rec.attach(h.bundle({ args: ['sleep', '30'], config: (c) => (c.annotations = annotations) }));
  const exitNow = '#!/bin/sh\nexit 0\n';
  const closeThenSleep = '#!/bin/sh\nexec 0<&-\nsleep 0.2\nexit 0\n';
  const hooks: Partial<Record<Kind, Hook[]>> = {};
  for (const k of KINDS) {
    const mk = k === 'startContainer' ? (n: string, s: string) => rec.rootfsHook(b, n, s) : (n: string, s: string) => rec.hostHook(`${n}-${k}`, s);
    hooks[k] = [mk('exit-now', exitNow), mk('close-stdin', closeThenSleep), rec.hook(k)];
  }
  setHooks(b, hooks);
  // Node resets SIGPIPE in its children: a runtime that does not handle EPIPE dies of it.
  const { log, global } = logFlags();
  // A runtime that blocks writing the state to a hook that is gone would hang: give up after 10 s.
  const r1 = await h.create(id, b, [], { global, timeout: 10_000 });
  t.equal(r1.code, 0, 'create succeeds', { ...diag(r1), log: errorText(r1, log) });
  const r2 = await h.rt(['start', id], { global });
  t.equal(r2.code, 0, 'start succeeds', { ...diag(r2), log: errorText(r2, log) });
  const r3 = await h.rt(['delete', '--force', id], { global });
  t.equal(r3.code, 0, 'delete --force succeeds', { ...diag(r3), log: errorText(r3, log) });
  // The recording hook after them got the whole state.
  for (const k of KINDS) {
    const s = rec.state(k);
    t.ok(s, `${k}: the next hook still got a complete JSON state`, { bytes: rec.file(`${k}.stdin`)?.length });
    t.equal(Object.keys(s?.annotations ?? {}).length, Object.keys(annotations).length, `${k}: with every annotation`);
  }
}

t.test('hooks that never read their stdin (exit at once; close stdin and sleep) do not fail create, start or delete: the state is offered, not forced (config.md Hooks)', async (t) => {
  await noReadLifecycle(t, false);
});

t.test('the same with about 200 KB of annotations: the state is larger than a pipe buffer, and reading hooks still get all of it (config.md Hooks; runtime.md State)', async (t) => {
  await noReadLifecycle(t, true);
});

// ---------------------------------------------------------------------------
// hook paths that do not resolve
// ---------------------------------------------------------------------------

// runc 1.1.5 runs poststart hooks during create, so there `create` fails.
for (const kind of ['prestart', 'createRuntime', 'poststart'] as const) {
  t.test(`${kind}: a path that does not exist fails the operation with an error naming it ("path ... MUST resolve in the runtime namespace", config.md Hooks)`, kind === 'poststart' ? runcDeviation('poststart runs during create') : {}, async (t) => {
    const id = h.id(t);
    const missing = `/nonexistent-hook-${randomSuffix()}`;
    const b = h.bundle({ args: ['sleep', '30'] });
    setHooks(b, { [kind]: [{ path: missing, args: ['x'] }] });
    const { log, global } = logFlags();
    if (kind === 'poststart') {
      const c = await h.mustCreate(t, id, b);
      const r = await h.rt(['start', id], { global });
      t.not(r.code, 0, 'start fails', diag(r));
      t.match(errorText(r, log), missing, 'the error names the path');
      t.ok(await waitGone(c.state?.pid), 'the container process is stopped');
    } else {
      const r = await h.create(id, b, [], { global });
      t.not(r.code, 0, 'create fails', diag(r));
      t.match(errorText(r, log), missing, 'the error names the path');
      await h.expectNoTrace(t, id, b);
    }
  });
}

t.test('createContainer: "The value of path MUST resolve in the runtime namespace": a path that exists only in the rootfs fails create (config.md Hooks)', async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = rec.attach(h.bundle({ args: ['sleep', '30'] }));
  const inRootfs = rec.hook('startContainer', 'createContainer'); // /bin/rec-*.sh: only in the rootfs
  t.notOk(fs.existsSync(inRootfs.path), 'no such file on the host');
  setHooks(b, { createContainer: [inRootfs] });
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.notOk(rec.ran('createContainer'), 'the rootfs script did not run');
  await h.expectNoTrace(t, id, b);
});

// runc 1.1.5 runs startContainer hooks in the init after `start` opened the
// exec fifo: start succeeds and only the init exits with the error (the path
// does resolve in the container: the host file does not run).
t.test('startContainer: "The value of path MUST resolve in the container namespace": a path that exists only on the host fails start, and the host file does not run (config.md Hooks)', runcDeviation('start succeeds and only the init process fails'), async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = rec.attach(h.bundle({ args: ['sh', '-c', `echo ran > ${IN_CONTAINER_LOG}/user-ran; exec sleep 30`] }));
  const onHost = rec.hook('createContainer', 'startContainer'); // the host copy of the recorder
  t.notOk(fs.existsSync(path.join(b.rootfs, onHost.path)), 'no such file in the rootfs');
  setHooks(b, { startContainer: [onHost] });
  const c = await h.mustCreate(t, id, b);
  const { log, global } = logFlags();
  const r = await h.rt(['start', id], { global });
  t.not(r.code, 0, 'start fails', diag(r));
  t.match(errorText(r, log), onHost.path, 'the error names the path');
  t.notOk(rec.ran('startContainer'), 'the host script did not run');
  t.ok(await waitGone(c.state?.pid), 'the container process is stopped');
  t.equal(rec.file('user-ran'), undefined, 'the user program never ran');
});

// ---------------------------------------------------------------------------
// invalid hook entries
// ---------------------------------------------------------------------------

// runc 1.1.5 does not check: it runs a relative hook path resolved against its
// own working directory.
t.test('a hook path that is not absolute: "path MUST be absolute" - create generates an error and leaves nothing (config.md Hooks; runtime.md Lifecycle 2)', runcDeviation('relative hook paths are run from the working directory'), async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '30'] });
  const hook = rec.hook('prestart');
  // Relative to the bundle (the runtime's cwd below) it would resolve to the recorder.
  fs.symlinkSync(rec.hostScript, path.join(b.dir, 'rec.sh'));
  setHooks(b, { prestart: [{ ...hook, path: 'rec.sh' }] });
  const r = await h.create(id, b, [], { cwd: b.dir });
  t.not(r.code, 0, 'create fails', diag(r));
  t.notOk(rec.ran('prestart'), 'the hook did not run');
  await h.expectNoTrace(t, id, b);
});

t.test('a hook timeout of 0: "If set, timeout MUST be greater than zero" - create generates an error and leaves nothing (config.md Hooks)', async (t) => {
  const rec = new Recorder();
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '30'] });
  setHooks(b, { prestart: [{ ...rec.hook('prestart'), timeout: 0 }] });
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.notOk(rec.ran('prestart'), 'the hook did not run', runcDeviation('runs the hook, then fails create because its 0 s are over'));
  await h.expectNoTrace(t, id, b);
});

h.done();
