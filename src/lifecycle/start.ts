// start: lets the waiting container process exec the user program, by
// opening the exec fifo it is blocked on.
import { closeSync, openSync, readSync, constants, unlinkSync } from 'node:fs';

import { RuntimeError } from '../errors.js';
import { runHooks } from '../hooks/index.js';
import { containerTarget, hookState } from '../hooks/target.js';
import { isSameProcessAlive } from '../state/process-identity.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { deleteContainer } from './delete.js';
import { containerStatus } from './status.js';
import { sleepMs } from '../util/sleep.js';

export function start(opts: RuntimeOptions & { id: string }): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status === 'stopped') throw new RuntimeError('cannot start a container that has stopped');
  if (status !== 'created') throw new RuntimeError(`cannot start an already ${status} container`);

  const subject = { ...record, annotations: record.annotations ?? {} };
  try {
    runHooks('startContainer', record.hooks, hookState(subject, 'created', record.pid), containerTarget(subject, record.pid));
  } catch (e) {
    stopAfterHookFailure(opts, record.id);
    throw e;
  }

  const fifo = store.fifoPath(opts.id);
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new RuntimeError('cannot start an already running container');
  }
  try {
    const buf = Buffer.alloc(1);
    const readByte = (): boolean => {
      try {
        return readSync(fd, buf, 0, 1, null) === 1;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        return false;
      }
    };
    // Until init opens its end, reads see end-of-file; after, EAGAIN until
    // it writes. Either way, keep checking that init is still there. A short
    // program may have run and exited since the last read: its byte is
    // still in the fifo, so read once more before calling it dead.
    while (!readByte()) {
      if (!isSameProcessAlive(record.pid, record.pidStartTime)) {
        if (readByte()) break;
        throw new RuntimeError('container process exited before it was started');
      }
      sleepMs(1);
    }
    waitForExec(fd);
  } finally {
    closeSync(fd);
  }
  try {
    unlinkSync(fifo);
  } catch {
    // a concurrent start removed it
  }
  try {
    runHooks('poststart', record.hooks, hookState(subject, 'running', record.pid));
  } catch (e) {
    stopAfterHookFailure(opts, record.id);
    throw e;
  }
}

/**
 * Init keeps its end of the fifo open, close-on-exec: end of file means the
 * user program replaced it; "1" and a reason mean init failed before that.
 */
function waitForExec(fd: number): void {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(4096);
  for (;;) {
    let got = -1;
    try {
      got = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
    if (got === 0) break;
    if (got > 0) chunks.push(Buffer.from(buf.subarray(0, got)));
    else sleepMs(1);
  }
  const report = Buffer.concat(chunks).toString('utf8');
  if (report.startsWith('1')) throw new RuntimeError(`unable to start container process: ${report.slice(1)}`);
}

/** runtime.md Lifecycle 7 and 9: a failed hook stops the container and destroys it. */
function stopAfterHookFailure(opts: RuntimeOptions, id: string): void {
  try {
    deleteContainer({ root: opts.root, id, force: true });
  } catch {
    // the hook's error is the one to report
  }
}
