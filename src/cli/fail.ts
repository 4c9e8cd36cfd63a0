// How a failed command ends: one line on stderr, an error line in --log,
// exit status 1. Like runc: with a log file the stderr line is the bare
// message, without one it is a log line itself.
import { formatLine, hasLogFile, logger } from '../log/logger.js';

export function reportFailure(e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  logger.error(msg);
  process.stderr.write(hasLogFile() ? `${msg}\n` : formatLine('error', msg, 'text'));
  process.exit(1);
}
