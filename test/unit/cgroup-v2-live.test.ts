// The cgroup v2 code paths against the real kernel, on cgroups this test
// creates in the host's cgroup2 hierarchy (/sys/fs/cgroup/unified on this
// project's hybrid CI host, /sys/fs/cgroup on a v2-only one): placing a
// process (cgroup.procs), freezing (cgroup.freeze), cgroup.kill, hugetlb
// limits and statistics, and the eBPF device filter deciding real opens and
// mknods of a real process. Skipped, with the reason, without a cgroup2
// hierarchy or root.
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { deviceRules, type DeviceRule } from '../../src/cgroups/device-rules.js';
import { freezerState, setFrozen } from '../../src/cgroups/freezer.js';
import { hostHierarchies } from '../../src/cgroups/hierarchy.js';
import { addProcess, cgroupPids, destroyCgroups } from '../../src/cgroups/manager.js';
import { containerCgroupStats, hostHugePageSizes } from '../../src/cgroups/stats/index.js';
import { planHugetlb } from '../../src/cgroups/v1/hugetlb.js';
import { applyDeviceFilter } from '../../src/cgroups/v2/devices.js';
import { killCgroupV2 } from '../../src/cgroups/v2/kill.js';
import { applyWrites } from '../../src/cgroups/write.js';
import { native } from '../../src/native/index.js';

const v2 = hostHierarchies().find((h) => h.version === 2);
const MOUNT = v2?.mountpoint;
const skip = !MOUNT ? 'this host has no cgroup2 hierarchy' : process.getuid?.() !== 0 ? 'needs root' : false;

const created: string[] = [];
const children: ChildProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'tsrun-cgroup-v2-live-'));

