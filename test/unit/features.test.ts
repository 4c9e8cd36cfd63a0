// `tsrun features` output: valid against the official features schema
// (when ../shared is present) and true to what tsrun implements.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';
import t from 'tap';

import { features } from '../../src/lifecycle/features.js';
import { knownMountOptions, parseMountOptions } from '../../src/plan/mount-options.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaDir = join(repo, '..', 'shared', 'runtime-spec', 'schema');

t.test('validates against the official features schema', { skip: !existsSync(schemaDir) && 'no ../shared' }, async (t) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const load = (f: string) => {
    // The official files mark themselves draft-04; nothing draft-04 specific is used.
    const s = JSON.parse(readFileSync(join(schemaDir, f), 'utf8').replace('"#definitions/uint32"', '"#/definitions/uint32"')) as Record<string, unknown>;
    delete s.$schema;
    return s;
  };
  for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.json') && n !== 'features-schema.json')) ajv.addSchema(load(f), f);
  const validate = ajv.compile({ ...load('features-schema.json'), $id: 'features-schema.json' });
  const ok = validate(features());
  t.ok(ok, JSON.stringify(validate.errors));
  t.notOk(validate({ ...features(), ociVersionMin: 1 }), 'the schema does reject a malformed document');
});

t.test('claims only what is implemented', async (t) => {
  const f = features() as { hooks: string[]; mountOptions: string[]; linux: { namespaces: string[]; seccomp: { actions: string[] } } };
  t.same(f.hooks.length, 6, 'all six hook kinds');
  t.notOk(f.linux.namespaces.includes('user'), 'user namespaces are not claimed yet');
  t.ok(f.linux.seccomp.actions.includes('SCMP_ACT_NOTIFY'), 'NOTIFY, with listenerPath');
  for (const opt of knownMountOptions()) {
    const parsed = parseMountOptions([opt]);
    t.same(parsed.data, [], `${opt} is understood, not passed on as filesystem data`);
  }
  t.same(f.mountOptions, knownMountOptions());
});
