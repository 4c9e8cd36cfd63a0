import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export const deleteCommand: CommandModule<GlobalArgs, GlobalArgs & { id: string; force?: boolean }> = {
  command: 'delete <id>',
  aliases: ['del', 'rm'],
  describe: 'delete any resources held by the container',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('force', { alias: 'f', type: 'boolean', describe: 'forcibly delete the container if it is still running (uses SIGKILL)' }) as never,
  handler: async (a) => {
    const { deleteContainer } = await import('../../lifecycle/delete.js');
    deleteContainer({ root: a.root, id: a.id, force: a.force });
  },
};
