// Unit tests for the systemd driver's unit properties: linux.resources with
// runc's conversions (quota rounding, swap, shares -> weight, cpuset masks),
// the unit's own properties and the device access list.
import t from 'tap';

import { PlanError } from '../../src/errors.js';
import { deviceRules } from '../../src/cgroups/device-rules.js';
import { cpusetToBits } from '../../src/cgroups/systemd/cpuset-bits.js';
import { deviceGroup, deviceProperties } from '../../src/cgroups/systemd/device-properties.js';
import { cpuQuotaProperties, resourcePropertiesV1, resourcePropertiesV2, unifiedProperties, unitProperties } from '../../src/cgroups/systemd/properties.js';
import { parseSystemdPath } from '../../src/cgroups/systemd/unit-path.js';
import { INFINITY, type UnitProperty } from '../../src/cgroups/systemd/unit-property.js';
import { sharesToWeight } from '../../src/cgroups/v2/cpu.js';

/** name -> value, for properties that appear once */
const byName = (props: UnitProperty[]) => Object.fromEntries(props.map((p) => [p.name, p.value]));

t.test('cpusetToBits: little-endian byte mask like systemd wants', async (t) => {
  t.same(cpusetToBits('0'), [1]);
  t.same(cpusetToBits('0-3'), [0x0f]);
  t.same(cpusetToBits('1,3'), [0x0a]);
  t.same(cpusetToBits('8'), [0, 1]);
  t.same(cpusetToBits('0-2,9-10, 12 ,'), [0x07, 0x16]);
  t.same(cpusetToBits('63'), [0, 0, 0, 0, 0, 0, 0, 0x80]);
  for (const bad of ['', ',', 'x', '3-1', '1-', '-1', '1.5', '99999999']) t.throws(() => cpusetToBits(bad), undefined, JSON.stringify(bad));
});

t.test('cpuQuotaProperties: per-second quota rounded up to 10ms, runc style', async (t) => {
  t.same(cpuQuotaProperties(0, 0), []);
  t.same(byName(cpuQuotaProperties(50000, 100000)), { CPUQuotaPeriodUSec: '100000', CPUQuotaPerSecUSec: '500000' });
  t.same(byName(cpuQuotaProperties(12345, 100000)), { CPUQuotaPeriodUSec: '100000', CPUQuotaPerSecUSec: '130000' }, '123450 rounds up to 130000');
  t.same(byName(cpuQuotaProperties(10000, 0)), { CPUQuotaPerSecUSec: '100000' }, 'no period: the default 100ms');
  t.same(byName(cpuQuotaProperties(-1, 50000)), { CPUQuotaPeriodUSec: '50000', CPUQuotaPerSecUSec: INFINITY }, 'no quota: infinity');
  t.same(byName(cpuQuotaProperties(1, 1000000)), { CPUQuotaPeriodUSec: '1000000', CPUQuotaPerSecUSec: '10000' }, '1µs/s is at least 10ms');
  t.equal(cpuQuotaProperties(1, 1000)[0]!.minVersion, 242, 'CPUQuotaPeriodUSec needs systemd 242');
});

