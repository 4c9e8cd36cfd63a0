// The rdma controller: one rdma.max line per device, the same on v1 and v2.
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export function rdmaLine(device: string, limits: { hcaHandles?: number; hcaObjects?: number }): string {
  let line = device;
  if (limits.hcaHandles !== undefined) line += ` hca_handle=${int(limits.hcaHandles)}`;
  if (limits.hcaObjects !== undefined) line += ` hca_object=${int(limits.hcaObjects)}`;
  return line;
}

export function planRdma(rdma: Resources['rdma']): CgroupWrite[] {
  return Object.entries(rdma ?? {}).map(([device, limits]) => {
    const at = pointer(RESOURCES, 'rdma', device);
    if (!/^\S+$/.test(device)) throw new PlanError(at, 'the key must be a device name');
    return { controller: 'rdma', file: 'rdma.max', value: rdmaLine(device, limits), pointer: at };
  });
}
