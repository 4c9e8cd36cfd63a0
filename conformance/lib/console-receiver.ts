// The caller's side of the console socket protocol (ARCHITECTURE.md section 3:
// the runtime sends the pty master fd with SCM_RIGHTS over the AF_UNIX socket
// named by --console-socket), for the terminal tests.
//
// Node cannot receive SCM_RIGHTS, so a small python3 script
// (console-receiver.py next to this file) listens, receives the fd and then
// copies the pty output to us (as JSON lines) and our input to the pty.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

import { runtime, spawnCaptured, waitFor, type Harness, type RtOptions, type RtResult } from './harness.js';

export const RECEIVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console-receiver.py');

/** The python interpreter: $PYTHON, else /usr/bin/python3, else python3 from PATH. */
export function python(): string {
  if (process.env.PYTHON) return process.env.PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** What the receiver learned about the fd it got. */
export interface ReceivedFd {
  /** the SCM_RIGHTS message's payload (runc sends the master's name) */
  name: string;
  /** number of fds in the message */
  nfds: number;
  isatty: boolean;
  /** TIOCGPTN on the fd: the pty number if it is a pty master, else null */
  ptn: number | null;
  rdev: [number, number];
  /** st_dev of the fd (the devpts instance it belongs to) */
  dev: number;
  /** st_dev of the host's /dev/pts/ptmx */
  hostDevptsDev: number | null;
}

export interface ReceiverEnd {
  reason: 'eio' | 'eof' | 'exited' | 'error';
  code: number | null;
  error?: string;
}

/**
 * One console socket, listening from start() until the pty it receives reports
 * EOF/EIO, or stop(). Output is accumulated in `output` ("\r\n" as the pty
 * writes it; see `text()`).
 */
export class ConsoleReceiver {
  output = '';
  stderr = '';
  fd?: ReceivedFd;
  ended?: ReceiverEnd;
  private child!: ChildProcess;
  private buf = '';

  private constructor(readonly socketPath: string) {}

  /** Start a receiver on a new socket path in `dir`; resolves once it listens. Stopped at `t`'s teardown. */
  static async start(dir: string, t?: Test): Promise<ConsoleReceiver> {
    const sock = path.join(dir, `console-${Math.random().toString(16).slice(2, 10)}.sock`);
    const r = new ConsoleReceiver(sock);
    let listening = false;
    r.child = spawn(python(), [RECEIVER_SCRIPT, 'receive', sock], { stdio: ['pipe', 'pipe', 'pipe'] });
    r.child.stdin!.on('error', () => {});
    r.child.stderr!.on('data', (d: Buffer) => (r.stderr += d.toString()));
    r.child.stdout!.on('data', (d: Buffer) => {
      r.buf += d.toString('utf8');
      let i: number;
      while ((i = r.buf.indexOf('\n')) >= 0) {
        const line = r.buf.slice(0, i);
        r.buf = r.buf.slice(i + 1);
        let ev: Record<string, unknown>;
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        if (ev.event === 'listening') listening = true;
        else if (ev.event === 'fd') r.fd = ev as unknown as ReceivedFd;
        else if (ev.event === 'data') r.output += String(ev.data);
        else if (ev.event === 'end') r.ended ??= { reason: ev.reason as 'eio' | 'eof', code: null };
        else if (ev.event === 'error') r.ended ??= { reason: 'error', code: null, error: String(ev.message) };
      }
    });
    r.child.on('exit', (code) => {
      r.ended ??= { reason: 'exited', code, error: r.stderr };
      if (r.ended.code === null) r.ended.code = code;
    });
    t?.teardown(() => r.stop());
    await waitFor(() => listening || r.ended !== undefined, 10_000);
    if (!listening) throw new Error(`console receiver did not start: ${r.stderr}`);
    return r;
  }

  /** Resolves to the received fd's description, or undefined after `timeout` ms. */
  async received(timeout = 10_000): Promise<ReceivedFd | undefined> {
    await waitFor(() => this.fd !== undefined || this.ended !== undefined, timeout);
    return this.fd;
  }

  /** Write to the pty (the container process's terminal input). */
  send(text: string) {
    this.child.stdin!.write(text);
  }

  /** Pty output with "\r\n" (the pty's ONLCR) folded to "\n". */
  text(): string {
    return this.output.replace(/\r\n/g, '\n');
  }

  /** Wait until the output matches `re` (resolves to the match) or `timeout` ms pass. */
  async waitOutput(re: RegExp, timeout = 10_000): Promise<RegExpMatchArray | undefined> {
    return (await waitFor(() => this.text().match(re) ?? undefined, timeout)) ?? undefined;
  }

  /** Wait until the pty reports EOF/EIO (every holder of the peer is gone). */
  async waitEnd(timeout = 10_000): Promise<ReceiverEnd | undefined> {
    return waitFor(() => this.ended, timeout);
  }

  stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    try {
      fs.rmSync(this.socketPath, { force: true });
    } catch {
      /* gone */
    }
  }
}

export interface TtyRunOptions extends RtOptions {
  /** the size of the runtime's stdin terminal */
  rows?: number;
  cols?: number;
  /** typed into the runtime's stdin terminal after `inputDelay` seconds */
  ttyInput?: string;
  inputDelay?: number;
  /** seconds after which the wrapper kills the runtime (SIGKILL) and exits 124 (default 8) */
  ttyTimeout?: number;
}

/**
 * `$RUNTIME --root <root> args...` with a fresh pty as its stdin (and
 * controlling terminal) and stdout/stderr captured to files like Harness.rt:
 * what a foreground `run`/`exec` with a terminal expects from an interactive
 * caller (runc refuses a non-terminal stdin there). Resolves with the
 * runtime's exit status (124 and a "with-tty: timed out" line on stderr if
 * the wrapper had to kill it).
 */
export function rtWithTty(h: Harness, args: string[], opts: TtyRunOptions = {}): Promise<RtResult> {
  const wrapper: string[] = [RECEIVER_SCRIPT, 'with-tty'];
  if (opts.rows && opts.cols) wrapper.push('--rows', String(opts.rows), '--cols', String(opts.cols));
  if (opts.ttyInput !== undefined) wrapper.push('--input', opts.ttyInput, '--input-delay', String(opts.inputDelay ?? 0.5));
  const secs = opts.ttyTimeout ?? 8;
  wrapper.push('--timeout', String(secs));
  wrapper.push('--', runtime(), '--root', h.root, ...(opts.global ?? []), ...args);
  return spawnCaptured(python(), wrapper, h.ioDir, { timeout: secs * 1000 + 5000, ...opts });
}
