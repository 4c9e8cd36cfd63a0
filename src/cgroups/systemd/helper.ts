// The D-Bus helper process: reads one request on stdin, carries it out with
// systemd and writes the reply on stdout. Only this process loads dbus-next.
import { readFileSync } from 'node:fs';

import type { HelperReply, HelperRequest } from './helper-protocol.js';

async function carryOut(request: HelperRequest): Promise<string[]> {
  const { SystemdClient } = await import('./dbus-client.js');
  const client = await SystemdClient.connect();
  try {
    switch (request.op) {
      case 'start':
        await client.startTransientUnit(request.unit, request.properties);
        return [];
      case 'set':
        await client.setUnitProperties(request.unit, request.properties);
        return [];
      case 'stop': {
        const warning = await client.stopUnit(request.unit);
        return warning ? [warning] : [];
      }
    }
  } finally {
    client.close();
  }
}

export async function helperMain(): Promise<void> {
  // dbus-next also rejects a promise nobody holds when the bus goes away;
  // the 'error' event has told us already.
  process.on('unhandledRejection', () => {});
  let reply: HelperReply;
  try {
    const request = JSON.parse(readFileSync(0, 'utf8')) as HelperRequest;
    reply = { ok: true, warnings: await carryOut(request) };
  } catch (e) {
    reply = { ok: false, error: (e as Error).message ?? String(e) };
  }
  process.stdout.write(JSON.stringify(reply), () => process.exit(0));
}
