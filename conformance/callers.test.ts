// What container engines rely on beyond the spec (ARCHITECTURE.md section 3): the exact
// command lines containerd's runc shim (go-runc, also used under Docker), podman (through
// conmon, and directly) and Docker send, the outputs they decode, the log file they read
// and the error phrases they match. Each test names the caller it stands for. The call
// shapes are the ones recorded from real engines by `engines.sh` with E2E_ARGV_LOG.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t, { type Test } from 'tap';
import {
  Harness, diag, isRunc, pidAlive, waitFor,
  type Bundle, type ContainerState, type RtOptions, type RtResult,
} from './lib/harness.js';

const h = new Harness(t, 'callers');
const MB = 1024 * 1024;

/** The runtime's default --root: what podman relies on, as it passes no --root as root. */
const DEFAULT_ROOT = isRunc() ? '/run/runc' : '/run/tsrun';

/** RFC 3339 as Go's time.Time JSON decoding accepts it (containerd decodes "time" into a time.Time). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** podman's mapping of runtime errors to 127 ("not found") and 126 ("permission denied"). */
const NOT_FOUND = /executable file not found in|no such file or directory/;
const PERMISSION = /permission denied/i;

// ---------------------------------------------------------------------------
// go-runc's invocation: `--root R --log <bundle>/log.json --log-format json CMD ...`
// (h.rt puts `--root <root>` first, then these global flags).
// ---------------------------------------------------------------------------

function logPath(b: Bundle) {
  return path.join(b.dir, 'log.json');
}

function shimFlags(b: Bundle): string[] {
  return ['--log', logPath(b), '--log-format', 'json'];
}

/** Run a command the way containerd's shim does for the container of bundle `b`. */
function shim(b: Bundle, args: string[], opts: RtOptions = {}): Promise<RtResult> {
  return h.rt(args, { ...opts, global: [...shimFlags(b), ...(opts.global ?? [])] });
}

interface LogLine {
  raw: string;
  json?: { level?: unknown; msg?: unknown; time?: unknown; [k: string]: unknown };
}

function readLog(file: string): LogLine[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((raw) => {
      try {
        const v = JSON.parse(raw);
        return { raw, json: v && typeof v === 'object' && !Array.isArray(v) ? v : undefined };
      } catch {
        return { raw };
      }
    });
}

/** The last `"level":"error"` entry of a --log file (what containerd's shim and podman report). */
function lastError(file: string): LogLine | undefined {
  return readLog(file).filter((l) => l.json?.level === 'error').pop();
}

/**
 * containerd decodes the whole --log file with one json.Decoder into
 * {level, msg, time time.Time}: any line that is not JSON, or whose time is not
 * RFC 3339, aborts the decode and the real error is lost.
 */
function checkLogDecodes(t: Test, file: string) {
  const lines = readLog(file);
  const bad = lines.filter(
    (l) =>
      !l.json ||
      typeof l.json.level !== 'string' ||
      typeof l.json.msg !== 'string' ||
      typeof l.json.time !== 'string' ||
      !RFC3339.test(l.json.time) ||
      Number.isNaN(Date.parse(l.json.time)),
  );
  t.strictSame(bad.map((l) => l.raw), [], 'every line of the --log file is JSON with level, msg and an RFC 3339 time');
}

/** go-runc's ReadPidFile is strconv.Atoi(file content): digits only, no newline or spaces. */
function checkPidFile(t: Test, file: string): number | undefined {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    t.fail(`pid file ${file} written: ${(e as Error).message}`);
    return undefined;
  }
  t.match(content, /^[1-9]\d*$/, 'pid file holds only the decimal pid (go-runc: strconv.Atoi of the whole file)', { content });
  const pid = parseInt(content, 10);
  if (pid > 0) h.notePid(pid);
  return pid > 0 ? pid : undefined;
}

/** The process spec containerd's shim writes for `exec --process FILE` (a full specs.Process). */
function processJson(b: Bundle, args: string[]): string {
  const c = b.config.process;
  const p = {
    terminal: false,
    user: { uid: 0, gid: 0 },
    args,
    env: c.env,
    cwd: '/',
    capabilities: c.capabilities,
    rlimits: c.rlimits,
    noNewPrivileges: true,
  };
  const file = path.join(h.hostDir('proc'), 'process.json');
  fs.writeFileSync(file, JSON.stringify(p));
  return file;
}

