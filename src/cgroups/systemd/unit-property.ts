// A systemd unit property as tsrun hands it to the D-Bus client: plain JSON
// (it crosses a process boundary), with the D-Bus signature of its value.

export type PropertySignature = 'b' | 's' | 't' | 'au' | 'as' | 'ay' | 'a(ss)';

export interface UnitProperty {
  name: string;
  signature: PropertySignature;
  /** 't' values are decimal strings (JSON has no 64-bit integers), 'ay' a list of bytes */
  value: boolean | string | number[] | string[] | [string, string][];
  /** sent only to a systemd at least this new; older ones learn it from the cgroup file alone */
  minVersion?: number;
}

/** systemd's "infinity" for 64-bit limits (UINT64_MAX). */
export const INFINITY = '18446744073709551615';

export function u64(name: string, value: number | bigint | string, minVersion?: number): UnitProperty {
  const v = BigInt(value);
  // -1 means "no limit" in the config, as Go's uint64(-1) means infinity to systemd
  const text = v < 0n ? INFINITY : v.toString();
  return minVersion === undefined ? { name, signature: 't', value: text } : { name, signature: 't', value: text, minVersion };
}
