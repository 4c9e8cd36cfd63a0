// cgroup v1 net_cls and net_prio controllers (they have no v2 equivalent).
// classID 0 means "not set", like runc.
import { PlanError } from '../../errors.js';
import type { Resources } from '../../spec/types.js';
import { type CgroupWrite, int, pointer, RESOURCES } from '../write.js';

const AT = pointer(RESOURCES, 'network');

export function planNetworkV1(network: Resources['network']): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  if (network?.classID) out.push({ controller: 'net_cls', file: 'net_cls.classid', value: int(network.classID), pointer: pointer(AT, 'classID') });
  (network?.priorities ?? []).forEach((p, i) => {
    const at = pointer(AT, 'priorities', i);
    if (!/^\S+$/.test(p.name)) throw new PlanError(pointer(at, 'name'), 'must be an interface name');
    out.push({ controller: 'net_prio', file: 'net_prio.ifpriomap', value: `${p.name} ${int(p.priority)}`, pointer: at });
  });
  return out;
}
