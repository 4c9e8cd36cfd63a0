// process.terminal (config.md "Process": "terminal (bool, OPTIONAL) specifies whether
// a terminal is attached to the process"; consoleSize; runtime-linux.md
// "/dev/console": "If process.terminal is true, the runtime MUST set up
// /dev/console ... by bind mounting the pseudoterminal pty"), and the runc CLI
// around it that callers rely on (ARCHITECTURE.md section 3): the pty master
// sent over --console-socket with SCM_RIGHTS for create / run -d / exec -t -d,
// and proxied to the runtime's own stdio for a foreground run / exec -t.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';

import { ConsoleReceiver, rtWithTty } from './lib/console-receiver.js';
import {
  DEFAULT_APPLETS, Harness, diag, pidAlive, type Bundle, type BundleOptions,
} from './lib/harness.js';

const h = new Harness(t, 'terminal');

const APPLETS = [...DEFAULT_APPLETS, 'tty', 'stty'];
const BOTH = String.raw`(runc|tsrun|\S+)`; // either runtime's name in runc's error texts

/** A bundle whose process has a terminal. */
function ttyBundle(args: string[], opts: BundleOptions & { size?: { height: number; width: number } } = {}): Bundle {
  return h.bundle({
    ...opts,
    applets: APPLETS,
    args,
    config: (c) => {
      c.process.terminal = true;
      if (opts.size) c.process.consoleSize = opts.size;
      opts.config?.(c);
    },
  });
}

/** Prints what the terminal tests look at, one fact per line. */
const PROBE = [
  'echo "tty=$(tty)"',
  'echo "size=$(stty size)"',
  'echo "fds=$(readlink /proc/$$/fd/0) $(readlink /proc/$$/fd/1) $(readlink /proc/$$/fd/2)"',
  'echo "console=$(stat -c "%F %t %T" /dev/console 2>&1)"',
  // field 7 of /proc/self/stat: the controlling terminal (0: none)
  'echo "ctty=$(cut -d" " -f7 /proc/$$/stat)"',
  'echo probe-done',
].join('; ');

function fact(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim();
}

async function receiver(t: Test) {
  return ConsoleReceiver.start(h.hostDir('sock'), t);
}

/** The checks common to every pty a runtime hands over. */
async function checkPty(t: Test, rcv: ConsoleReceiver) {
  const fd = await rcv.received();
  t.ok(fd, 'the console socket received a message with an fd', { stderr: rcv.stderr, ended: rcv.ended });
  if (!fd) return undefined;
  t.equal(fd.nfds, 1, 'exactly one fd');
  t.ok(fd.isatty, 'the fd is a terminal');
  t.type(fd.ptn, 'number', 'TIOCGPTN works on it: it is a pty master');
  if (fd.hostDevptsDev !== null) t.not(fd.dev, fd.hostDevptsDev, 'the pty belongs to the container\'s devpts instance, not the host\'s');
  return fd;
}

/** A running container without a terminal (`sleep 1000`), made once. */
let plain: Promise<{ id: string; b: Bundle } | undefined> | undefined;
function plainContainer(t: Test) {
  plain ??= (async () => {
    const id = h.id();
    const b = h.bundle({ applets: APPLETS, args: ['sleep', '1000'] });
    const r = await h.run(id, b, ['--detach']);
    if (r.code !== 0) {
      t.fail('run -d of the container to exec into', diag(r));
      return undefined;
    }
    return { id, b };
  })();
  return plain;
}

t.test('create --console-socket with process.terminal true: the socket gets the pty master; after start the program talks through it (config.md terminal, consoleSize; runtime-linux.md /dev/console)', async (t) => {
  const rcv = await receiver(t);
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', PROBE], { size: { height: 33, width: 101 } });
  const r = await h.create(id, b, ['--console-socket', rcv.socketPath]);
  t.equal(r.code, 0, 'create succeeds', diag(r));
  if (r.code !== 0) return;
  const fd = await checkPty(t, rcv);
  if (!fd) return;
  t.equal(rcv.output, '', 'nothing on the pty before start');
  await h.mustStart(t, id);
  const end = await rcv.waitEnd();
  t.ok(end, 'the pty reports EOF/EIO once the program exited', { output: rcv.output });
  const out = rcv.text();
  t.match(out, /probe-done/, 'the program\'s output arrives through the pty', { out });
  const tty = fact(out, 'tty');
  t.match(tty, /^\/dev\/pts\/\d+$/, '`tty` prints a /dev/pts/N path', { out });
  const n = Number(/(\d+)$/.exec(tty ?? '')?.[1]);
  t.equal(n, fd.ptn, 'N is the number of the pty whose master was sent');
  t.equal(fact(out, 'size'), '33 101', 'consoleSize {height: 33, width: 101}: `stty size` prints "33 101"');
  t.equal(fact(out, 'fds'), `${tty} ${tty} ${tty}`, 'stdin, stdout and stderr are the pty', { out });
  t.equal(fact(out, 'console'), `character special file 88 ${n.toString(16)}`, '/dev/console is the pty: char 136:N');
  t.not(fact(out, 'ctty'), '0', 'the pty is the controlling terminal');
  const o = r.output();
  t.equal(o.stdout, '', 'nothing on create\'s stdout: the program\'s output went to the pty');
});

