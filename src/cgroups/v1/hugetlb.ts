// The hugetlb controller: a limit per huge page size, on the reservation
// counter too where the kernel has one (like runc). v1 names the files
// hugetlb.<size>.limit_in_bytes, v2 hugetlb.<size>.max.
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export function planHugetlb(limits: Resources['hugepageLimits'], version: 1 | 2): CgroupWrite[] {
  const suffix = version === 1 ? 'limit_in_bytes' : 'max';
  const out: CgroupWrite[] = [];
  (limits ?? []).forEach((l, i) => {
    const at = pointer(RESOURCES, 'hugepageLimits', i);
    // the schema holds pageSize to <digits><K|M|G>B: safe in a file name
    out.push({ controller: 'hugetlb', file: `hugetlb.${l.pageSize}.${suffix}`, value: int(l.limit), pointer: at });
    out.push({ controller: 'hugetlb', file: `hugetlb.${l.pageSize}.rsvd.${suffix}`, value: int(l.limit), pointer: at, optional: true });
  });
  return out;
}
