// Tests for config.json validation (src/spec/validate.ts, src/spec/semantics.ts,
// schema/config.schema.json compiled by scripts/build-validator.mjs).
//
// Parts that need the runtime-spec checkout (<repo>/../shared/runtime-spec) are
// skipped when it is absent.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const specDir = resolve(repo, '..', 'shared', 'runtime-spec');
const schemaDir = join(specDir, 'schema');
const haveShared = existsSync(join(schemaDir, 'test', 'config'));
const skipShared = haveShared ? false : `runtime-spec checkout not found at ${specDir}`;

// The validator module is generated; (re)build it first. The script is
// idempotent and returns in a few tens of ms when nothing changed.
const built = spawnSync(process.execPath, [join(repo, 'scripts', 'build-validator.mjs')], { cwd: repo, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`build-validator failed:\n${built.stdout}\n${built.stderr}`);

const {
  validateSpec,
  validateConfig,
  checkOciVersion,
  loadSpec,
  parseJson,
  findJsonError,
  ConfigError,
  schemaErrorsToViolations,
  formatViolation,
} = await import('../../src/spec/validate.js');
const { checkSemantics, pointerToken } = await import('../../src/spec/semantics.js');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const clone = <T>(x: T): T => structuredClone(x);

// ---------------------------------------------------------------------------
// Fixture: a realistic, complete Linux config that passes every layer.

const full = {
  ociVersion: '1.3.0',
  process: {
    terminal: true,
    consoleSize: { height: 25, width: 80 },
    user: { uid: 1000, gid: 1000, umask: 18, additionalGids: [5, 6], username: 'app' },
    args: ['/bin/sh', '-c', 'exec app'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
    cwd: '/srv',
    capabilities: {
      bounding: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      effective: ['CAP_AUDIT_WRITE', 'CAP_KILL'],
      inheritable: [],
      permitted: ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      ambient: ['CAP_NET_BIND_SERVICE'],
    },
    rlimits: [
      { type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 },
      { type: 'RLIMIT_CORE', hard: 0, soft: 0 },
    ],
    noNewPrivileges: true,
    apparmorProfile: 'acme_secure_profile',
    oomScoreAdj: -500,
    scheduler: { policy: 'SCHED_OTHER', nice: 5, flags: ['SCHED_FLAG_RESET_ON_FORK'] },
    selinuxLabel: 'system_u:system_r:svirt_lxc_net_t:s0:c124,c675',
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
    execCPUAffinity: { initial: '0-3,7', final: '4-7' },
  },
  root: { path: 'rootfs', readonly: true },
  hostname: 'box',
  domainname: 'example.test',
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    {
      destination: '/data',
      type: 'none',
      source: '/var/lib/data',
      options: ['rbind', 'rw', 'ridmap'],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    },
  ],
  hooks: {
    prestart: [{ path: '/usr/bin/fix-mounts', args: ['fix-mounts', 'arg1'], env: ['key1=value1'] }],
    createRuntime: [{ path: '/usr/bin/setup-network' }],
    createContainer: [{ path: '/usr/bin/mount-hook', timeout: 10 }],
    startContainer: [{ path: '/usr/bin/refresh-ldcache' }],
    poststart: [{ path: '/usr/bin/notify-start', timeout: 5 }],
    poststop: [{ path: '/usr/sbin/cleanup.sh', args: ['cleanup.sh', '-f'] }],
  },
  annotations: { 'com.example.key1': 'value1', 'org.opencontainers.image.os': 'linux' },
  linux: {
    namespaces: [
      { type: 'pid' },
      { type: 'network', path: '/var/run/netns/blue' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
      { type: 'user' },
      { type: 'cgroup' },
      { type: 'time' },
    ],
    uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    timeOffsets: { monotonic: { secs: 172800, nanosecs: 0 }, boottime: { secs: -604800, nanosecs: 500 } },
    devices: [
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0 },
      { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 432 },
      { path: '/run/fifo', type: 'p' },
    ],
    netDevices: { eth1: { name: 'ctr_eth1' }, veth0: {} },
    cgroupsPath: '/tsrun/box',
    resources: {
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
        { allow: true, type: 'b', major: 8, minor: 0, access: 'r' },
      ],
      memory: {
        limit: 536870912,
        reservation: 268435456,
        swap: 1073741824,
        kernel: -1,
        kernelTCP: -1,
        swappiness: 0,
        disableOOMKiller: false,
        useHierarchy: true,
        checkBeforeUpdate: false,
      },
      cpu: {
        shares: 1024,
        quota: 100000,
        burst: 50000,
        period: 100000,
        realtimeRuntime: 950000,
        realtimePeriod: 1000000,
        cpus: '0-3',
        mems: '0',
        idle: 0,
      },
      blockIO: {
        weight: 500,
        leafWeight: 300,
        weightDevice: [
          { major: 8, minor: 0, weight: 500, leafWeight: 300 },
          { major: 8, minor: 16, weight: 500 },
        ],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
        throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 600 }],
        throttleReadIOPSDevice: [{ major: 8, minor: 0, rate: 300 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 300 }],
      },
      hugepageLimits: [
        { pageSize: '2MB', limit: 209715200 },
        { pageSize: '1GB', limit: 0 },
      ],
      network: {
        classID: 1048577,
        priorities: [
          { name: 'eth0', priority: 500 },
          { name: 'eth1', priority: 1000 },
        ],
      },
      pids: { limit: 32771 },
      rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_0: { hcaObjects: 1000 } },
      unified: { 'io.max': '259:0 rbps=2097152 wiops=120', 'memory.high': '1073741824' },
    },
    intelRdt: { closID: 'guaranteed_group', schemata: ['L3:0=7f0;1=1f', 'MB:0=20;1=70'], memBwSchema: 'MB:0=20', enableMonitoring: true },
    memoryPolicy: { mode: 'MPOL_INTERLEAVE', nodes: '0-1', flags: ['MPOL_F_STATIC_NODES'] },
    sysctl: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4294967296' },
    seccomp: {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      listenerPath: '/run/seccomp-agent.sock',
      listenerMetadata: 'box',
      syscalls: [
        { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
        { names: ['mkdirat'], action: 'SCMP_ACT_NOTIFY' },
        { names: ['kexec_load'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      ],
    },
    rootfsPropagation: 'slave',
    maskedPaths: ['/proc/kcore', '/proc/keys', '/sys/firmware'],
    readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger'],
    mountLabel: 'system_u:object_r:svirt_sandbox_file_t:s0:c715,c811',
    personality: { domain: 'LINUX', flags: [] },
  },
} as const;

/** `full` with `edit` applied to a deep copy. */
function variant(edit: (c: any) => void): any {
  const c = clone(full) as any;
  edit(c);
  return c;
}

// ---------------------------------------------------------------------------
// (a) reference test configs

t.test('runtime-spec good/bad test configs', { skip: skipShared }, async (t) => {
  const base = join(schemaDir, 'test', 'config');
  const good = readdirSync(join(base, 'good')).filter((f) => f.endsWith('.json'));
  const bad = readdirSync(join(base, 'bad')).filter((f) => f.endsWith('.json'));
  t.ok(good.length > 0 && bad.length > 0, 'found test configs');
  for (const f of good) {
    const file = join(base, 'good', f);
    t.same(validateSpec(parseJson(readFileSync(file, 'utf8'), file)), [], `good/${f} validates`);
  }
  for (const f of bad) {
    const file = join(base, 'bad', f);
    let violations: { pointer: string; message: string }[];
    try {
      violations = validateSpec(parseJson(readFileSync(file, 'utf8'), file));
    } catch (err) {
      t.type(err, ConfigError, `bad/${f}: unparsable, rejected with a ConfigError`);
      t.match((err as Error).message, f, 'the parse error names the file');
      continue;
    }
    t.ok(violations.length > 0, `bad/${f} is rejected: ${violations.map(formatViolation).join('; ')}`);
  }
});

t.test('complete example configs embedded in config*.md validate', { skip: skipShared }, async (t) => {
  let n = 0;
  for (const md of ['config.md', 'config-linux.md']) {
    const text = readFileSync(join(specDir, md), 'utf8');
    for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      let doc: unknown;
      try {
        doc = JSON.parse(m[1]!);
      } catch {
        continue; // fragments such as `"ociVersion": "0.1.0"`
      }
      if (typeof doc !== 'object' || doc === null || !('ociVersion' in doc)) continue;
      n++;
      t.same(validateSpec(doc), [], `${md}: complete example #${n} validates`);
    }
  }
  t.ok(n >= 1, `found ${n} complete example(s)`);
});

