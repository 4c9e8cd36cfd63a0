// events: a container's resource usage (cpu, memory, pids, block I/O, huge
// pages) from its cgroups, once (`--stats`) or every interval, plus an "oom"
// event whenever the OOM killer acts in its memory cgroup. One JSON object
// per line, in the shape `runc events` prints.
import { containerCgroupStats, containerOomCount, encodeJson, runcEvent, runcStats, type CgroupStats } from '../cgroups/stats/index.js';
import { requireCgroups } from '../cgroups/rootless.js';
import { RuntimeError } from '../errors.js';
import type { ContainerRecord, StateStore } from '../state/store.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';

export const DEFAULT_INTERVAL_NS = 5_000_000_000n;
/** How often the OOM counter and the container's liveness are checked while streaming. */
export const OOM_POLL_MS = 200;

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_I64 = (1n << 63n) - 1n;

/**
 * A Go duration ("5s", "500ms", "1m30s", "1.5h", "-2s", "0") in
 * nanoseconds; throws on anything Go's time.ParseDuration refuses.
 */
export function parseGoDuration(text: string): bigint {
  const invalid = (why = 'invalid duration') => new RuntimeError(`time: ${why} ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const whole = m[1]!;
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(m[0].length);
    const u = /^[^0-9.]*/.exec(s)![0];
    if (u === '') throw invalid('missing unit in duration');
    const unit = UNIT_NS[u];
    if (unit === undefined) throw invalid(`unknown unit ${JSON.stringify(u)} in duration`);
    s = s.slice(u.length);
    let v = (whole === '' ? 0n : BigInt(whole)) * unit;
    if (frac) v += BigInt(Math.floor(Number(`0.${frac}`) * Number(unit)));
    total += v;
    if (total > MAX_I64 + (negative ? 1n : 0n)) throw invalid();
  }
  return negative ? -total : total;
}

export interface EventsOptions extends RuntimeOptions {
  id: string;
}

function notRunning(id: string): RuntimeError {
  return new RuntimeError(`container with id ${id} is not running`);
}

/** The container's record, if it is not stopped (runc's check: created, running and paused containers have statistics). */
function liveRecord(store: StateStore, id: string): ContainerRecord {
  const record = store.read(id);
  const status = containerStatus(store, record);
  if (status === 'stopped' || status === 'creating') throw notRunning(id);
  return record;
}

/** The container's cgroup statistics now. */
export function containerStats(opts: EventsOptions): CgroupStats {
  const record = liveRecord(storeFor(opts), opts.id);
  requireCgroups(record.cgroupPaths, 'read container statistics');
  return containerCgroupStats(record.cgroupPaths);
}

/** One stats event as the line `events --stats` prints. */
export function statsEventLine(id: string, stats: CgroupStats): string {
  return `${encodeJson(runcEvent('stats', id, runcStats(stats)))}\n`;
}

export function oomEventLine(id: string): string {
  return `${encodeJson(runcEvent('oom', id))}\n`;
}

export interface EventsRunOptions extends EventsOptions {
  /** print one stats event and return */
  stats?: boolean;
  /** nanoseconds between stats events; must be > 0; default 5s */
  intervalNs?: bigint;
  /** where each event line goes */
  write: (line: string) => void;
  /** a stats read that failed while streaming (the stream goes on) */
  onError?: (e: Error) => void;
  /** ends the stream early */
  signal?: AbortSignal;
  /** OOM and liveness polling period (ms), default OOM_POLL_MS */
  pollMs?: number;
}

/**
 * `events`: with `stats`, one stats event; otherwise a stats event every
 * interval and an oom event per OOM kill, until the container stops (or is
 * deleted), or `signal` aborts. Checks in runc's order: the container
 * exists, the interval is positive, the container is not stopped.
 */
export async function events(opts: EventsRunOptions): Promise<void> {
  const store = storeFor(opts);
  const id = opts.id;
  const first = store.read(id);
  const intervalNs = opts.intervalNs ?? DEFAULT_INTERVAL_NS;
  if (intervalNs <= 0n) throw new RuntimeError('duration interval must be greater than 0');
  const status = containerStatus(store, first);
  if (status === 'stopped' || status === 'creating') throw notRunning(id);
  requireCgroups(first.cgroupPaths, 'read container events');

  if (opts.stats) {
    opts.write(statsEventLine(id, containerCgroupStats(first.cgroupPaths)));
    return;
  }

  const paths = first.cgroupPaths;
  const sameContainer = (r: ContainerRecord) => r.pid === first.pid && r.pidStartTime === first.pidStartTime && r.created === first.created;
  const alive = (): boolean => {
    try {
      const r = store.read(id);
      return sameContainer(r) && containerStatus(store, r) !== 'stopped';
    } catch {
      return false; // deleted
    }
  };
  const oomCount = (): bigint | undefined => {
    try {
      return containerOomCount(paths);
    } catch {
      return undefined;
    }
  };

  let lastOom = oomCount() ?? 0n;
  const checkOom = () => {
    const n = oomCount();
    if (n === undefined) return;
    for (let i = lastOom; i < n; i++) opts.write(oomEventLine(id));
    lastOom = n;
  };

  // Node's timers take at most 2^31-1 ms; below 1 ms they fire every 1 ms.
  const intervalMs = Number(intervalNs / 1_000_000n);
  const period = Math.min(Math.max(intervalMs, 1), 2 ** 31 - 1);

  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(pollTimer);
      clearInterval(statsTimer);
      opts.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const poll = () => {
      checkOom();
      if (!alive()) {
        checkOom(); // an OOM kill that ended the container is still reported
        finish();
      }
    };
    const tick = () => {
      if (!alive()) return poll();
      try {
        opts.write(statsEventLine(id, containerCgroupStats(paths)));
      } catch (e) {
        if (!alive()) return poll(); // the cgroup went away with the container
        opts.onError?.(e as Error);
      }
    };
    const pollTimer = setInterval(poll, opts.pollMs ?? OOM_POLL_MS);
    const statsTimer = setInterval(tick, period);
    if (opts.signal?.aborted) finish();
    else opts.signal?.addEventListener('abort', finish);
  });
}
