// Marking spec requirements that tsrun is known not to meet yet.
//
// The conformance suite follows the spec. Where runc deviates, tests use
// runcDeviation() (lib/harness.ts). Where a test exposes a tsrun bug that is
// not fixed yet, it uses tsrunBug(): `todo` against tsrun (reported, not failing
// the run) with a precise description, enforced for every other runtime and
// with CONFORMANCE_STRICT=1. Remove the marker with the fix.
import { runtimeVersion } from './harness.js';

export function isTsrun(): boolean {
  return runtimeVersion().split('\n')[0]!.trim().startsWith('tsrun');
}

export function tsrunBug(what: string): { todo?: string } {
  if (process.env.CONFORMANCE_STRICT) return {};
  return isTsrun() ? { todo: `tsrun bug: ${what}` } : {};
}