t.test('stdin through the pty (config.md terminal)', async (t) => {
  const rcv = await receiver(t);
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'read line; echo "got:$line"']);
  const r = await h.create(id, b, ['--console-socket', rcv.socketPath]);
  t.equal(r.code, 0, 'create succeeds', diag(r));
  if (r.code !== 0 || !(await checkPty(t, rcv))) return;
  await h.mustStart(t, id);
  rcv.send('hello pty\n');
  t.ok(await rcv.waitOutput(/got:hello pty/), 'the line typed into the pty was read by the program', { out: rcv.text() });
  t.ok(await rcv.waitEnd(), 'the pty ends when the program exits');
  t.ok(await h.waitStatus(id, 'stopped'), 'the container stopped');
});

t.test('run -d --console-socket with process.terminal true (runc CLI)', async (t) => {
  const rcv = await receiver(t);
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', `${PROBE}; read x; echo "read:$x"`], { size: { height: 33, width: 101 } });
  const r = await h.run(id, b, ['-d', '--console-socket', rcv.socketPath]);
  t.equal(r.code, 0, 'run -d succeeds', diag(r));
  if (r.code !== 0 || !(await checkPty(t, rcv))) return;
  t.ok(await rcv.waitOutput(/probe-done/), 'the output arrives through the pty', { out: rcv.text() });
  const out = rcv.text();
  t.match(fact(out, 'tty'), /^\/dev\/pts\/\d+$/, 'tty: /dev/pts/N');
  t.equal(fact(out, 'size'), '33 101', 'stty size: 33 101');
  t.equal(await h.status(id), 'running', 'the container runs, waiting for input');
  rcv.send('bye\n');
  t.ok(await rcv.waitOutput(/read:bye/), 'input arrives');
  t.ok(await rcv.waitEnd(), 'the pty ends when the program exits');
});

t.test('exec -t --console-socket S -d on a running container (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const rcv = await receiver(t);
  const pidFile = path.join(h.hostDir('pid'), 'exec.pid');
  const r = await h.rt(['exec', '-t', '--console-socket', rcv.socketPath, '-d', '--pid-file', pidFile, c.id, 'sh', '-c', `${PROBE}; read x; echo "read:$x"`]);
  t.equal(r.code, 0, 'exec -t -d succeeds', diag(r));
  if (r.code !== 0 || !(await checkPty(t, rcv))) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  h.notePid(pid);
  t.ok(await rcv.waitOutput(/probe-done/), 'the output arrives through the pty', { out: rcv.text() });
  const out = rcv.text();
  const tty = fact(out, 'tty');
  t.match(tty, /^\/dev\/pts\/\d+$/, 'tty: /dev/pts/N');
  t.equal(fact(out, 'fds'), `${tty} ${tty} ${tty}`, 'stdin, stdout and stderr are the pty', { out });
  t.not(fact(out, 'ctty'), '0', 'the pty is the controlling terminal');
  t.ok(pidAlive(pid), 'the pid file names the running process');
  rcv.send('bye\n');
  t.ok(await rcv.waitOutput(/read:bye/), 'input arrives');
  t.ok(await rcv.waitEnd(), 'the pty ends when the process exits');
  t.equal(r.output().stdout, '', 'nothing on exec\'s stdout');
});

t.test('exec --process FILE (terminal, consoleSize) --console-socket --detach: what containerd runs (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const rcv = await receiver(t);
  const dir = h.hostDir('proc');
  const file = path.join(dir, 'process.json');
  fs.writeFileSync(file, JSON.stringify({
    terminal: true,
    consoleSize: { height: 33, width: 101 },
    user: { uid: 0, gid: 0 },
    args: ['sh', '-c', PROBE],
    env: ['PATH=/bin', 'TERM=xterm'],
    cwd: '/',
  }));
  const pidFile = path.join(dir, 'exec.pid');
  const r = await h.rt(['exec', '--process', file, '--console-socket', rcv.socketPath, '--detach', '--pid-file', pidFile, c.id]);
  t.equal(r.code, 0, 'exec succeeds', diag(r));
  if (r.code !== 0 || !(await checkPty(t, rcv))) return;
  h.notePid(Number(fs.readFileSync(pidFile, 'utf8')));
  t.ok(await rcv.waitEnd(), 'the pty ends when the process exits', { out: rcv.text() });
  const out = rcv.text();
  t.match(fact(out, 'tty'), /^\/dev\/pts\/\d+$/, 'tty: /dev/pts/N');
  t.equal(fact(out, 'size'), '33 101', 'consoleSize of the process file: 33 101');
});

