// The pids controller: pids.max, the same file on v1 and v2. -1 (any
// negative) is "max"; 0 is a real limit (runtime-spec: "0 is a valid limit
// value ... and SHOULD be treated as such"; runc writes 1 instead).
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

export function planPids(pids: Resources['pids']): CgroupWrite[] {
  if (pids?.limit === undefined) return [];
  const limit = pids.limit;
  return [{ controller: 'pids', file: 'pids.max', value: limit < 0 ? 'max' : int(limit), pointer: pointer(RESOURCES, 'pids', 'limit'), optional: limit < 0 }];
}