t.test('linux example fragments of config-linux.md validate in place', { skip: skipShared }, async (t) => {
  // "### Example" blocks that are `"key": value` fragments of the linux object
  // or of linux.resources; wrap them and validate.
  const text = readFileSync(join(specDir, 'config-linux.md'), 'utf8');
  const resourceKeys = new Set(['devices', 'memory', 'cpu', 'blockIO', 'hugepageLimits', 'network', 'pids', 'rdma', 'unified']);
  let n = 0;
  for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
    const body = m[1]!.trim().replace(/,\s*$/, '');
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(`{${body}}`);
    } catch {
      continue; // not a fragment, or not valid JSON in the prose (the memoryPolicy example)
    }
    const keys = Object.keys(doc);
    if (keys.length !== 1 || keys[0] === 'linux') continue;
    const key = keys[0]!;
    const linux: Record<string, unknown> =
      resourceKeys.has(key) && !(key === 'devices' && Array.isArray(doc[key]) && (doc[key] as any[])[0]?.path)
        ? { resources: doc }
        : doc;
    n++;
    t.same(validateSpec({ ociVersion: '1.3.0', root: { path: 'rootfs' }, linux }), [], `config-linux.md example for "${key}"`);
  }
  t.ok(n >= 10, `checked ${n} fragments`);
});