t.teardown(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const dir of created.reverse()) {
    if (!existsSync(dir)) continue;
    try {
      writeFileSync(join(dir, 'cgroup.freeze'), '0');
    } catch {
      // not frozen, or no such file
    }
    killCgroupV2(dir);
    for (let i = 0; i < 200 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        spawnSync('sleep', ['0.01']);
      }
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** A new cgroup below the hierarchy's root (the test's own cgroup may have processes). */
function newCgroup(): string {
  const dir = join(MOUNT!, `tsrun-unit-v2-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir);
  created.push(dir);
  return dir;
}

const paths = (dir: string) => ({ [MOUNT!]: dir });

function sleeper(): ChildProcess {
  const c = spawn('sleep', ['1000'], { stdio: 'ignore' });
  children.push(c);
  return c;
}

const exited = (c: ChildProcess) =>
  new Promise<string | number | null>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve(c.signalCode ?? c.exitCode);
    else c.once('exit', (code, signal) => resolve(signal ?? code));
  });

const cgroupOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));

t.test('cgroup.procs: a process is placed in the cgroup and listed there', { skip }, async (t) => {
  const dir = newCgroup();
  const c = sleeper();
  addProcess(paths(dir), c.pid!);
  t.equal(cgroupOf(c.pid!), `0::${dir.slice(MOUNT!.length)}`, '/proc/<pid>/cgroup names the new cgroup');
  t.same(cgroupPids(paths(dir)), [c.pid], 'cgroupPids lists it');
  c.kill('SIGKILL');
  await exited(c);
  destroyCgroups(paths(dir));
  t.notOk(existsSync(dir), 'destroyCgroups removes the emptied cgroup');
});

t.test('cgroup.freeze: pause and resume through freezer.ts', { skip: skip || (!existsSync(join(MOUNT ?? '/', 'cgroup.freeze')) && false) }, async (t) => {
  const dir = newCgroup();
  if (!existsSync(join(dir, 'cgroup.freeze'))) return t.skip('no cgroup.freeze (Linux < 5.2)');
  const c = sleeper();
  addProcess(paths(dir), c.pid!);
  t.equal(freezerState(paths(dir)), 'thawed');
  setFrozen(paths(dir), true);
  t.equal(freezerState(paths(dir)), 'frozen', 'frozen once setFrozen returns');
  t.match(readFileSync(join(dir, 'cgroup.events'), 'utf8'), /^frozen 1$/m, 'cgroup.events says so');
  setFrozen(paths(dir), false);
  t.equal(freezerState(paths(dir)), 'thawed');
  c.kill('SIGKILL');
  await exited(c);
});

t.test('cgroup.kill: every process of the cgroup and its sub-cgroups, frozen ones too', { skip }, async (t) => {
  const dir = newCgroup();
  if (!existsSync(join(dir, 'cgroup.kill'))) return t.skip('no cgroup.kill (Linux < 5.14)');
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  created.push(sub);
  const a = sleeper();
  const b = sleeper();
  addProcess(paths(dir), a.pid!);
  addProcess(paths(sub), b.pid!);
  setFrozen(paths(dir), true);
  t.ok(killCgroupV2(dir), 'cgroup.kill written');
  t.same(await Promise.all([exited(a), exited(b)]), ['SIGKILL', 'SIGKILL'], 'both were killed');
  t.notOk(killCgroupV2(join(dir, 'no-such-cgroup')), 'false where there is no cgroup.kill');
  rmdirSync(sub);
  destroyCgroups(paths(dir));
});

t.test('hugetlb: the limit per page size and its statistics', { skip }, async (t) => {
  const root = MOUNT!;
  const available = readFileSync(join(root, 'cgroup.controllers'), 'utf8').split(/\s+/);
  if (!available.includes('hugetlb')) return t.skip('the cgroup2 hierarchy has no hugetlb controller');
  const sizes = hostHugePageSizes();
  if (sizes.length === 0) return t.skip('no huge page sizes');
  // Enabling a controller at the root is host wide: undone at the end if it was off.
  const wasOn = readFileSync(join(root, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('hugetlb');
  if (!wasOn) writeFileSync(join(root, 'cgroup.subtree_control'), '+hugetlb');
  t.teardown(() => {
    if (!wasOn) {
      try {
        writeFileSync(join(root, 'cgroup.subtree_control'), '-hugetlb');
      } catch {
        // a cgroup of someone else needs it now: leave it on
      }
    }
  });
  const dir = newCgroup();
  const size = sizes[0]!;
  applyWrites(planHugetlb([{ pageSize: size, limit: 4 * 1024 * 1024 * 1024 }], 2).map((write) => ({ dir, write })));
  t.equal(readFileSync(join(dir, `hugetlb.${size}.max`), 'utf8').trim(), String(4 * 1024 * 1024 * 1024), `hugetlb.${size}.max`);
  const stats = containerCgroupStats(paths(dir), [v2!]);
  t.same(stats.hugetlb.get(size), { usage: 0n, max: 0n, failcnt: 0n }, 'statistics read from hugetlb.<size>.current and .events');
  destroyCgroups(paths(dir));
});

t.test('clone3 CLONE_INTO_CGROUP: tsrun-init starts inside the cgroup; elsewhere it falls back to posix_spawn', { skip }, async (t) => {
  const n = native();
  const dir = newCgroup();
  const started = [n.spawnInit(0, undefined, dir), n.spawnInit(0, undefined, join(dir, 'no-such-cgroup'))];
  try {
    t.equal(started[0]!.inCgroup, true, 'started in the cgroup');
    t.equal(cgroupOf(started[0]!.pid), `0::${dir.slice(MOUNT!.length)}`, '/proc/<pid>/cgroup says so from the start');
    t.match(readFileSync(`/proc/${started[0]!.pid}/status`, 'utf8'), /^SigBlk:\s+0+$/m, 'no signal blocked');
    t.match(readFileSync(`/proc/${started[0]!.pid}/status`, 'utf8'), /^SigIgn:\s+0+$/m, 'none ignored');
    t.equal(started[1]!.inCgroup, false, 'a directory that cannot be opened: posix_spawn');
    t.not(cgroupOf(started[1]!.pid), `0::${dir.slice(MOUNT!.length)}/no-such-cgroup`);
  } finally {
    for (const s of started) {
      n.pidfdSendSignal(s.pidfd, 9);
      n.waitPidfd(s.pidfd, false);
      n.closeFd(s.pidfd);
      n.closeFd(s.syncFd);
    }
  }
  destroyCgroups(paths(dir));
});

// ---------------------------------------------------------------------------
// The eBPF device filter
// ---------------------------------------------------------------------------

/**
 * Runs a shell that joins `dir`, then tries each access; prints one
 * "<what> ok" or "<what> EPERM|other" line each. The shell opens nothing
 * else: its output goes through a pipe.
 */
function probe(dir: string, steps: string[]): Map<string, string> {
  const script = [
    `echo $$ > ${dir}/cgroup.procs || exit 99`,
    ...steps.map((s) => {
      const [what, cmd] = s.split('=', 2) as [string, string];
      return `if err=$( { ${cmd} ; } 2>&1 ); then echo "${what} ok"; else case "$err" in *"not permitted"*) echo "${what} EPERM";; *) echo "${what} other: $err";; esac; fi`;
    }),
  ].join('\n');
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}): ${r.stderr}`);
  return new Map(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
}

