// cgroup v2 cpu controller: cpu.weight (converted from v1 shares), cpu.max,
// cpu.max.burst, cpu.idle. 0 means "not set", like runc.
import { PlanError } from '../../errors.js';
import { AT, checkCpu, type CpuResources, MAX_SHARES, MIN_SHARES } from '../v1/cpu.js';
import { type CgroupWrite, int, pointer } from '../write.js';

/** The kernel's default CFS period (µs), for cpu.max without a period. */
export const DEFAULT_PERIOD = 100000;

/**
 * v1 cpu.shares [2..262144], default 1024, to v2 cpu.weight [1..10000],
 * default 100: runc's quadratic fit through min, default and max (in log
 * space). 0 stays 0 ("not set").
 */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= MIN_SHARES) return 1;
  if (shares >= MAX_SHARES) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612 - 7 / 34;
  return Math.ceil(10 ** exponent);
}

export function planCpuV2(cpu: CpuResources | undefined): CgroupWrite[] {
  if (!cpu) return [];
  checkCpu(cpu);
  for (const f of ['realtimeRuntime', 'realtimePeriod'] as const) {
    if (cpu[f]) throw new PlanError(pointer(AT, f), 'cannot apply: cgroup v2 has no realtime CPU bandwidth');
  }
  const w = (file: string, value: string, field: keyof CpuResources, optional = false): CgroupWrite => ({ controller: 'cpu', file, value, pointer: pointer(AT, field), optional });
  const out: CgroupWrite[] = [];
  if (cpu.shares) out.push(w('cpu.weight', int(sharesToWeight(cpu.shares)), 'shares'));
  if (cpu.quota || cpu.period) {
    const quota = cpu.quota && cpu.quota > 0 ? int(cpu.quota) : 'max';
    const unlimited = quota === 'max' && !cpu.period;
    out.push(w('cpu.max', `${quota} ${int(cpu.period || DEFAULT_PERIOD)}`, cpu.quota ? 'quota' : 'period', unlimited));
  }
  // after cpu.max: the burst must fit the quota
  if (cpu.burst !== undefined) out.push(w('cpu.max.burst', int(cpu.burst), 'burst', cpu.burst === 0));
  // last: an idle cgroup refuses weight changes
  if (cpu.idle !== undefined) out.push(w('cpu.idle', int(cpu.idle), 'idle', cpu.idle === 0));
  return out;
}
