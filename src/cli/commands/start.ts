import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export const startCommand: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'start <id>',
  describe: 'executes the user defined process in a created container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }) as never,
  handler: async (a) => {
    const { start } = await import('../../lifecycle/start.js');
    start({ root: a.root, id: a.id });
  },
};
