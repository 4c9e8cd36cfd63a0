// Unit tests for src/plan/capabilities.ts and src/lifecycle/signals.ts.
import t from 'tap';
import { constants } from 'node:os';

import { RuntimeError } from '../../src/errors.js';
import { parseSignal, signalName, SIGNALS } from '../../src/lifecycle/signals.js';
import { CAPABILITIES, capabilityMask, UnknownCapabilityError } from '../../src/plan/capabilities.js';

t.test('capability numbers follow linux/capability.h', async (t) => {
  const known: [string, number][] = [
    ['CAP_CHOWN', 0],
    ['CAP_DAC_OVERRIDE', 1],
    ['CAP_KILL', 5],
    ['CAP_SETGID', 6],
    ['CAP_SETUID', 7],
    ['CAP_NET_BIND_SERVICE', 10],
    ['CAP_NET_ADMIN', 12],
    ['CAP_NET_RAW', 13],
    ['CAP_SYS_CHROOT', 18],
    ['CAP_SYS_PTRACE', 19],
    ['CAP_SYS_ADMIN', 21],
    ['CAP_SYS_RESOURCE', 24],
    ['CAP_MKNOD', 27],
    ['CAP_AUDIT_WRITE', 29],
    ['CAP_SETFCAP', 31],
    ['CAP_MAC_OVERRIDE', 32],
    ['CAP_SYSLOG', 34],
    ['CAP_AUDIT_READ', 37],
    ['CAP_PERFMON', 38],
    ['CAP_BPF', 39],
    ['CAP_CHECKPOINT_RESTORE', 40],
  ];
  for (const [name, n] of known) {
    t.equal(CAPABILITIES.indexOf(name), n, name);
    t.equal(capabilityMask([name]), 1n << BigInt(n), `${name} mask`);
  }
  t.equal(CAPABILITIES.length, 41, 'CAP_LAST_CAP is 40');
  t.equal(new Set(CAPABILITIES).size, CAPABILITIES.length, 'no duplicate names');
});

t.test('capabilityMask', async (t) => {
  t.equal(capabilityMask(), 0n);
  t.equal(capabilityMask([]), 0n);
  t.equal(capabilityMask(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']), (1n << 29n) | (1n << 5n) | (1n << 10n));
  t.equal(capabilityMask(['CAP_KILL', 'CAP_KILL']), 1n << 5n, 'duplicates are harmless');
  t.equal(capabilityMask(['cap_kill', 'Cap_Chown']), (1n << 5n) | 1n, 'case-insensitive');
  t.equal(capabilityMask(CAPABILITIES), (1n << 41n) - 1n, 'all capabilities');
  t.type(capabilityMask(['CAP_BPF']), 'bigint');
});

t.test('unknown capabilities throw, naming the capability', async (t) => {
  for (const bad of ['CAP_BOGUS', 'KILL', '', 'CAP_KILL ', 'CAP_43']) {
    try {
      capabilityMask(['CAP_CHOWN', bad]);
      t.fail(`${JSON.stringify(bad)} should throw`);
    } catch (e) {
      t.type(e, UnknownCapabilityError, JSON.stringify(bad));
      t.equal((e as UnknownCapabilityError).capability, bad);
      t.match((e as Error).message, JSON.stringify(bad));
    }
  }
});

t.test('parseSignal', async (t) => {
  const ok: [string, number][] = [
    ['9', 9],
    ['KILL', 9],
    ['SIGKILL', 9],
    ['kill', 9],
    ['sigkill', 9],
    [' TERM ', 15],
    ['15', 15],
    ['1', 1],
    ['64', 64],
    ['HUP', 1],
    ['SIGUSR1', 10],
    ['usr2', 12],
    ['SIGCHLD', 17],
    ['CLD', 17],
    ['SIGWINCH', 28],
    ['SIGSYS', 31],
    ['SIGRTMIN', 34],
    ['RTMIN', 34],
    ['SIGRTMIN+3', 37],
    ['rtmin+3', 37],
    ['SIGRTMIN+30', 64],
    ['SIGRTMAX', 64],
    ['RTMAX-1', 63],
    ['SIGRTMAX-30', 34],
  ];
  for (const [raw, n] of ok) t.equal(parseSignal(raw), n, JSON.stringify(raw));

  const bad = ['0', '65', '-9', '1.5', 'FOO', 'SIGFOO', '', 'SIGRTMIN+31', 'SIGRTMAX-31', 'SIGRTMIN-1', 'RTMAX+1', 'SIG', '9x', '0x9'];
  for (const raw of bad) {
    t.throws(() => parseSignal(raw), RuntimeError, `${JSON.stringify(raw)} is refused`);
    t.throws(() => parseSignal(raw), new RegExp(`signal.*${raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `${JSON.stringify(raw)}: message names it`);
  }
});

t.test('signal numbers agree with Node (x86_64 Linux)', async (t) => {
  const sig = constants.signals as Record<string, number>;
  for (const [name, n] of Object.entries(SIGNALS)) {
    if (sig[name] !== undefined) t.equal(n, sig[name], name);
  }
  for (const [name, n] of Object.entries(sig)) {
    if (name === 'SIGUNUSED') continue;
    t.equal(parseSignal(name), n, `node's ${name}`);
  }
});

t.test('signalName', async (t) => {
  t.equal(signalName(9), 'SIGKILL');
  t.equal(signalName(15), 'SIGTERM');
  t.equal(signalName(1), 'SIGHUP');
  t.equal(signalName(6), 'SIGABRT', 'SIGABRT rather than its alias SIGIOT');
  t.equal(signalName(17), 'SIGCHLD', 'SIGCHLD rather than SIGCLD');
  t.equal(signalName(29), 'SIGIO');
  t.equal(signalName(40), 'SIG40', 'no name: SIG<n>');
  for (let n = 1; n <= 31; n++) t.equal(parseSignal(signalName(n)), n, `round trip ${n}`);
});