t.test('create with process.terminal true and no --console-socket fails and leaves nothing behind (runc CLI: "cannot allocate tty if runc will detach without setting console socket")', async (t) => {
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'echo ran > /ran']);
  const r = await h.create(id, b);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, new RegExp(`cannot allocate tty if ${BOTH} will detach without setting console socket`), 'error text', diag(r));
  await h.expectNoTrace(t, id, b);
  t.notOk(fs.existsSync(path.join(b.rootfs, 'ran')), 'the program never ran');

  const id2 = h.id(t);
  const r2 = await h.run(id2, b, ['-d']);
  t.not(r2.code, 0, 'run -d fails likewise', diag(r2));
  t.match(r2.stderr, new RegExp(`cannot allocate tty if ${BOTH} will detach without setting console socket`), 'error text', diag(r2));
  await h.expectNoTrace(t, id2, b);
});

t.test('exec -t -d without --console-socket fails (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const r = await h.rt(['exec', '-t', '-d', c.id, 'touch', '/tmp/exec-t-d-ran']);
  t.not(r.code, 0, 'exec fails', diag(r));
  t.match(r.stderr, new RegExp(`cannot allocate tty if ${BOTH} will detach without setting console socket`), 'error text', diag(r));
  t.notOk(fs.existsSync(path.join(c.b.rootfs, 'tmp', 'exec-t-d-ran')), 'nothing ran');
});

const NO_SOCKET = new RegExp(`cannot use console socket if ${BOTH} will not detach or allocate tty`);

t.test('create --console-socket with process.terminal false fails and leaves nothing behind (runc CLI: "cannot use console socket if runc will not detach or allocate tty")', async (t) => {
  const rcv = await receiver(t);
  const id = h.id(t);
  const b = h.bundle({ applets: APPLETS, args: ['sh', '-c', 'echo ran > /ran'] });
  const r = await h.create(id, b, ['--console-socket', rcv.socketPath]);
  t.not(r.code, 0, 'create fails', diag(r));
  t.match(r.stderr, NO_SOCKET, 'error text', diag(r));
  await h.expectNoTrace(t, id, b);
  t.notOk(fs.existsSync(path.join(b.rootfs, 'ran')), 'the program never ran');
  t.equal(rcv.fd, undefined, 'no fd was sent to the socket');
});

t.test('foreground run --console-socket (terminal true, not detached) fails and leaves nothing behind (runc CLI)', async (t) => {
  const rcv = await receiver(t);
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'echo ran > /ran']);
  const r = await rtWithTty(h, ['run', '--bundle', b.dir, '--console-socket', rcv.socketPath, id]);
  h.track(id);
  t.not(r.code, 0, 'run fails', diag(r));
  t.match(r.stderr, NO_SOCKET, 'error text', diag(r));
  await h.expectNoTrace(t, id, b);
  t.notOk(fs.existsSync(path.join(b.rootfs, 'ran')), 'the program never ran');
  t.equal(rcv.fd, undefined, 'no fd was sent to the socket');
});

t.test('exec --console-socket without -t, or without -d, fails (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const rcv = await receiver(t);
  const r = await h.rt(['exec', '--console-socket', rcv.socketPath, '-d', c.id, 'touch', '/tmp/exec-cs-ran']);
  t.not(r.code, 0, 'exec -d --console-socket without -t fails', diag(r));
  t.match(r.stderr, NO_SOCKET, 'error text', diag(r));
  const r2 = await rtWithTty(h, ['exec', '-t', '--console-socket', rcv.socketPath, c.id, 'touch', '/tmp/exec-cs-ran']);
  t.not(r2.code, 0, 'exec -t --console-socket without -d fails', diag(r2));
  t.match(r2.stderr, NO_SOCKET, 'error text', diag(r2));
  t.notOk(fs.existsSync(path.join(c.b.rootfs, 'tmp', 'exec-cs-ran')), 'nothing ran');
  t.equal(rcv.fd, undefined, 'no fd was sent to the socket');
});

t.test('foreground run with process.terminal true and no console socket: the pty output is proxied to the runtime\'s stdout; the exit status passes through (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'echo "tty=$(tty)"; echo out-via-pty; exit 3']);
  const r = await rtWithTty(h, ['run', '--bundle', b.dir, id]);
  h.track(id);
  t.equal(r.code, 3, 'exit status 3 passes through', diag(r));
  const out = r.stdout.replace(/\r\n/g, '\n');
  t.match(out, /^tty=\/dev\/pts\/\d+$/m, 'the program had a pty', diag(r));
  t.match(out, /^out-via-pty$/m, 'its output appears on the runtime\'s stdout', diag(r));
  await h.expectNoTrace(t, id, b);
});

