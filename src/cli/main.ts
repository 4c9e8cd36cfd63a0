// The tsrun command line: global flags, then one module per command. Each
// command loads its runtime code only when it runs.
import { existsSync } from 'node:fs';

import yargs from 'yargs/yargs';

import { configureLogger } from '../log/logger.js';
import { setRootlessMode } from '../util/rootless.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { eventsCommand } from './commands/events.js';
import { execCommand, isolateExecCommand } from './commands/exec.js';
import { featuresCommand } from './commands/features.js';
import { killCommand } from './commands/kill.js';
import { listCommand } from './commands/list.js';
import { pauseCommand, resumeCommand } from './commands/pause.js';
import { psCommand } from './commands/ps.js';
import { updateCommand } from './commands/update.js';
import { runCommand } from './commands/run.js';
import { specCommand } from './commands/spec.js';
import { startCommand } from './commands/start.js';
import { stateCommand } from './commands/state.js';
import { reportFailure } from './fail.js';
import { type GlobalArgs, withGlobals } from './globals.js';
import { VERSION_TEXT } from './version.js';

/** `update --resources -` means stdin: glue the "-" to its flag so the parser keeps it as the value. */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '--resources' || a === '-r') && argv[i + 1] === '-') {
      out.push('--resources=-');
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** --log and --log-format, read before parsing so parse errors reach the log file too. */
function earlyLogOptions(argv: string[]): { file?: string; format?: 'text' | 'json'; debug?: boolean } {
  const out: { file?: string; format?: 'text' | 'json'; debug?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--log') out.file = value();
    else if (flag === '--log-format') out.format = value() === 'json' ? 'json' : 'text';
    else if (flag === '--debug') out.debug = true;
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  configureLogger(earlyLogOptions(argv));
  if (argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version' || argv[0] === 'version')) {
    process.stdout.write(VERSION_TEXT);
    return;
  }
  const parser = withGlobals(yargs(joinDashValues(isolateExecCommand(argv))))
    .scriptName('tsrun')
    .usage('tsrun [global options] command [command options] <container-id>')
    .command(createCommand)
    .command(startCommand)
    .command(stateCommand)
    .command(killCommand)
    .command(deleteCommand)
    .command(runCommand)
    .command(listCommand)
    .command(specCommand)
    .command(featuresCommand)
    .command(execCommand)
    .command(pauseCommand)
    .command(resumeCommand)
    .command(psCommand)
    .command(updateCommand)
    .command(eventsCommand)
    .middleware((args: GlobalArgs) => {
      configureLogger({ file: args.log, format: args['log-format'], debug: args.debug });
      setRootlessMode(args.rootless);
      // runc's test for a systemd host; on one, create and run use the systemd driver
      if (args['systemd-cgroup'] && !existsSync('/run/systemd/system')) {
        throw new Error('systemd cgroup flag passed, but systemd support for managing cgroups is not available: systemd is not running as init');
      }
    })
    .demandCommand(1, 'a command is required')
    .strict()
    .version(false)
    .help('help')
    .alias('h', 'help')
    // runc's flags include --no-pivot and --no-new-keyring: no automatic negation.
    .parserConfiguration({ 'boolean-negation': false })
    .fail((msg, err) => reportFailure(err ?? new Error(msg)));
  try {
    await parser.parseAsync();
  } catch (e) {
    reportFailure(e);
  }
}
