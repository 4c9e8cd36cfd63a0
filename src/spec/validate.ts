// Validation of a bundle's config.json against runtime-spec v1.3.0.
//
// Three layers, all reported together:
//   1. the JSON Schema in schema/config.schema.json, compiled ahead of time by
//      scripts/build-validator.mjs into build/gen/validate-config.js (no Ajv
//      compiler at runtime);
//   2. the ociVersion range this runtime implements (checkOciVersion);
//   3. rules the spec states that a schema cannot express (./semantics.ts).
//
// validateSpec() is layer 1 only: it is exactly as strict as the reference
// schema, so any config the reference schema accepts (for any platform) passes
// it. validateConfig() and loadSpec() apply all three layers, i.e. what a
// Linux runtime has to reject before creating a container.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The generated module (and its .d.ts) exist only after
// `node scripts/build-validator.mjs` ran; keep type-checking possible before
// that. Its type is pinned by the GeneratedValidator cast below either way.
// @ts-ignore -- generated file, may be absent when type-checking a fresh tree
import generatedValidate from '../../build/gen/validate-config.js';
import { checkSemantics, type SemanticOptions } from './semantics.js';
import type { Spec } from './types.js';

/** One reason a config is invalid. */
export interface ConfigViolation {
  /** JSON pointer (RFC 6901) of the offending value, "" for the document root. */
  pointer: string;
  /** What was expected there, e.g. "must be array". */
  message: string;
}

/** Thrown by loadSpec(); lists every violation found, not just the first. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly violations: ConfigViolation[];
  /** The config file the violations refer to, when known. */
  readonly file: string | undefined;

  constructor(violations: ConfigViolation[], file?: string) {
    super(`invalid config.json: ${violations.map(formatViolation).join('; ')}`);
    this.violations = violations;
    this.file = file;
  }
}

/** "<pointer>: <message>", or just the message for the document root. */
export function formatViolation(v: ConfigViolation): string {
  return v.pointer === '' ? v.message : `${v.pointer}: ${v.message}`;
}

// ---------------------------------------------------------------------------
// Layer 1: schema

/** Shape of the errors the generated validator reports (Ajv ErrorObject). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

const schemaValidate = generatedValidate as GeneratedValidator;

/**
 * Check `config` against the runtime-spec v1.3.0 JSON Schema. Returns every
 * violation (deduplicated, most specific first per location); [] when valid.
 */
export function validateSpec(config: unknown): ConfigViolation[] {
  if (schemaValidate(config)) return [];
  return schemaErrorsToViolations(schemaValidate.errors ?? []);
}

/**
 * Turn raw Ajv errors into violations: drop the noise allErrors mode produces
 * (anyOf/oneOf/if summaries when their branches explain the failure, the
 * branches that got least far, follow-up errors on a value of the wrong type),
 * phrase each remaining error so that it says what was expected, and drop
 * exact duplicates.
 */
