// Rules of runtime-spec v1.3.0 that the JSON Schema does not (or cannot)
// express, for the Linux platform. Each rule below is a REQUIRED / MUST /
// MUST NOT of config.md or config-linux.md that can be decided from the config
// alone; host-dependent rules (does the path exist, is the kernel feature
// available, ...) belong to the code that acts on the config.
//
// The checks are defensive: a value of the wrong type is left alone here (the
// schema layer already reports it), so every problem is reported once.

import type { ConfigViolation } from './validate.js';

export interface SemanticOptions {
  /**
   * `process` is OPTIONAL in a config but REQUIRED when the container is to be
   * started, i.e. for `create` and `run`. Default false.
   */
  requireProcess?: boolean;
}

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const has = (o: Obj, key: string) => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;

/** Escape one JSON pointer reference token (RFC 6901). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

const ptr = (base: string, ...keys: (string | number)[]) => base + keys.map((k) => `/${pointerToken(k)}`).join('');

const isAbsolute = (p: string) => p.startsWith('/');

/** Spec-level checks beyond the schema; see the file comment. */
export function checkSemantics(config: unknown, opts: SemanticOptions = {}): ConfigViolation[] {
  const out: ConfigViolation[] = [];
  if (!isObj(config)) return out;
  const add = (pointer: string, message: string) => out.push({ pointer, message });
  const required = (at: string, o: Obj, key: string, why?: string) => {
    if (!has(o, key)) add(at, `must have required property '${key}'${why ? ` (${why})` : ''}`);
  };
  const absolutePath = (at: string, value: unknown) => {
    if (isStr(value) && !isAbsolute(value)) add(at, `must be an absolute path, got ${JSON.stringify(value)}`);
  };

  // config.md "Root": REQUIRED on every platform except Windows.
  required('', config, 'root', 'required on Linux');

  // config.md "Process": REQUIRED when start is called.
  if (opts.requireProcess) required('', config, 'process', 'required to create a container');
  if (isObj(config['process'])) checkProcess(config['process'], add, required, absolutePath);

  // config.md "Hooks": path MUST be absolute.
  if (isObj(config['hooks'])) {
    for (const [stage, list] of Object.entries(config['hooks'])) {
      if (!Array.isArray(list)) continue;
      list.forEach((hook, i) => {
        if (isObj(hook)) absolutePath(ptr('/hooks', stage, i, 'path'), hook['path']);
      });
    }
  }

  // config.md "Annotations": keys MUST NOT be an empty string.
  if (isObj(config['annotations']) && has(config['annotations'], '')) {
    add(ptr('/annotations', ''), 'annotation keys must not be empty');
  }

  const linux = isObj(config['linux']) ? config['linux'] : undefined;
  const namespaces = linux && Array.isArray(linux['namespaces']) ? linux['namespaces'] : [];
  const userns = namespaces.some((ns) => isObj(ns) && ns['type'] === 'user');

  if (Array.isArray(config['mounts'])) {
    config['mounts'].forEach((m, i) => {
      if (!isObj(m)) return;
      const at = ptr('/mounts', i);
      if (m['destination'] === '') add(ptr(at, 'destination'), 'must not be empty');
      // uidMappings / gidMappings: "If specified, it MUST be specified along with" the other.
      const uid = has(m, 'uidMappings');
      const gid = has(m, 'gidMappings');
      if (uid !== gid) {
        const [present, missing] = uid ? ['uidMappings', 'gidMappings'] : ['gidMappings', 'uidMappings'];
        add(at, `must have property '${missing}' when property '${present}' is present`);
      }
      // idmap / ridmap without mappings on a container without a user
      // namespace: "an error MUST be returned".
      if (Array.isArray(m['options']) && !uid && !gid && !userns) {
        m['options'].forEach((o, j) => {
          if (o === 'idmap' || o === 'ridmap') {
            add(
              ptr(at, 'options', j),
              `"${o}" needs uidMappings and gidMappings on the mount or a user namespace in linux.namespaces`,
            );
          }
        });
      }
    });
  }

  if (linux) checkLinux(linux, add, required, absolutePath);
  return out;
}

type Add = (pointer: string, message: string) => void;
type Required = (at: string, o: Obj, key: string, why?: string) => void;
type AbsolutePath = (at: string, value: unknown) => void;

function checkProcess(p: Obj, add: Add, required: Required, absolutePath: AbsolutePath): void {
  // config.md "POSIX-platform User": uid and gid are REQUIRED.
  required('/process', p, 'user', 'required on Linux');
  if (isObj(p['user'])) {
    required('/process/user', p['user'], 'uid');
    required('/process/user', p['user'], 'gid');
  }
  // config.md "args": at least one entry is REQUIRED (non-Windows).
  if (!has(p, 'args')) add('/process', `must have required property 'args' (at least one entry on Linux)`);
  else if (Array.isArray(p['args']) && p['args'].length === 0) add('/process/args', 'must NOT have fewer than 1 item');
  // config.md "cwd": MUST be an absolute path.
  absolutePath('/process/cwd', p['cwd']);
  // config.md "rlimits": duplicated entries with the same type MUST be an error.
  if (Array.isArray(p['rlimits'])) {
    const first = new Map<string, number>();
    p['rlimits'].forEach((r, i) => {
      if (!isObj(r) || !isStr(r['type'])) return;
      const seen = first.get(r['type']);
      if (seen === undefined) first.set(r['type'], i);
      else add(ptr('/process/rlimits', i, 'type'), `duplicate rlimit type "${r['type']}" (also at /process/rlimits/${seen})`);
    });
  }
}

