import t from 'tap';
import type { Spec } from '../../src/spec/types.js';
const s: Spec = { ociVersion: '1.3.0' };
t.equal(s.ociVersion, '1.3.0');