/** containerd's create as the shim runs it; returns the init pid from the pid file. */
async function shimCreate(t: Test, id: string, b: Bundle, opts: RtOptions = {}) {
  const pidFile = path.join(b.dir, 'init.pid');
  h.track(id);
  const r = await shim(b, ['create', '--bundle', b.dir, '--pid-file', pidFile, id], opts);
  t.equal(r.code, 0, 'create --bundle B --pid-file P ID succeeds', diag(r));
  if (r.code !== 0) return undefined;
  const pid = checkPidFile(t, pidFile);
  return { pid, pidFile, res: r };
}

/** create + start through the shim's command lines; resolves to the init pid. */
async function shimRunning(t: Test, id: string, b: Bundle): Promise<number | undefined> {
  const c = await shimCreate(t, id, b);
  if (!c?.pid) return undefined;
  const s = await shim(b, ['start', id]);
  t.equal(s.code, 0, 'start ID succeeds', diag(s));
  return s.code === 0 ? c.pid : undefined;
}

/** containerd's exec: `exec --process FILE --detach --pid-file P ID`; resolves to the exec'd pid. */
async function shimExec(t: Test, id: string, b: Bundle, args: string[]) {
  const pidFile = path.join(h.hostDir('exec'), 'exec.pid');
  const r = await shim(b, ['exec', '--process', processJson(b, args), '--detach', '--pid-file', pidFile, id]);
  t.equal(r.code, 0, 'exec --process FILE --detach --pid-file P ID succeeds', diag(r));
  if (r.code !== 0) return undefined;
  return checkPidFile(t, pidFile);
}

/** Host cgroup file of `pid` for a v1 controller, or the unified cgroup's file on a pure v2 host. */
function cgroupFile(pid: number, v1Controller: string, v1File: string, v2File: string): string | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const l = lines.find((x) => x.startsWith('0::'));
    return l ? path.join('/sys/fs/cgroup', l.slice(3), v2File) : undefined;
  }
  const l = lines.find((x) => x.split(':')[1]?.split(',').includes(v1Controller));
  return l ? path.join('/sys/fs/cgroup', v1Controller, l.slice(l.indexOf(':', l.indexOf(':') + 1) + 1), v1File) : undefined;
}

function memoryLimit(pid: number): string | undefined {
  const f = cgroupFile(pid, 'memory', 'memory.limit_in_bytes', 'memory.max');
  try {
    return f ? fs.readFileSync(f, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// containerd's runc shim (go-runc); Docker reaches the runtime through the same shim
// ---------------------------------------------------------------------------

t.test('containerd shim: --root R --log <bundle>/log.json --log-format json create --bundle B --pid-file P ID writes the init pid (digits only) and leaves the container "created"', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const c = await shimCreate(t, id, b);
  if (!c?.pid) return;
  const { state } = await h.state(id);
  t.equal(state?.status, 'created', 'state says created');
  t.equal(state?.pid, c.pid, 'the pid file holds the pid that state reports');
  t.ok(pidAlive(c.pid), 'that process is alive');
  t.equal(c.res.stdout, '', 'create prints nothing on stdout');
  checkLogDecodes(t, logPath(b));
  t.equal(lastError(logPath(b)), undefined, 'no "level":"error" line after a successful create');
});

t.test('containerd shim: start ID (same global flags) makes the container "running"', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const pid = await shimRunning(t, id, b);
  if (!pid) return;
  const { state } = await h.state(id);
  t.equal(state?.status, 'running');
  t.equal(state?.pid, pid, 'same pid as in the pid file');
  checkLogDecodes(t, logPath(b));
  t.equal(lastError(logPath(b)), undefined, 'no "level":"error" line after a successful start');
});

t.test('containerd shim: state ID output (stdout and stderr together, as go-runc reads it) decodes as exactly one JSON document', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  if (!(await shimCreate(t, id, b))) return;
  // go-runc adds --debug when its Debug option is set: still nothing but the JSON.
  for (const [phase, extra] of [['created', []], ['running', []], ['running', ['--debug']]] as const) {
    if (phase === 'running' && extra.length === 0) t.equal((await shim(b, ['start', id])).code, 0, 'started');
    const r = await shim(b, ['state', id], { global: [...extra] });
    const label = [phase, ...extra].join(' ');
    t.equal(r.code, 0, `${label}: state succeeds`, diag(r));
    let doc: ContainerState | undefined;
    try {
      doc = JSON.parse(r.stdout + r.stderr) as ContainerState;
    } catch (e) {
      t.fail(`${label}: stdout+stderr is one JSON document: ${(e as Error).message}`, diag(r));
    }
    t.equal(r.stderr, '', `${label}: nothing on stderr`);
    t.equal(doc?.id, id, `${label}: the document is the state of ${id}`);
    t.equal(doc?.status, phase, `${label}: status`);
  }
});

