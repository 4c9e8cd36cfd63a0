// Talks to systemd's manager on the system bus (dbus-next, loaded only
// here): start a transient unit and wait for its job, change a unit's
// properties, stop it. Runs in the helper process (./helper.ts).
import { existsSync } from 'node:fs';

import type { MessageBus, Message as DBusMessage } from 'dbus-next';

import type { UnitProperty } from './unit-property.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const DEFAULT_BUS = 'unix:path=/run/dbus/system_bus_socket';
/** How long systemd may take to run a start or stop job (runc's limit). */
const JOB_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

type DBus = typeof import('dbus-next');

/** An error systemd (or the bus) answered with: its D-Bus name and text. */
export class SystemdError extends Error {
  constructor(
    readonly dbusName: string,
    text: string,
  ) {
    super(text);
  }
}

function busAddress(): string {
  return process.env.DBUS_SYSTEM_BUS_ADDRESS || DEFAULT_BUS;
}

/** The socket path of a unix:path= address, to tell "no bus" from other failures. */
function socketPath(address: string): string | undefined {
  const m = /^unix:(?:.*,)?path=([^,;]+)/.exec(address);
  return m?.[1];
}

export class SystemdClient {
  private version?: number;
  /** JobRemoved results by job path, kept from the moment we connect */
  private readonly jobs = new Map<string, string>();
  private readonly waiters = new Map<string, (result: string) => void>();

  /** `connect()` is the way in; tests hand in a fake bus. */
  constructor(
    private readonly dbus: DBus,
    private readonly bus: MessageBus,
  ) {
    bus.on('message', (msg: DBusMessage) => {
      if (msg.type !== dbus.MessageType.SIGNAL || msg.interface !== MANAGER || msg.member !== 'JobRemoved') return;
      const [, job, , result] = msg.body as [number, string, string, string];
      const waiter = this.waiters.get(job);
      if (waiter) waiter(result);
      else this.jobs.set(job, result);
    });
  }

  static async connect(): Promise<SystemdClient> {
    const address = busAddress();
    const path = socketPath(address);
    if (path && !existsSync(path)) throw new Error(`cannot reach systemd: the system bus socket ${path} does not exist (is dbus running?)`);
    const dbus = await import('dbus-next');
    dbus.setBigIntCompat(false);
    const bus = dbus.systemBus({ busAddress: address } as never);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cannot reach systemd: no answer from the system bus at ${address}`)), CONNECT_TIMEOUT_MS);
      bus.on('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      bus.on('error', (e: Error) => {
        clearTimeout(timer);
        reject(new Error(`cannot reach systemd over the system bus at ${address}: ${e.message ?? String(e)}`));
      });
    });
    const client = new SystemdClient(dbus, bus);
    // JobRemoved goes to the clients that asked for the job; the match lets it through to us.
    await client.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [
      `type='signal',sender='${SYSTEMD}',path='${MANAGER_PATH}',interface='${MANAGER}',member='JobRemoved'`,
    ]);
    return client;
  }

  close(): void {
    this.bus.disconnect();
  }

  private async call(destination: string, path: string, iface: string, member: string, signature: string, body: unknown[]): Promise<DBusMessage | null> {
    try {
      return await this.bus.call(new this.dbus.Message({ destination, path, interface: iface, member, signature, body }));
    } catch (e) {
      if (e instanceof this.dbus.DBusError) throw new SystemdError(e.type, e.text || e.type);
      throw e;
    }
  }

  private manager(member: string, signature: string, body: unknown[]): Promise<DBusMessage | null> {
    return this.call(SYSTEMD, MANAGER_PATH, MANAGER, member, signature, body);
  }

  /** systemd's version number ("252.39-1~deb12u2" -> 252), read once. */
  async systemdVersion(): Promise<number> {
    if (this.version === undefined) {
      const reply = await this.call(SYSTEMD, MANAGER_PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [MANAGER, 'Version']);
      const text = String((reply?.body[0] as { value?: unknown })?.value ?? '');
      this.version = Number(/v?(\d+)/.exec(text)?.[1] ?? -1);
    }
    return this.version;
  }

  /** The properties as D-Bus (sv) pairs, leaving out those this systemd does not know. */
  private async encode(properties: readonly UnitProperty[]): Promise<unknown[]> {
    const needsVersion = properties.some((p) => p.minVersion !== undefined);
    const version = needsVersion ? await this.systemdVersion() : Infinity;
    return properties
      .filter((p) => p.minVersion === undefined || version >= p.minVersion)
      .map((p) => {
        let value: unknown = p.value;
        if (p.signature === 't') value = BigInt(p.value as string);
        else if (p.signature === 'ay') value = Buffer.from(p.value as number[]);
        return [p.name, new this.dbus.Variant(p.signature, value)];
      });
  }

  private waitForJob(job: string, what: string): Promise<string> {
    const done = this.jobs.get(job);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(job);
        reject(new Error(`timed out waiting for systemd to ${what}`));
      }, JOB_TIMEOUT_MS);
      this.waiters.set(job, (result) => {
        clearTimeout(timer);
        this.waiters.delete(job);
        resolve(result);
      });
    });
  }

  /** StartTransientUnit (mode "replace"); resolves once the job is done. */
  async startTransientUnit(unit: string, properties: readonly UnitProperty[]): Promise<void> {
    const props = await this.encode(properties);
    let reply: DBusMessage | null;
    try {
      reply = await this.manager('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', props, []]);
    } catch (e) {
      // A failed unit of the same name lingers until reset: clear it and try once more.
      if (!(e instanceof SystemdError) || e.dbusName !== `${SYSTEMD}.UnitExists`) throw e;
      await this.resetFailedUnit(unit);
      reply = await this.manager('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', props, []]);
    }
    const result = await this.waitForJob(String(reply?.body[0]), `start ${unit}`);
    if (result !== 'done') {
      await this.resetFailedUnit(unit);
      throw new Error(`systemd could not start ${unit}: the job ended "${result}"`);
    }
  }

  /** SetUnitProperties with runtime=true: the change lasts until reboot. */
  async setUnitProperties(unit: string, properties: readonly UnitProperty[]): Promise<void> {
    const props = await this.encode(properties);
    if (props.length > 0) await this.manager('SetUnitProperties', 'sba(sv)', [unit, true, props]);
  }

  /** StopUnit and wait; a unit already gone is fine. Returns a warning, if any. */
  async stopUnit(unit: string): Promise<string | undefined> {
    let warning: string | undefined;
    try {
      const reply = await this.manager('StopUnit', 'ss', [unit, 'replace']);
      const result = await this.waitForJob(String(reply?.body[0]), `stop ${unit}`);
      if (result !== 'done') warning = `stopping ${unit}: the job ended "${result}"`;
    } catch (e) {
      if (!(e instanceof SystemdError) || e.dbusName !== `${SYSTEMD}.NoSuchUnit`) throw e;
    }
    // a scope whose processes were killed may be left "failed": let systemd forget it
    await this.resetFailedUnit(unit);
    return warning;
  }

  async resetFailedUnit(unit: string): Promise<void> {
    try {
      await this.manager('ResetFailedUnit', 's', [unit]);
    } catch {
      // not loaded or not failed: nothing to reset
    }
  }
}
