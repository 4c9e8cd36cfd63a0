// update: changes the cgroup limits of a live container (runc's `update`,
// as containerd, podman and Docker call it).
import { hostHierarchies } from '../cgroups/hierarchy.js';
import { applyDeviceRulesAgain, applyLimits } from '../cgroups/resources.js';
import { updateScope } from '../cgroups/systemd/manager.js';
import { checkMemoryBeforeUpdate } from '../cgroups/memory-check.js';
import { checkCgroupLimits } from '../cgroups/rootless.js';
import { ContainerNotRunningError, RuntimeError } from '../errors.js';
import type { Resources } from '../spec/types.js';
import { storeFor, type RuntimeOptions } from './options.js';
import { containerStatus } from './status.js';

/**
 * Values given replace the stored ones field by field; lists replace whole
 * lists. Device rules are not changed by update.
 */
export function mergeResources(current: Resources | undefined, change: Resources): Resources {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(change)) {
    if (key === 'devices' || value === undefined || value === null) continue;
    const old = out[key];
    out[key] =
      typeof value === 'object' && !Array.isArray(value) && typeof old === 'object' && old !== null && !Array.isArray(old)
        ? { ...old, ...(value as object) }
        : value;
  }
  return out as Resources;
}

export function update(opts: RuntimeOptions & { id: string; resources: Resources }): void {
  const store = storeFor(opts);
  const record = store.read(opts.id);
  const status = containerStatus(store, record);
  if (status === 'stopped') throw new ContainerNotRunningError();
  if (status === 'creating') throw new RuntimeError('cannot update a container that is being created');
  const merged = mergeResources(record.resources, opts.resources);
  checkCgroupLimits(hostHierarchies(), record.cgroupPaths, { ...opts.resources, devices: undefined });
  checkMemoryBeforeUpdate(hostHierarchies(), record.cgroupPaths, merged.memory, opts.resources.memory?.limit);
  const limits = { ...merged, devices: undefined };
  if (record.systemdUnit) updateScope(record.systemdUnit, hostHierarchies(), record.cgroupPaths, limits);
  else applyLimits(hostHierarchies(), record.cgroupPaths, limits);
  applyDeviceRulesAgain(hostHierarchies(), record.cgroupPaths, record.deviceRules);
  store.write({ ...record, resources: merged });
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "96m", "1G", "512k", "1024", "-1": bytes, like runc's --memory flags. */
export function parseBytes(raw: string, flag: string): number {
  if (raw.trim() === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)i?b?$/i.exec(raw.trim());
  if (!m) throw new RuntimeError(`invalid value for ${flag}: ${JSON.stringify(raw)}`);
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}