t.test('foreground run with process.terminal true: the runtime\'s stdin reaches the program through the pty (runc CLI)', async (t) => {
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'read l; echo "got:$l"']);
  const r = await rtWithTty(h, ['run', '--bundle', b.dir, id], { ttyInput: 'typed line\r', inputDelay: 0.5 });
  h.track(id);
  t.equal(r.code, 0, 'run succeeds (the program read a line and exited)', diag(r));
  t.match(r.stdout.replace(/\r\n/g, '\n'), /^got:typed line$/m, 'the typed line reached the program', diag(r));
  if (r.code !== 0) await h.forceDelete(id); // the program still waits for input
  await h.expectNoTrace(t, id, b);
});

t.test('foreground exec -t without a console socket: the output is proxied to the runtime\'s stdout; the exit status passes through (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const r = await rtWithTty(h, ['exec', '-t', c.id, 'sh', '-c', 'echo "tty=$(tty)"; echo exec-via-pty; exit 4']);
  t.equal(r.code, 4, 'exit status 4 passes through', diag(r));
  const out = r.stdout.replace(/\r\n/g, '\n');
  t.match(out, /^tty=\/dev\/pts\/\d+$/m, 'the process had a pty', diag(r));
  t.match(out, /^exec-via-pty$/m, 'its output appears on the runtime\'s stdout', diag(r));
  t.equal(await h.status(c.id), 'running', 'the container still runs');
});

t.test('foreground exec -t: the runtime\'s stdin reaches the process through the pty (runc CLI)', async (t) => {
  const c = await plainContainer(t);
  if (!c) return;
  const r = await rtWithTty(h, ['exec', '-t', c.id, 'sh', '-c', 'read l; echo "got:$l"'], { ttyInput: 'exec line\r', inputDelay: 0.5 });
  t.equal(r.code, 0, 'exec succeeds (the process read a line and exited)', diag(r));
  t.match(r.stdout.replace(/\r\n/g, '\n'), /^got:exec line$/m, 'the typed line reached the process', diag(r));
});

t.test('foreground run / exec -t: the pty gets the size of the runtime\'s own terminal (runc behaviour)', async (t) => {
  const id = h.id(t);
  // runc resizes right after start: wait a little before asking.
  const b = ttyBundle(['sh', '-c', 'sleep 0.5; echo "size=$(stty size)"']);
  const r = await rtWithTty(h, ['run', '--bundle', b.dir, id], { rows: 41, cols: 123 });
  h.track(id);
  t.equal(r.code, 0, 'run succeeds', diag(r));
  t.equal(fact(r.stdout.replace(/\r/g, ''), 'size'), '41 123', 'run: stty size is the caller\'s 41 123', diag(r));
  const c = await plainContainer(t);
  if (!c) return;
  const r2 = await rtWithTty(h, ['exec', '-t', c.id, 'sh', '-c', 'sleep 0.5; echo "size=$(stty size)"'], { rows: 42, cols: 124 });
  t.equal(r2.code, 0, 'exec succeeds', diag(r2));
  t.equal(fact(r2.stdout.replace(/\r/g, ''), 'size'), '42 124', 'exec: stty size is the caller\'s 42 124', diag(r2));
});

t.test('foreground run with a terminal and a non-terminal stdin: proxied or refused, never hangs, leaves nothing', async (t) => {
  const id = h.id(t);
  const b = ttyBundle(['sh', '-c', 'echo marker-out; exit 5']);
  const r = await h.run(id, b, [], { timeout: 10_000 });
  t.notOk(r.timedOut, 'the runtime exits', diag(r));
  if (r.code === 5) t.match(r.stdout, /marker-out/, 'proxied: the output is on stdout', diag(r));
  else t.not(r.code, 0, `refused: ${r.stderr.trim().slice(0, 120)}`);
  await h.expectNoTrace(t, id, b);
});

t.test('process.terminal false: no /dev/console is made from a pty (runtime-linux.md /dev/console applies only with a terminal)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ applets: APPLETS, args: ['sh', '-c', 'stat -c "%F %t %T" /dev/console 2>&1; tty; true'] });
  const r = await h.run(id, b);
  t.equal(r.code, 0, 'ran', diag(r));
  t.notMatch(r.stdout, /character special file 88 /, '/dev/console is not a pty', diag(r));
  t.match(r.stdout, /not a tty/, 'stdin is not a terminal', diag(r));
});

h.done();
