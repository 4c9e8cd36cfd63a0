import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CommandModule } from 'yargs';

import { RuntimeError } from '../../errors.js';
import type { GlobalArgs } from '../globals.js';

interface SpecArgs extends GlobalArgs {
  bundle: string;
  rootless?: string;
}

export const specCommand: CommandModule<GlobalArgs, SpecArgs> = {
  command: 'spec',
  describe: 'create a new specification file (config.json) in the bundle directory',
  builder: (y) => y.option('bundle', { alias: 'b', type: 'string', default: '.', describe: 'path to the root of the bundle directory' }) as never,
  handler: async (a) => {
    const { defaultSpec, rootlessSpec } = await import('../../spec/default-config.js');
    // `spec --rootless` is a boolean switch here, while the global --rootless takes a value.
    const rootless = a.rootless !== undefined && a.rootless !== 'false';
    const path = join(a.bundle, 'config.json');
    if (existsSync(path)) throw new RuntimeError(`File ${path} exists. Remove it first`);
    const spec = rootless ? rootlessSpec(process.getuid?.() ?? 0, process.getgid?.() ?? 0) : defaultSpec();
    writeFileSync(path, `${JSON.stringify(spec, null, '\t')}\n`);
  },
};
