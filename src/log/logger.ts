// runc-compatible logging: `--log FILE` with `--log-format text|json`.
// containerd reads the last `"level":"error"` JSON line of the file to learn
// why a command failed, and decodes `time` as RFC3339.
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  file?: string;
  format?: LogFormat;
  debug?: boolean;
}

let options: LoggerOptions = {};

export function configureLogger(opts: LoggerOptions): void {
  options = opts;
}

export function hasLogFile(): boolean {
  return options.file !== undefined;
}

/** RFC3339 in UTC with nanoseconds trimmed, as logrus writes it. */
export function rfc3339(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function quote(s: string): string {
  return JSON.stringify(s);
}

export function formatLine(level: LogLevel, msg: string, format: LogFormat, time = rfc3339()): string {
  if (format === 'json') return `${JSON.stringify({ level, msg, time })}\n`;
  return `time=${quote(time)} level=${level} msg=${quote(msg)}\n`;
}

export function log(level: LogLevel, msg: string): void {
  if (level === 'debug' && !options.debug) return;
  const format = options.format ?? 'text';
  const line = formatLine(level, msg, format);
  if (options.file) {
    try {
      appendFileSync(options.file, line);
      return;
    } catch {
      // fall back to stderr below
    }
  }
  // Without a log file, only --debug sends warnings and debug lines to
  // stderr: in the foreground of `run` that stream is the container's too.
  // Errors are printed by the CLI itself.
  if (level !== 'error' && options.debug) process.stderr.write(line);
}

export const logger = {
  debug: (msg: string) => log('debug', msg),
  info: (msg: string) => log('info', msg),
  warn: (msg: string) => log('warning', msg),
  error: (msg: string) => log('error', msg),
};