// Differential check against the reference schema: mutate realistic configs
// in many small ways and require both schemas to classify every mutant the
// same. The reference schema files are only read here, as test data.
t.test('classifies mutated configs exactly like the reference schema', { skip: skipShared }, async (t) => {
  const require = createRequire(join(repo, 'package.json'));
  const Ajv = require('ajv').default;
  const ajv = new Ajv({ strict: false, allErrors: false });
  for (const f of readdirSync(schemaDir).filter((f) => f.endsWith('.json') && f !== 'config-schema.json')) {
    // ArrayOfUint32 in defs.json has a malformed "#definitions/uint32" ref
    const s = JSON.parse(readFileSync(join(schemaDir, f), 'utf8').replace('"#definitions/uint32"', '"#/definitions/uint32"'));
    delete s.$schema; // draft-04 marker; nothing draft-04 specific is used
    ajv.addSchema(s, f);
  }
  const main = JSON.parse(readFileSync(join(schemaDir, 'config-schema.json'), 'utf8'));
  delete main.$schema;
  const reference = ajv.compile({ ...main, $id: 'config-schema.json' });

  // Known, deliberate differences: we restrict cgroup device rule type to
  // a/b/c and access to [rwm]* (as the prose does; the reference leaves both free).
  const deliberate = /^\/linux\/resources\/devices\/\d+\/(type|access)$/;

  // every enum value of both schemas, so that a value missing on one side shows
  const enumPool = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'enum' && Array.isArray(v)) v.forEach((x) => enumPool.add(String(x)));
        else collect(v);
      }
    }
  };
  collect(JSON.parse(readFileSync(join(repo, 'schema', 'config.schema.json'), 'utf8')));
  for (const f of readdirSync(schemaDir).filter((f) => f.endsWith('.json'))) collect(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));

  const values: Json[] = [
    null, true, false, '', 'x', 'x y', 'RLIMIT_X', 'RLIMIT_', 'RLIMIT_NOFILE\n', 'rlimit_nofile', 'RLIMIT_NO_FILE',
    '2MB', '10GB', '0MB', '1TB', '64kB', '2MB\n', '0-3,7', '0-3, 7', ' ', '0-3;7', '0x1', 'MB:0=20', 'MB:', 'MB:\n', 'MB:0=1\nL3:0', 'L3:0=f',
    'c', 'b', 'u', 'p', 'a', 'cb', 'r', 'rw', 'rwm', 'mm', 'rwx',
    -1, 0, 1, 1.5, 7, 255, 256, 511, 512, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
    2 ** 32 - 1, 2 ** 32, 2 ** 53, 1e19, 2e19, -1e19, -1e20,
    [], ['x'], [1], [{}], {}, { a: 1 }, { path: '/x' }, { type: 'pid' },
  ];
  const enumValues: Json[] = [...enumPool];

  let checked = 0;
  const mismatches = new Map<string, string>(); // first difference per location
  const compare = (doc: unknown, what: string, pointer: string) => {
    checked++;
    const ref = reference(doc) as boolean;
    const ours = validateSpec(doc).length === 0;
    if (ref !== ours && !deliberate.test(pointer) && !mismatches.has(pointer) && mismatches.size < 50) {
      mismatches.set(pointer, `${what}: reference ${ref ? 'accepts' : 'rejects'}, ours ${ours ? 'accepts' : 'rejects'}`);
    }
  };
  // Mutate each value of `doc` in place (and restore it), depth first.
  const mutateAll = (doc: any) => {
    const visit = (parent: any, key: string | number, pointer: string) => {
      const original = parent[key];
      const tries = typeof original === 'string' ? [...values, ...enumValues] : values;
      for (const v of tries) {
        parent[key] = structuredClone(v);
        compare(doc, `${pointer} := ${JSON.stringify(v)}`, pointer);
      }
      if (Array.isArray(parent)) {
        parent.splice(key as number, 1);
        compare(doc, `delete ${pointer}`, pointer);
        parent.splice(key as number, 0, original);
      } else {
        delete parent[key];
        compare(doc, `delete ${pointer}`, pointer);
        parent[key] = original;
        parent['x-unknown'] = { anything: [1, 'two'] };
        compare(doc, `unknown property next to ${pointer}`, pointer);
        delete parent['x-unknown'];
      }
      parent[key] = original;
      if (original && typeof original === 'object') {
        for (const k of Array.isArray(original) ? original.keys() : Object.keys(original)) {
          visit(original, k, `${pointer}/${pointerToken(k)}`);
        }
      }
    };
    for (const k of Object.keys(doc)) visit(doc, k, `/${pointerToken(k)}`);
  };
  for (const v of values) compare(v, `document := ${JSON.stringify(v)}`, '');
  const bases: unknown[] = [clone(full)];
  for (const f of ['spec-example.json', 'freebsd-example.json', 'zos-example.json']) {
    const file = join(schemaDir, 'test', 'config', 'good', f);
    if (existsSync(file)) bases.push(JSON.parse(readFileSync(file, 'utf8')));
  }
  for (const base of bases) {
    const before = JSON.stringify(base);
    mutateAll(base);
    t.equal(JSON.stringify(base), before, 'mutations were undone');
  }
  // whole platform sections replaced by odd values
  for (const key of ['windows', 'solaris', 'vm', 'zos', 'freebsd', 'linux']) {
    for (const v of values) compare({ ociVersion: '1.0.0', root: { path: 'r' }, [key]: clone(v) }, `${key} := ${JSON.stringify(v)}`, `/${key}`);
  }
  t.same([...mismatches.values()], [], `no classification differences in ${checked} mutants`);
});

