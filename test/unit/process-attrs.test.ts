// Unit tests for src/plan/process-attrs.ts: personality, ioPriority,
// scheduler, execCPUAffinity, memoryPolicy and timeOffsets into numbers.
import t from 'tap';
import type { Test } from 'tap';

import { PlanError } from '../../src/errors.js';
import { parseIdList, planLinuxAttrs, planProcessAttrs } from '../../src/plan/process-attrs.js';
import type { Process } from '../../src/spec/types.js';

const proc = (extra: Partial<Process>): Process => ({ user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/', ...extra });

function throwsAt(t: Test, fn: () => unknown, pointer: string, re: RegExp) {
  try {
    fn();
    t.fail(`${pointer}: expected a PlanError`);
  } catch (e) {
    t.type(e, PlanError, `${pointer}: a PlanError`);
    t.equal((e as PlanError).pointer, pointer, `${pointer}: pointer`);
    t.match((e as PlanError).message, re, `${pointer}: message`);
  }
}

const bits = (b: Uint8Array) => [...b].flatMap((byte, i) => [0, 1, 2, 3, 4, 5, 6, 7].filter((k) => byte & (1 << k)).map((k) => i * 8 + k));

t.test('id lists: "0-3,7" ranges into an unsigned long bitmask', async (t) => {
  t.same(bits(parseIdList('0-3,7', '/x', 'CPU')), [0, 1, 2, 3, 7]);
  t.equal(parseIdList('0', '/x', 'CPU').length, 8, 'one unsigned long');
  t.equal(parseIdList('64', '/x', 'CPU').length, 16, 'two unsigned longs');
  t.same(bits(parseIdList(' 1 , 65 ', '/x', 'CPU')), [1, 65], 'spaces are allowed');
  throwsAt(t, () => parseIdList('a', '/x', 'CPU'), '/x', /invalid CPU list/);
  throwsAt(t, () => parseIdList('3-1', '/x', 'CPU'), '/x', /backwards/);
  throwsAt(t, () => parseIdList('', '/x', 'CPU'), '/x', /invalid/);
  throwsAt(t, () => parseIdList('1,,2', '/x', 'CPU'), '/x', /invalid/);
  throwsAt(t, () => parseIdList('9000', '/x', 'CPU'), '/x', /above/);
});

t.test('ioPriority: class << 13 | level', async (t) => {
  t.equal(planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_RT', priority: 0 } })).ioPriority, 1 << 13);
  t.equal(planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 7 } })).ioPriority, (2 << 13) | 7);
  t.equal(planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_IDLE' } })).ioPriority, 3 << 13);
  throwsAt(t, () => planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_NONE', priority: 0 } })), '/process/ioPriority/class', /IOPRIO_CLASS_NONE/);
  throwsAt(t, () => planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 8 } })), '/process/ioPriority/priority', /0\.\.7/);
  throwsAt(t, () => planProcessAttrs(proc({ ioPriority: { class: 'IOPRIO_CLASS_BE', priority: -1 } })), '/process/ioPriority/priority', /0\.\.7/);
  t.same(planProcessAttrs(proc({})), {}, 'nothing asked, nothing planned');
});

t.test('scheduler: policies, flags and the combinations the kernel accepts', async (t) => {
  t.same(planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', nice: -5 } })).scheduler, {
    policy: 0, flags: 0, nice: -5, priority: 0, runtime: 0n, deadline: 0n, period: 0n,
  });
  t.same(planProcessAttrs(proc({ scheduler: { policy: 'SCHED_RR', priority: 99, flags: ['SCHED_FLAG_RESET_ON_FORK'] } })).scheduler, {
    policy: 2, flags: 1, nice: 0, priority: 99, runtime: 0n, deadline: 0n, period: 0n,
  });
  t.same(planProcessAttrs(proc({ scheduler: { policy: 'SCHED_DEADLINE', runtime: 10, deadline: 20, period: 30, flags: ['SCHED_FLAG_RECLAIM'] } })).scheduler, {
    policy: 6, flags: 2, nice: 0, priority: 0, runtime: 10n, deadline: 20n, period: 30n,
  });
  t.equal(planProcessAttrs(proc({ scheduler: { policy: 'SCHED_IDLE' } })).scheduler?.policy, 5);
  t.equal(planProcessAttrs(proc({ scheduler: { policy: 'SCHED_BATCH' } })).scheduler?.policy, 3);
  const P = '/process/scheduler';
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_NOPE' } })), `${P}/policy`, /unknown scheduler policy SCHED_NOPE/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_ISO' } })), `${P}/policy`, /not implemented/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', flags: ['SCHED_FLAG_X'] } })), `${P}/flags/0`, /SCHED_FLAG_X/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', nice: 20 } })), `${P}/nice`, /-20\.\.19/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', priority: 1 } })), `${P}/priority`, /must be 0/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_FIFO' } })), `${P}/priority`, /1\.\.99/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_FIFO', priority: 100 } })), `${P}/priority`, /1\.\.99/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', runtime: 5 } })), `${P}/runtime`, /SCHED_DEADLINE/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_OTHER', flags: ['SCHED_FLAG_DL_OVERRUN'] } })), `${P}/flags`, /SCHED_DEADLINE/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_DEADLINE' } })), P, /runtime and a deadline/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_DEADLINE', runtime: 30, deadline: 20 } })), `${P}/runtime`, /exceed/);
  throwsAt(t, () => planProcessAttrs(proc({ scheduler: { policy: 'SCHED_DEADLINE', runtime: 10, deadline: 40, period: 30 } })), `${P}/deadline`, /exceed/);
});

