import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

interface KillArgs extends GlobalArgs {
  id: string;
  signal: string;
  all?: boolean;
}

export const killCommand: CommandModule<GlobalArgs, KillArgs> = {
  command: 'kill <id> [signal]',
  describe: 'kill sends the specified signal (default: SIGTERM) to the container\'s init process',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('signal', { type: 'string', default: 'SIGTERM' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'send the specified signal to all processes inside the container' }) as never,
  handler: async (a) => {
    const [{ kill }, { parseSignal }] = await Promise.all([import('../../lifecycle/kill.js'), import('../../lifecycle/signals.js')]);
    kill({ root: a.root, id: a.id, signal: parseSignal(String(a.signal)), all: a.all });
  },
};