// ---------------------------------------------------------------------------
// (b) our own fixtures

t.test('a complete, realistic Linux config passes every layer', async (t) => {
  t.same(validateSpec(full), []);
  t.same(checkSemantics(full, { requireProcess: true }), []);
  t.same(validateConfig(full, { requireProcess: true }), []);
  t.same(validateSpec({ ociVersion: '1.0.0' }), [], 'only ociVersion is required by the schema');
});

t.test('schema violations: exact pointer and message', async (t) => {
  const one = (doc: unknown) => validateSpec(doc);
  t.same(one({}), [{ pointer: '', message: "must have required property 'ociVersion'" }]);
  t.same(one([]), [{ pointer: '', message: 'must be object' }]);
  t.same(one(variant((c) => (c.process.args = 'sh'))), [{ pointer: '/process/args', message: 'must be array' }]);
  t.same(one(variant((c) => (c.process.args = ['sh', 1]))), [{ pointer: '/process/args/1', message: 'must be string' }]);
  t.same(one(variant((c) => (c.linux.namespaces[0].type = 'pids'))), [
    {
      pointer: '/linux/namespaces/0/type',
      message: 'must be equal to one of the allowed values (pid, network, mount, ipc, uts, user, cgroup, time)',
    },
  ]);
  t.same(one(variant((c) => (c.linux.namespaces[2].type = 7))), [{ pointer: '/linux/namespaces/2/type', message: 'must be string' }], 'a type error hides the enum error');
  t.same(one(variant((c) => delete c.root.path)), [{ pointer: '/root', message: "must have required property 'path'" }]);
  t.same(one(variant((c) => delete c.process.cwd)), [{ pointer: '/process', message: "must have required property 'cwd'" }]);
  t.same(one(variant((c) => (c.process.user.uid = -1))), [{ pointer: '/process/user/uid', message: 'must be >= 0' }]);
  t.same(one(variant((c) => (c.process.user.gid = 2 ** 32))), [{ pointer: '/process/user/gid', message: 'must be <= 4294967295' }]);
  t.same(one(variant((c) => (c.process.user.additionalGids = [5, 1.5]))), [{ pointer: '/process/user/additionalGids/1', message: 'must be integer' }]);
  t.same(one(variant((c) => (c.linux.resources.memory.limit = 1e19))), [
    { pointer: '/linux/resources/memory/limit', message: 'must be <= 9223372036854775807' },
  ]);
  t.same(one(variant((c) => (c.process.rlimits[0].soft = -5))), [{ pointer: '/process/rlimits/0/soft', message: 'must be >= 0' }]);
  t.same(one(variant((c) => (c.process.rlimits[1].type = 'NOFILE'))), [
    { pointer: '/process/rlimits/1/type', message: 'must match pattern "^RLIMIT_[A-Z]+$"' },
  ]);
  t.same(one(variant((c) => (c.hooks.poststart[0].timeout = 0))), [{ pointer: '/hooks/poststart/0/timeout', message: 'must be >= 1' }]);
  t.same(one(variant((c) => delete c.hooks.prestart[0].path)), [{ pointer: '/hooks/prestart/0', message: "must have required property 'path'" }]);
  t.same(one(variant((c) => (c.linux.resources.hugepageLimits[0].pageSize = '64kB'))), [
    { pointer: '/linux/resources/hugepageLimits/0/pageSize', message: 'must match pattern "^[1-9][0-9]*[KMG]B$"' },
  ]);
  t.same(one(variant((c) => (c.linux.rootfsPropagation = 'rslave'))), [
    { pointer: '/linux/rootfsPropagation', message: 'must be equal to one of the allowed values (private, shared, slave, unbindable)' },
  ]);
  t.same(one(variant((c) => (c.linux.devices[0].type = 'x'))), [
    { pointer: '/linux/devices/0/type', message: 'must be equal to one of the allowed values (c, b, u, p)' },
  ]);
  t.same(one(variant((c) => (c.linux.devices[0].fileMode = 512))), [{ pointer: '/linux/devices/0/fileMode', message: 'must be <= 511' }]);
  t.same(one(variant((c) => (c.linux.resources.devices[1].access = 'rwx'))), [
    { pointer: '/linux/resources/devices/1/access', message: 'must match pattern "^[rwm]*$"' },
  ]);
  t.same(one(variant((c) => (c.linux.resources.devices[1].type = 'u'))), [
    { pointer: '/linux/resources/devices/1/type', message: 'must be equal to one of the allowed values (a, c, b)' },
  ]);
  t.same(one(variant((c) => (c.linux.seccomp.syscalls[0].names = []))), [
    { pointer: '/linux/seccomp/syscalls/0/names', message: 'must NOT have fewer than 1 item' },
  ]);
  t.same(one(variant((c) => (c.linux.seccomp.syscalls[1].args[0].op = 'SCMP_CMP_XX'))), [
    {
      pointer: '/linux/seccomp/syscalls/1/args/0/op',
      message:
        'must be equal to one of the allowed values (SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)',
    },
  ]);
  t.same(one(variant((c) => (c.linux.seccomp.architectures = ['SCMP_ARCH_Z80']))).map((v) => v.pointer), ['/linux/seccomp/architectures/0']);
  t.same(one(variant((c) => (c.linux.seccomp.flags = ['SECCOMP_FILTER_FLAG_NOPE']))).map((v) => v.pointer), ['/linux/seccomp/flags/0']);
  t.same(one(variant((c) => delete c.linux.seccomp.defaultAction)), [
    { pointer: '/linux/seccomp', message: "must have required property 'defaultAction'" },
  ]);
  t.same(one(variant((c) => (c.process.ioPriority.class = 'IOPRIO_CLASS_NONE'))), [
    { pointer: '/process/ioPriority/class', message: 'must be equal to one of the allowed values (IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)' },
  ]);
  t.same(one(variant((c) => (c.process.scheduler.policy = 'SCHED_NORMAL'))).map((v) => v.pointer), ['/process/scheduler/policy']);
  t.same(one(variant((c) => (c.process.scheduler.flags = ['SCHED_FLAG_X']))).map((v) => v.pointer), ['/process/scheduler/flags/0']);
  t.same(one(variant((c) => (c.linux.memoryPolicy.mode = 'MPOL_NONE'))).map((v) => v.pointer), ['/linux/memoryPolicy/mode']);
  t.same(one(variant((c) => (c.linux.memoryPolicy.flags = ['MPOL_F_X']))).map((v) => v.pointer), ['/linux/memoryPolicy/flags/0']);
  t.same(one(variant((c) => (c.linux.personality.domain = 'LINUX64'))), [
    { pointer: '/linux/personality/domain', message: 'must be equal to one of the allowed values (LINUX, LINUX32)' },
  ]);
  t.same(one(variant((c) => (c.linux.intelRdt.memBwSchema = 'L3:0=f'))).map((v) => v.pointer), ['/linux/intelRdt/memBwSchema']);
  t.same(one(variant((c) => (c.process.execCPUAffinity.initial = '0-3;7'))).map((v) => v.pointer), ['/process/execCPUAffinity/initial']);
  t.same(one(variant((c) => (c.annotations['com.example.n'] = 1))), [{ pointer: '/annotations/com.example.n', message: 'must be string' }]);
  t.same(one(variant((c) => (c.linux.sysctl['a/b'] = false))), [{ pointer: '/linux/sysctl/a~1b', message: 'must be string' }], 'pointer tokens are escaped');
  t.same(one(variant((c) => (c.linux.resources.rdma.mlx5_1.hcaHandles = 'many'))), [
    { pointer: '/linux/resources/rdma/mlx5_1/hcaHandles', message: 'must be integer' },
  ]);
  t.same(one(variant((c) => (c.linux.netDevices.eth1.name = 23))), [{ pointer: '/linux/netDevices/eth1/name', message: 'must be string' }]);
  t.same(one(variant((c) => delete c.linux.resources.pids.limit)), [
    { pointer: '/linux/resources/pids', message: "must have required property 'limit'" },
  ]);
  t.same(one(variant((c) => (c.linux.timeOffsets.boottime.nanosecs = -1))).map((v) => v.pointer), ['/linux/timeOffsets/boottime/nanosecs']);
  t.same(one(variant((c) => (c.freebsd = { jail: { vnet: 'disable' } }))).map((v) => v.pointer), ['/freebsd/jail/vnet']);
  t.same(one(variant((c) => (c.windows = {}))), [{ pointer: '/windows', message: "must have required property 'layerFolders'" }]);
  t.same(one(variant((c) => (c.unknownTopLevel = { any: 'thing' }))), [], 'unknown properties are ignored');
});