t.test('execCPUAffinity: initial and final masks; empty strings ask for nothing', async (t) => {
  const p = planProcessAttrs(proc({ execCPUAffinity: { initial: '0', final: '0-1' } }));
  t.same(bits(p.cpuAffinityInitial!), [0]);
  t.same(bits(p.cpuAffinityFinal!), [0, 1]);
  t.same(planProcessAttrs(proc({ execCPUAffinity: { initial: '', final: '' } })), {});
  throwsAt(t, () => planProcessAttrs(proc({ execCPUAffinity: { final: 'x' } })), '/process/execCPUAffinity/final', /CPU list/);
});

t.test('personality: LINUX and LINUX32; no flags are defined', async (t) => {
  t.equal(planLinuxAttrs({ personality: { domain: 'LINUX' } }, false).personality, 0);
  t.equal(planLinuxAttrs({ personality: { domain: 'LINUX32', flags: [] } }, false).personality, 8);
  throwsAt(t, () => planLinuxAttrs({ personality: { domain: 'SVR4' } }, false), '/linux/personality/domain', /SVR4/);
  throwsAt(t, () => planLinuxAttrs({ personality: { domain: 'LINUX', flags: ['ADDR_NO_RANDOMIZE'] } }, false), '/linux/personality/flags/0', /ADDR_NO_RANDOMIZE/);
});

t.test('memoryPolicy: modes, flags and which modes need or forbid nodes', async (t) => {
  const bind = planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_BIND', nodes: '0-1', flags: ['MPOL_F_NUMA_BALANCING'] } }, false).memoryPolicy!;
  t.equal(bind.mode, 2 | (1 << 13));
  t.same(bits(bind.nodes), [0, 1]);
  const def = planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_DEFAULT' } }, false).memoryPolicy!;
  t.equal(def.mode, 0);
  t.equal(def.nodes.length, 0);
  t.equal(planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_PREFERRED' } }, false).memoryPolicy?.mode, 1, 'PREFERRED without nodes: local allocation');
  t.equal(planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_LOCAL' } }, false).memoryPolicy?.mode, 4);
  t.equal(planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_PREFERRED_MANY', nodes: '0' } }, false).memoryPolicy?.mode, 5);
  t.equal(planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_WEIGHTED_INTERLEAVE', nodes: '0' } }, false).memoryPolicy?.mode, 6);
  const P = '/linux/memoryPolicy';
  throwsAt(t, () => planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_X' } }, false), `${P}/mode`, /MPOL_X/);
  throwsAt(t, () => planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_Y'] } }, false), `${P}/flags/0`, /MPOL_F_Y/);
  for (const mode of ['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY'])
    throwsAt(t, () => planLinuxAttrs({ memoryPolicy: { mode } }, false), `${P}/nodes`, /needs nodes/);
  for (const mode of ['MPOL_DEFAULT', 'MPOL_LOCAL']) {
    throwsAt(t, () => planLinuxAttrs({ memoryPolicy: { mode, nodes: '0' } }, false), `${P}/nodes`, /takes no nodes/);
    throwsAt(t, () => planLinuxAttrs({ memoryPolicy: { mode, flags: ['MPOL_F_STATIC_NODES'] } }, false), `${P}/flags`, /takes no flags/);
  }
  throwsAt(
    t,
    () => planLinuxAttrs({ memoryPolicy: { mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_STATIC_NODES', 'MPOL_F_RELATIVE_NODES'] } }, false),
    `${P}/flags`,
    /exclude each other/,
  );
});

t.test('timeOffsets: lines for timens_offsets, only with a new time namespace', async (t) => {
  t.equal(
    planLinuxAttrs({ timeOffsets: { monotonic: { secs: -10, nanosecs: 5 }, boottime: { secs: 86400 } } }, true).timeOffsets,
    'monotonic -10 5\nboottime 86400 0\n',
  );
  t.equal(planLinuxAttrs({ timeOffsets: {} }, true).timeOffsets, undefined, 'no offsets, nothing to write');
  t.equal(planLinuxAttrs({}, true).timeOffsets, undefined);
  throwsAt(t, () => planLinuxAttrs({ timeOffsets: { boottime: { secs: 1 } } }, false), '/linux/timeOffsets', /new time namespace/);
  throwsAt(t, () => planLinuxAttrs({ timeOffsets: { realtime: { secs: 1 } } }, true), '/linux/timeOffsets/realtime', /unknown clock realtime/);
  throwsAt(t, () => planLinuxAttrs({ timeOffsets: { boottime: { nanosecs: 1e9 } } }, true), '/linux/timeOffsets/boottime/nanosecs', /0\.\.999999999/);
});
