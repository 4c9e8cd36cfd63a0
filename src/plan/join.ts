// The plan for a process that joins an existing container (`exec`, and the
// hooks that run in its namespaces): no rootfs work, only namespaces and
// the process itself.
import type { Plan } from './types.js';

type JoinFields = Pick<Plan, 'args' | 'env' | 'cwd'> & Partial<Plan>;

export function joinPlan(namespaces: Plan['joinNamespaces'], fields: JoinFields): Plan {
  return {
    mode: 'join',
    newNamespaces: 0,
    joinNamespaces: namespaces,
    uidMapNeeded: false,
    rootfs: '',
    rootReadonly: false,
    hostPropagation: 0n,
    rootPropagation: 0n,
    noPivot: false,
    mounts: [],
    devices: [],
    symlinks: [],
    maskedPaths: [],
    readonlyPaths: [],
    sysctls: [],
    uid: 0,
    gid: 0,
    additionalGids: [],
    noNewPrivileges: false,
    rlimits: [],
    preserveFds: 0,
    terminal: false,
    newKeyring: false,
    execFifoName: '',
    ...fields,
  };
}
