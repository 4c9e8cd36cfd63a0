import type { CommandModule } from 'yargs';

import type { GlobalArgs } from '../globals.js';

/** Repeatable flags (`--env A=1 --env B=2`) arrive as a value or an array of them. */
function list<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

interface ExecArgs extends GlobalArgs {
  id: string;
  command?: string[];
  process?: string;
  env?: string | string[];
  cwd?: string;
  user?: string;
  'additional-gids'?: number | number[];
  cap?: string | string[];
  'no-new-privs'?: boolean;
  tty?: boolean;
  'console-socket'?: string;
  detach?: boolean;
  'pid-file'?: string;
  'preserve-fds'?: number;
  'ignore-paused'?: boolean;
  'process-label'?: string;
  apparmor?: string;
  cgroup?: string | string[];
  'pidfd-socket'?: string;
}

/** exec options that take a value: the first word after them is not the container id. */
export const EXEC_VALUE_OPTIONS = new Set([
  '--process', '-p', '--env', '-e', '--cwd', '--user', '-u', '--additional-gids', '-g', '--cap', '-c',
  '--console-socket', '--pid-file', '--preserve-fds', '--process-label', '--apparmor', '--cgroup', '--pidfd-socket',
]);

/**
 * runc reads `exec [options] ID COMMAND [ARGS...]` with everything after the
 * id belonging to the command: insert "--" there so no option parser looks
 * at the command's own flags.
 */
export function isolateExecCommand(argv: string[]): string[] {
  const at = argv.indexOf('exec');
  if (at < 0) return argv;
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv;
    if (a.startsWith('-')) {
      if (EXEC_VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    // the container id
    const rest = argv.slice(i + 1);
    return [...argv.slice(0, i + 1), '--', ...(rest[0] === '--' ? rest.slice(1) : rest)];
  }
  return argv;
}

export const execCommand: CommandModule<GlobalArgs, ExecArgs> = {
  command: 'exec <id> [command..]',
  describe: 'execute new process inside the container',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .positional('command', { type: 'string', array: true })
      .option('process', { alias: 'p', type: 'string', describe: 'path to the process.json' })
      .option('env', { alias: 'e', type: 'string', describe: 'set environment variables' })
      .option('cwd', { type: 'string', describe: 'current working directory in the container' })
      .option('user', { alias: 'u', type: 'string', describe: 'UID (format: <uid>[:<gid>])' })
      .option('additional-gids', { alias: 'g', type: 'number', describe: 'additional gids' })
      .option('cap', { alias: 'c', type: 'string', describe: 'add a capability to the bounding set for the process' })
      .option('no-new-privs', { type: 'boolean', describe: 'set the no new privileges value for the process' })
      .option('tty', { alias: 't', type: 'boolean', describe: 'allocate a pseudo-TTY' })
      .option('console-socket', { type: 'string', describe: 'path to an AF_UNIX socket which will receive the pty master fd' })
      .option('detach', { alias: 'd', type: 'boolean', describe: 'detach from the container\'s process' })
      .option('pid-file', { type: 'string', describe: 'specify the file to write the process id to' })
      .option('preserve-fds', { type: 'number', default: 0, describe: 'pass N additional file descriptors to the process' })
      .option('ignore-paused', { type: 'boolean', describe: 'allow exec in a paused container' })
      .option('process-label', { type: 'string', describe: 'set the asm process label for the process commonly used with selinux' })
      .option('apparmor', { type: 'string', describe: 'set the apparmor profile for the process' })
      .option('cgroup', { type: 'string', describe: 'run the process in an (existing) sub-cgroup(s)' })
      .option('pidfd-socket', { type: 'string', describe: 'path to an AF_UNIX socket which will receive the pidfd of the process' }) as never,
  handler: async (a) => {
    const [{ exec }, { RuntimeError }] = await Promise.all([import('../../lifecycle/exec.js'), import('../../errors.js')]);
    if (a['process-label']) throw new RuntimeError('--process-label: SELinux is not available on this host');
    if (a.apparmor) throw new RuntimeError('--apparmor: AppArmor is not available on this host');
    const status = await exec({
      root: a.root,
      id: a.id,
      processFile: a.process,
      // After the "--" isolateExecCommand inserts, yargs leaves the words in `_` (after "exec").
      args: [...(a.command ?? []), ...(a as unknown as { _: unknown[] })._.slice(1)].map(String),
      env: list(a.env),
      cwd: a.cwd,
      user: a.user,
      additionalGids: list(a['additional-gids']),
      caps: list(a.cap),
      noNewPrivileges: a['no-new-privs'],
      tty: a.tty,
      consoleSocket: a['console-socket'],
      detach: a.detach,
      pidFile: a['pid-file'],
      preserveFds: a['preserve-fds'],
      ignorePaused: a['ignore-paused'],
      pidfdSocket: a['pidfd-socket'],
      cgroups: list(a.cgroup),
    });
    process.exit(status);
  },
};
