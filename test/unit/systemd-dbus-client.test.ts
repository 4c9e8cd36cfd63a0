// Unit tests for the systemd D-Bus client's conversation logic against a
// fake bus: jobs are awaited through JobRemoved, a lingering unit is reset
// and retried, failed jobs are errors, values get their D-Bus types.
import { EventEmitter } from 'node:events';

import * as dbus from 'dbus-next';
import t from 'tap';

import { SystemdClient, SystemdError } from '../../src/cgroups/systemd/dbus-client.js';
import type { UnitProperty } from '../../src/cgroups/systemd/unit-property.js';

type Reply = { body: unknown[] } | Error;

/** Answers calls from a script keyed by member name, and records them. */
class FakeBus extends EventEmitter {
  calls: dbus.Message[] = [];
  jobs = 0;
  constructor(private readonly answer: (msg: dbus.Message, bus: FakeBus) => Reply | undefined) {
    super();
  }
  async call(msg: dbus.Message): Promise<dbus.Message | null> {
    this.calls.push(msg);
    const r = this.answer(msg, this) ?? { body: [] };
    if (r instanceof Error) throw r;
    return r as dbus.Message;
  }
  disconnect(): void {}
  /** A new job path, with its JobRemoved sent right after the reply. */
  job(unit: string, result = 'done'): { body: unknown[] } {
    const path = `/org/freedesktop/systemd1/job/${++this.jobs}`;
    setImmediate(() => this.emit('message', { type: dbus.MessageType.SIGNAL, interface: 'org.freedesktop.systemd1.Manager', member: 'JobRemoved', body: [this.jobs, path, unit, result] }));
    return { body: [path] };
  }
  members(): string[] {
    return this.calls.map((c) => c.member);
  }
}

const client = (bus: FakeBus) => new SystemdClient(dbus, bus as unknown as dbus.MessageBus);
const version = (v: string): Reply => ({ body: [new dbus.Variant('s', v)] });

t.test('startTransientUnit sends typed properties and waits for the job', async (t) => {
  const bus = new FakeBus((msg, b) => (msg.member === 'Get' ? version('252.39-1~deb12u2') : msg.member === 'StartTransientUnit' ? b.job('x.scope') : undefined));
  const props: UnitProperty[] = [
    { name: 'MemoryMax', signature: 't', value: '18446744073709551615' },
    { name: 'AllowedCPUs', signature: 'ay', value: [3], minVersion: 244 },
    { name: 'Future', signature: 'b', value: true, minVersion: 999 },
    { name: 'PIDs', signature: 'au', value: [42] },
  ];
  await client(bus).startTransientUnit('x.scope', props);
  t.same(bus.members(), ['Get', 'StartTransientUnit']);
  const start = bus.calls[1]!;
  t.equal(start.signature, 'ssa(sv)a(sa(sv))');
  t.equal(start.body[0], 'x.scope');
  t.equal(start.body[1], 'replace');
  const sent = start.body[2] as [string, dbus.Variant][];
  t.same(sent.map(([n]) => n), ['MemoryMax', 'AllowedCPUs', 'PIDs'], 'a property this systemd is too old for is left out');
  t.equal(sent[0]![1].value, 18446744073709551615n, "'t' as a BigInt");
  t.ok(Buffer.isBuffer(sent[1]![1].value), "'ay' as bytes");
});

t.test('a JobRemoved that arrives before we wait for it still counts', async (t) => {
  // this job's JobRemoved is never sent after the reply
  const bus = new FakeBus((msg) => (msg.member === 'StartTransientUnit' ? { body: ['/org/freedesktop/systemd1/job/1'] } : undefined));
  const c = client(bus);
  // the signal is delivered before the reply is looked at
  bus.emit('message', { type: dbus.MessageType.SIGNAL, interface: 'org.freedesktop.systemd1.Manager', member: 'JobRemoved', body: [1, '/org/freedesktop/systemd1/job/1', 'x.scope', 'done'] });
  await c.startTransientUnit('x.scope', []);
  t.pass('done');
});

t.test('a unit that exists already is reset and started once more', async (t) => {
  let starts = 0;
  const bus = new FakeBus((msg, b) => {
    if (msg.member !== 'StartTransientUnit') return undefined;
    if (starts++ === 0) return new dbus.DBusError('org.freedesktop.systemd1.UnitExists', 'Unit x.scope was already loaded or has a fragment file.');
    return b.job('x.scope');
  });
  await client(bus).startTransientUnit('x.scope', []);
  t.same(bus.members(), ['StartTransientUnit', 'ResetFailedUnit', 'StartTransientUnit']);

  const stuck = new FakeBus((msg) => (msg.member === 'StartTransientUnit' ? new dbus.DBusError('org.freedesktop.systemd1.UnitExists', 'Unit x.scope already exists.') : undefined));
  await t.rejects(client(stuck).startTransientUnit('x.scope', []), { message: 'Unit x.scope already exists.', dbusName: 'org.freedesktop.systemd1.UnitExists' }, 'still there: the error says so');
  t.type(await client(stuck).startTransientUnit('x.scope', []).catch((e) => e), SystemdError);
});

t.test('a failed start job is an error and the unit is reset', async (t) => {
  const bus = new FakeBus((msg, b) => (msg.member === 'StartTransientUnit' ? b.job('x.scope', 'failed') : undefined));
  await t.rejects(client(bus).startTransientUnit('x.scope', []), { message: /systemd could not start x.scope: the job ended "failed"/ });
  t.same(bus.members(), ['StartTransientUnit', 'ResetFailedUnit']);
});

t.test('stopUnit waits for the job; a unit already gone is fine', async (t) => {
  const bus = new FakeBus((msg, b) => (msg.member === 'StopUnit' ? b.job('x.scope') : undefined));
  t.equal(await client(bus).stopUnit('x.scope'), undefined);
  t.same(bus.members(), ['StopUnit', 'ResetFailedUnit']);

  const gone = new FakeBus((msg) => (msg.member === 'StopUnit' ? new dbus.DBusError('org.freedesktop.systemd1.NoSuchUnit', 'Unit x.scope not loaded.') : undefined));
  t.equal(await client(gone).stopUnit('x.scope'), undefined, 'NoSuchUnit is no error');

  const odd = new FakeBus((msg, b) => (msg.member === 'StopUnit' ? b.job('x.scope', 'canceled') : undefined));
  t.match(await client(odd).stopUnit('x.scope'), /the job ended "canceled"/, 'an unusual end is a warning');

  const denied = new FakeBus((msg) => (msg.member === 'StopUnit' ? new dbus.DBusError('org.freedesktop.DBus.Error.AccessDenied', 'Access denied') : undefined));
  await t.rejects(client(denied).stopUnit('x.scope'), { message: 'Access denied' }, 'other errors are errors');
});

t.test('setUnitProperties: runtime=true, nothing sent when nothing is left', async (t) => {
  const bus = new FakeBus(() => undefined);
  await client(bus).setUnitProperties('x.scope', [{ name: 'TasksMax', signature: 't', value: '60' }]);
  t.equal(bus.calls[0]!.member, 'SetUnitProperties');
  t.equal(bus.calls[0]!.signature, 'sba(sv)');
  t.equal(bus.calls[0]!.body[1], true);
  const none = new FakeBus((msg) => (msg.member === 'Get' ? version('230') : undefined));
  await client(none).setUnitProperties('x.scope', [{ name: 'AllowedCPUs', signature: 'ay', value: [1], minVersion: 244 }]);
  t.same(none.members(), ['Get'], 'systemd 230 gets no AllowedCPUs, and no empty call');
});