t.test('several schema errors are reported at once', async (t) => {
  const doc = variant((c) => {
    c.ociVersion = 1;
    c.process.args = 'sh';
    delete c.root.path;
    c.linux.namespaces.push({ type: 'net' });
    c.linux.resources.cpu.shares = -1;
    c.mounts[1].options = 'ro';
  });
  t.same(validateSpec(doc).map(formatViolation).sort(), [
    '/linux/namespaces/8/type: must be equal to one of the allowed values (pid, network, mount, ipc, uts, user, cgroup, time)',
    '/linux/resources/cpu/shares: must be >= 0',
    '/mounts/1/options: must be array',
    '/ociVersion: must be string',
    '/process/args: must be array',
    "/root: must have required property 'path'",
  ]);
});

t.test('semantic checks (spec MUSTs beyond the schema)', async (t) => {
  const sem = (doc: unknown, opts = {}) => checkSemantics(doc, opts);
  t.same(sem(variant((c) => delete c.root)), [{ pointer: '', message: "must have required property 'root' (required on Linux)" }]);
  t.same(sem(variant((c) => delete c.process)), [], 'process is optional unless the container is created');
  t.same(sem(variant((c) => delete c.process), { requireProcess: true }), [
    { pointer: '', message: "must have required property 'process' (required to create a container)" },
  ]);
  t.same(sem(variant((c) => delete c.process.user)), [{ pointer: '/process', message: "must have required property 'user' (required on Linux)" }]);
  t.same(sem(variant((c) => delete c.process.user.gid)), [{ pointer: '/process/user', message: "must have required property 'gid'" }]);
  t.same(sem(variant((c) => delete c.process.args)), [
    { pointer: '/process', message: "must have required property 'args' (at least one entry on Linux)" },
  ]);
  t.same(sem(variant((c) => (c.process.args = []))), [{ pointer: '/process/args', message: 'must NOT have fewer than 1 item' }]);
  t.same(sem(variant((c) => (c.process.cwd = 'srv'))), [{ pointer: '/process/cwd', message: 'must be an absolute path, got "srv"' }]);
  t.same(sem(variant((c) => c.process.rlimits.push({ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }))), [
    { pointer: '/process/rlimits/2/type', message: 'duplicate rlimit type "RLIMIT_NOFILE" (also at /process/rlimits/0)' },
  ]);
  t.same(sem(variant((c) => (c.hooks.poststop[0].path = 'cleanup.sh'))), [
    { pointer: '/hooks/poststop/0/path', message: 'must be an absolute path, got "cleanup.sh"' },
  ]);
  t.same(sem(variant((c) => (c.annotations[''] = 'x'))), [{ pointer: '/annotations/', message: 'annotation keys must not be empty' }]);
  t.same(sem(variant((c) => (c.mounts[0].destination = ''))), [{ pointer: '/mounts/0/destination', message: 'must not be empty' }]);
  t.same(sem(variant((c) => (c.mounts[0].destination = 'proc'))), [], 'relative mount destinations are deprecated, not invalid');
  t.same(sem(variant((c) => delete c.mounts[7].gidMappings)), [
    { pointer: '/mounts/7', message: "must have property 'gidMappings' when property 'uidMappings' is present" },
  ]);
  t.same(
    sem(
      variant((c) => {
        delete c.mounts[7].uidMappings;
        delete c.mounts[7].gidMappings;
      }),
    ),
    [],
    'idmap without mappings uses the container user namespace',
  );
  t.same(
    sem(
      variant((c) => {
        delete c.mounts[7].uidMappings;
        delete c.mounts[7].gidMappings;
        c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'user');
      }),
    ),
    [{ pointer: '/mounts/7/options/2', message: '"ridmap" needs uidMappings and gidMappings on the mount or a user namespace in linux.namespaces' }],
  );
  t.same(sem(variant((c) => c.linux.namespaces.push({ type: 'pid', path: '/proc/1/ns/pid' }))), [
    { pointer: '/linux/namespaces/8/type', message: 'duplicate namespace type "pid" (also at /linux/namespaces/0)' },
  ]);
  t.same(sem(variant((c) => (c.linux.namespaces[1].path = 'netns/blue'))), [
    { pointer: '/linux/namespaces/1/path', message: 'must be an absolute path, got "netns/blue"' },
  ]);
  t.same(sem(variant((c) => delete c.linux.devices[0].minor)), [
    { pointer: '/linux/devices/0', message: `must have required property 'minor' (required unless type is "p")` },
  ]);
  t.same(sem(variant((c) => (c.linux.resources.blockIO.weightDevice[1] = { major: 8, minor: 16 }))), [
    { pointer: '/linux/resources/blockIO/weightDevice/1', message: "must have at least one of 'weight' or 'leafWeight'" },
  ]);
  t.same(sem(variant((c) => delete c.linux.resources.blockIO.throttleWriteIOPSDevice[0].rate)), [
    { pointer: '/linux/resources/blockIO/throttleWriteIOPSDevice/0', message: "must have required property 'rate'" },
  ]);
  t.same(sem(variant((c) => (c.linux.resources.rdma['mlx/2'] = {}))), [
    { pointer: '/linux/resources/rdma/mlx~12', message: "must have at least one of 'hcaHandles' or 'hcaObjects'" },
  ]);
  t.same(sem(variant((c) => c.linux.intelRdt.schemata.push('L2:0=f\nMB:0=1'))), [
    { pointer: '/linux/intelRdt/schemata/2', message: 'must not contain newlines' },
  ]);
  t.same(sem(variant((c) => delete c.linux.memoryPolicy.mode)), [{ pointer: '/linux/memoryPolicy', message: "must have required property 'mode'" }]);
  t.same(sem(variant((c) => delete c.linux.personality.domain)), [{ pointer: '/linux/personality', message: "must have required property 'domain'" }]);
  t.same(sem(variant((c) => delete c.linux.seccomp.listenerPath)), [
    { pointer: '/linux/seccomp/listenerMetadata', message: 'must not be set unless listenerPath is set' },
  ]);
  t.same(sem(variant((c) => (c.linux.seccomp.syscalls[0].errnoRet = 1))), [
    { pointer: '/linux/seccomp/syscalls/0/errnoRet', message: 'is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW' },
  ]);
  t.same(sem(variant((c) => (c.linux.seccomp.defaultAction = 'SCMP_ACT_KILL_PROCESS'))), [
    { pointer: '/linux/seccomp/defaultErrnoRet', message: 'is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL_PROCESS' },
  ]);
  t.same(sem(variant((c) => c.linux.maskedPaths.push('proc/acpi'))), [
    { pointer: '/linux/maskedPaths/3', message: 'must be an absolute path, got "proc/acpi"' },
  ]);
  t.same(sem(variant((c) => c.linux.readonlyPaths.push(''))), [{ pointer: '/linux/readonlyPaths/2', message: 'must be an absolute path, got ""' }]);
  // wrong types are left to the schema layer, not reported twice
  t.same(
    sem({ ociVersion: '1.3.0', root: 5, process: { cwd: 3, user: 'root', args: 'sh', rlimits: {} }, linux: { namespaces: 'pid', devices: [7] } }),
    [],
  );
  t.same(sem(null), []);
});

