// The container as hooks see it: its OCI state and the namespaces to join.
import { NS_PROC_NAME, CLONE_FLAGS } from '../plan/namespaces.js';
import type { ContainerStatus, NamespaceType, OciState } from '../spec/types.js';
import type { ContainerTarget } from './run-in-container.js';

export interface HookSubject {
  id: string;
  bundle: string;
  annotations: Record<string, string>;
  namespaces?: NamespaceType[];
}

export function hookState(subject: HookSubject, status: ContainerStatus, pid: number | undefined): OciState {
  const state: OciState = { ociVersion: '1.3.0', id: subject.id, status, bundle: subject.bundle };
  if (pid) state.pid = pid;
  if (Object.keys(subject.annotations).length > 0) state.annotations = subject.annotations;
  return state;
}

/** Every namespace of the container, by its first process. */
export function containerTarget(subject: HookSubject, pid: number): ContainerTarget {
  const types = subject.namespaces ?? [];
  return {
    namespaces: types.map((type) => ({ flag: CLONE_FLAGS[type], path: `/proc/${pid}/ns/${NS_PROC_NAME[type]}` })),
    // Without a mount namespace, the container is its first process's chroot.
    root: types.includes('mount') ? undefined : `/proc/${pid}/root`,
  };
}
