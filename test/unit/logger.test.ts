// Unit tests for src/log/logger.ts: runc-compatible --log / --log-format.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { configureLogger, formatLine, log, logger, rfc3339 } from '../../src/log/logger.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsrun-logger-test-'));
t.teardown(() => {
  configureLogger({});
  rmSync(tmp, { recursive: true, force: true });
});

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Runs fn with process.stderr.write captured. */
function captureStderr(fn: () => void): string {
  const orig = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = orig;
  }
  return out;
}

t.test('rfc3339', async (t) => {
  t.equal(rfc3339(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))), '2024-01-02T03:04:05Z', 'UTC, milliseconds dropped');
  t.equal(rfc3339(new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 0))), '1999-12-31T23:59:59Z');
  t.match(rfc3339(), RFC3339_SECONDS, 'now');
  const parsed = Date.parse(rfc3339());
  t.ok(Math.abs(parsed - Date.now()) < 5000, 'now is now');
});

t.test('formatLine json', async (t) => {
  const line = formatLine('error', 'container "x" does not exist\nsecond line', 'json', '2024-01-02T03:04:05Z');
  t.ok(line.endsWith('\n'), 'newline terminated');
  t.equal(line.indexOf('\n'), line.length - 1, 'exactly one line, even with a newline in msg');
  const obj = JSON.parse(line) as Record<string, unknown>;
  t.same(Object.keys(obj), ['level', 'msg', 'time'], 'level, msg, time (logrus order)');
  t.strictSame(obj, { level: 'error', msg: 'container "x" does not exist\nsecond line', time: '2024-01-02T03:04:05Z' });
  t.equal(line, '{"level":"error","msg":"container \\"x\\" does not exist\\nsecond line","time":"2024-01-02T03:04:05Z"}\n');

  const now = JSON.parse(formatLine('info', 'hi', 'json')) as { time: string };
  t.match(now.time, RFC3339_SECONDS, 'default time is RFC3339 without fractional seconds');
  for (const level of ['debug', 'info', 'warning', 'error'] as const) {
    t.equal((JSON.parse(formatLine(level, 'm', 'json')) as { level: string }).level, level);
  }
});

t.test('formatLine text', async (t) => {
  t.equal(formatLine('info', 'hello', 'text', '2024-01-02T03:04:05Z'), 'time="2024-01-02T03:04:05Z" level=info msg="hello"\n');
  t.equal(
    formatLine('warning', 'say "hi"\tnow\n', 'text', '2024-01-02T03:04:05Z'),
    'time="2024-01-02T03:04:05Z" level=warning msg="say \\"hi\\"\\tnow\\n"\n',
    'quotes, tabs and newlines escaped: one line',
  );
  t.match(formatLine('error', 'x', 'text'), /^time="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z" level=error msg="x"\n$/);
});

t.test('log() appends JSON lines to the file', async (t) => {
  const file = join(tmp, 'json.log');
  configureLogger({ file, format: 'json' });
  log('info', 'one');
  logger.warn('two');
  logger.error('three');
  logger.debug('hidden debug');
  const lines = readFileSync(file, 'utf8').split('\n');
  t.equal(lines.pop(), '', 'file ends with a newline');
  t.equal(lines.length, 3, 'three lines; debug suppressed');
  const objs = lines.map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
  t.same(objs.map((o) => [o.level, o.msg]), [
    ['info', 'one'],
    ['warning', 'two'],
    ['error', 'three'],
  ]);
  for (const o of objs) t.match(o.time, RFC3339_SECONDS);

  // appends, never truncates
  configureLogger({ file, format: 'json' });
  logger.info('four');
  t.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4, 'appended');
  // the last error line is what containerd reads
  const last = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string }).filter((o) => o.level === 'error').pop();
  t.equal(last?.msg, 'three');
});

t.test('debug is written only with debug on', async (t) => {
  const file = join(tmp, 'debug.log');
  configureLogger({ file, format: 'text', debug: false });
  logger.debug('d1');
  t.notOk(existsSync(file), 'nothing written for debug without --debug');
  configureLogger({ file, format: 'text', debug: true });
  logger.debug('d2');
  logger.info('i1');
  const text = readFileSync(file, 'utf8');
  t.notMatch(text, /d1/);
  t.match(text, /level=debug msg="d2"/);
  t.match(text, /level=info msg="i1"/);
  t.equal(text.trim().split('\n').length, 2);
});

t.test('without a log file, stderr stays quiet unless --debug (it may be the container\'s)', async (t) => {
  configureLogger({});
  const quiet = captureStderr(() => {
    logger.info('info');
    logger.warn('warning');
    logger.error('errors are printed by the CLI, not the logger');
  });
  t.equal(quiet, '');
  configureLogger({ debug: true });
  const out = captureStderr(() => {
    logger.info('to stderr');
    logger.error('errors are printed by the CLI, not the logger');
  });
  t.match(out, /^time="[^"]+" level=info msg="to stderr"\n$/);

  // an unwritable log file falls back to stderr (with --debug)
  configureLogger({ file: join(tmp, 'no-such-dir', 'x.log'), format: 'json', debug: true });
  const fallback = captureStderr(() => logger.warn('fallback'));
  t.same(JSON.parse(fallback), { level: 'warning', msg: 'fallback', time: (JSON.parse(fallback) as { time: string }).time });
  configureLogger({});
});