t.test('validateConfig: all layers, sorted by location', async (t) => {
  const doc = variant((c) => {
    c.ociVersion = '1.4.0';
    c.process.cwd = 'relative';
    c.linux.namespaces.push({ type: 'uts' });
    c.linux.namespaces.push({ type: 'bogus' });
    c.linux.resources.memory.swap = 'lots';
    c.mounts.push({ destination: '' });
  });
  t.same(validateConfig(doc).map(formatViolation), [
    '/linux/namespaces/8/type: duplicate namespace type "uts" (also at /linux/namespaces/3)',
    '/linux/namespaces/9/type: must be equal to one of the allowed values (pid, network, mount, ipc, uts, user, cgroup, time)',
    '/linux/resources/memory/swap: must be integer',
    '/mounts/8/destination: must not be empty',
    '/ociVersion: unsupported runtime-spec version "1.4.0": this runtime supports 1.0.0 through 1.3.x',
    '/process/cwd: must be an absolute path, got "relative"',
  ]);
});

t.test('checkOciVersion', async (t) => {
  const ok = ['1.0.0', '1.0.2-dev', '1.0.0-rc5', '1.1.0', '1.2.1', '1.3.0', '1.3.0-rc.1', '1.3.5', '1.3.0+build.7'];
  for (const v of ok) t.equal(checkOciVersion(v), null, `${v} is supported`);
  for (const v of ['0.9.0', '0.5.0-dev', '1.4.0', '1.4.0-rc.1', '2.0.0']) {
    t.match(checkOciVersion(v), /^unsupported runtime-spec version ".*": this runtime supports 1\.0\.0 through 1\.3\.x$/, `${v} is rejected`);
  }
  for (const v of ['', '1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.3.0-rc..1', '1.3.0 ', 'latest']) {
    t.match(checkOciVersion(v), /^must be a SemVer 2\.0\.0 version/, `${JSON.stringify(v)} is not SemVer`);
  }
});

