// Passing things in and out of a container the way service managers and
// engines do: socket activation (LISTEN_FDS from systemd) and a pidfd of
// the container process over --pidfd-socket.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { Harness, diag, isRunc, runtime } from './lib/harness.js';

const h = new Harness(t, 'activation');

t.test('socket activation: LISTEN_FDS sockets reach the container as fds 3.., announced with LISTEN_PID=1 (runc behaviour)', async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sh', '-c', 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3; cat <&4'] });
  const dir = h.hostDir('listen');
  fs.writeFileSync(path.join(dir, 'a'), 'from-fd-3\n');
  fs.writeFileSync(path.join(dir, 'b'), 'from-fd-4\n');
  // A shell plays systemd: LISTEN_PID names the runtime itself (exec keeps the pid).
  const script = `exec 3<"${dir}/a" 4<"${dir}/b"; export LISTEN_FDS=2 LISTEN_PID=$$; exec "$0" --root "$1" run -b "$2" "$3"`;
  const r = spawnSync('sh', ['-c', script, runtime(), h.root, b.dir, id], { encoding: 'utf8', timeout: 20000 });
  t.equal(r.status, 0, 'run succeeds', { stderr: r.stderr });
  t.match(r.stdout, /fds=2 pid=1/, 'the container sees LISTEN_FDS=2 and LISTEN_PID=1');
  t.match(r.stdout, /from-fd-3\s+from-fd-4/, 'both fds arrive at 3 and 4');
});

const RECEIVER = `
import socket, os, sys, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
fds = array.array('i')
msg, anc, flags, addr = c.recvmsg(1024, socket.CMSG_LEN(4 * fds.itemsize))
for level, typ, data in anc:
    fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
fd = fds[0]
print("link", os.readlink("/proc/self/fd/%d" % fd), flush=True)
for line in open("/proc/self/fdinfo/%d" % fd):
    if line.startswith("Pid:"): print("pid", line.split()[1], flush=True)
`;

t.test('--pidfd-socket receives a pidfd of the container process (runc 1.2 flag)', { skip: isRunc() && 'runc 1.1.5 has no --pidfd-socket' }, async (t) => {
  const id = h.id(t);
  const b = h.bundle({ args: ['sleep', '1000'] });
  const sock = path.join(h.hostDir('pidfd'), 's.sock');
  const { spawn } = await import('node:child_process');
  const rx = spawn(process.env.PYTHON ?? 'python3', ['-c', RECEIVER, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  rx.stdout.on('data', (d) => (out += String(d)));
  await new Promise<void>((resolve) => rx.stdout.once('data', () => resolve()));
  const r = await h.create(id, b, ['--pidfd-socket', sock]);
  t.equal(r.code, 0, 'create with --pidfd-socket succeeds', diag(r));
  await new Promise<void>((resolve) => rx.on('exit', () => resolve()));
  const state = (await h.state(id)).state;
  t.match(out, /link anon_inode:\[?pidfd\]?/, 'the received fd is a pidfd');
  t.match(out, new RegExp(`pid ${state?.pid}\\b`), 'for the container process');
});

h.done();
