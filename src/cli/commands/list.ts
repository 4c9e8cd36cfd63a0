import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

interface ListArgs extends GlobalArgs {
  format: 'table' | 'json';
  quiet?: boolean;
}

function pad(s: string, width: number): string {
  return s.length >= width ? `${s}   ` : s.padEnd(width + 3);
}

export const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'lists containers started by tsrun with the given root',
  builder: (y) =>
    y
      .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'display only container IDs' }) as never,
  handler: async (a) => {
    const { list } = await import('../../lifecycle/state.js');
    // runc's words, on stderr: stdout stays a clean table or JSON.
    const states = list({ root: a.root }, (id, e) => process.stderr.write(`load container ${id}: ${e.message}\n`));
    if (a.quiet) {
      for (const s of states) process.stdout.write(`${s.id}\n`);
      return;
    }
    if (a.format === 'json') {
      process.stdout.write(`${JSON.stringify(states)}\n`);
      return;
    }
    const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
    for (const s of states) rows.push([s.id, String(s.pid ?? 0), s.status, s.bundle, s.created, s.owner || 'root']);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('')}\n`);
  },
};
