// Checks the spec-coverage index conformance/requirements.ts (no containers):
//  (a) with the runtime-spec checkout at ../shared/runtime-spec, every MUST /
//      SHOULD sentence of runtime.md, runtime-linux.md, config.md and
//      config-linux.md is matched by exactly one index entry, and every entry by
//      exactly one sentence;
//  (b) every `tests` substring names at least one t.test() of conformance/*.test.ts;
//  (c) the coverage numbers, printed as tap comments.
// Run it with: node_modules/.bin/tap test/unit/requirements.test.ts

import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  REQUIREMENTS,
  SPEC_AREAS,
  SPEC_DOCUMENTS,
  sentencesOf,
  specSentences,
  type Requirement,
  type SpecSentence,
} from '../../conformance/requirements.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = join(repo, 'conformance');
const specCandidates = ['/work/shared/runtime-spec', resolve(repo, '..', 'shared', 'runtime-spec')];
const specDir = specCandidates.find((d) => SPEC_DOCUMENTS.every((f) => existsSync(join(d, f))));

const VERDICTS = ['tests', 'unobservable', 'hostCannot', 'untested'] as const;
type Verdict = (typeof VERDICTS)[number];

function verdictsOf(r: Requirement): Verdict[] {
  return VERDICTS.filter((v) => r[v] !== undefined);
}

function describe(r: Requirement): string {
  return `${r.doc} "${r.section}": ${JSON.stringify(r.phrase)}${r.nth ? ` #${r.nth}` : ''}`;
}

