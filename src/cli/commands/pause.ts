import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

export const pauseCommand: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'pause <id>',
  describe: 'pause suspends all processes inside the container',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }) as never,
  handler: async (a) => {
    const { pause } = await import('../../lifecycle/pause.js');
    pause({ root: a.root, id: a.id });
  },
};

export const resumeCommand: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'resume <id>',
  describe: 'resumes all processes that have been previously paused',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }) as never,
  handler: async (a) => {
    const { resume } = await import('../../lifecycle/pause.js');
    resume({ root: a.root, id: a.id });
  },
};