t.test('containerd shim / Docker: kill ID 9 (signal as a number) stops a running container', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const pid = await shimRunning(t, id, b);
  if (!pid) return;
  const k = await shim(b, ['kill', id, '9']);
  t.equal(k.code, 0, 'kill ID 9 succeeds', diag(k));
  t.ok(await h.waitStatus(id, 'stopped'), 'status becomes stopped');
  t.ok(await waitFor(() => !pidAlive(pid)), 'the init process is gone');
});

t.test('containerd shim: kill --all ID 15 (ctr task kill --all) signals every process of the container, not only its init', async (t) => {
  const id = h.id(t);
  // pid 1 of a pid namespace without a handler ignores SIGTERM, so only --all can reach the exec'd process.
  const b = h.bundle({ args: ['sleep', '1000'] });
  const pid = await shimRunning(t, id, b);
  if (!pid) return;
  const other = await shimExec(t, id, b, ['sleep', '1001']);
  if (!other) return;
  t.ok(pidAlive(other), 'the exec\'d process runs');
  const k = await shim(b, ['kill', '--all', id, '15']);
  t.equal(k.code, 0, 'kill --all ID 15 succeeds', diag(k));
  t.ok(await waitFor(() => !pidAlive(other), 5000), 'SIGTERM reached the exec\'d process (it died)');
  t.ok(pidAlive(pid), 'the init (no TERM handler, pid 1) still runs: the signal was 15, not 9');
  const k9 = await shim(b, ['kill', '--all', id, '9']);
  t.equal(k9.code, 0, 'kill --all ID 9 succeeds', diag(k9));
  t.ok(await h.waitStatus(id, 'stopped'), 'then the container stops');
});

t.test('containerd shim / Docker (rm -f): delete --force ID removes a running container', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const pid = await shimRunning(t, id, b);
  if (!pid) return;
  const d = await shim(b, ['delete', '--force', id]);
  t.equal(d.code, 0, 'delete --force ID succeeds', diag(d));
  t.ok(await waitFor(() => !pidAlive(pid)), 'the container process is gone');
  await h.expectNoTrace(t, id, b);
});

t.test('containerd shim: exec --process FILE --detach --pid-file P ID starts the process and writes its host pid (digits only)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const init = await shimRunning(t, id, b);
  if (!init) return;
  const pid = await shimExec(t, id, b, ['sleep', '1002']);
  if (!pid) return;
  t.not(pid, init, 'a new process, not the init');
  t.ok(pidAlive(pid), 'it runs');
  t.equal(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x001002\x00', 'it is the process of the --process file');
  t.equal(fs.readlinkSync(`/proc/${pid}/ns/pid`), fs.readlinkSync(`/proc/${init}/ns/pid`), 'in the container\'s pid namespace');
  checkLogDecodes(t, logPath(b));

  // podman's exec through conmon puts the flags in another order: exec --pid-file P --process FILE --detach ID.
  const log = path.join(h.hostDir('oci'), 'oci-log');
  const pidFile = path.join(h.hostDir('exec'), 'exec_pid');
  const r = await h.rt(['exec', '--pid-file', pidFile, '--process', processJson(b, ['sleep', '1004']), '--detach', id], { global: ['--log-format=json', '--log', log] });
  t.equal(r.code, 0, 'podman\'s order (--log-format=json --log F exec --pid-file P --process FILE --detach ID) succeeds', diag(r));
  const p2 = r.code === 0 ? checkPidFile(t, pidFile) : undefined;
  if (p2) t.equal(fs.readFileSync(`/proc/${p2}/cmdline`, 'utf8'), 'sleep\x001004\x00', 'it runs the --process file\'s args');
});

