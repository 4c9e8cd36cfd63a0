// cgroup v2 io controller: weights (BFQ's io.bfq.weight where the kernel has
// it, else io.weight with the weight scaled from v1's range) and io.max
// limits. leafWeight has no v2 equivalent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PlanError } from '../../errors.js';
import type { ThrottleDevice } from '../../spec/types.js';
import { type BlockIOResources, dev, THROTTLES } from '../v1/blkio.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

const AT = pointer(RESOURCES, 'blockIO');

export interface IoHostV2 {
  /** io.bfq.weight: absent, a single default weight, or per-device too (Linux 5.4+) */
  bfq: 'none' | 'default' | 'per-device';
}

export function ioHostV2(dir: string): IoHostV2 {
  let text: string;
  try {
    text = readFileSync(join(dir, 'io.bfq.weight'), 'utf8').trim();
  } catch {
    return { bfq: 'none' };
  }
  return { bfq: /^\d+$/.test(text) ? 'default' : 'per-device' };
}

/** v1 blkio weight [10..1000] to v2 io.weight [1..10000], linearly (runc). */
export function blkioToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  const v = 1 + Math.trunc(((weight - 10) * 9999) / 990);
  return Math.min(10000, Math.max(1, v));
}

export function planIoV2(blockIO: BlockIOResources | undefined, host: IoHostV2): CgroupWrite[] {
  if (!blockIO) return [];
  const w = (file: string, value: string, optional: boolean, ...at: (string | number)[]): CgroupWrite => ({ controller: 'io', file, value, pointer: pointer(AT, ...at), optional });
  if (blockIO.leafWeight) throw new PlanError(pointer(AT, 'leafWeight'), 'cannot apply: cgroup v2 has no leaf weight');
  const out: CgroupWrite[] = [];
  if (blockIO.weight) {
    out.push(host.bfq !== 'none' ? w('io.bfq.weight', int(blockIO.weight), false, 'weight') : w('io.weight', int(blkioToIoWeight(blockIO.weight)), false, 'weight'));
  }
  (blockIO.weightDevice ?? []).forEach((d, i) => {
    if (d.leafWeight) throw new PlanError(pointer(AT, 'weightDevice', i, 'leafWeight'), 'cannot apply: cgroup v2 has no leaf weight');
    if (!d.weight) return;
    out.push(
      host.bfq === 'per-device'
        ? w('io.bfq.weight', `${dev(d)} ${int(d.weight)}`, false, 'weightDevice', i, 'weight')
        : w('io.weight', `${dev(d)} ${int(blkioToIoWeight(d.weight))}`, false, 'weightDevice', i, 'weight'),
    );
  });
  for (const [field, , key] of THROTTLES) {
    (blockIO[field] ?? []).forEach((d: ThrottleDevice, i: number) => {
      // v1's rate 0 removes a rule; v2 says "max" (it refuses 0)
      out.push(w('io.max', `${dev(d)} ${key}=${d.rate ? int(d.rate) : 'max'}`, d.rate === 0, field, i));
    });
  }
  return out;
}