const ALLOW_ALL: DeviceRule = { allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' };

t.test('device filter: a denied device cannot be opened (EPERM), an allowed one can, mknod by its own rule', { skip }, async (t) => {
  const dir = newCgroup();
  // deny everything, then /dev/null fully, /dev/zero read only, mknod of c 1:3 and c 1:7 only
  const rules: DeviceRule[] = [
    { allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 5, access: 'r' },
    { allow: true, type: 'c', major: 1, minor: 7, access: 'm' },
  ];
  applyDeviceFilter(dir, rules);
  t.equal(native().deviceFilterIds(dir).length, 1, 'one program attached to the cgroup');
  const got = probe(dir, [
    'null-read=exec 3</dev/null',
    'null-write=exec 3>/dev/null',
    'zero-read=exec 3</dev/zero',
    'zero-write=exec 3>/dev/zero',
    'full-read=exec 3</dev/full',
    `mknod-null=mknod ${scratch}/n1 c 1 3`,
    `mknod-full=mknod ${scratch}/n2 c 1 7`,
    `mknod-zero=mknod ${scratch}/n3 c 1 5`,
    `mknod-block=mknod ${scratch}/n4 b 7 0`,
    `open-own-full=exec 3<${scratch}/n2`,
    'file=exec 3</etc/hostname',
  ]);
  t.equal(got.get('null-read'), 'ok', '/dev/null read (allowed rwm)');
  t.equal(got.get('null-write'), 'ok', '/dev/null write');
  t.equal(got.get('zero-read'), 'ok', '/dev/zero read (allowed r)');
  t.equal(got.get('zero-write'), 'EPERM', '/dev/zero write: EPERM');
  t.equal(got.get('full-read'), 'EPERM', '/dev/full read: EPERM (denied by the "a" rule)');
  t.equal(got.get('mknod-null'), 'ok', 'mknod c 1:3 (allowed with m)');
  t.equal(got.get('mknod-full'), 'ok', 'mknod c 1:7 (m only)');
  t.equal(got.get('mknod-zero'), 'EPERM', 'mknod c 1:5: EPERM (r only)');
  t.equal(got.get('mknod-block'), 'EPERM', 'mknod b 7:0: EPERM');
  t.equal(got.get('open-own-full'), 'EPERM', 'a node made with m alone still cannot be opened');
  t.equal(got.get('file'), 'ok', 'regular files are not devices');
});

t.test('device filter: the container list (defaults after a deny all) and replacing it as update does', { skip }, async (t) => {
  const dir = newCgroup();
  applyDeviceFilter(dir, deviceRules([{ allow: false, access: 'rwm' }], []));
  const first = native().deviceFilterIds(dir);
  let got = probe(dir, ['null=exec 3<>/dev/null', 'urandom=exec 3</dev/urandom', `mknod-mem=mknod ${scratch}/m1 c 1 1`, `open-mem=exec 3<${scratch}/m1`, `mknod-disk=mknod ${scratch}/d1 b 8 0`, `open-disk=exec 3<${scratch}/d1`]);
  t.equal(got.get('null'), 'ok', '/dev/null (a default device)');
  t.equal(got.get('urandom'), 'ok', '/dev/urandom (a default device)');
  t.equal(got.get('mknod-mem'), 'ok', 'mknod of any char device (c *:* m)');
  t.equal(got.get('open-mem'), 'EPERM', 'but opening c 1:1 (/dev/mem, not a default device): EPERM');
  t.equal(got.get('mknod-disk'), 'ok', 'mknod of any block device (b *:* m)');
  t.equal(got.get('open-disk'), 'EPERM', 'but not opening it');

  // update: a new program replaces the old one
  applyDeviceFilter(dir, [ALLOW_ALL, { allow: false, type: 'c', major: 1, minor: 9, access: 'r' }]);
  const second = native().deviceFilterIds(dir);
  t.equal(second.length, 1, 'still one program attached');
  t.not(second[0], first[0], 'and it is a new one');
  got = probe(dir, ['urandom=exec 3</dev/urandom', 'full=exec 3</dev/full']);
  t.equal(got.get('urandom'), 'EPERM', 'the new rules apply: /dev/urandom read denied');
  t.equal(got.get('full'), 'ok', 'and /dev/full allowed');
  destroyCgroups(paths(dir));
  t.notOk(existsSync(dir), 'the cgroup goes, and its program with it');
});

t.test('device filter: errors name the cgroup; nothing is attached', { skip }, async (t) => {
  t.throws(() => applyDeviceFilter(join(MOUNT!, 'tsrun-no-such-cgroup'), [ALLOW_ALL]), /linux\/resources\/devices.*open .*tsrun-no-such-cgroup: No such file/);
  const dir = newCgroup();
  t.throws(() => native().replaceDeviceFilter(dir, new Uint8Array(12)), /BPF_PROG_LOAD.*not a whole number of instructions/);
  // r0 never set: the verifier refuses it, and says why
  const noVerdict = new Uint8Array([0x95, 0, 0, 0, 0, 0, 0, 0]);
  t.throws(() => native().replaceDeviceFilter(dir, noVerdict), /BPF_PROG_LOAD\) for .*: (Permission denied|Invalid argument) \(.*R0/, 'the verifier\'s complaint is in the message');
  t.same(native().deviceFilterIds(dir), [], 'no program attached');
});
