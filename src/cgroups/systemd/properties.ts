// linux.resources as the properties of a systemd unit, with runc's
// conversions. systemd gets every limit it has a property for, so that a
// daemon-reload re-applies the container's limits instead of its own
// defaults; the cgroupfs drivers then write every file themselves (the same
// values, plus what systemd has no property for).
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { AT as CPU, checkCpu } from '../v1/cpu.js';
import { DEFAULT_PERIOD, sharesToWeight } from '../v2/cpu.js';
import { blkioToIoWeight } from '../v2/io.js';
import { swapForV2 } from '../v2/memory.js';
import { pointer, RESOURCES } from '../write.js';
import { cpusetToBits } from './cpuset-bits.js';
import { INFINITY, type UnitProperty, u64 } from './unit-property.js';
import type { SystemdUnitPath } from './unit-path.js';

/** systemd versions that first knew a property. */
const CPU_QUOTA_PERIOD_SINCE = 242;
const ALLOWED_CPUS_SINCE = 244;

/** The properties of the unit itself: where it hangs, what it holds. */
export function unitProperties(path: SystemdUnitPath, pid: number): UnitProperty[] {
  const out: UnitProperty[] = [{ name: 'Description', signature: 's', value: `tsrun container ${path.name}` }];
  if (path.unit.endsWith('.slice')) {
    // a slice's parent comes from a dependency
    out.push({ name: 'Wants', signature: 'as', value: [path.slice] });
  } else {
    out.push({ name: 'Slice', signature: 's', value: path.slice });
    // the container may manage its own cgroup tree below the scope
    out.push({ name: 'Delegate', signature: 'b', value: true });
  }
  out.push({ name: 'PIDs', signature: 'au', value: [pid] });
  // accounting on: systemd enables the controllers (the cgroupfs driver's behaviour)
  for (const name of ['MemoryAccounting', 'CPUAccounting', 'IOAccounting', 'TasksAccounting']) out.push({ name, signature: 'b', value: true });
  // the container must not be stopped or ordered with the host's units
  out.push({ name: 'DefaultDependencies', signature: 'b', value: false });
  return out;
}

/**
 * CPUQuotaPeriodUSec= and CPUQuotaPerSecUSec= for a CFS quota and period (µs).
 * systemd keeps the quota as a percentage of one CPU: round the per-second
 * value up to the next 10 ms, so the cgroup's own cpu.max still fits.
 */
export function cpuQuotaProperties(quota: number, period: number): UnitProperty[] {
  const out: UnitProperty[] = [];
  if (period !== 0) out.push(u64('CPUQuotaPeriodUSec', period, CPU_QUOTA_PERIOD_SINCE));
  if (quota === 0 && period === 0) return out;
  let perSec = INFINITY;
  if (quota > 0) {
    let usec = (BigInt(quota) * 1_000_000n) / BigInt(period || DEFAULT_PERIOD);
    if (usec % 10_000n !== 0n) usec = (usec / 10_000n + 1n) * 10_000n;
    perSec = usec.toString();
  }
  out.push(u64('CPUQuotaPerSecUSec', perSec));
  return out;
}

function cpusetProperty(name: 'AllowedCPUs' | 'AllowedMemoryNodes', list: string, at: string): UnitProperty {
  try {
    return { name, signature: 'ay', value: cpusetToBits(list), minVersion: ALLOWED_CPUS_SINCE };
  } catch (e) {
    throw new PlanError(at, (e as Error).message);
  }
}

/** A unified value "max" or a non-negative integer, as a 64-bit property value. */
function unifiedNumber(value: string, at: string, signed = false): string {
  if (value === 'max') return INFINITY;
  if (!(signed ? /^-?\d+$/ : /^\d+$/).test(value)) throw new PlanError(at, `${JSON.stringify(value)} is not "max" or a number`);
  return value;
}

const UNIFIED_MEMORY: Record<string, string> = {
  'memory.high': 'MemoryHigh',
  'memory.low': 'MemoryLow',
  'memory.min': 'MemoryMin',
  'memory.max': 'MemoryMax',
  'memory.swap.max': 'MemorySwapMax',
};

