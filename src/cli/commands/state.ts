import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export const stateCommand: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'state <id>',
  describe: 'output the state of a container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }) as never,
  handler: async (a) => {
    const { state } = await import('../../lifecycle/state.js');
    process.stdout.write(`${JSON.stringify(state({ root: a.root, id: a.id }), null, '  ')}\n`);
  },
};
