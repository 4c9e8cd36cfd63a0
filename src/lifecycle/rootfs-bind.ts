// A container without a mount namespace shares the host's mount table: its
// mounts all hang below one private bind of its rootfs (addon/init/rootfs.cc).
// Its state says which mount that is, so that a failed create and `delete`
// detach that bind, with everything below it, and nothing else.
import { logger } from '../log/logger.js';
import type { Native } from '../native/index.js';
import type { RootfsBind } from '../state/store.js';

export function rootfsBindBefore(n: Native, rootfs: string): RootfsBind {
  return { before: n.mountIdentity(rootfs).id.toString() };
}

/** The bind is the container process's root once it has chrooted. */
export function withOwnBind(n: Native, bind: RootfsBind, pid: number): RootfsBind {
  return { ...bind, own: n.mountIdentity(`/proc/${pid}/root`).id.toString() };
}

export function detachRootfsBind(n: Native, rootfs: string, bind: RootfsBind): void {
  let id: bigint;
  try {
    if (bind.own !== undefined) {
      id = BigInt(bind.own);
    } else {
      // create stopped before it saw the bind: a new mount on the rootfs is its.
      const top = n.mountIdentity(rootfs);
      if (!top.mountRoot || top.id === BigInt(bind.before)) return;
      id = top.id;
    }
    if (!n.detachMountIf(rootfs, id)) logger.warn(`the container's rootfs mount ${id} is covered by another mount at ${rootfs}: left in place`);
  } catch (e) {
    // The bundle may be gone already, and its mounts with it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
}