t.test('resourcePropertiesV2: runc conversions', async (t) => {
  t.same(resourcePropertiesV2(undefined), []);
  const props = resourcePropertiesV2({
    memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 },
    cpu: { shares: 512, quota: 20000, period: 100000, cpus: '0-1', mems: '0' },
    pids: { limit: 50 },
    blockIO: { weight: 500 },
  });
  t.same(byName(props), {
    MemoryMax: String(64 << 20),
    MemoryLow: String(32 << 20),
    MemorySwapMax: String(32 << 20), // memory+swap minus memory
    CPUWeight: String(sharesToWeight(512)),
    CPUQuotaPeriodUSec: '100000',
    CPUQuotaPerSecUSec: '200000',
    AllowedCPUs: [3],
    AllowedMemoryNodes: [1],
    TasksMax: '50',
    IOWeight: '4950', // 1 + (500-10)*9999/990
  });
  t.equal(props.find((p) => p.name === 'AllowedCPUs')!.minVersion, 244);
  t.equal(props.find((p) => p.name === 'MemoryMax')!.signature, 't');
  t.equal(props.find((p) => p.name === 'AllowedCPUs')!.signature, 'ay');

  t.same(byName(resourcePropertiesV2({ memory: { limit: -1 }, pids: { limit: -1 } })), { MemoryMax: INFINITY, MemorySwapMax: INFINITY, TasksMax: INFINITY }, '-1: infinity, and swap follows an unlimited memory');
  t.same(byName(resourcePropertiesV2({ memory: { limit: 100, swap: 100 } })), { MemoryMax: '100', MemorySwapMax: '0' }, 'swap == limit: no swap');
  t.same(byName(resourcePropertiesV2({ pids: { limit: 0 } })), {}, 'pids 0: not set (runc)');
  t.throws(() => resourcePropertiesV2({ memory: { swap: 100 } }), PlanError, 'swap without a limit');
  t.throws(() => resourcePropertiesV2({ cpu: { shares: 1 } }), { message: /\/linux\/resources\/cpu\/shares/ });
  t.throws(() => resourcePropertiesV2({ cpu: { cpus: '3-1' } }), { message: /\/linux\/resources\/cpu\/cpus: invalid cpuset range "3-1"/ });
});

t.test('unifiedProperties: the keys systemd has properties for', async (t) => {
  t.same(
    byName(unifiedProperties({ 'memory.high': '1000', 'memory.min': 'max', 'pids.max': ' 7 ', 'cpu.weight': '300', 'cpuset.cpus': '2', 'io.max': '8:0 rbps=1', 'memory.oom.group': '1' })),
    { MemoryHigh: '1000', MemoryMin: INFINITY, TasksMax: '7', CPUWeight: '300', AllowedCPUs: [4] },
    'unknown keys are left to the cgroupfs driver',
  );
  t.same(byName(unifiedProperties({ 'cpu.max': '50000 200000' })), { CPUQuotaPeriodUSec: '200000', CPUQuotaPerSecUSec: '250000' });
  t.same(byName(unifiedProperties({ 'cpu.max': 'max' })), { CPUQuotaPeriodUSec: '100000', CPUQuotaPerSecUSec: INFINITY });
  t.throws(() => unifiedProperties({ 'memory.max': '12k' }), { message: /\/linux\/resources\/unified\/memory.max: "12k" is not "max" or a number/ });
  t.throws(() => unifiedProperties({ 'cpu.max': '1 2 3' }), PlanError);
});

t.test('resourcePropertiesV1: runc names for cgroup v1', async (t) => {
  t.same(byName(resourcePropertiesV1({ memory: { limit: 1000 }, cpu: { shares: 512 }, blockIO: { weight: 300 }, pids: { limit: 9 } })), {
    MemoryLimit: '1000',
    CPUShares: '512',
    BlockIOWeight: '300',
    TasksMax: '9',
  });
});

t.test('unitProperties: a delegated scope in its slice, holding the pid', async (t) => {
  const props = unitProperties(parseSystemdPath('tsrun-test.slice:p:c1', 'x'), 4242);
  t.same(byName(props), {
    Description: 'tsrun container c1',
    Slice: 'tsrun-test.slice',
    Delegate: true,
    PIDs: [4242],
    MemoryAccounting: true,
    CPUAccounting: true,
    IOAccounting: true,
    TasksAccounting: true,
    DefaultDependencies: false,
  });
  t.equal(props.find((p) => p.name === 'PIDs')!.signature, 'au');
});

const PROC_DEVICES = `Character devices:
  1 mem
  4 /dev/vc/0
  5 /dev/tty
 10 misc
136 pts

Block devices:
  8 sd
259 blkext
`;