t.test('containerd shim / Docker (top): ps --format json ID prints a JSON array of host pids with the init and an exec\'d process', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const init = await shimRunning(t, id, b);
  if (!init) return;
  const other = await shimExec(t, id, b, ['sleep', '1003']);
  if (!other) return;
  const r = await shim(b, ['ps', '--format', 'json', id]);
  t.equal(r.code, 0, 'ps succeeds', diag(r));
  let pids: unknown;
  try {
    pids = JSON.parse(r.stdout + r.stderr); // go-runc decodes the combined output
  } catch (e) {
    t.fail(`stdout+stderr is one JSON document: ${(e as Error).message}`, diag(r));
    return;
  }
  t.ok(Array.isArray(pids) && pids.every((p) => Number.isInteger(p)), 'an array of integers', { pids });
  t.ok(Array.isArray(pids) && pids.includes(init), `includes the init's host pid ${init}`, { pids });
  t.ok(Array.isArray(pids) && pids.includes(other), `includes the exec'd process's host pid ${other}`, { pids });
});

t.test('containerd shim / Docker: update --resources - ID (JSON on stdin); podman: update --resources=FILE ID', async (t) => {
  const id = h.id(t);
  const b = h.bundle({
    args: ['sleep', '1000'],
    config: (c) => (c.linux.resources = { ...c.linux.resources, memory: { limit: 64 * MB } }),
  });
  const pid = await shimRunning(t, id, b);
  if (!pid) return;
  const before = memoryLimit(pid);
  // Docker's payload through the shim: zeros mean "leave unchanged".
  const docker = JSON.stringify({ memory: { limit: 96 * MB, reservation: 0, swap: 0, kernel: 0 }, cpu: { shares: 0, quota: 0, period: 0 }, blockIO: { weight: 0 } });
  const u1 = await shim(b, ['update', '--resources', '-', id], { input: docker });
  t.equal(u1.code, 0, 'update --resources - ID succeeds', diag(u1));
  const file = path.join(h.hostDir('upd'), 'resources.json');
  fs.writeFileSync(file, JSON.stringify({ memory: { limit: 48 * MB } }));
  let after1: string | undefined;
  if (before === undefined) {
    t.comment('no memory cgroup file found: limits not read back');
  } else {
    t.equal(before, String(64 * MB), 'created with 64 MiB');
    after1 = memoryLimit(pid);
    t.equal(after1, String(96 * MB), 'stdin update applied: 96 MiB');
  }
  const u2 = await h.rt(['update', `--resources=${file}`, id]); // podman calls it directly
  t.equal(u2.code, 0, 'update --resources=FILE ID succeeds', diag(u2));
  if (before !== undefined) t.equal(memoryLimit(pid), String(48 * MB), 'file update applied: 48 MiB');
});

t.test('containerd (introspection) / newer dockerd (at daemon start): features prints JSON with ociVersionMin and ociVersionMax', async (t) => {
  const r = await h.rt(['features'], { noRoot: true });
  t.equal(r.code, 0, 'features succeeds', diag(r));
  let f: Record<string, unknown> | undefined;
  try {
    f = JSON.parse(r.stdout);
  } catch (e) {
    t.fail(`stdout is JSON: ${(e as Error).message}`, diag(r));
    return;
  }
  t.match(f?.ociVersionMin, /^1\.\d+\.\d+/, 'ociVersionMin is a 1.x version');
  t.match(f?.ociVersionMax, /^1\.\d+\.\d+/, 'ociVersionMax is a 1.x version');
});

t.test('go-runc Version() / podman info: --version and -v print "<name> version X", "commit: ...", "spec: 1.x"', async (t) => {
  const outs: string[] = [];
  for (const flag of ['--version', '-v']) {
    const r = await h.rt([flag], { noRoot: true });
    t.equal(r.code, 0, `${flag} succeeds`, diag(r));
    const lines = r.stdout.split('\n');
    t.match(lines[0], /^[\w.+-]+ version \S+/, `${flag}: first line "<name> version X"`, { lines });
    t.ok(lines.some((l) => /^commit: \S*/.test(l)), `${flag}: a "commit: ..." line`, { lines });
    t.ok(lines.some((l) => /^spec: 1\.\d+/.test(l)), `${flag}: a "spec: 1.x" line`, { lines });
    outs.push(r.stdout);
  }
  t.equal(outs[1], outs[0], '-v prints what --version prints');
  if (!isRunc()) t.match(outs[0], /^tsrun version /, 'tsrun names itself');
});

