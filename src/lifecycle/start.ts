// start: lets the waiting container process exec the user program, by
// opening the exec fifo it is blocked on.
import { closeSync, openSync, readSync, constants, unlinkSync } from 'node:fs';

import { RuntimeError } from '../errors.js';
import { isSameProcessAlive } from '../state/process-identity.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function start(opts: RuntimeOptions & { id: string }): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status === 'stopped') throw new RuntimeError('cannot start a container that has stopped');
  if (status !== 'created') throw new RuntimeError(`cannot start an already ${status} container`);

  const fifo = store.fifoPath(opts.id);
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new RuntimeError('cannot start an already running container');
  }
  try {
    const buf = Buffer.alloc(1);
    // Until init opens its end, reads see end-of-file; after, EAGAIN until
    // it writes. Either way, keep checking that init is still there.
    for (;;) {
      let got = 0;
      try {
        got = readSync(fd, buf, 0, 1, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (got === 1) break;
      if (!isSameProcessAlive(record.pid, record.pidStartTime)) throw new RuntimeError('container process exited before it was started');
      sleepMs(1);
    }
  } finally {
    closeSync(fd);
  }
  try {
    unlinkSync(fifo);
  } catch {
    // a concurrent start removed it
  }
}
