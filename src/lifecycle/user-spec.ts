// `exec --user uid[:gid]`: numbers only, parsed strictly. A name is never
// looked up and nothing is silently turned into 0 (CVE-2016-3697,
// CVE-2026-30892).
import { RuntimeError } from '../errors.js';

const MAX_ID = 4294967294; // (uid_t)-1 means "unchanged" to the kernel

function parseId(text: string, what: string, raw: string): number {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) throw new RuntimeError(`invalid --user ${JSON.stringify(raw)}: ${what} must be a decimal number`);
  const n = Number(text);
  if (n > MAX_ID) throw new RuntimeError(`invalid --user ${JSON.stringify(raw)}: ${what} out of range`);
  return n;
}

export function parseUserSpec(raw: string): { uid: number; gid?: number } {
  const parts = raw.split(':');
  if (parts.length > 2) throw new RuntimeError(`invalid --user ${JSON.stringify(raw)}: expected uid[:gid]`);
  const uid = parseId(parts[0]!, 'uid', raw);
  return parts.length === 2 ? { uid, gid: parseId(parts[1]!, 'gid', raw) } : { uid };
}
