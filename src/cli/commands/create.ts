import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export interface CreateArgs extends GlobalArgs {
  id: string;
  bundle: string;
  'console-socket'?: string;
  'pid-file'?: string;
  'no-pivot'?: boolean;
  'no-new-keyring'?: boolean;
  'preserve-fds'?: number;
  'pidfd-socket'?: string;
}

/** Options shared by create and run. */
export const createOptions = {
  bundle: { alias: 'b', type: 'string', default: '.', describe: 'path to the root of the bundle directory' },
  'console-socket': { type: 'string', describe: 'path to an AF_UNIX socket which will receive the pty master fd' },
  'pid-file': { type: 'string', describe: 'file to write the process id to' },
  'no-pivot': { type: 'boolean', describe: 'do not use pivot root to jail process inside rootfs' },
  'no-new-keyring': { type: 'boolean', describe: 'do not create a new session keyring for the container' },
  'preserve-fds': { type: 'number', default: 0, describe: 'pass N additional file descriptors to the container' },
  'pidfd-socket': { type: 'string', describe: 'path to an AF_UNIX socket which will receive the pidfd of the container process' },
} as const;

export function createArgsToOptions(a: CreateArgs) {
  return {
    root: a.root,
    systemdCgroup: a['systemd-cgroup'],
    id: a.id,
    bundle: a.bundle,
    consoleSocket: a['console-socket'],
    pidFile: a['pid-file'],
    noPivot: a['no-pivot'],
    noNewKeyring: a['no-new-keyring'],
    preserveFds: a['preserve-fds'],
    pidfdSocket: a['pidfd-socket'],
  };
}

export const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <id>',
  describe: 'create a container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }).options(createOptions) as never,
  handler: async (a) => {
    const { create } = await import('../../lifecycle/create.js');
    create(createArgsToOptions(a));
  },
};
