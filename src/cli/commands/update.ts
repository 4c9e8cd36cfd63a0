import { readFileSync } from 'node:fs';

import type { CommandModule } from 'yargs';

import type { Resources } from '../../spec/types.js';
import type { GlobalArgs } from '../globals.js';

interface UpdateArgs extends GlobalArgs {
  id: string;
  resources?: string;
  'blkio-weight'?: number;
  'cpu-period'?: number;
  'cpu-quota'?: number;
  'cpu-burst'?: number;
  'cpu-share'?: number;
  'cpu-rt-period'?: number;
  'cpu-rt-runtime'?: number;
  'cpuset-cpus'?: string;
  'cpuset-mems'?: string;
  'cpu-idle'?: number;
  memory?: string;
  'memory-reservation'?: string;
  'memory-swap'?: string;
  'kernel-memory'?: string;
  'kernel-memory-tcp'?: string;
  'pids-limit'?: number;
  'l3-cache-schema'?: string;
  'mem-bw-schema'?: string;
}

/** The individual flags, as a partial linux.resources. */
function resourcesFromFlags(a: UpdateArgs, bytes: (raw: string, flag: string) => number): Resources {
  const r: Resources = {};
  const cpu: NonNullable<Resources['cpu']> = {};
  if (a['cpu-period'] !== undefined) cpu.period = a['cpu-period'];
  if (a['cpu-quota'] !== undefined) cpu.quota = a['cpu-quota'];
  if (a['cpu-burst'] !== undefined) cpu.burst = a['cpu-burst'];
  if (a['cpu-share'] !== undefined) cpu.shares = a['cpu-share'];
  if (a['cpu-rt-period'] !== undefined) cpu.realtimePeriod = a['cpu-rt-period'];
  if (a['cpu-rt-runtime'] !== undefined) cpu.realtimeRuntime = a['cpu-rt-runtime'];
  if (a['cpuset-cpus'] !== undefined) cpu.cpus = a['cpuset-cpus'];
  if (a['cpuset-mems'] !== undefined) cpu.mems = a['cpuset-mems'];
  if (a['cpu-idle'] !== undefined) cpu.idle = a['cpu-idle'];
  if (Object.keys(cpu).length > 0) r.cpu = cpu;
  const memory: NonNullable<Resources['memory']> = {};
  if (a.memory !== undefined) memory.limit = bytes(a.memory, '--memory');
  if (a['memory-reservation'] !== undefined) memory.reservation = bytes(a['memory-reservation'], '--memory-reservation');
  if (a['memory-swap'] !== undefined) memory.swap = bytes(a['memory-swap'], '--memory-swap');
  if (a['kernel-memory'] !== undefined) memory.kernel = bytes(a['kernel-memory'], '--kernel-memory');
  if (a['kernel-memory-tcp'] !== undefined) memory.kernelTCP = bytes(a['kernel-memory-tcp'], '--kernel-memory-tcp');
  if (Object.keys(memory).length > 0) r.memory = memory;
  if (a['pids-limit'] !== undefined) r.pids = { limit: a['pids-limit'] };
  if (a['blkio-weight'] !== undefined) r.blockIO = { weight: a['blkio-weight'] };
  return r;
}

export const updateCommand: CommandModule<GlobalArgs, UpdateArgs> = {
  command: 'update <id>',
  describe: 'update container resource constraints',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('resources', { alias: 'r', type: 'string', describe: 'path to a file with the resources to update, or "-" for stdin' })
      .option('blkio-weight', { type: 'number' })
      .option('cpu-period', { type: 'number' })
      .option('cpu-quota', { type: 'number' })
      .option('cpu-burst', { type: 'number' })
      .option('cpu-share', { type: 'number' })
      .option('cpu-rt-period', { type: 'number' })
      .option('cpu-rt-runtime', { type: 'number' })
      .option('cpuset-cpus', { type: 'string' })
      .option('cpuset-mems', { type: 'string' })
      .option('cpu-idle', { type: 'number' })
      .option('memory', { type: 'string' })
      .option('memory-reservation', { type: 'string' })
      .option('memory-swap', { type: 'string' })
      .option('kernel-memory', { type: 'string' })
      .option('kernel-memory-tcp', { type: 'string' })
      .option('pids-limit', { type: 'number' })
      .option('l3-cache-schema', { type: 'string' })
      .option('mem-bw-schema', { type: 'string' }) as never,
  handler: async (a) => {
    const [{ update, parseBytes }, { RuntimeError }] = await Promise.all([import('../../lifecycle/update.js'), import('../../errors.js')]);
    if (a['l3-cache-schema'] || a['mem-bw-schema']) throw new RuntimeError('Intel RDT (resctrl) is not available on this host');
    let resources: Resources;
    if (a.resources !== undefined) {
      const text = a.resources === '-' ? readFileSync(0, 'utf8') : readFileSync(a.resources, 'utf8');
      try {
        resources = JSON.parse(text) as Resources;
      } catch (e) {
        throw new RuntimeError(`update: the resources are not valid JSON: ${(e as Error).message}`);
      }
    } else {
      resources = resourcesFromFlags(a, parseBytes);
    }
    update({ root: a.root, id: a.id, resources });
  },
};
