// Who owns a container, as `list` shows it: the user owning its state
// directory (runc's rule), by name from /etc/passwd, else "#<uid>".
import { readFileSync, statSync } from 'node:fs';

export function userName(uid: number, passwd?: string): string {
  let text = passwd;
  if (text === undefined) {
    try {
      text = readFileSync('/etc/passwd', 'utf8');
    } catch {
      text = '';
    }
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[2] === String(uid) && f[0]) return f[0];
  }
  return `#${uid}`;
}

export function dirOwner(dir: string): string | undefined {
  try {
    return userName(statSync(dir).uid);
  } catch {
    return undefined;
  }
}
