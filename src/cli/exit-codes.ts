/**
 * Every exit code the CLI can end with, in one place (docs/runner.md, Exit codes). Errors carry a stable
 * `code` and no exit code: the same error means the same exit whichever loader threw it, and a
 * library user (or the reference POS's HTTP hook) never sees a process exit code at all.
 */
import { CertError, type ErrorCode } from '../errors.js';
import type { RunVerdict } from '../runner/result.js';

export const EXIT = {
  /** Every required item passed; the bundle verifies; nothing regressed. */
  ok: 0,
  /** Bad flags or arguments, or a file named on the command line that is not there. */
  usage: 1,
  /** An invalid checklist, POS profile, machine profile, faults file or result.json. */
  invalid: 2,
  /** The simulator, a driver or an item errored, and no required item failed. */
  runtime: 3,
  /** A required item failed, a bundle does not verify or is not a submission, a required item regressed. */
  failed: 4,
  /** Stopped by Ctrl-C or SIGTERM (the shell's 128 + SIGINT). */
  interrupted: 130,
  /** A bug: something threw that is not a CertError. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A missing file is a usage error: it is a path the user typed. Everything that is not about
 * the user's input is a runtime error.
 */
const BY_ERROR_CODE: Readonly<Record<ErrorCode, ExitCode>> = {
  USAGE: EXIT.usage,
  FILE_NOT_FOUND: EXIT.usage,
  INVALID_INPUT: EXIT.invalid,
  PROTOCOL: EXIT.runtime,
  SIMULATOR: EXIT.runtime,
  NOTHING_OPEN: EXIT.runtime,
  FAULT: EXIT.runtime,
  DRIVER: EXIT.runtime,
  RUNTIME: EXIT.runtime,
  BUNDLE: EXIT.runtime,
  INTERNAL: EXIT.runtime,
};

/** The exit code for anything a command threw. */
export function exitCodeForError(err: unknown): ExitCode {
  return err instanceof CertError ? BY_ERROR_CODE[err.code] : EXIT.internal;
}

/** The exit code of a finished run (or merge): the gate judges what ran. */
export function exitCodeForRun(verdict: RunVerdict, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (verdict === 'fail') return EXIT.failed;
  if (verdict === 'error') return EXIT.runtime;
  return EXIT.ok;
}

/** `verify`: a bundle that does not verify, or (with --submission) is not a submission, fails the gate. */
export function exitCodeForVerify(intact: boolean, refusedAsSubmission: boolean): ExitCode {
  return !intact || refusedAsSubmission ? EXIT.failed : EXIT.ok;
}

/** `diff`: a required item that passed before and does not now fails the gate. */
export function exitCodeForDiff(requiredRegressed: boolean): ExitCode {
  return requiredRegressed ? EXIT.failed : EXIT.ok;
}

/** `validate`: every file valid, or at least one invalid. */
export function exitCodeForValidation(allValid: boolean): ExitCode {
  return allValid ? EXIT.ok : EXIT.invalid;
}
