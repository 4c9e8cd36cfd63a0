// Container ids name directories under the state root: only a safe
// alphabet, and never "." or "..".
import { RuntimeError } from '../errors.js';

const ID_PATTERN = /^[A-Za-z0-9_+.-]+$/;

export function checkContainerId(id: string): void {
  if (!id) throw new RuntimeError('container id cannot be empty');
  if (id.length > 1024 || !ID_PATTERN.test(id) || id === '.' || id === '..')
    throw new RuntimeError(`invalid container id ${JSON.stringify(id)}: only [A-Za-z0-9_+.-] are allowed`);
}
