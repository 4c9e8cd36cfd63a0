// Unit tests for src/lifecycle/seccomp-listener.ts: the container process
// state sent to linux.seccomp.listenerPath, and the listener fd never kept,
// whatever fails. The addon is a fake here; conformance/seccomp.test.ts runs
// the real thing against a python agent.
import t from 'tap';

import { RuntimeError } from '../../src/errors.js';
import { containerProcessState, handOverSeccompListener } from '../../src/lifecycle/seccomp-listener.js';
import type { Native, ReceivedMessage } from '../../src/native/index.js';
import type { OciState } from '../../src/spec/types.js';

const state: OciState = { ociVersion: '1.3.0', id: 'c1', status: 'creating', pid: 42, bundle: '/b', annotations: { a: 'b' } };

function message(fdNumber: number, fds: number[] = []): ReceivedMessage {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, fdNumber, true);
  return { type: 20, payload, fds };
}

function fakeNative(opts: { getfdFails?: boolean; sendFails?: boolean } = {}) {
  const log = { closed: [] as number[], sent: [] as { path: string; fd: number; payload: string }[], getfd: [] as [number, number][] };
  const n: Pick<Native, 'pidfdGetfd' | 'sendFdToSocket' | 'closeFd'> = {
    pidfdGetfd: (pidfd, target) => {
      log.getfd.push([pidfd, target]);
      if (opts.getfdFails) throw new Error('pidfd_getfd: operation not permitted');
      return 77;
    },
    sendFdToSocket: (path, fd, payload) => {
      if (opts.sendFails) throw new Error(`connect ${path}: no such file or directory`);
      log.sent.push({ path, fd, payload });
    },
    closeFd: (fd) => void log.closed.push(fd),
  };
  return { n, log };
}

t.test('the container process state has the spec\'s shape', async (t) => {
  t.strictSame(containerProcessState({ defaultAction: 'SCMP_ACT_ALLOW', listenerMetadata: 'meta' }, 43, state), {
    ociVersion: '1.3.0',
    fds: ['seccompFd'],
    pid: 43,
    metadata: 'meta',
    state,
  });
  t.notOk('metadata' in containerProcessState({ defaultAction: 'SCMP_ACT_ALLOW' }, 43, state), 'no metadata without listenerMetadata');
});

t.test('hands the fd it takes from the process to listenerPath, with the JSON, then closes it', async (t) => {
  const { n, log } = fakeNative();
  handOverSeccompListener(n, { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock', listenerMetadata: 'm' }, message(5), { pid: 42, pidfd: 9 }, state);
  t.strictSame(log.getfd, [[9, 5]], 'pidfd_getfd(pidfd, the number init sent)');
  t.equal(log.sent.length, 1, 'one connection');
  t.equal(log.sent[0]!.path, '/run/agent.sock');
  t.equal(log.sent[0]!.fd, 77);
  t.strictSame(JSON.parse(log.sent[0]!.payload), { ociVersion: '1.3.0', fds: ['seccompFd'], pid: 42, metadata: 'm', state });
  t.strictSame(log.closed, [77], 'our copy is closed');
});

t.test('an fd that came along (SCM_RIGHTS) goes on as it is: no pidfd_getfd, then closed', async (t) => {
  const { n, log } = fakeNative({ getfdFails: true });
  handOverSeccompListener(n, { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock' }, message(5, [31]), { pid: 42, pidfd: 9 }, state);
  t.strictSame(log.getfd, [], 'nothing taken from the process');
  t.equal(log.sent[0]!.fd, 31, 'the received fd is sent');
  t.strictSame(log.closed, [31]);
});

t.test('failures name the field and still close the fd', async (t) => {
  const seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/none.sock' };
  {
    const { n, log } = fakeNative({ sendFails: true });
    t.throws(() => handOverSeccompListener(n, seccomp, message(5), { pid: 42, pidfd: 9 }, state), {
      name: 'RuntimeError',
      message: /\/linux\/seccomp\/listenerPath \(\/run\/none\.sock\): connect \/run\/none\.sock: no such file or directory/,
    });
    t.strictSame(log.closed, [77], 'closed after a failed send');
  }
  {
    const { n, log } = fakeNative({ getfdFails: true });
    t.throws(() => handOverSeccompListener(n, seccomp, message(5), { pid: 42, pidfd: 9 }, state), /taking the notify listener.*operation not permitted/);
    t.strictSame(log.sent, [], 'nothing sent');
  }
  {
    const { n, log } = fakeNative();
    t.throws(() => handOverSeccompListener(n, { defaultAction: 'SCMP_ACT_ALLOW' }, message(5), { pid: 42, pidfd: 9 }, state), /\/linux\/seccomp\/listenerPath/);
    t.strictSame(log.getfd, [], 'no fd taken without a place to send it');
  }
  {
    const { n, log } = fakeNative();
    t.throws(() => handOverSeccompListener(n, seccomp, { type: 20, payload: new Uint8Array(2), fds: [12] }, { pid: 42, pidfd: 9 }, state), RuntimeError);
    t.strictSame(log.closed, [12], 'stray fds are closed');
  }
  {
    const { n, log } = fakeNative();
    t.throws(() => handOverSeccompListener(n, seccomp, message(5, [12, 13]), { pid: 42, pidfd: 9 }, state), /malformed/);
    t.strictSame(log.closed, [12, 13], 'two fds: refused, both closed');
  }
  {
    const { n, log } = fakeNative();
    t.throws(() => handOverSeccompListener(n, { defaultAction: 'SCMP_ACT_ALLOW' }, message(5, [14]), { pid: 42, pidfd: 9 }, state), /listenerPath/);
    t.strictSame(log.closed, [14], 'a received fd with nowhere to go is closed');
  }
  {
    const { n } = fakeNative();
    t.throws(() => handOverSeccompListener(n, seccomp, message(5), { pid: 0, pidfd: undefined }, state), /before its pid was known/);
  }
});