t.test('deviceGroup reads /proc/devices', async (t) => {
  t.equal(deviceGroup(PROC_DEVICES, 'c', 136), 'char-pts');
  t.equal(deviceGroup(PROC_DEVICES, 'b', 8), 'block-sd');
  t.equal(deviceGroup(PROC_DEVICES, 'c', 8), undefined);
  t.equal(deviceGroup(PROC_DEVICES, 'b', 136), undefined);
});

t.test('deviceProperties: the default list as runc hands it to systemd', async (t) => {
  const { properties, warnings } = deviceProperties(deviceRules([{ allow: false, access: 'rwm' }], [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }]), PROC_DEVICES);
  t.same(warnings, []);
  t.same(properties.map((p) => p.name), ['DevicePolicy', 'DeviceAllow', 'DeviceAllow']);
  t.equal(properties[0]!.value, 'strict');
  t.same(properties[1]!.value, [], 'the list is emptied first');
  t.same(properties[2]!.value, [
    ['block-*', 'm'],
    ['char-*', 'm'],
    ['/dev/char/1:3', 'rwm'],
    ['/dev/char/1:5', 'rwm'],
    ['/dev/char/1:7', 'rwm'],
    ['/dev/char/1:8', 'rwm'],
    ['/dev/char/1:9', 'rwm'],
    ['/dev/char/5:0', 'rwm'],
    ['/dev/char/5:1', 'rwm'],
    ['/dev/char/5:2', 'rwm'],
    ['/dev/char/10:229', 'rwm'],
    ['char-pts', 'rwm'],
  ]);
});

t.test('deviceProperties folds rules in order', async (t) => {
  const allowList = (rules: Parameters<typeof deviceProperties>[0]) => deviceProperties(rules, PROC_DEVICES).properties[2]?.value;
  const r = (allow: boolean, type: 'a' | 'b' | 'c', major: number, minor: number, access: string) => ({ allow, type, major, minor, access });
  t.same(allowList([r(true, 'c', 1, 3, 'r'), r(true, 'c', 1, 3, 'w'), r(false, 'c', 1, 3, 'r')]), [['/dev/char/1:3', 'w']], 'perms merge, then a deny takes one away');
  t.same(allowList([r(true, 'c', 1, 3, 'rw'), r(false, 'a', -1, -1, 'rwm'), r(true, 'b', 8, 0, 'mr')]), [['/dev/block/8:0', 'rm']], '"a" starts over');
  t.same(allowList([r(true, 'c', 99, -1, 'rwm')]), [], 'a major missing from /proc/devices is left out');
  t.match(deviceProperties([r(true, 'c', 99, -1, 'rwm')], PROC_DEVICES).warnings, [/no device group for c 99:\*/]);
  t.match(deviceProperties([r(true, 'c', -1, 5, 'r')], PROC_DEVICES).warnings, [/cannot express the device rule c \*:5 r/]);
  t.throws(() => deviceProperties([r(true, 'c', 1, -1, 'rwm'), r(false, 'c', 1, 3, 'r')], PROC_DEVICES), { message: /punch a hole/ });

  const allowAll = deviceProperties([r(true, 'a', -1, -1, 'rwm')], PROC_DEVICES);
  t.same(allowAll.properties, [{ name: 'DevicePolicy', signature: 's', value: 'auto' }, { name: 'DeviceAllow', signature: 'a(ss)', value: [] }], 'allow all: systemd leaves devices alone');
  t.same(allowAll.warnings, []);
  const denyOne = deviceProperties([r(true, 'a', -1, -1, 'rwm'), r(false, 'c', 1, 3, 'rwm')], PROC_DEVICES);
  t.equal(denyOne.properties[0]!.value, 'auto', 'systemd has no deny list');
  t.match(denyOne.warnings, [/systemd cannot deny single devices: c 1:3/]);
});
