// linux.netDevices (config-linux.md Network Devices): which host interface
// goes into the container under which name. Only what can be decided from
// the config is checked here; whether the interfaces exist is checked when
// they are moved (src/lifecycle/net-devices.ts).
import { statSync } from 'node:fs';

import { PlanError } from '../errors.js';
import type { Linux } from '../spec/types.js';

export interface NetDeviceMove {
  /** the interface in the runtime's network namespace (the entry's key) */
  hostName: string;
  /** its name in the container; a name with "%d" lets the kernel pick a free number */
  containerName: string;
  /** JSON pointer of the entry, for errors */
  pointer: string;
}

/** The kernel's limit, with the terminating NUL. */
export const IFNAMSIZ = 16;

/** One JSON pointer token (RFC 6901). */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Why `name` is not a valid interface name, or undefined. The kernel's rules
 * (dev_valid_name): 1 to 15 bytes, not "." or "..", no '/', ':' or white space.
 * A template has exactly one '%', as "%d".
 */
export function interfaceNameProblem(name: string, allowTemplate: boolean): string | undefined {
  if (name === '') return 'an interface name must not be empty';
  if (new TextEncoder().encode(name).length >= IFNAMSIZ) return `interface name ${JSON.stringify(name)} is longer than ${IFNAMSIZ - 1} bytes`;
  if (name === '.' || name === '..') return `${JSON.stringify(name)} is not a valid interface name`;
  if (/[/:\s\0]/.test(name)) return `interface name ${JSON.stringify(name)} contains '/', ':', a NUL or white space`;
  if (name.includes('%')) {
    if (!allowTemplate) return `interface name ${JSON.stringify(name)} contains '%'`;
    if (!/^[^%]*%d[^%]*$/.test(name)) return `interface name template ${JSON.stringify(name)} must contain '%' only once, as "%d"`;
  }
  return undefined;
}

/** True when `path` is the network namespace tsrun itself runs in. */
export function isRuntimeNetns(path: string): boolean {
  try {
    const ours = statSync('/proc/self/ns/net');
    const theirs = statSync(path);
    return ours.dev === theirs.dev && ours.ino === theirs.ino;
  } catch {
    // A missing path fails later, when init joins it, with its own error.
    return false;
  }
}

export function planNetDevices(linux: Linux, isOurNetns: (path: string) => boolean = isRuntimeNetns): NetDeviceMove[] {
  const entries = Object.entries(linux.netDevices ?? {});
  if (entries.length === 0) return [];

  // The devices need a network namespace of the container's own: a new one,
  // or one it joins that is not the runtime's (moving into our own would
  // take them from the host).
  const namespaces = linux.namespaces ?? [];
  const at = namespaces.findIndex((ns) => ns.type === 'network');
  if (at < 0) throw new PlanError('/linux/netDevices', 'moving network devices needs a network namespace; /linux/namespaces has none');
  const path = namespaces[at]!.path;
  if (path && isOurNetns(path))
    throw new PlanError('/linux/netDevices', `moving network devices needs the container's own network namespace; /linux/namespaces/${at}/path ${path} is the runtime's`);

  const taken = new Map<string, string>();
  return entries.map(([hostName, device]) => {
    const pointer = `/linux/netDevices/${pointerToken(hostName)}`;
    const hostProblem = interfaceNameProblem(hostName, false);
    if (hostProblem) throw new PlanError(pointer, hostProblem);
    const renamed = device?.name !== undefined && device.name !== '';
    const containerName = renamed ? device.name! : hostName;
    if (renamed) {
      const problem = interfaceNameProblem(containerName, true);
      if (problem) throw new PlanError(`${pointer}/name`, problem);
    }
    if (!containerName.includes('%')) {
      const other = taken.get(containerName);
      if (other) throw new PlanError(renamed ? `${pointer}/name` : pointer, `${other} already takes the name ${containerName} in the container`);
      taken.set(containerName, pointer);
    }
    return { hostName, containerName, pointer };
  });
}
