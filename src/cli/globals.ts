// Global flags every command accepts, as runc spells them.
import type { Argv } from 'yargs';

export interface GlobalArgs {
  root?: string;
  log?: string;
  'log-format'?: 'text' | 'json';
  debug?: boolean;
  'systemd-cgroup'?: boolean;
  rootless?: string;
}

export function withGlobals<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('root', { type: 'string', describe: 'root directory for storage of container state', default: undefined })
    .option('log', { type: 'string', describe: 'set the log file to write tsrun logs to' })
    .option('log-format', { choices: ['text', 'json'] as const, describe: 'set the log format', default: 'text' as const })
    .option('debug', { type: 'boolean', describe: 'enable debug logging' })
    .option('systemd-cgroup', { type: 'boolean', describe: 'manage cgroups through systemd (needs systemd as init)' })
    .option('rootless', { type: 'string', describe: 'ignore cgroup permission errors (true, false, auto)' }) as Argv<T & GlobalArgs>;
}
