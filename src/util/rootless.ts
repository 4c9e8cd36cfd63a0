// Whether tsrun runs without real root: as an unprivileged user, or as root
// of a user namespace (rootless podman/docker). Either way the host's
// cgroups, /run and id maps beyond our own ids are out of reach.
import { readFileSync } from 'node:fs';

/** The identity map of the initial user namespace: every id maps to itself. */
const INITIAL_USERNS_MAP = /^\s*0\s+0\s+4294967295\s*$/;

export function runningInUserNamespace(uidMap?: string): boolean {
  let text = uidMap;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/uid_map', 'utf8');
    } catch {
      return false; // no user namespaces in this kernel
    }
  }
  return !INITIAL_USERNS_MAP.test(text);
}

let cached: boolean | undefined;

export function isRootless(): boolean {
  cached ??= (process.geteuid?.() ?? 0) !== 0 || runningInUserNamespace();
  return cached;
}

/**
 * The global --rootless flag (runc's): "true" (or the bare flag) and
 * "false" override the detection, "auto" or nothing keeps it.
 */
export function setRootlessMode(value: string | undefined): void {
  if (value === undefined || value === 'auto') return;
  if (value === 'true' || value === '') cached = true;
  else if (value === 'false') cached = false;
  else throw new Error(`invalid --rootless value "${value}": want true, false or auto`);
}
