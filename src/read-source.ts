/**
 * Reading an input file the user named (a checklist, a POS profile): a missing or unreadable
 * file is a FILE_NOT_FOUND error naming what was expected and where.
 */
import { readFileSync } from 'node:fs';
import { CertError } from './errors.js';

export function readSource(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new CertError('FILE_NOT_FOUND', `cannot read ${what} ${path}: ${reason}`, { cause: err });
  }
}
