#!/usr/bin/env node
/**
 * The command line: one file per command in commands/ (its flags and help; the work, in
 * `<command>-impl.ts`, is loaded only when that command runs), one top-level catch here that
 * turns typed errors into messages and exit codes (docs/runner.md, Exit codes).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CertError, InvalidInputError } from '../errors.js';
import { formatIssue } from '../format/issues.js';
import { TOOL_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';

/** Runs the CLI and resolves to the exit code; never calls process.exit. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('cashlogy-cert')
    .description('Simulate CashlogyConnector, run the chapter 7 checklist against a POS, and write the certification reports.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of COMMANDS) {
    register(program, io, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here with code 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof InvalidInputError) {
    const sources = new Map<string, string | undefined>();
    for (const issue of err.issues) {
      io.stderr.write(formatIssue(issue, issue.file === undefined ? undefined : sourceOf(issue.file, sources, io.cwd)) + '\n\n');
    }
    io.stderr.write(`error: ${err.message}\n`);
    return exitCodeForError(err);
  }
  if (err instanceof CertError) {
    io.stderr.write(`error: ${err.message}\n`);
    return exitCodeForError(err);
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr.write(`internal error: ${detail}\nThis is a bug in cashlogy-cert; please report it with the command you ran.\n`);
  return exitCodeForError(err);
}

/** The file's text for the caret excerpt; read once per file, and absent when it can't be read. */
function sourceOf(file: string, cache: Map<string, string | undefined>, cwd: string): string | undefined {
  if (!cache.has(file)) {
    let text: string | undefined;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(file, text);
  }
  return cache.get(file);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2));
}
