/**
 * Typed errors with stable codes. The CLI's single top-level catch maps them to exit codes
 * (interfaces.md §1): 1 usage · 2 invalid checklist or profile · 3 runtime error.
 */
import type { Issue } from './issues.js';

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
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode = 3, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad flags or arguments on the command line. */
export class UsageError extends CertError {
  constructor(message: string) {
    super('USAGE', message, 1);
  }
}

/** A checklist, POS profile, machine profile or fault spec that does not validate. */
export class InvalidInputError extends CertError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super('INVALID_INPUT', message, 2);
    this.issues = issues;
  }
}

/** A problem while running: port in use, a driver that broke, a simulator failure. */
export class RuntimeError extends CertError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, 3, options);
  }
}
