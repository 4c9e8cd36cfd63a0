// `tsrun features`: what this build of tsrun implements (runtime-spec
// features.md), independent of what the host offers.
import { CAPABILITIES } from '../plan/capabilities.js';
import { knownMountOptions } from '../plan/mount-options.js';
import { MPOL_FLAGS, MPOL_MODES } from '../plan/process-attrs.js';
import { SCMP_ARCH, SCMP_CMP, SECCOMP_FILTER_FLAG } from '../plan/seccomp.js';

/** Flags seccomp(2) gets from tsrun; WAIT_KILLABLE_RECV only with a NOTIFY rule (it needs a listener). */
const SUPPORTED_SECCOMP_FLAGS = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'];

const SECCOMP_ACTIONS = [
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_TRAP', 'SCMP_ACT_TRACE',
];

export function features(): Record<string, unknown> {
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: '1.3.0',
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: knownMountOptions(),
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'uts'],
      capabilities: [...CAPABILITIES],
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: false, rdma: false },
      seccomp: {
        enabled: true,
        actions: SECCOMP_ACTIONS,
        operators: Object.keys(SCMP_CMP).sort(),
        archs: Object.keys(SCMP_ARCH).sort(),
        knownFlags: Object.keys(SECCOMP_FILTER_FLAG).sort(),
        supportedFlags: SUPPORTED_SECCOMP_FLAGS,
      },
      apparmor: { enabled: false },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      memoryPolicy: { modes: Object.keys(MPOL_MODES).sort(), flags: Object.keys(MPOL_FLAGS).sort() },
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: {},
  };
}
