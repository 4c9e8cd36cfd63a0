// A pid alone can be reused; a pid plus its start time (field 22 of
// /proc/<pid>/stat, in clock ticks since boot) names one process for good.
import { readFileSync } from 'node:fs';

export interface ProcStat {
  state: string;
  startTime: string;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); start time is field 22.
  const startTime = fields[19];
  const state = fields[0];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

/** True while the process that had this pid and start time is alive (zombies count as dead). */
export function isSameProcessAlive(pid: number, startTime: string): boolean {
  if (!pid || pid <= 0) return false;
  const stat = readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X';
}
