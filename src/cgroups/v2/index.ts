// linux.resources on a cgroup v2 (unified) host: every controller's planned
// writes for the container's one cgroup directory. Device rules are an eBPF
// program instead (device-filter.ts).
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { planCpuset } from '../v1/cpu.js';
import { planHugetlb } from '../v1/hugetlb.js';
import { planPids } from '../v1/pids.js';
import { planRdma } from '../v1/rdma.js';
import { type CgroupWrite, pointer, RESOURCES } from '../write.js';
import { planCpuV2 } from './cpu.js';
import { type IoHostV2, planIoV2 } from './io.js';
import { planMemoryV2 } from './memory.js';
import { planUnified } from './unified.js';

export interface HostV2 {
  io: IoHostV2;
}

const FRESH: HostV2 = { io: { bfq: 'none' } };

function refuseNetwork(network: Resources['network']): void {
  if (network?.classID) throw new PlanError(pointer(RESOURCES, 'network', 'classID'), 'cannot apply: cgroup v2 has no net_cls controller');
  if (network?.priorities?.length) throw new PlanError(pointer(RESOURCES, 'network', 'priorities'), 'cannot apply: cgroup v2 has no net_prio controller');
}

/** Every write for `resources` (devices apart), in order, unified last; pure. */
export function planV2(resources: Resources | undefined, host: HostV2 = FRESH): CgroupWrite[] {
  if (!resources) return [];
  refuseNetwork(resources.network);
  return [
    ...planPids(resources.pids),
    ...planMemoryV2(resources.memory),
    ...planIoV2(resources.blockIO, host.io),
    ...planCpuV2(resources.cpu),
    ...planCpuset(resources.cpu),
    ...planHugetlb(resources.hugepageLimits, 2),
    ...planRdma(resources.rdma),
    ...planUnified(resources.unified),
  ];
}