/** The `unified` keys systemd has a property for; the others are left to the cgroupfs driver. */
export function unifiedProperties(unified: Record<string, string>): UnitProperty[] {
  const out: UnitProperty[] = [];
  for (const [key, raw] of Object.entries(unified)) {
    const at = pointer(RESOURCES, 'unified', key);
    const value = raw.trim(); // the kernel ignores the whitespace too
    if (key === 'cpu.max') {
      const fields = value.split(/\s+/);
      if (fields.length > 2 || fields[0] === '') throw new PlanError(at, `${JSON.stringify(raw)} is not "<quota|max> [period]"`);
      const quota = fields[0] === 'max' ? 0 : Number(unifiedNumber(fields[0]!, at));
      const period = fields[1] === undefined ? DEFAULT_PERIOD : Number(unifiedNumber(fields[1], at));
      out.push(...cpuQuotaProperties(quota, period));
    } else if (key === 'cpu.weight') {
      out.push(u64('CPUWeight', unifiedNumber(value, at)));
    } else if (key === 'cpuset.cpus' || key === 'cpuset.mems') {
      out.push(cpusetProperty(key === 'cpuset.cpus' ? 'AllowedCPUs' : 'AllowedMemoryNodes', value, at));
    } else if (UNIFIED_MEMORY[key]) {
      out.push(u64(UNIFIED_MEMORY[key]!, unifiedNumber(value, at)));
    } else if (key === 'pids.max') {
      out.push(u64('TasksMax', unifiedNumber(value, at, true)));
    }
  }
  return out;
}

/** Properties for a cgroup v2 host (runc's set, plus IOWeight). Devices apart. */
export function resourcePropertiesV2(r: Resources | undefined): UnitProperty[] {
  if (!r) return [];
  const out: UnitProperty[] = [];
  const memory = r.memory ?? {};
  const limit = memory.limit ?? 0;
  if (limit !== 0) out.push(u64('MemoryMax', limit));
  if (memory.reservation) out.push(u64('MemoryLow', memory.reservation));
  const swap = memory.swap ?? 0;
  const swapV2 = swapForV2(swap, limit);
  // swap == limit means no swap at all, as the cgroupfs driver writes it
  if (swapV2 !== 0 || swap > 0) out.push(u64('MemorySwapMax', swapV2));
  const cpu = r.cpu ?? {};
  checkCpu(cpu);
  if (cpu.shares) out.push(u64('CPUWeight', sharesToWeight(cpu.shares)));
  out.push(...cpuQuotaProperties(cpu.quota ?? 0, cpu.period ?? 0));
  if (cpu.cpus) out.push(cpusetProperty('AllowedCPUs', cpu.cpus, pointer(CPU, 'cpus')));
  if (cpu.mems) out.push(cpusetProperty('AllowedMemoryNodes', cpu.mems, pointer(CPU, 'mems')));
  const pids = r.pids?.limit ?? 0;
  if (pids > 0 || pids === -1) out.push(u64('TasksMax', pids));
  if (r.blockIO?.weight) out.push(u64('IOWeight', blkioToIoWeight(r.blockIO.weight)));
  if (r.unified) out.push(...unifiedProperties(r.unified));
  return out;
}

/** Properties for a cgroup v1 host (runc's set). Devices apart. */
export function resourcePropertiesV1(r: Resources | undefined): UnitProperty[] {
  if (!r) return [];
  const out: UnitProperty[] = [];
  const limit = r.memory?.limit ?? 0;
  if (limit !== 0) out.push(u64('MemoryLimit', limit));
  const cpu = r.cpu ?? {};
  checkCpu(cpu);
  if (cpu.shares) out.push(u64('CPUShares', cpu.shares));
  out.push(...cpuQuotaProperties(cpu.quota ?? 0, cpu.period ?? 0));
  if (r.blockIO?.weight) out.push(u64('BlockIOWeight', r.blockIO.weight));
  const pids = r.pids?.limit ?? 0;
  if (pids > 0 || pids === -1) out.push(u64('TasksMax', pids));
  if (cpu.cpus) out.push(cpusetProperty('AllowedCPUs', cpu.cpus, pointer(CPU, 'cpus')));
  if (cpu.mems) out.push(cpusetProperty('AllowedMemoryNodes', cpu.mems, pointer(CPU, 'mems')));
  return out;
}