export function schemaErrorsToViolations(errors: readonly SchemaError[]): ConfigViolation[] {
  let kept = dropBranchNoise(errors);

  // A value of the wrong type also fails its enum/pattern/const/range checks;
  // only the type error is useful.
  const typeFailed = new Set(kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  kept = kept.filter((e) => e.keyword === 'type' || !typeFailed.has(e.instancePath) || !VALUE_KEYWORDS.has(e.keyword));

  const seen = new Set<string>();
  const out: ConfigViolation[] = [];
  for (const e of kept) {
    const v = { pointer: e.instancePath, message: describe(e) };
    const key = `${v.pointer}\0${v.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

const VALUE_KEYWORDS = new Set([
  'enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength',
]);
const BRANCHING = new Set(['anyOf', 'oneOf']);

function isWithin(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

function dropBranchNoise(errors: readonly SchemaError[]): SchemaError[] {
  const drop = new Set<SchemaError>();
  const replace = new Map<SchemaError, SchemaError>();
  errors.forEach((summary, at) => {
    if (summary.keyword === 'if') {
      // "must match "then" schema": the then-branch errors say more
      if (errors.some((e, i) => i !== at && isWithin(e.instancePath, summary.instancePath) && e.keyword !== 'if')) {
        drop.add(summary);
      }
      return;
    }
    if (!BRANCHING.has(summary.keyword)) return;
    // oneOf failing because several branches matched has no branch errors
    if (summary.params['passingSchemas'] != null) return;
    // Ajv reports a failed anyOf/oneOf right after the errors of its branches.
    // Branch errors carry schema paths below the combinator's own path when
    // the branch was compiled inline; group them per branch.
    const prefix = `${summary.schemaPath}/`;
    const branches = new Map<string, SchemaError[]>();
    for (let i = 0; i < at; i++) {
      const e = errors[i]!;
      if (!e.schemaPath.startsWith(prefix) || !isWithin(e.instancePath, summary.instancePath)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      const list = branches.get(branch) ?? [];
      list.push(e);
      branches.set(branch, list);
    }
    if (branches.size > 0) {
      const all = [...branches.values()];
      // The value matched none of the alternative types: say so in one line.
      if (all.every((list) => list.every((e) => e.keyword === 'type' && e.instancePath === summary.instancePath))) {
        const types = [...new Set(all.flatMap((list) => list.flatMap((e) => [e.params['type']].flat())))];
        replace.set(summary, { ...summary, keyword: 'type', params: { type: types } });
        for (const list of all) for (const e of list) drop.add(e);
        return;
      }
      // Otherwise keep the branch most likely meant: the one that got furthest
      // into the data (deepest error), then one where the value at least had
      // the right type, then the one with the fewest complaints.
      const wrongType = (list: SchemaError[]) =>
        list.some((e) => e.keyword === 'type' && e.instancePath === summary.instancePath) ? 1 : 0;
      const deepest = (list: SchemaError[]) => Math.max(...list.map((e) => depth(e.instancePath)));
      const ranked = all.sort((a, b) => deepest(b) - deepest(a) || wrongType(a) - wrongType(b) || a.length - b.length);
      for (const other of ranked.slice(1)) for (const e of other) drop.add(e);
      drop.add(summary);
      return;
    }
    // Branches compiled as separate functions: their errors are still more
    // specific than "must match a schema in anyOf".
    if (errors.some((e, i) => i < at && !BRANCHING.has(e.keyword) && isWithin(e.instancePath, summary.instancePath))) {
      drop.add(summary);
    }
  });
  return errors.filter((e) => !drop.has(e)).map((e) => replace.get(e) ?? e);
}

// The 64-bit bounds are not representable as doubles; print them as written
// in the spec rather than as their rounded double values.
const EXACT_BOUNDS = new Map<number, string>([
  [2 ** 64, '18446744073709551615'],
  [2 ** 63, '9223372036854775807'],
  [-(2 ** 63), '-9223372036854775808'],
]);

function show(value: unknown): string {
  if (typeof value === 'number') return EXACT_BOUNDS.get(value) ?? String(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return `must be ${Array.isArray(p['type']) ? (p['type'] as unknown[]).join(' or ') : show(p['type'])}`;
    case 'required':
      return `must have required property '${show(p['missingProperty'])}'`;
    case 'enum':
      return `must be equal to one of the allowed values (${((p['allowedValues'] as unknown[]) ?? []).map(show).join(', ')})`;
    case 'const':
      return `must be equal to ${JSON.stringify(p['allowedValue'])}`;
    case 'additionalProperties':
      return `must NOT have additional property '${show(p['additionalProperty'])}'`;
    case 'unevaluatedProperties':
      return `must NOT have unevaluated property '${show(p['unevaluatedProperty'])}'`;
    case 'propertyNames':
      return `property name '${show(p['propertyName'])}' is invalid`;
    case 'pattern':
      return `must match pattern "${show(p['pattern'])}"`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${show(p['comparison'])} ${show(p['limit'])}`;
    case 'minItems':
      return `must NOT have fewer than ${show(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must NOT have more than ${show(p['limit'])} item${p['limit'] === 1 ? '' : 's'}`;
    case 'dependencies':
    case 'dependentRequired':
      return `must have property '${show(p['missingProperty'])}' when property '${show(p['property'])}' is present`;
    default:
      return e.message ?? `must pass the "${e.keyword}" check`;
  }
}

// ---------------------------------------------------------------------------
// Layer 2: version

/** Oldest and newest runtime-spec versions this runtime implements. */
export const MIN_OCI_VERSION = '1.0.0';
export const MAX_OCI_VERSION = '1.3.x';

// SemVer 2.0.0, https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * null when `v` is a SemVer version this runtime can run: 1.0.0 up to any
 * 1.3.x, pre-releases included (1.0.2-dev, 1.3.0-rc.1, and also the
 * 1.0.0-rcN releases whose configs are still around). Otherwise a message
 * saying what is wrong.
 */
export function checkOciVersion(v: string): string | null {
  const m = SEMVER.exec(v);
  if (!m) return `must be a SemVer 2.0.0 version such as "1.3.0", got ${JSON.stringify(v)}`;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 1 || minor > 3) {
    return `unsupported runtime-spec version ${JSON.stringify(v)}: this runtime supports ${MIN_OCI_VERSION} through ${MAX_OCI_VERSION}`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// All layers

export type ValidateOptions = SemanticOptions;

/**
 * Everything a Linux runtime must reject: schema violations, an unsupported
 * ociVersion and the spec rules checked by ./semantics.ts, sorted by location.
 */
export function validateConfig(config: unknown, opts: ValidateOptions = {}): ConfigViolation[] {
  const found = validateSpec(config);
  if (isObject(config) && typeof config['ociVersion'] === 'string') {
    const problem = checkOciVersion(config['ociVersion']);
    if (problem) found.push({ pointer: '/ociVersion', message: problem });
  }
  found.push(...checkSemantics(config, opts));
  return sortViolations(found);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function comparePointers(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i]!;
    const y = bs[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return as.length - bs.length;
}

/** Stable sort by pointer (array indices numerically), root first. */
export function sortViolations(list: ConfigViolation[]): ConfigViolation[] {
  return list
    .map((v, i) => ({ v, i }))
    .sort((a, b) => comparePointers(a.v.pointer, b.v.pointer) || a.i - b.i)
    .map(({ v }) => v);
}

/**
 * Read `<bundleDir>/config.json`, parse it and apply every check of
 * validateConfig(). Throws ConfigError listing all violations (or the JSON
 * syntax error with file, line and column); I/O errors (e.g. ENOENT) are
 * rethrown with the file name in the message and their `code` preserved.
 *
 * By default `process` is required, as for `create`/`run`; pass
 * `{ requireProcess: false }` to check a config that will not be started.
 */
export function loadSpec(bundleDir: string, opts: ValidateOptions = {}): Spec {
  const file = join(bundleDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const wrapped = new Error(`cannot read ${file}: ${e.message}`, { cause: err }) as NodeJS.ErrnoException;
    if (e.code !== undefined) wrapped.code = e.code;
    throw wrapped;
  }
  const config = parseJson(text, file);
  const violations = validateConfig(config, { requireProcess: true, ...opts });
  if (violations.length > 0) throw new ConfigError(violations, file);
  return config as Spec;
}

/** JSON.parse with an error that names the file, line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // Engines word (and position) syntax errors differently (V8 vs
    // JavaScriptCore under bun), so locate the error ourselves.
    const at = findJsonError(text);
    const where = at ? `line ${at.line}, column ${at.column}: ${at.reason}` : (err as Error).message;
    throw new ConfigError([{ pointer: '', message: `${file} is not valid JSON: ${where}` }], file);
  }
}

interface JsonErrorLocation {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/**
 * Locate the first syntax error in `text` (RFC 8259). Returns null if the
 * text is valid JSON. Lines and columns are 1-based, columns count UTF-16
 * code units.
 */
export function findJsonError(text: string): JsonErrorLocation | null {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const fail = (reason: string, at = i): never => {
    throw new Stop(at, reason);
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describeHere = () => (i >= n ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[i])}`);
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`invalid literal, expected "${word}"`);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in string (must be escaped)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('invalid escape in string');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('invalid number');
    i += m![0].length;
  };
  const value = (level: number): void => {
    if (level > 2000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`${describeHere()}, expected a property name in double quotes`);
        string();
        ws();
        if (text[i] !== ':') fail(`${describeHere()}, expected ':'`);
        i++;
        value(level + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`${describeHere()}, expected ',' or '}'`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(level + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`${describeHere()}, expected ',' or ']'`);
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail(`${describeHere()}, expected a value`);
  };
  try {
    value(0);
    ws();
    if (i < n) fail(`${describeHere()} after the end of the document`);
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.offset);
    const line = before.split('\n').length;
    const column = err.offset - (before.lastIndexOf('\n') + 1) + 1;
    return { offset: err.offset, line, column, reason: err.reason };
  }
}
