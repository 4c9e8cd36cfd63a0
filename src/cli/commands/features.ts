import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export const featuresCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'features',
  describe: 'show the enabled features',
  handler: async () => {
    const { features } = await import('../../lifecycle/features.js');
    process.stdout.write(`${JSON.stringify(features(), null, '    ')}\n`);
  },
};
