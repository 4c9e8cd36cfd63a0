// What tsrun asks its D-Bus helper process and what it answers (JSON over
// stdin and stdout). The lifecycle code is synchronous and D-Bus is not: a
// short-lived child runs the conversation (./helper.ts).
import type { UnitProperty } from './unit-property.js';

/** The hidden command line that makes tsrun act as the helper. */
export const HELPER_COMMAND = '__systemd-dbus';

export type HelperRequest =
  | { op: 'start'; unit: string; properties: UnitProperty[] }
  | { op: 'set'; unit: string; properties: UnitProperty[] }
  | { op: 'stop'; unit: string };

export type HelperReply = { ok: true; warnings: string[] } | { ok: false; error: string };
