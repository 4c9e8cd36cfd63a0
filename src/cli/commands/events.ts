import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

interface EventsArgs extends GlobalArgs {
  id: string;
  interval: string;
  stats?: boolean;
}

export const eventsCommand: CommandModule<GlobalArgs, EventsArgs> = {
  command: 'events <id>',
  describe: 'display container events such as OOM notifications, cpu, memory, and IO usage statistics',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('interval', { type: 'string', default: '5s', describe: 'set the stats collection interval' })
      .option('stats', { type: 'boolean', describe: "display the container's stats then exit" }) as never,
  handler: async (a) => {
    const { events, parseGoDuration } = await import('../../lifecycle/events.js');
    const { formatLine, logger } = await import('../../log/logger.js');
    let intervalNs: bigint;
    try {
      intervalNs = parseGoDuration(String(a.interval));
    } catch {
      throw new Error(`invalid value ${JSON.stringify(String(a.interval))} for flag -interval: parse error`);
    }
    // A reader that went away (EPIPE) ends the stream.
    process.stdout.on('error', () => process.exit(1));
    await events({
      root: a.root,
      id: a.id,
      stats: a.stats,
      intervalNs,
      write: (line) => process.stdout.write(line),
      onError: (e) => {
        logger.error(e.message);
        process.stderr.write(formatLine('error', e.message, 'text'));
      },
    });
  },
};
