/**
 * Typed errors with stable codes. An error says what went wrong, never how a process should
 * end: the CLI maps codes to exit codes in one table (src/cli/exit-codes.ts), and library
 * users and the reference POS's HTTP hook read the code.
 */
import type { Issue } from './format/issues.js';

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'FILE_NOT_FOUND'
  | 'PROTOCOL'
  | 'SIMULATOR'
  | 'NOTHING_OPEN'
  | 'FAULT'
  | 'DRIVER'
  | 'RUNTIME'
  | 'BUNDLE'
  | 'INTERNAL';

export class CertError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad flags or arguments on the command line. */
export class UsageError extends CertError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A checklist, POS profile, machine profile or fault spec that does not validate. */
export class InvalidInputError extends CertError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super('INVALID_INPUT', message);
    this.issues = issues;
  }
}

/** A problem while running: port in use, a driver that broke, a simulator failure. */
export class RuntimeError extends CertError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `<file> is not a valid <what> (n errors)`, carrying the errors (warnings are not a reason to refuse). */
export function invalidInput(file: string, what: string, issues: Issue[]): InvalidInputError {
  const errors = issues.filter((i) => i.severity === 'error');
  return new InvalidInputError(`${file} is not a valid ${what} (${errors.length} error${errors.length === 1 ? '' : 's'})`, errors);
}
