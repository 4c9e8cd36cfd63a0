// Runs one systemd request through the D-Bus helper process and waits for
// it: the synchronous face of ./dbus-client.ts for the lifecycle code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { RuntimeError } from '../../errors.js';
import { logger } from '../../log/logger.js';
import { HELPER_COMMAND, type HelperReply, type HelperRequest } from './helper-protocol.js';

/** Longer than the helper's own limits (connect, then a 30 s job). */
const HELPER_TIMEOUT_MS = 90_000;

/** The compiled tsrun runs itself; under Node, the CLI's entry script. */
function helperArgv(): string[] {
  if (process.argv[1]?.startsWith('/$bunfs/')) return [process.execPath, HELPER_COMMAND];
  return [process.execPath, fileURLToPath(new URL('../../cli/bin.js', import.meta.url)), HELPER_COMMAND];
}

/** Throws a RuntimeError with systemd's answer; logs the helper's warnings. */
export function callSystemd(request: HelperRequest): void {
  const [command, ...args] = helperArgv();
  const run = spawnSync(command!, args, { input: JSON.stringify(request), encoding: 'utf8', timeout: HELPER_TIMEOUT_MS });
  if (run.error) throw new RuntimeError(`systemd cgroup driver: cannot run the D-Bus helper: ${run.error.message}`);
  let reply: HelperReply;
  try {
    reply = JSON.parse(run.stdout) as HelperReply;
  } catch {
    const why = run.signal ? `killed by ${run.signal}` : `exit status ${run.status}`;
    throw new RuntimeError(`systemd cgroup driver: the D-Bus helper failed (${why}): ${run.stderr.trim() || 'no output'}`);
  }
  if (!reply.ok) throw new RuntimeError(reply.error);
  for (const w of reply.warnings) logger.warn(w);
}
