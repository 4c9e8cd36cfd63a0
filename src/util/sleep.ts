// A synchronous pause for the few polling loops of the CLI (waiting for a
// process to exit, a cgroup to empty, a freezer to settle).
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
