// The TypeScript encoder (src/plan/encode.ts) and the C++ decoder
// (addon/init/plan.cc) agree, and the decoder is bounds-safe on malformed
// input (CVE-2021-43784 regression): addon/init/test_plan_decode.cc is built
// with AddressSanitizer + UBSan, decodes a plan written here, and is fuzzed
// with mutations of it.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { encodePlan } from '../../src/plan/encode.js';
import { joinPlan } from '../../src/plan/join.js';
import type { Plan } from '../../src/plan/types.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'tsrun-plan-decode-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

const gxx = spawnSync('g++', ['--version'], { encoding: 'utf8' });
const haveGxx = gxx.status === 0;

/** glibc gnu_dev_makedev. */
function makedev(major: number, minor: number): bigint {
  const M = BigInt(major);
  const m = BigInt(minor);
  return ((M & 0xfffn) << 8n) | ((M & 0xfffff000n) << 32n) | (m & 0xffn) | ((m & 0xffffff00n) << 12n);
}

function plan(): Plan {
  return {
    mode: 'create',
    newNamespaces: 0x20000000 | 0x00020000 | 0x04000000,
    joinNamespaces: [{ flag: 0x40000000, path: '/var/run/netns/test net' }],
    uidMapNeeded: false,
    rootfs: '/bundles/tëst/rootfs',
    rootReadonly: true,
    hostPropagation: 0x80000n | 0x4000n,
    rootPropagation: 0x40000n | 0x4000n,
    noPivot: false,
    hostMountNs: true,
    mounts: [
      { source: 'proc', destination: '/proc', type: 'proc', flags: 0xen, data: '', propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false },
      {
        source: 'tmpfs', destination: '/dev', type: 'tmpfs', flags: 0x2n | 0x1000000n, data: 'mode=755,size=65536k',
        propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false,
      },
      {
        source: '/srv/data', destination: '/data', type: 'bind', flags: 0x1000n | 0x4000n, data: '',
        propagation: 0x80000n | 0x4000n, attrSet: 0x1n | 0x10n, attrClr: 0x70n, recursiveAttr: true,
        idmap: { recursive: true, uidMap: '0 100000 65536\n', gidMap: '0 100000 1\n5 200000 7\n' },
      },
      {
        source: '/srv/other', destination: '/other', type: 'bind', flags: 0x1000n, data: '',
        propagation: 0n, attrSet: 0n, attrClr: 0n, recursiveAttr: false,
        idmap: { recursive: false, usernsPath: '/proc/42/ns/user' },
      },
    ],
    devices: [
      { path: '/dev/null', mode: 0o020666, major: 1, minor: 3, uid: 0, gid: 0 },
      { path: '/dev/nvme0n1', mode: 0o060660, major: 259, minor: 300, uid: 0, gid: 6 },
      { path: '/dev/huge', mode: 0o020600, major: 4113, minor: 0x12345, uid: 1000, gid: 1000 },
    ],
    symlinks: [
      { path: '/dev/fd', target: '/proc/self/fd' },
      { path: '/dev/ptmx', target: 'pts/ptmx' },
    ],
    maskedPaths: ['/proc/kcore', '/sys/firmware'],
    readonlyPaths: ['/proc/sys'],
    hostname: 'tsrun-host',
    sysctls: [{ key: 'net.ipv4.ip_forward', value: '1' }],
    args: ['/bin/sh', '-c', 'echo "a=b" \\ done', ''],
    env: ['PATH=/usr/bin:/bin', 'X=y=z'],
    cwd: '/home/user',
    uid: 1000,
    gid: 1001,
    additionalGids: [5, 4294967295],
    umask: 0o027,
    noNewPrivileges: true,
    capabilities: {
      bounding: (1n << 40n) | (1n << 21n) | 1n,
      effective: 1n << 5n,
      permitted: (1n << 5n) | (1n << 10n),
      inheritable: 0n,
      ambient: 1n << 10n,
    },
    rlimits: [
      { resource: 7, soft: 1024n, hard: 4096n },
      { resource: 8, soft: 0xffffffffffffffffn, hard: 0xffffffffffffffffn },
    ],
    oomScoreAdj: -999,
    preserveFds: 2,
    seccompBpf: new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f, 0x20, 0, 0, 0, 4, 0, 0, 0]),
    terminal: false,
    newKeyring: false,
    execFifoName: 'exec.fifo',
  };
}