function checkLinux(linux: Obj, add: Add, required: Required, absolutePath: AbsolutePath): void {
  // config-linux.md "Namespaces": path MUST be absolute; duplicated types MUST
  // be an error.
  if (Array.isArray(linux['namespaces'])) {
    const first = new Map<string, number>();
    linux['namespaces'].forEach((ns, i) => {
      if (!isObj(ns)) return;
      absolutePath(ptr('/linux/namespaces', i, 'path'), ns['path']);
      if (!isStr(ns['type'])) return;
      const seen = first.get(ns['type']);
      if (seen === undefined) first.set(ns['type'], i);
      else add(ptr('/linux/namespaces', i, 'type'), `duplicate namespace type "${ns['type']}" (also at /linux/namespaces/${seen})`);
    });
  }

  // config-linux.md "Devices": major, minor are REQUIRED unless type is p.
  if (Array.isArray(linux['devices'])) {
    linux['devices'].forEach((d, i) => {
      if (!isObj(d) || !isStr(d['type']) || d['type'] === 'p') return;
      for (const key of ['major', 'minor']) {
        required(ptr('/linux/devices', i), d, key, `required unless type is "p"`);
      }
    });
  }

  const resources = isObj(linux['resources']) ? linux['resources'] : undefined;
  const blockIO = resources && isObj(resources['blockIO']) ? resources['blockIO'] : undefined;
  if (blockIO) {
    // "You MUST specify at least one of weight or leafWeight in a given entry"
    if (Array.isArray(blockIO['weightDevice'])) {
      blockIO['weightDevice'].forEach((w, i) => {
        if (isObj(w) && !has(w, 'weight') && !has(w, 'leafWeight')) {
          add(ptr('/linux/resources/blockIO/weightDevice', i), `must have at least one of 'weight' or 'leafWeight'`);
        }
      });
    }
    // throttle entries: rate is REQUIRED
    for (const key of ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice']) {
      const list = blockIO[key];
      if (!Array.isArray(list)) continue;
      list.forEach((t, i) => {
        if (isObj(t)) required(ptr('/linux/resources/blockIO', key, i), t, 'rate');
      });
    }
  }
  // "You MUST specify at least one of the hcaHandles or hcaObjects in a given entry"
  if (resources && isObj(resources['rdma'])) {
    for (const [dev, limits] of Object.entries(resources['rdma'])) {
      if (isObj(limits) && !has(limits, 'hcaHandles') && !has(limits, 'hcaObjects')) {
        add(ptr('/linux/resources/rdma', dev), `must have at least one of 'hcaHandles' or 'hcaObjects'`);
      }
    }
  }

  // config-linux.md "IntelRdt": schemata lines MUST NOT contain newlines.
  const rdt = isObj(linux['intelRdt']) ? linux['intelRdt'] : undefined;
  if (rdt && Array.isArray(rdt['schemata'])) {
    rdt['schemata'].forEach((line, i) => {
      if (isStr(line) && /[\r\n]/.test(line)) add(ptr('/linux/intelRdt/schemata', i), 'must not contain newlines');
    });
  }

  // config-linux.md "Memory policy": mode is REQUIRED.
  if (isObj(linux['memoryPolicy'])) required('/linux/memoryPolicy', linux['memoryPolicy'], 'mode');
  // config-linux.md "Personality": domain is REQUIRED.
  if (isObj(linux['personality'])) required('/linux/personality', linux['personality'], 'domain');

  // config-linux.md "Seccomp"
  if (isObj(linux['seccomp'])) checkSeccomp(linux['seccomp'], add);

  // config-linux.md "Masked Paths" / "Readonly Paths": MUST be absolute.
  for (const key of ['maskedPaths', 'readonlyPaths']) {
    const list = linux[key];
    if (Array.isArray(list)) list.forEach((p, i) => absolutePath(ptr('/linux', key, i), p));
  }
}

const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

function checkSeccomp(s: Obj, add: Add): void {
  // listenerMetadata "MUST NOT be set if listenerPath is not set".
  if (isStr(s['listenerMetadata']) && s['listenerMetadata'] !== '' && !(isStr(s['listenerPath']) && s['listenerPath'] !== '')) {
    add('/linux/seccomp/listenerMetadata', 'must not be set unless listenerPath is set');
  }
  // errnoRet: "When the action doesn't support an errno, the runtime MUST
  // print an error and fail."
  const errnoFits = (at: string, action: unknown, field: unknown) => {
    if (field !== undefined && isStr(action) && !ERRNO_ACTIONS.has(action)) {
      add(at, `is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not ${action}`);
    }
  };
  errnoFits('/linux/seccomp/defaultErrnoRet', s['defaultAction'], s['defaultErrnoRet']);
  if (Array.isArray(s['syscalls'])) {
    s['syscalls'].forEach((call, i) => {
      if (isObj(call)) errnoFits(ptr('/linux/seccomp/syscalls', i, 'errnoRet'), call['action'], call['errnoRet']);
    });
  }
}
