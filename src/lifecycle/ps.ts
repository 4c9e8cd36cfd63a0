// ps: the container's processes, as host pids (json) or as the host's ps(1)
// output restricted to them (table), like runc.
import { spawnSync } from 'node:child_process';

import { cgroupPids } from '../cgroups/manager.js';
import { requireCgroups } from '../cgroups/rootless.js';
import { RuntimeError } from '../errors.js';
import { storeFor, type RuntimeOptions } from './options.js';

export function containerPids(opts: RuntimeOptions & { id: string }): number[] {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  requireCgroups(record.cgroupPaths, "list the container's processes");
  return cgroupPids(record.cgroupPaths).sort((a, b) => a - b);
}

/** Keeps the header and the lines of ps output whose PID column is one of `pids`. */
export function filterPsOutput(output: string, pids: readonly number[]): string {
  const lines = output.split('\n');
  const header = lines[0] ?? '';
  const column = header.trim().split(/\s+/).indexOf('PID');
  if (column < 0) throw new RuntimeError('ps output has no PID column');
  const wanted = new Set(pids);
  const kept = lines.slice(1).filter((line) => {
    const fields = line.trim().split(/\s+/);
    return fields.length > column && wanted.has(Number(fields[column]));
  });
  return [header, ...kept].join('\n') + '\n';
}

export function psTable(opts: RuntimeOptions & { id: string; psArgs: string[] }): string {
  const pids = containerPids(opts);
  const args = opts.psArgs.length > 0 ? opts.psArgs : ['-ef'];
  const r = spawnSync('ps', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new RuntimeError(`ps ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return filterPsOutput(r.stdout, pids);
}
