// cgroup v2 memory controller: memory.max, memory.low and memory.swap.max.
// The config's swap is memory+swap (a v1 notion): v2 limits swap alone, so
// it becomes swap - limit, as runc converts it. 0 means "not set", -1 "max".
import { PlanError } from '../../errors.js';
import { type MemoryResources } from '../v1/memory.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

const AT = pointer(RESOURCES, 'memory');

/** A v1-style byte count as a v2 value: -1 is "max", 0 is "not set" (''). */
export function v2Bytes(v: number): string {
  if (v === 0) return '';
  if (v === -1) return 'max';
  return int(v);
}

/**
 * memory.swap.max for the config's memory+swap `swap` and `limit` (both
 * v1 style); returns -1 for "max" and 0 for "not set", or throws.
 */
export function swapForV2(swap: number, limit: number): number {
  if (limit === -1 && swap === 0) return -1; // unlimited memory lifts swap too
  if (swap === -1 || swap === 0) return swap;
  if (limit === -1) return swap;
  if (limit === 0) throw new PlanError(pointer(AT, 'swap'), 'a memory+swap limit needs a memory limit (/linux/resources/memory/limit) on cgroup v2, where swap is limited on its own');
  if (swap < limit) throw new PlanError(pointer(AT, 'swap'), `the memory+swap limit (${swap}) must not be smaller than the memory limit (${limit})`);
  return swap - limit;
}

export function planMemoryV2(memory: MemoryResources | undefined): CgroupWrite[] {
  if (!memory) return [];
  const at = (f: string) => pointer(AT, f);
  const w = (file: string, value: string, field: string, optional = false): CgroupWrite => ({ controller: 'memory', file, value, pointer: at(field), optional });
  for (const f of ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'] as const) {
    const v = memory[f];
    if (v !== undefined && v < -1) throw new PlanError(at(f), `must be -1 (unlimited) or a number of bytes, not ${v}`);
  }
  // What v2 cannot express is an error, not silently dropped.
  if (memory.kernel !== undefined && memory.kernel > 0) throw new PlanError(at('kernel'), 'cannot apply: cgroup v2 has no kernel memory limit');
  if (memory.kernelTCP !== undefined && memory.kernelTCP > 0) throw new PlanError(at('kernelTCP'), 'cannot apply: cgroup v2 has no kernel TCP memory limit');
  if (memory.swappiness !== undefined && memory.swappiness !== -1) throw new PlanError(at('swappiness'), 'cannot apply: cgroup v2 has no per-cgroup swappiness');
  if (memory.disableOOMKiller === true) throw new PlanError(at('disableOOMKiller'), 'cannot apply: cgroup v2 cannot disable the OOM killer');
  if (memory.useHierarchy === false) throw new PlanError(at('useHierarchy'), 'cannot apply: cgroup v2 accounting is always hierarchical');

  const limit = memory.limit ?? 0;
  const swap = memory.swap ?? 0;
  const out: CgroupWrite[] = [];
  const swapV2 = swapForV2(swap, limit);
  let swapValue = v2Bytes(swapV2);
  if (swapValue === '' && swap > 0) swapValue = '0'; // swap == limit: no swap at all
  // "max" and "0" are what a kernel without swap accounting has anyway.
  if (swapValue !== '') out.push(w('memory.swap.max', swapValue, memory.swap === undefined ? 'limit' : 'swap', swapValue === 'max' || swapValue === '0'));
  const max = v2Bytes(limit);
  if (max !== '') out.push(w('memory.max', max, 'limit', max === 'max'));
  const low = v2Bytes(memory.reservation ?? 0);
  if (low !== '') out.push(w('memory.low', low, 'reservation'));
  return out;
}
