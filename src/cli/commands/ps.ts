import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

interface PsArgs extends GlobalArgs {
  id: string;
  format: 'table' | 'json';
  psArgs?: string[];
}

export const psCommand: CommandModule<GlobalArgs, PsArgs> = {
  command: 'ps <id> [psArgs..]',
  describe: 'ps displays the processes running inside a container',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('psArgs', { type: 'string', array: true })
      .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const }) as never,
  handler: async (a) => {
    const ps = await import('../../lifecycle/ps.js');
    const psArgs = [...(a.psArgs ?? []), ...(a as unknown as { _: unknown[] })._.slice(1)].map(String);
    if (a.format === 'json') {
      if (psArgs.length > 0) throw new Error('ps options cannot be used with --format json');
      process.stdout.write(`${JSON.stringify(ps.containerPids({ root: a.root, id: a.id }))}\n`);
      return;
    }
    process.stdout.write(ps.psTable({ root: a.root, id: a.id, psArgs }));
  },
};
