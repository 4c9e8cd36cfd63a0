// What running one hook produced, and the error text when it failed.
export interface HookOutcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | string | null;
  timedOut: boolean;
  /** the hook could not be started at all */
  spawnError?: string;
}

/** The hook's environment is exactly its `env` list, nothing inherited. */
export function envObject(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

export function failed(o: HookOutcome): boolean {
  return o.timedOut || o.spawnError !== undefined || o.code !== 0;
}

export function describeFailure(o: HookOutcome, timeout?: number): string {
  let why: string;
  if (o.spawnError) why = o.spawnError;
  else if (o.timedOut) why = `timed out after ${timeout}s`;
  else if (o.signal) why = `killed by signal ${o.signal}`;
  else why = `exit status ${o.code}`;
  const parts = [why];
  if (o.stdout.trim()) parts.push(`stdout: ${o.stdout.trim()}`);
  if (o.stderr.trim()) parts.push(`stderr: ${o.stderr.trim()}`);
  return parts.join(', ');
}