// ---------------------------------------------------------------------------
// The --log file and the error phrases callers match
// ---------------------------------------------------------------------------

t.test('containerd shim / podman: a failed create leaves its reason as the last "level":"error" line of --log (JSON, RFC 3339 time)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['/no-such-binary'] });
  const pidFile = path.join(b.dir, 'init.pid');
  const r = await shim(b, ['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
  t.not(r.code, 0, 'create fails', diag(r));
  const lines = readLog(logPath(b));
  t.ok(lines.length > 0, 'the --log file has lines');
  checkLogDecodes(t, logPath(b));
  const last = lastError(logPath(b));
  t.ok(last, 'there is a "level":"error" line', { lines: lines.map((l) => l.raw) });
  if (!last?.json) return;
  t.match(last.raw, /"level":"error"/, 'written as "level":"error"');
  t.match(last.json.msg, /no-such-binary/, 'its msg names the missing executable');
  t.match(last.json.msg, NOT_FOUND, 'its msg says why (what podman maps to 127)');
  t.type(last.json.time, 'string');
  t.match(last.json.time, RFC3339, 'time is RFC 3339');
  t.notOk(Number.isNaN(Date.parse(String(last.json.time))), 'time parses');
  t.ok(Math.abs(Date.parse(String(last.json.time)) - Date.now()) < 10 * 60_000, 'time is about now');
  t.notOk(fs.existsSync(pidFile), 'no pid file for a failed create');
  await h.expectNoTrace(t, id, b);
});

t.test('containerd shim (go-runc) / podman: an unknown container id fails every command with "does not exist"', async (t) => {
  const id = `missing-${Date.now()}`;
  const b = h.bundle({ args: ['true'] });
  const proc = processJson(b, ['true']);
  const cmds: string[][] = [
    ['state', id],
    ['start', id],
    ['kill', id, '9'],
    ['kill', '--all', id, '15'],
    ['delete', id],
    ['exec', '--process', proc, '--detach', id],
    ['ps', '--format', 'json', id],
    ['pause', id],
    ['resume', id],
    ['update', '--resources', '-', id],
  ];
  for (const cmd of cmds) {
    fs.rmSync(logPath(b), { force: true });
    const r = await shim(b, cmd, cmd[0] === 'update' ? { input: '{}' } : {});
    const name = cmd.filter((a) => a !== id).join(' ');
    t.not(r.code, 0, `${name}: fails`, diag(r));
    t.match(r.stderr, /does not exist/, `${name}: stderr says "does not exist"`, diag(r));
    t.match(String(lastError(logPath(b))?.json?.msg ?? ''), /does not exist/, `${name}: so does the last error line of --log`);
  }
});

t.test('containerd shim (go-runc) / Docker: kill of a stopped container fails with "container not running"', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['true'] });
  if (!(await shimRunning(t, id, b))) return;
  t.ok(await h.waitStatus(id, 'stopped'), 'the container stopped');
  for (const cmd of [['kill', id, '9'], ['kill', id, '15']]) {
    fs.rmSync(logPath(b), { force: true });
    const r = await shim(b, cmd);
    t.not(r.code, 0, `${cmd.join(' ')}: fails`, diag(r));
    t.match(r.stderr, /container not running/, `${cmd.join(' ')}: stderr says "container not running"`, diag(r));
    t.match(String(lastError(logPath(b))?.json?.msg ?? ''), /container not running/, 'so does the last error line of --log');
  }
});

/**
 * podman's call shape through conmon: `--log-format=json --log FILE create --bundle B --pid-file P ID`,
 * then `start ID` directly (no global flags). podman reads the error with ONE json.Unmarshal of the
 * whole oci-log file, so the file must hold exactly one JSON document (the error); otherwise podman
 * falls back to the runtime's stderr as relayed by conmon. The message is matched against podman's
 * phrases (127 / 126). The config has no ambient capabilities, like podman's for root.
 */
