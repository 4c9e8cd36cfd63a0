// cgroup v1 memory controller: linux.resources.memory as memory.* files.
// Like runc, 0 means "not set" for the byte limits and -1 means unlimited.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export type MemoryResources = NonNullable<Resources['memory']>;

const AT = pointer(RESOURCES, 'memory');
export const LIMIT = 'memory.limit_in_bytes';
export const MEMSW = 'memory.memsw.limit_in_bytes';

/** What the planner needs to know about the cgroup as it is. */
export interface MemoryHostV1 {
  /** memory.limit_in_bytes now (decides the order of limit and memsw writes) */
  currentLimit: bigint;
  /** memory.memsw.limit_in_bytes exists (swap accounting is on) */
  hasSwapFile: boolean;
}

export function memoryHostV1(dir: string): MemoryHostV1 {
  let currentLimit = 0n;
  try {
    currentLimit = BigInt(readFileSync(join(dir, LIMIT), 'utf8').trim());
  } catch {
    // no such file: the write will say so
  }
  return { currentLimit, hasSwapFile: existsSync(join(dir, MEMSW)) };
}

/** -1 (unlimited) or a positive byte count; anything else is an error. */
function checkBytes(field: string, v: number): void {
  if (v < -1) throw new PlanError(pointer(AT, field), `must be -1 (unlimited) or a number of bytes, not ${v}`);
}

export function planMemoryV1(memory: MemoryResources | undefined, host: MemoryHostV1): CgroupWrite[] {
  if (!memory) return [];
  const w = (file: string, value: string, field: string, optional = false): CgroupWrite => ({ controller: 'memory', file, value, pointer: pointer(AT, field), optional });
  const out: CgroupWrite[] = [];
  for (const f of ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'] as const) {
    const v = memory[f];
    if (v !== undefined) checkBytes(f, v);
  }

  // Hierarchical accounting first: old kernels refuse to change it later.
  if (memory.useHierarchy !== undefined) out.push(w('memory.use_hierarchy', memory.useHierarchy ? '1' : '0', 'useHierarchy'));

  const limit = memory.limit ?? 0;
  let swap = memory.swap ?? 0;
  let swapImplied = false;
  // An unlimited memory limit without a swap setting lifts the memory+swap
  // limit too (runc), where the kernel has one.
  if (limit === -1 && swap === 0 && host.hasSwapFile) {
    swap = -1;
    swapImplied = true;
  }
  if (swap > 0 && !host.hasSwapFile) {
    throw new PlanError(pointer(AT, 'swap'), `cannot apply: this kernel has no swap accounting (${MEMSW} does not exist); leave swap unset or -1`);
  }
  if (swap > 0 && !(limit > 0)) {
    throw new PlanError(pointer(AT, 'swap'), 'a memory+swap limit needs a memory limit (/linux/resources/memory/limit) of at least the same size');
  }
  if (swap > 0 && limit > 0 && swap < limit) {
    throw new PlanError(pointer(AT, 'swap'), `the memory+swap limit (${swap}) must not be smaller than the memory limit (${limit})`);
  }
  // -1 is the default of a new cgroup: nothing to do without the controller
  const limitWrite = limit !== 0 ? w(LIMIT, int(limit), 'limit', limit === -1) : undefined;
  // swap -1 where the file is missing is nothing to do.
  const swapWrite = swap !== 0 ? w(MEMSW, int(swap), swapImplied ? 'limit' : 'swap', swap === -1) : undefined;
  // The kernel keeps memory <= memory+swap at every step: raise memsw first
  // when the new memsw is above the current memory limit, else lower the
  // memory limit first.
  if (limitWrite && swapWrite && (swap === -1 || host.currentLimit < BigInt(swap))) out.push(swapWrite, limitWrite);
  else out.push(...[limitWrite, swapWrite].filter((x): x is CgroupWrite => x !== undefined));

  const reservation = memory.reservation ?? 0;
  if (reservation !== 0) out.push(w('memory.soft_limit_in_bytes', int(reservation), 'reservation', reservation === -1));
  // Kernel memory limits: -1 and 0 mean none; a real limit needs the file.
  if (memory.kernel !== undefined && memory.kernel > 0) out.push(w('memory.kmem.limit_in_bytes', int(memory.kernel), 'kernel'));
  if (memory.kernelTCP !== undefined && memory.kernelTCP > 0) out.push(w('memory.kmem.tcp.limit_in_bytes', int(memory.kernelTCP), 'kernelTCP'));

  if (memory.swappiness !== undefined && memory.swappiness !== -1) {
    if (memory.swappiness < 0 || memory.swappiness > 100) throw new PlanError(pointer(AT, 'swappiness'), `must be between 0 and 100, not ${memory.swappiness}`);
    out.push(w('memory.swappiness', int(memory.swappiness), 'swappiness'));
  }
  // A new cgroup inherits its parent's setting: write an explicit false too.
  if (memory.disableOOMKiller !== undefined) out.push(w('memory.oom_control', memory.disableOOMKiller ? '1' : '0', 'disableOOMKiller', !memory.disableOOMKiller));
  return out;
}
