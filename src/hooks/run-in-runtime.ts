// Hooks that run in the runtime namespace (prestart, createRuntime,
// poststart, poststop): an ordinary child of tsrun.
import { spawnSync } from 'node:child_process';

import type { Hook } from '../spec/types.js';
import type { HookOutcome } from './outcome.js';
import { envObject } from './outcome.js';

export function runInRuntime(hook: Hook, state: string): HookOutcome {
  const args = hook.args ?? [hook.path];
  const r = spawnSync(hook.path, args.slice(1), {
    argv0: args[0] ?? hook.path,
    env: envObject(hook.env),
    // A hook that never reads its stdin must not fail the operation.
    input: state,
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return {
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    code: r.status,
    signal: r.signal,
    timedOut,
    spawnError: r.error && !timedOut ? r.error.message : undefined,
  };
}
