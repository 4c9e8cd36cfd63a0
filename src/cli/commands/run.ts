import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';
import { type CreateArgs, createArgsToOptions, createOptions } from './create.js';

interface RunArgs extends CreateArgs {
  detach?: boolean;
  keep?: boolean;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run <id>',
  describe: 'create and run a container',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .options(createOptions)
      .option('detach', { alias: 'd', type: 'boolean', describe: 'detach from the container\'s process' })
      .option('keep', { type: 'boolean', describe: 'do not delete the container after it exits' }) as never,
  handler: async (a) => {
    const { run } = await import('../../lifecycle/run.js');
    const status = await run({ ...createArgsToOptions(a), detach: a.detach, keep: a.keep });
    process.exit(status);
  },
};
