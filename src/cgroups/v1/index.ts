// linux.resources on cgroup v1: every controller's planned writes, each
// placed in the directory of the hierarchy that has its controller.
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { blkioHostV1, planBlkioV1 } from './blkio.js';
import { planCpuset, planCpuV1 } from './cpu.js';
import { planHugetlb } from './hugetlb.js';
import { memoryHostV1, planMemoryV1 } from './memory.js';
import { planNetworkV1 } from './network.js';
import { planPids } from './pids.js';
import { planRdma } from './rdma.js';
import type { CgroupWrite, PlacedWrite } from '../write.js';

/** What the planners need to know about the host, per controller. */
export interface HostV1 {
  memory: Parameters<typeof planMemoryV1>[1];
  blkio: Parameters<typeof planBlkioV1>[1];
}

const FRESH: HostV1 = {
  memory: { currentLimit: 0n, hasSwapFile: true },
  blkio: { weightFile: 'blkio.bfq.weight', weightDeviceFile: 'blkio.bfq.weight_device' },
};

/** Every write for `resources` (devices apart), in order; pure. */
export function planV1(resources: Resources | undefined, host: HostV1 = FRESH): CgroupWrite[] {
  if (!resources) return [];
  return [
    ...planCpuset(resources.cpu),
    ...planMemoryV1(resources.memory, host.memory),
    ...planCpuV1(resources.cpu),
    ...planPids(resources.pids),
    ...planBlkioV1(resources.blockIO, host.blkio),
    ...planHugetlb(resources.hugepageLimits, 1),
    ...planNetworkV1(resources.network),
    ...planRdma(resources.rdma),
  ];
}

/** Reads the host facts from the container's cgroup directories. */
export function hostV1(dirOf: (controller: string) => string | undefined): HostV1 {
  const memory = dirOf('memory');
  const blkio = dirOf('blkio');
  return {
    memory: memory ? memoryHostV1(memory) : FRESH.memory,
    blkio: blkio ? blkioHostV1(blkio) : FRESH.blkio,
  };
}

/**
 * Places each write in its controller's directory. A controller no
 * hierarchy has is an error naming the field, unless the value means "no
 * limit".
 */
export function placeV1(writes: readonly CgroupWrite[], dirOf: (controller: string) => string | undefined): PlacedWrite[] {
  const out: PlacedWrite[] = [];
  for (const write of writes) {
    const dir = dirOf(write.controller);
    if (dir) out.push({ dir, write });
    else if (!write.optional) throw new PlanError(write.pointer, `cannot apply: no cgroup v1 hierarchy on this host has the ${write.controller} controller`);
  }
  return out;
}
