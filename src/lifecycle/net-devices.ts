// Moves linux.netDevices into the container's network namespace while its
// init waits (Msg.NetDevicesPoint), by rtnetlink from this process: one
// socket in our namespace, one created in the container's. The move drops an
// interface's addresses, so the permanent, global ones are read first and
// added again inside; then the interface is set up (config-linux.md Network
// Devices). Once the container exists its devices are the namespace's: they
// are never moved back (the kernel returns physical ones and destroys
// virtual ones when the namespace goes). A create that fails puts back what
// it moved, under the original names, with their addresses.
import { PlanError, RuntimeError } from '../errors.js';
import type { NetAddress, NetLink, Native } from '../native/index.js';
import type { NetDeviceMove } from '../plan/net-devices.js';

const RT_SCOPE_UNIVERSE = 0;
const IFA_F_PERMANENT = 0x80;
/** IFA_F_* a new address may ask for: NODAD, HOMEADDRESS, MANAGETEMPADDR, NOPREFIXROUTE, MCAUTOJOIN. */
const IFA_SETTABLE_FLAGS = 0x02 | 0x10 | 0x100 | 0x200 | 0x400;

/** The addresses that go along (RFC 3549 2.3.3.2): permanent ones of global scope, any family. */
export function addressesToCarry(addresses: readonly NetAddress[]): NetAddress[] {
  return addresses
    .filter((a) => (a.flags & IFA_F_PERMANENT) !== 0 && a.scope === RT_SCOPE_UNIVERSE)
    .map((a) => ({ ...a, flags: a.flags & IFA_SETTABLE_FLAGS }));
}

/** The link that appeared in `after` and is not in `before` (how a "%d" name is found). */
export function newLink(before: readonly NetLink[], after: readonly NetLink[]): NetLink | undefined {
  const known = new Set(before.map((l) => l.index));
  const fresh = after.filter((l) => !known.has(l.index));
  return fresh.length === 1 ? fresh[0] : undefined;
}

interface Moved {
  move: NetDeviceMove;
  wasUp: boolean;
  addresses: NetAddress[];
  /** its index inside the container, once found */
  inside?: NetLink;
}

/** Devices moved by a create in progress: rolled back if it fails, released once it succeeds. */
export class MovedNetDevices {
  private readonly moved: Moved[] = [];

  constructor(
    private readonly n: Native,
    private readonly fds: { hostNs: number; containerNs: number; host: number; container: number },
  ) {}

  /** Puts every moved device back into our namespace, as it was; returns what could not be restored. */
  rollback(): string[] {
    const problems: string[] = [];
    for (const m of this.moved.reverse()) {
      try {
        const inside = m.inside ?? this.n.netlinkLinks(this.fds.container).find((l) => l.name === m.move.containerName);
        if (!inside) throw new Error('not found in the container');
        this.n.netlinkMoveLink(this.fds.container, inside.index, this.fds.hostNs, m.move.hostName);
        const back = this.n.netlinkLinks(this.fds.host).find((l) => l.name === m.move.hostName);
        if (!back) throw new Error('not found after the move');
        for (const a of m.addresses) this.n.netlinkAddAddress(this.fds.host, back.index, a);
        if (m.wasUp) this.n.netlinkSetUp(this.fds.host, back.index, true);
      } catch (e) {
        problems.push(`${m.move.hostName}: ${(e as Error).message}`);
      }
    }
    this.release();
    return problems;
  }

  /** Closes the sockets and namespace fds; the devices stay where they are. */
  release(): void {
    this.moved.length = 0;
    for (const fd of Object.values(this.fds)) if (fd >= 0) this.n.closeFd(fd);
    this.fds.hostNs = this.fds.containerNs = this.fds.host = this.fds.container = -1;
  }

  /** Checks every device before moving any, then moves them one by one. */
  moveAll(devices: readonly NetDeviceMove[]): void {
    const hostLinks = this.n.netlinkLinks(this.fds.host);
    const containerLinks = this.n.netlinkLinks(this.fds.container);
    const sources = devices.map((d) => {
      const link = hostLinks.find((l) => l.name === d.hostName);
      if (!link) throw new PlanError(d.pointer, `network device ${d.hostName} does not exist in the runtime's network namespace`);
      if (!d.containerName.includes('%') && containerLinks.some((l) => l.name === d.containerName))
        throw new PlanError(d.containerName === d.hostName ? d.pointer : `${d.pointer}/name`, `a network device named ${d.containerName} already exists in the container's network namespace`);
      return link;
    });
    devices.forEach((d, i) => this.moveOne(d, sources[i]!));
  }

  private moveOne(d: NetDeviceMove, link: NetLink): void {
    const c = this.fds.container;
    const addresses = addressesToCarry(this.n.netlinkAddresses(this.fds.host, link.index));
    const before = this.n.netlinkLinks(c);
    try {
      this.n.netlinkMoveLink(this.fds.host, link.index, this.fds.containerNs, d.containerName);
    } catch (e) {
      throw new RuntimeError(`moving network device ${d.hostName} into the container (${d.pointer}): ${(e as Error).message}`);
    }
    const m: Moved = { move: d, wasUp: link.up, addresses };
    this.moved.push(m);
    const after = this.n.netlinkLinks(c);
    const inside = d.containerName.includes('%') ? newLink(before, after) : after.find((l) => l.name === d.containerName);
    if (!inside) throw new RuntimeError(`network device ${d.hostName} is not in the container's network namespace after the move`);
    m.inside = inside;
    try {
      for (const a of addresses) this.n.netlinkAddAddress(c, inside.index, a);
      this.n.netlinkSetUp(c, inside.index, true);
    } catch (e) {
      throw new RuntimeError(`configuring network device ${inside.name} in the container (${d.pointer}): ${(e as Error).message}`);
    }
  }
}

/**
 * Moves `devices` into the network namespace of process `pid`. On failure,
 * whatever was moved is back before the error is thrown; on success the
 * caller keeps the handle to roll back if the rest of create fails.
 */
export function moveNetDevices(n: Native, pid: number, devices: readonly NetDeviceMove[]): MovedNetDevices {
  const fds = { hostNs: -1, containerNs: -1, host: -1, container: -1 };
  const handle = new MovedNetDevices(n, fds);
  try {
    fds.hostNs = n.netnsOpen('/proc/self/ns/net');
    fds.containerNs = n.netnsOpen(`/proc/${pid}/ns/net`);
    fds.host = n.netlinkOpen(-1);
    fds.container = n.netlinkOpen(fds.containerNs);
    handle.moveAll(devices);
    return handle;
  } catch (e) {
    const problems = handle.rollback();
    if (problems.length > 0 && e instanceof Error) e.message += `; could not move back: ${problems.join('; ')}`;
    throw e;
  }
}