function parseKv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const eq = line.indexOf('=');
    const value = line.slice(eq + 1).replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
    out.set(line.slice(0, eq), value);
  }
  return out;
}

t.test('the sanitized decoder', { skip: haveGxx ? false : 'g++ not found' }, async (t) => {
  const bin = join(tmp, 'plan-decode');
  const cc = spawnSync(
    'g++',
    [
      '-std=c++20', '-g', '-O1', '-Wall', '-Wextra', '-fsanitize=address,undefined', '-fno-sanitize-recover=all',
      '-DTSRUN_PLAN_DECODE_TEST', 'addon/init/test_plan_decode.cc', 'addon/init/plan.cc', '-o', bin,
    ],
    { cwd: repo, encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    t.fail(`compile failed:\n${cc.stderr}`);
    return;
  }
  t.pass('compiled with ASan + UBSan');
  const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=99', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:exitcode=98' };

  const p = plan();
  const file = join(tmp, 'plan.bin');
  writeFileSync(file, encodePlan(p));

  t.test('decodes what TS encoded', async (t) => {
    const r = spawnSync(bin, [file], { encoding: 'utf8', env });
    t.equal(r.status, 0, `exit 0${r.stderr ? `: ${r.stderr}` : ''}`);
    t.equal(r.stderr, '', 'no sanitizer report');
    const kv = parseKv(r.stdout);
    const get = (k: string) => {
      const v = kv.get(k);
      if (v === undefined) throw new Error(`decoder printed no ${k}`);
      return v;
    };
    t.equal(get('ok'), '1');
    t.equal(get('mode'), '0');
    t.equal(get('ns_new'), String(p.newNamespaces));
    t.equal(get('ns_join.count'), '1');
    t.equal(get('ns_join.0.type'), String(0x40000000));
    t.equal(get('ns_join.0.path'), '/var/run/netns/test net');
    t.equal(get('uid_map_needed'), '0');
    t.equal(get('rootfs'), p.rootfs, 'utf-8 rootfs');
    t.equal(get('root_readonly'), '1');
    t.equal(get('root_propagation'), String(p.rootPropagation));
    t.equal(get('host_propagation'), String(p.hostPropagation));
    t.equal(get('no_pivot'), '0');
    t.equal(get('host_mount_ns'), '1');

    t.equal(get('mounts.count'), String(p.mounts.length));
    p.mounts.forEach((m, i) => {
      t.equal(get(`mount.${i}.source`), m.source, `mount ${i} source`);
      t.equal(get(`mount.${i}.destination`), m.destination, `mount ${i} destination`);
      t.equal(get(`mount.${i}.type`), m.type, `mount ${i} type`);
      t.equal(get(`mount.${i}.data`), m.data, `mount ${i} data`);
      t.equal(get(`mount.${i}.flags`), String(m.flags), `mount ${i} flags`);
      t.equal(get(`mount.${i}.propagation`), String(m.propagation), `mount ${i} propagation`);
      t.equal(get(`mount.${i}.attr_set`), String(m.attrSet), `mount ${i} attr_set`);
      t.equal(get(`mount.${i}.attr_clr`), String(m.attrClr), `mount ${i} attr_clr`);
      t.equal(get(`mount.${i}.recursive_attr`), m.recursiveAttr ? '1' : '0', `mount ${i} recursive_attr`);
      t.equal(get(`mount.${i}.idmap`), m.idmap ? (m.idmap.recursive ? '2' : '1') : '0', `mount ${i} idmap`);
      t.equal(get(`mount.${i}.idmap_uid_map`), m.idmap?.uidMap ?? '', `mount ${i} idmap uid_map`);
      t.equal(get(`mount.${i}.idmap_gid_map`), m.idmap?.gidMap ?? '', `mount ${i} idmap gid_map`);
      t.equal(get(`mount.${i}.idmap_userns`), m.idmap?.usernsPath ?? '', `mount ${i} idmap userns`);
    });

    t.equal(get('devices.count'), String(p.devices.length));
    p.devices.forEach((d, i) => {
      t.equal(get(`device.${i}.path`), d.path);
      t.equal(get(`device.${i}.mode`), String(d.mode), `${d.path} mode`);
      t.equal(get(`device.${i}.rdev`), String(makedev(d.major, d.minor)), `${d.path} rdev`);
      t.equal(get(`device.${i}.major`), String(d.major), `${d.path}: glibc major() gives back the major`);
      t.equal(get(`device.${i}.minor`), String(d.minor), `${d.path}: glibc minor() gives back the minor`);
      t.equal(get(`device.${i}.uid`), String(d.uid));
      t.equal(get(`device.${i}.gid`), String(d.gid));
      t.equal(get(`device.${i}.bind_fallback`), '1', 'bind fallback defaults on');
    });

    t.equal(get('symlinks.count'), '2');
    t.equal(get('symlink.1.path'), '/dev/ptmx');
    t.equal(get('symlink.1.target'), 'pts/ptmx');
    t.equal(get('masked.count'), '2');
    t.equal(get('masked.1'), '/sys/firmware');
    t.equal(get('readonly.0'), '/proc/sys');
    t.equal(get('has_hostname'), '1');
    t.equal(get('hostname'), 'tsrun-host');
    t.equal(get('has_domainname'), '0', 'no domainname sent');
    t.equal(get('sysctls.count'), '1');
    t.equal(get('sysctl.0.key'), 'net.ipv4.ip_forward');
    t.equal(get('sysctl.0.value'), '1');

    t.equal(get('args.count'), String(p.args.length));
    p.args.forEach((a, i) => t.equal(get(`arg.${i}`), a, `arg ${i}`));
    t.equal(get('env.count'), '2');
    t.equal(get('env.1'), 'X=y=z');
    t.equal(get('cwd'), '/home/user');
    t.equal(get('uid'), '1000');
    t.equal(get('gid'), '1001');
    t.equal(get('additional_gids.count'), '2');
    t.equal(get('additional_gid.1'), '4294967295');
    t.equal(get('has_umask'), '1');
    t.equal(get('umask'), String(0o027));
    t.equal(get('no_new_privs'), '1');
    t.equal(get('has_oom_score_adj'), '1');
    t.equal(get('oom_score_adj'), '-999', 'negative oom_score_adj survives');
    t.equal(get('caps_present'), '1');
    t.equal(get('cap_bounding'), String(p.capabilities!.bounding));
    t.equal(get('cap_effective'), String(p.capabilities!.effective));
    t.equal(get('cap_permitted'), String(p.capabilities!.permitted));
    t.equal(get('cap_inheritable'), '0');
    t.equal(get('cap_ambient'), String(p.capabilities!.ambient));
    t.equal(get('rlimits.count'), '2');
    t.equal(get('rlimit.0.type'), '7');
    t.equal(get('rlimit.0.soft'), '1024');
    t.equal(get('rlimit.0.hard'), '4096');
    t.equal(get('rlimit.1.soft'), '18446744073709551615', 'RLIM_INFINITY');
    t.equal(get('preserve_fds'), '2');
    t.equal(get('seccomp_bpf.size'), '16');
    t.equal(get('seccomp_bpf.hex'), Buffer.from(p.seccompBpf!).toString('hex'));
    t.equal(get('terminal'), '0');
    t.equal(get('setsid'), '1', 'setsid defaults on');
    t.equal(get('new_keyring'), '0');
    t.equal(get('exec_fifo_name'), 'exec.fifo');
  });

  t.test('a minimal plan: defaults for what is absent', async (t) => {
    const min: Plan = {
      ...plan(),
      joinNamespaces: [],
      mounts: [],
      devices: [],
      symlinks: [],
      maskedPaths: [],
      readonlyPaths: [],
      hostname: undefined,
      sysctls: [],
      args: ['true'],
      env: [],
      additionalGids: [],
      umask: undefined,
      capabilities: undefined,
      rlimits: [],
      oomScoreAdj: undefined,
      seccompBpf: undefined,
      newKeyring: true,
      hostMountNs: undefined,
    };
    const f = join(tmp, 'min.bin');
    writeFileSync(f, encodePlan(min));
    const r = spawnSync(bin, [f], { encoding: 'utf8', env });
    t.equal(r.status, 0, r.stderr);
    const kv = parseKv(r.stdout);
    t.equal(kv.get('has_hostname'), '0');
    t.equal(kv.get('host_mount_ns'), '0', 'a mount namespace unless told otherwise');
    t.equal(kv.get('join_root'), '');
    t.equal(kv.get('has_umask'), '0');
    t.equal(kv.get('umask'), String(0o022), 'umask stays 0022');
    t.equal(kv.get('has_oom_score_adj'), '0');
    t.equal(kv.get('caps_present'), '0');
    t.equal(kv.get('seccomp_bpf.size'), '0');
    t.equal(kv.get('mounts.count'), '0');
    t.equal(kv.get('new_keyring'), '1');
  });

  t.test('a join plan carries the root of a container without a mount namespace', async (t) => {
    const f = join(tmp, 'join-root.bin');
    writeFileSync(f, encodePlan(joinPlan([], { args: ['sh'], env: [], cwd: '/', joinProcess: true, joinRoot: '/proc/42/root' })));
    const r = spawnSync(bin, [f], { encoding: 'utf8', env });
    t.equal(r.status, 0, r.stderr);
    const kv = parseKv(r.stdout);
    t.equal(kv.get('mode'), '1');
    t.equal(kv.get('join_root'), '/proc/42/root');
  });

  t.test('the decoder refuses what it must', async (t) => {
    const run = (name: string, p: Plan) => {
      const f = join(tmp, `${name}.bin`);
      writeFileSync(f, encodePlan(p));
      return spawnSync(bin, [f], { encoding: 'utf8', env });
    };
    const noArgs = run('no-args', { ...plan(), args: [] });
    t.equal(noArgs.status, 1, 'a plan without args is refused');
    t.match(noArgs.stdout, /error=plan: no process args/);
    const oom = run('oom', { ...plan(), oomScoreAdj: -1001 });
    t.equal(oom.status, 1, 'oom_score_adj below -1000 is refused');
    t.match(oom.stdout, /bad record with tag 87/);
    const fds = run('fds', { ...plan(), preserveFds: 65536 });
    t.equal(fds.status, 1, 'absurd preserveFds refused');
    const bpf = run('bpf', { ...plan(), seccompBpf: new Uint8Array(12) });
    t.equal(bpf.status, 1, 'a seccomp program not made of 8-byte instructions is refused');
    t.equal(bpf.stderr, '', 'no sanitizer report');
    const bind = plan().mounts[2]!;
    const longMap = run('idmap-long', { ...plan(), mounts: [{ ...bind, idmap: { recursive: false, uidMap: '0 1 1\n'.repeat(683), gidMap: '0 1 1\n' } }] });
    t.equal(longMap.status, 1, 'an idmapped mount\'s uid_map text of a page or more is refused');
    t.match(longMap.stdout, /bad record with tag 24/);
  });

  t.test('fuzz: random and mutated inputs', async (t) => {
    const r = spawnSync(bin, ['--fuzz', '20000', '12345', file], { encoding: 'utf8', env, maxBuffer: 16 << 20 });
    t.equal(r.signal, null, 'not killed by a signal');
    t.equal(r.status, 0, `exit 0${r.status === 0 ? '' : `:\n${r.stderr.slice(0, 4000)}`}`);
    t.notMatch(r.stderr, /AddressSanitizer|runtime error|LeakSanitizer/, 'no sanitizer report');
    t.equal(r.stderr, '', 'nothing on stderr');
    t.comment(r.stdout.trim().split('\n').join(' '));
    const kv = parseKv(r.stdout);
    t.equal(kv.get('fuzz.iterations'), '20000');
    t.equal(kv.get('fuzz.failures'), '0');
    t.ok(Number(kv.get('fuzz.headers')) > 50, 'nested headers were found');
    t.ok(Number(kv.get('fuzz.truncations_refused')) > Number(kv.get('fuzz.truncations')) * 0.9, 'almost every truncation is refused');
    t.ok(Number(kv.get('fuzz.length_checks')) > 100, 'length fields were attacked');
    t.ok(Number(kv.get('fuzz.rejected')) > 0, 'mutations get rejected');
    t.ok(Number(kv.get('fuzz.accepted')) > 0, 'some mutations still decode (the fuzzer reaches deep)');
  });

  t.test('a second seed', async (t) => {
    const seed = String(Date.now() % 1_000_000);
    const r = spawnSync(bin, ['--fuzz', '5000', seed, file], { encoding: 'utf8', env });
    t.equal(r.status, 0, `seed ${seed}: ${r.stderr.slice(0, 4000)}`);
    t.equal(r.stderr, '');
  });
});
