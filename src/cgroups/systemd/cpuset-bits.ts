// A cpuset list ("0-3,8") as the byte mask systemd's AllowedCPUs= and
// AllowedMemoryNodes= take over D-Bus: bit n of byte n/8 is cpu n, no
// trailing zero bytes, never empty.

const MAX_CPUS = 1 << 20;

/** Throws a message naming the bad element. */
export function cpusetToBits(list: string): number[] {
  const bytes: number[] = [];
  const set = (n: number) => {
    const i = Math.floor(n / 8);
    while (bytes.length <= i) bytes.push(0);
    bytes[i]! |= 1 << n % 8;
  };
  const num = (s: string, whole: string): number => {
    if (!/^\d+$/.test(s)) throw new Error(`invalid cpuset element ${JSON.stringify(whole)}`);
    // A mask for millions of cpus is a typo, not a machine.
    if (Number(s) >= MAX_CPUS) throw new Error(`cpuset element ${JSON.stringify(whole)} is out of range`);
    return Number(s);
  };
  for (const raw of list.split(',')) {
    const element = raw.trim();
    if (element === '') continue; // "0,,1" and a trailing comma are harmless
    const dash = element.indexOf('-');
    if (dash < 0) {
      set(num(element, element));
      continue;
    }
    const start = num(element.slice(0, dash), element);
    const end = num(element.slice(dash + 1), element);
    if (start > end) throw new Error(`invalid cpuset range ${JSON.stringify(element)}`);
    for (let n = start; n <= end; n++) set(n);
  }
  if (bytes.length === 0) throw new Error('empty cpuset');
  return bytes;
}
