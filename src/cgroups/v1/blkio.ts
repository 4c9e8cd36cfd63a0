// cgroup v1 blkio controller: weights (CFQ's blkio.weight or BFQ's
// blkio.bfq.weight, whichever the kernel has) and throttling. 0 weights mean
// "not set", like runc.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Resources, ThrottleDevice } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export type BlockIOResources = NonNullable<Resources['blockIO']>;

const AT = pointer(RESOURCES, 'blockIO');

export interface BlkioHostV1 {
  /** "blkio.weight" (CFQ, before Linux 5.0) or "blkio.bfq.weight" */
  weightFile: string;
  /** the matching per-device file */
  weightDeviceFile: string;
}

export function blkioHostV1(dir: string): BlkioHostV1 {
  return existsSync(join(dir, 'blkio.weight'))
    ? { weightFile: 'blkio.weight', weightDeviceFile: 'blkio.weight_device' }
    : { weightFile: 'blkio.bfq.weight', weightDeviceFile: 'blkio.bfq.weight_device' };
}

export const THROTTLES = [
  ['throttleReadBpsDevice', 'read_bps_device', 'rbps'],
  ['throttleWriteBpsDevice', 'write_bps_device', 'wbps'],
  ['throttleReadIOPSDevice', 'read_iops_device', 'riops'],
  ['throttleWriteIOPSDevice', 'write_iops_device', 'wiops'],
] as const;

export const dev = (d: { major: number; minor: number }) => `${int(d.major)}:${int(d.minor)}`;

export function planBlkioV1(blockIO: BlockIOResources | undefined, host: BlkioHostV1): CgroupWrite[] {
  if (!blockIO) return [];
  const w = (file: string, value: string, ...at: (string | number)[]): CgroupWrite => ({ controller: 'blkio', file, value, pointer: pointer(AT, ...at) });
  const out: CgroupWrite[] = [];
  if (blockIO.weight) out.push(w(host.weightFile, int(blockIO.weight), 'weight'));
  if (blockIO.leafWeight) out.push(w('blkio.leaf_weight', int(blockIO.leafWeight), 'leafWeight'));
  (blockIO.weightDevice ?? []).forEach((d, i) => {
    if (d.weight) out.push(w(host.weightDeviceFile, `${dev(d)} ${int(d.weight)}`, 'weightDevice', i, 'weight'));
    if (d.leafWeight) out.push(w('blkio.leaf_weight_device', `${dev(d)} ${int(d.leafWeight)}`, 'weightDevice', i, 'leafWeight'));
  });
  for (const [field, file] of THROTTLES) {
    (blockIO[field] ?? []).forEach((d: ThrottleDevice, i: number) => {
      // rate 0 removes a rule: nothing to do where throttling is missing
      out.push({ ...w(`blkio.throttle.${file}`, `${dev(d)} ${int(d.rate)}`, field, i), optional: d.rate === 0 });
    });
  }
  return out;
}