t.test('ConfigError message', async (t) => {
  const e = new ConfigError([
    { pointer: '', message: "must have required property 'ociVersion'" },
    { pointer: '/process/args', message: 'must be array' },
  ]);
  t.type(e, Error);
  t.equal(e.name, 'ConfigError');
  t.equal(e.message, "invalid config.json: must have required property 'ociVersion'; /process/args: must be array");
  t.equal(e.violations.length, 2);
});

t.test('loadSpec', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');

  writeFileSync(file, JSON.stringify(full, null, 2));
  const spec = loadSpec(dir);
  t.equal(spec.ociVersion, '1.3.0');
  t.equal(spec.process?.cwd, '/srv');

  writeFileSync(file, JSON.stringify({ ociVersion: '1.0.0', root: { path: 'rootfs' } }));
  t.throws(() => loadSpec(dir), { name: 'ConfigError', message: /must have required property 'process'/ }, 'process required by default');
  t.equal(loadSpec(dir, { requireProcess: false }).root?.path, 'rootfs');

  writeFileSync(file, JSON.stringify(variant((c) => ((c.process.args = 'sh'), (c.ociVersion = '2.0.0'), delete c.root.path))));
  try {
    loadSpec(dir);
    t.fail('should throw');
  } catch (err) {
    t.type(err, ConfigError);
    const ce = err as InstanceType<typeof ConfigError>;
    t.equal(ce.file, file);
    t.same(ce.violations.map((v) => v.pointer), ['/ociVersion', '/process/args', '/root']);
    t.match(ce.message, /^invalid config\.json: \/ociVersion: unsupported .*; \/process\/args: must be array; \/root: must have required property 'path'$/);
  }

  writeFileSync(file, '{\n  "ociVersion": "1.0.0",\n  "root": {"path": "rootfs",}\n}\n');
  t.throws(() => loadSpec(dir), {
    name: 'ConfigError',
    message: `invalid config.json: ${file} is not valid JSON: line 3, column 29: unexpected "}", expected a property name in double quotes`,
  });

  rmSync(file);
  t.throws(() => loadSpec(dir), { code: 'ENOENT', message: new RegExp(`^cannot read ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
});

t.test('findJsonError locates syntax errors', async (t) => {
  t.equal(findJsonError('{"a": [1, 2, {"b": null}], "c": "\\u00e9\\n"}'), null);
  t.equal(findJsonError(' 12.5e-3 '), null);
  t.match(findJsonError('{]'), { line: 1, column: 2, offset: 1 });
  t.match(findJsonError('{"a": 1,\n "b": tru}'), { line: 2, column: 7, reason: 'invalid literal, expected "true"' });
  t.match(findJsonError('{"a": 01}'), { line: 1, column: 8, reason: /expected ',' or '}'/ });
  t.match(findJsonError('{"a": "x\ny"}'), { line: 1, column: 9, reason: /control character/ });
  t.match(findJsonError('{"a": 1'), { reason: /unexpected end of input/ });
  t.match(findJsonError('{} {}'), { column: 4, reason: /after the end of the document/ });
  t.match(findJsonError('\ufeff{}'), { line: 1, column: 1 });
  t.match(findJsonError(''), { reason: /unexpected end of input, expected a value/ });
  for (const s of ['[1,]', '{"a" 1}', '"\\x"', '-', '1.', 'nul', '[1 2]']) {
    let threw = false;
    try {
      JSON.parse(s);
    } catch {
      threw = true;
    }
    t.ok(threw && findJsonError(s) !== null, `${s} is invalid for both`);
  }
});

t.test('anyOf/oneOf noise is reduced to the most specific branch', async (t) => {
  const require = createRequire(join(repo, 'package.json'));
  const Ajv = require('ajv').default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile({
    type: 'object',
    properties: {
      mount: {
        anyOf: [
          { type: 'string' },
          { type: 'object', required: ['destination'], properties: { destination: { type: 'string' }, options: { type: 'array' } } },
        ],
      },
      pick: { oneOf: [{ type: 'integer' }, { type: 'string', enum: ['a', 'b'] }] },
    },
  });
  t.notOk(validate({ mount: { destination: 5, options: 'ro' }, pick: 'c' }));
  t.same(schemaErrorsToViolations(validate.errors), [
    { pointer: '/mount/destination', message: 'must be string' },
    { pointer: '/mount/options', message: 'must be array' },
    { pointer: '/pick', message: 'must be equal to one of the allowed values (a, b)' },
  ]);
  t.notOk(validate({ mount: 7 }));
  t.same(schemaErrorsToViolations(validate.errors), [{ pointer: '/mount', message: 'must be string or object' }], 'alternative types are merged');
});

t.test('speed', async (t) => {
  const n = 5000;
  for (let i = 0; i < 200; i++) validateSpec(full);
  let t0 = performance.now();
  for (let i = 0; i < n; i++) validateSpec(full);
  const valid = ((performance.now() - t0) * 1000) / n;
  const broken = variant((c) => ((c.process.args = 'sh'), (c.linux.namespaces[0].type = 'x'), delete c.root.path));
  t0 = performance.now();
  for (let i = 0; i < n; i++) validateConfig(broken);
  const invalid = ((performance.now() - t0) * 1000) / n;
  t.comment(`validateSpec(full config): ${valid.toFixed(1)} µs/call; validateConfig(config with 3 errors): ${invalid.toFixed(1)} µs/call`);
  t.ok(valid < 1000, 'well under a millisecond per call');
});