async function podmanCreateFails(t: Test, b: Bundle, phrase: RegExp) {
  b.patch((c) => delete c.process.capabilities.ambient);
  const id = h.id(t);
  const log = path.join(h.hostDir('oci'), 'oci-log');
  const pidFile = path.join(b.dir, 'pidfile');
  const c = await h.rt(['create', '--bundle', b.dir, '--pid-file', pidFile, id], { global: ['--log-format=json', '--log', log] });
  let failed: RtResult = c;
  if (c.code === 0) {
    // A runtime may report an exec failure at start instead (the spec allows either).
    failed = await h.rt(['start', id]);
    t.not(failed.code, 0, 'create or start fails', diag(failed));
    t.match(failed.stderr, phrase, 'start\'s stderr has the phrase podman maps', diag(failed));
  } else {
    t.not(c.code, 0, 'create fails');
    const last = lastError(log);
    t.match(String(last?.json?.msg ?? ''), phrase, 'the last error line of --log has the phrase podman maps', { log: readLog(log).map((l) => l.raw) });
    t.match(c.stderr + fs.readFileSync(log, 'utf8'), phrase, 'stderr/log carry the phrase');
    checkLogDecodes(t, log);
    let whole: { msg?: unknown } | undefined;
    try {
      whole = JSON.parse(fs.readFileSync(log, 'utf8'));
    } catch (e) {
      t.fail(`podman's json.Unmarshal of the whole oci-log succeeds (one JSON document): ${(e as Error).message}`, { log: readLog(log).map((l) => l.raw) });
    }
    t.match(String(whole?.msg ?? ''), phrase, 'and its msg has the phrase podman maps');
  }
  await h.forceDelete(id);
  await h.expectNoTrace(t, id, b);
}

t.test('podman (exit 127): a missing executable fails with "executable file not found in" or "no such file or directory"', async (t) => {
  await t.test('absolute path', (t) => podmanCreateFails(t, h.bundle({ args: ['/bin/no-such-binary'] }), NOT_FOUND));
  await t.test('looked up in PATH', (t) => podmanCreateFails(t, h.bundle({ args: ['no-such-binary'] }), NOT_FOUND));
});

t.test('podman (exit 126): a file that is not executable fails with "permission denied"', async (t) => {
  const b = h.bundle({ args: ['/not-executable'], files: { '/not-executable': { content: '#!/bin/sh\necho hi\n', mode: 0o644 } } });
  await podmanCreateFails(t, b, PERMISSION);
});

// ---------------------------------------------------------------------------
// Flag spellings and the default root
// ---------------------------------------------------------------------------

t.test('podman/conmon and containerd: --root, --log, --bundle, --pid-file work as "--flag=value" and "--flag value"; -b DIR too', async (t) => {
  const b = h.bundle({ args: ['sleep', '1000'] });
  const log = path.join(h.hostDir('log'), 'log.json');
  const pids = h.hostDir('pids');

  // --flag=value everywhere
  const id1 = h.id(t);
  const p1 = path.join(pids, '1.pid');
  const c1 = await h.rt(['--root=' + h.root, '--log=' + log, '--log-format=json', 'create', '--bundle=' + b.dir, '--pid-file=' + p1, id1], { noRoot: true });
  t.equal(c1.code, 0, 'create with --root= --log= --bundle= --pid-file= succeeds', diag(c1));
  const pid1 = checkPidFile(t, p1);
  const s1 = await h.rt(['--root=' + h.root, 'state', id1], { noRoot: true });
  t.equal(s1.code, 0, '--root=R state finds it', diag(s1));
  t.equal(s1.code === 0 ? (JSON.parse(s1.stdout) as ContainerState).pid : undefined, pid1, 'with the pid of the pid file');
  const bad = await h.rt(['--root=' + h.root, '--log=' + log, '--log-format=json', 'start', `missing-${Date.now()}`], { noRoot: true });
  t.not(bad.code, 0, 'a failing command');
  t.match(String(lastError(log)?.json?.msg ?? ''), /does not exist/, 'logs its error to the --log= file');

  // --flag value everywhere, from another directory
  const id2 = h.id(t);
  const p2 = path.join(pids, '2.pid');
  const c2 = await h.rt(['--root', h.root, '--log', log, '--log-format', 'json', 'create', '--bundle', b.dir, '--pid-file', p2, id2], { noRoot: true, cwd: '/' });
  t.equal(c2.code, 0, 'create with --root R --log F --bundle B --pid-file P succeeds', diag(c2));
  checkPidFile(t, p2);

  // conmon's mix for podman: --log-format=json --log F create --bundle B --pid-file P ID
  const id4 = h.id(t);
  const p4 = path.join(pids, '4.pid');
  const c4 = await h.rt(['--log-format=json', '--log', log, 'create', '--bundle', b.dir, '--pid-file', p4, id4], { cwd: '/' });
  t.equal(c4.code, 0, 'create with --log-format=json --log F (conmon\'s order) succeeds', diag(c4));
  checkPidFile(t, p4);

  // -b DIR
  const id3 = h.id(t);
  const c3 = await h.rt(['create', '-b', b.dir, id3], { cwd: '/' });
  t.equal(c3.code, 0, 'create -b DIR succeeds', diag(c3));
  const s3 = (await h.state(id3)).state;
  t.equal(s3?.bundle, b.dir, 'with that bundle');
  checkLogDecodes(t, log);
});

