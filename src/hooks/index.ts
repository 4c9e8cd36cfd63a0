// Running the hooks of one lifecycle point, with the spec's rules for what
// a failure means (runtime.md, Lifecycle).
import { RuntimeError } from '../errors.js';
import { logger } from '../log/logger.js';
import type { Hook, Hooks, OciState } from '../spec/types.js';
import { describeFailure, failed, type HookOutcome } from './outcome.js';
import { type ContainerTarget, runInContainer } from './run-in-container.js';
import { runInRuntime } from './run-in-runtime.js';

export type HookKind = keyof Hooks;

export class HookError extends RuntimeError {
  constructor(
    readonly kind: HookKind,
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'HookError';
  }
}

function runOne(kind: HookKind, hook: Hook, state: string, target: ContainerTarget | undefined): HookOutcome {
  switch (kind) {
    case 'createContainer':
      return runInContainer(hook, state, target!, 'runtime');
    case 'startContainer':
      return runInContainer(hook, state, target!, 'container');
    default:
      return runInRuntime(hook, state);
  }
}

/**
 * Runs every hook of `kind` in order. A failure throws a HookError, except
 * for poststop, where it is a warning and the rest still run.
 */
export function runHooks(kind: HookKind, hooks: Hooks | undefined, state: OciState, target?: ContainerTarget): void {
  const list = hooks?.[kind] ?? [];
  if (list.length === 0) return;
  const stdin = JSON.stringify(state);
  list.forEach((hook, i) => {
    const outcome = runOne(kind, hook, stdin, target);
    if (!failed(outcome)) return;
    const message = `error running ${kind} hook #${i} (${hook.path}): ${describeFailure(outcome, hook.timeout)}`;
    if (kind === 'poststop') {
      logger.warn(message);
      return;
    }
    throw new HookError(kind, i, message);
  });
}
