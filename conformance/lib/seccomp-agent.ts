// A seccomp agent for the SCMP_ACT_NOTIFY tests (seccomp.test.ts, rootless.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Test } from 'tap';

import { python } from './console-receiver.js';
import { waitFor } from './harness.js';

// A seccomp agent: listens on the socket, takes each container process state
// (JSON, the fd as SCM_RIGHTS) and answers mkdir notifications with
// `-answer` (0: success without the call being made), letting every other
// notified call go ahead. Node cannot receive SCM_RIGHTS, hence python.
// Events go to stdout as JSON lines.
const AGENT_SOURCE = `
import fcntl, json, os, select, socket, struct, sys
path, answer = sys.argv[1], int(sys.argv[2])
# _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp)
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101
def out(**ev): print(json.dumps(ev), flush=True)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
poller = select.poll()
poller.register(srv, select.POLLIN)
out(event="listening")
while True:
    for fd, ev in poller.poll():
        if fd == srv.fileno():
            conn, _ = srv.accept()
            data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 8)
            while True:
                more = conn.recv(1 << 20)
                if not more: break
                data += more
            conn.close()
            links = [os.readlink("/proc/self/fd/%d" % f) for f in fds]
            out(event="state", message=json.loads(data), links=links)
            for f in fds: poller.register(f, select.POLLIN)
        elif ev & select.POLLHUP:
            # no process uses the filter any more
            poller.unregister(fd)
            os.close(fd)
            out(event="hup")
        else:
            buf = bytearray(80)
            try:
                fcntl.ioctl(fd, NOTIF_RECV, buf, True)
            except OSError as e:
                out(event="recv-error", errno=e.errno)
                continue
            nid, pid, _, nr = struct.unpack_from("=QIIi", buf)
            # mkdir and mkdirat get the answer; anything else goes ahead
            # (SECCOMP_USER_NOTIF_FLAG_CONTINUE), as agents like bypass4netns do.
            resp = struct.pack("=QqiI", nid, 0, -answer, 0) if nr in (83, 258) else struct.pack("=QqiI", nid, 0, 0, 1)
            try:
                fcntl.ioctl(fd, NOTIF_SEND, resp)
                out(event="notification", pid=pid, nr=nr)
            except OSError as e:
                out(event="send-error", errno=e.errno)
`;

export interface AgentEvent {
  event: string;
  message?: Record<string, any>;
  links?: string[];
  pid?: number;
  nr?: number;
}

export class Agent {
  events: AgentEvent[] = [];
  stderr = '';
  private constructor(
    readonly socketPath: string,
    private readonly child: ChildProcess,
  ) {}

  /** An agent on a socket in `dir`, answering notifications with -answer; stopped at t's teardown. */
  static async start(t: Test, dir: string, answer = 0): Promise<Agent> {
    const sock = path.join(dir, 'agent.sock');
    const child = spawn(python(), ['-c', AGENT_SOURCE, sock, String(answer)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const a = new Agent(sock, child);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        a.events.push(JSON.parse(buf.slice(0, i)) as AgentEvent);
        buf = buf.slice(i + 1);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (a.stderr += d.toString()));
    t.teardown(() => a.stop());
    if (!(await waitFor(() => a.events.some((e) => e.event === 'listening'), 10_000))) throw new Error(`the agent did not start: ${a.stderr}`);
    return a;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }

  states(): AgentEvent[] {
    return this.events.filter((e) => e.event === 'state');
  }

  async nthState(n: number, timeout = 5000): Promise<AgentEvent | undefined> {
    return waitFor(() => this.states()[n], timeout, 20);
  }
}