t.test('podman (direct calls, no global flags): without --root the runtime uses its default root (/run/tsrun, runc: /run/runc)', async (t) => {
  const id = `callers-default-root-${Date.now()}-${process.pid}`;
  const b = h.bundle({ args: ['sleep', '1000'] });
  t.teardown(async () => {
    await h.rt(['delete', '--force', id], { noRoot: true });
  });
  const c = await h.rt(['create', '--bundle', b.dir, id], { noRoot: true });
  t.equal(c.code, 0, 'create without --root succeeds', diag(c));
  if (c.code !== 0) return;
  const s = await h.rt(['state', id], { noRoot: true });
  t.equal(s.code, 0, 'state without --root finds it', diag(s));
  t.ok(fs.existsSync(path.join(DEFAULT_ROOT, id)), `its state lives under ${DEFAULT_ROOT}`);
  t.notOk(fs.existsSync(path.join(h.root, id)), 'not under the harness\'s root');
  const l = await h.rt(['list', '-q'], { noRoot: true });
  t.equal(l.code, 0, 'list without --root succeeds', diag(l));
  t.ok(l.stdout.split('\n').includes(id), 'list without --root shows it', diag(l));
  const st = await h.rt(['start', id], { noRoot: true });
  t.equal(st.code, 0, 'start without --root', diag(st));
  const k = await h.rt(['kill', id, '9'], { noRoot: true });
  t.equal(k.code, 0, 'kill ID 9 without --root', diag(k));
  await waitFor(async () => JSON.parse((await h.rt(['state', id], { noRoot: true })).stdout || '{}').status === 'stopped');
  const d = await h.rt(['delete', '--force', id], { noRoot: true });
  t.equal(d.code, 0, 'delete --force without --root', diag(d));
  const gone = await h.rt(['state', id], { noRoot: true });
  t.not(gone.code, 0, 'then state fails');
  t.match(gone.stderr, /does not exist/, '"does not exist"');
  t.notOk(fs.existsSync(path.join(DEFAULT_ROOT, id)), 'its state dir is removed');
});

// ---------------------------------------------------------------------------
// Docker
// ---------------------------------------------------------------------------

t.test('Docker: a prestart hook (libnetwork-setkey, added even with --network none) that reads the state and exits 0 lets create and start succeed', async (t) => {
  const id = h.id(t);
  const host = h.hostDir('hook');
  const out = path.join(host, 'state.json');
  const b = h.bundle({
    args: ['true'],
    config: (c) => {
      c.hooks = { prestart: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${out}; exit 0`] }] };
    },
  });
  if (!(await shimRunning(t, id, b))) return;
  t.ok(await h.waitStatus(id, 'stopped'), 'the container ran and stopped');
  let st: ContainerState | undefined;
  try {
    st = JSON.parse(fs.readFileSync(out, 'utf8')) as ContainerState;
  } catch (e) {
    t.fail(`the hook got the state on stdin: ${(e as Error).message}`);
  }
  t.equal(st?.id, id, 'the hook read the container\'s state (id) on stdin');
  t.ok((st?.pid ?? 0) > 0, 'with a pid (libnetwork-setkey uses it to find the netns)');
  t.equal(lastError(logPath(b)), undefined, 'no error in --log');
});

h.done();
