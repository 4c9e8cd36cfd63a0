// How a failed command ends: one line on stderr, an error line in --log,
// exit status 1.
import { formatLine, logger } from '../log/logger.js';

export function reportFailure(e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  logger.error(msg);
  process.stderr.write(formatLine('error', msg, 'text'));
  process.exit(1);
}
