// cgroup v1 cpu controller: CFS shares, quota, period and burst, realtime
// runtime and period, idle. 0 means "not set", like runc.
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export type CpuResources = NonNullable<Resources['cpu']>;

export const AT = pointer(RESOURCES, 'cpu');
/** The kernel's range for cpu.shares (it clamps silently outside it). */
export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;

/** Checks shares against the kernel's range and burst against quota. */
export function checkCpu(cpu: CpuResources): void {
  const shares = cpu.shares ?? 0;
  if (shares !== 0 && (shares < MIN_SHARES || shares > MAX_SHARES)) {
    throw new PlanError(pointer(AT, 'shares'), `must be between ${MIN_SHARES} and ${MAX_SHARES}, not ${shares}`);
  }
  if (cpu.burst !== undefined && cpu.quota !== undefined && cpu.quota > 0 && cpu.burst > cpu.quota) {
    throw new PlanError(pointer(AT, 'burst'), `must not be larger than quota (${cpu.quota})`);
  }
}

export function planCpuV1(cpu: CpuResources | undefined): CgroupWrite[] {
  if (!cpu) return [];
  checkCpu(cpu);
  const w = (file: string, value: number, field: keyof CpuResources, optional = false): CgroupWrite => ({ controller: 'cpu', file, value: int(value), pointer: pointer(AT, field), optional });
  const out: CgroupWrite[] = [];
  // Realtime bandwidth first: a cgroup without it refuses SCHED_RR/FIFO tasks.
  // The period before the runtime, which must fit in it.
  if (cpu.realtimePeriod) out.push(w('cpu.rt_period_us', cpu.realtimePeriod, 'realtimePeriod'));
  if (cpu.realtimeRuntime) out.push(w('cpu.rt_runtime_us', cpu.realtimeRuntime, 'realtimeRuntime'));
  if (cpu.shares) out.push(w('cpu.shares', cpu.shares, 'shares'));
  // A new cgroup has no quota, so any period fits; the burst must fit the quota.
  if (cpu.period) out.push(w('cpu.cfs_period_us', cpu.period, 'period'));
  if (cpu.quota) out.push(w('cpu.cfs_quota_us', cpu.quota, 'quota', cpu.quota < 0));
  if (cpu.burst !== undefined) out.push(w('cpu.cfs_burst_us', cpu.burst, 'burst', cpu.burst === 0));
  if (cpu.idle !== undefined) out.push(w('cpu.idle', cpu.idle, 'idle', cpu.idle === 0));
  return out;
}

/** cpuset.cpus and cpuset.mems: the same files on v1 and v2. */
export function planCpuset(cpu: CpuResources | undefined): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  if (cpu?.cpus) out.push({ controller: 'cpuset', file: 'cpuset.cpus', value: cpu.cpus, pointer: pointer(AT, 'cpus') });
  if (cpu?.mems) out.push({ controller: 'cpuset', file: 'cpuset.mems', value: cpu.mems, pointer: pointer(AT, 'mems') });
  return out;
}