/** Undo the escapes a quoted JS string literal may hold (\' \" \` \\ \n). */
function unescapeLiteral(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/**
 * The names of the tests of one conformance file: the first string argument of
 * every t.test( call, and of calls to helpers of the same file that take a
 * `name: string` and pass it to t.test (errors.test.ts's configCase). Template
 * literals keep their ${...} placeholders as written.
 */
function testNames(source: string): string[] {
  const literal = String.raw`(['"\x60])((?:\\.|(?!\1)[^\\])*)\1`;
  const names: string[] = [];
  const collect = (callee: string) => {
    const re = new RegExp(String.raw`\b${callee}\(\s*${literal}`, 'g');
    for (const m of source.matchAll(re)) names.push(unescapeLiteral(m[2]!));
  };
  collect(String.raw`t\.test`);
  for (const m of source.matchAll(/function\s+(\w+)\(\s*(\w+)\s*:\s*string\b[^]*?\n}/g)) {
    if (new RegExp(String.raw`t\.test\(\s*${m[2]}\b`).test(m[0])) collect(m[1]!);
  }
  return names;
}

const testFiles = readdirSync(conformanceDir).filter((f) => f.endsWith('.test.ts')).sort();
const allTestNames = testFiles.flatMap((f) => testNames(readFileSync(join(conformanceDir, f), 'utf8')).map((name) => ({ file: f, name })));

t.test('the index is well-formed: one verdict per entry, a known area, a non-empty phrase', async (t) => {
  const areas = new Set<string>(SPEC_AREAS);
  const bad = REQUIREMENTS.filter((r) => verdictsOf(r).length !== 1 || !areas.has(r.area) || r.phrase.trim() === '' ||
    (r.tests !== undefined && r.tests.length === 0) || VERDICTS.some((v) => v !== 'tests' && r[v] !== undefined && String(r[v]).trim() === ''));
  t.strictSame(bad.map(describe), [], 'entries with no or several verdicts, an unknown area, or an empty phrase/test list/reason');
});

t.test('the parser finds the test names of the conformance files', async (t) => {
  t.ok(allTestNames.length > 200, `found ${allTestNames.length} test names in ${testFiles.length} files`);
  t.ok(allTestNames.some((n) => n.file === 'errors.test.ts' && n.name.startsWith('root.path that does not exist')), 'names given to a helper (configCase) count');
  t.ok(allTestNames.some((n) => n.name.includes("the pid file has the host pid of a process in the container's namespaces")), 'escaped quotes are undone');
  t.strictSame(testNames(`t.test(\n  'multi-line call',\n async (t) => {})`), ['multi-line call'], 'a name on the line after t.test(');
});

t.test('(b) every tests substring names at least one conformance test', async (t) => {
  const missing: string[] = [];
  for (const r of REQUIREMENTS) {
    for (const sub of r.tests ?? []) {
      if (!allTestNames.some((n) => n.name.includes(sub))) missing.push(`${describe(r)} -> ${JSON.stringify(sub)}`);
    }
  }
  t.strictSame(missing, [], 'tests substrings that match no t.test name in conformance/*.test.ts');
});

t.test('(a) every MUST / SHOULD sentence of the four documents has exactly one entry', { skip: specDir ? false : `runtime-spec checkout not found (looked in ${specCandidates.join(', ')})` }, async (t) => {
  const sentences: SpecSentence[] = SPEC_DOCUMENTS.flatMap((doc) => specSentences(doc, readFileSync(join(specDir!, doc), 'utf8')));
  t.ok(sentences.length > 250, `${sentences.length} requirement sentences extracted`);
  const entriesPerSentence = new Map<SpecSentence, Requirement[]>(sentences.map((s) => [s, []]));
  const entriesWithoutOneSentence: string[] = [];
  for (const r of REQUIREMENTS) {
    const hits = sentencesOf(r, sentences);
    if (hits.length !== 1) entriesWithoutOneSentence.push(`${describe(r)} matches ${hits.length} sentences`);
    for (const s of hits) entriesPerSentence.get(s)!.push(r);
  }
  t.strictSame(entriesWithoutOneSentence, [], 'each entry (doc, section, phrase, nth) matches exactly one sentence');
  const unmatched = sentences.filter((s) => entriesPerSentence.get(s)!.length === 0).map((s) => `${s.doc} "${s.section}": ${s.text}`);
  t.strictSame(unmatched, [], 'sentences no entry matches (add an entry to conformance/requirements.ts)');
  const doubly = sentences.filter((s) => entriesPerSentence.get(s)!.length > 1)
    .map((s) => `${s.doc} "${s.section}": ${s.text} <- ${entriesPerSentence.get(s)!.map(describe).join(' | ')}`);
  t.strictSame(doubly, [], 'sentences matched by more than one entry');
  t.equal(REQUIREMENTS.length, sentences.length, 'as many entries as sentences');
});

t.test('(c) coverage numbers', async (t) => {
  const count = (rs: Requirement[], v: Verdict) => rs.filter((r) => r[v] !== undefined).length;
  const line = (label: string, rs: Requirement[]) =>
    `${label.padEnd(24)} ${String(rs.length).padStart(4)} sentences: ${String(count(rs, 'tests')).padStart(3)} tested, ` +
    `${String(count(rs, 'unobservable')).padStart(3)} unobservable, ${String(count(rs, 'hostCannot')).padStart(3)} host cannot, ` +
    `${String(count(rs, 'untested')).padStart(3)} untested`;
  t.comment(line('all', REQUIREMENTS));
  const observable = REQUIREMENTS.filter((r) => r.unobservable === undefined);
  t.comment(`observable: ${observable.length}; tested ${count(observable, 'tests')} (${Math.round((100 * count(observable, 'tests')) / observable.length)}%)`);
  for (const doc of SPEC_DOCUMENTS) t.comment(line(doc, REQUIREMENTS.filter((r) => r.doc === doc)));
  for (const area of SPEC_AREAS) t.comment(line(area, REQUIREMENTS.filter((r) => r.area === area)));
  for (const r of REQUIREMENTS.filter((r) => r.untested !== undefined)) t.comment(`untested: ${describe(r)}: ${r.untested}`);
  const cited = new Set(REQUIREMENTS.flatMap((r) => r.tests ?? []));
  t.comment(`${cited.size} distinct test-name substrings cited; ${allTestNames.length} conformance tests in ${testFiles.length} files`);
  t.pass('numbers printed');
});
