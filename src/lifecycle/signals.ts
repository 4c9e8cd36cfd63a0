// Signal names and numbers as kill(1) and runc accept them: "KILL",
// "SIGKILL", "9", case-insensitive names.
import { RuntimeError } from '../errors.js';

export const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16,
  SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30,
  SIGSYS: 31,
};

const SIGRTMIN = 34;
const SIGRTMAX = 64;

export function parseSignal(raw: string): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= SIGRTMAX) return n;
    throw new RuntimeError(`invalid signal: ${raw}`);
  }
  let name = s.toUpperCase();
  if (!name.startsWith('SIG')) name = `SIG${name}`;
  const known = SIGNALS[name];
  if (known !== undefined) return known;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) {
    const offset = Number(rt[1] ?? 0);
    const n = name.startsWith('SIGRTMIN') ? SIGRTMIN + offset : SIGRTMAX - offset;
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  throw new RuntimeError(`unknown signal "${raw}"`);
}

export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) if (num === n) return name;
  return `SIG${n}`;
}
