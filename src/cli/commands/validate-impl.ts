/**
 * What `cashlogy-cert validate` does once its arguments are parsed; loaded only when it runs
 * (validate.ts registers the command and its help).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatIssues } from '../../format/source.js';
import { loadChecklist } from '../../checklist/load.js';
import { formatPreflight } from '../../checklist/preflight.js';
import { resolveChecklist } from '../../checklist/select.js';
import { validateText, type ChecklistChoice, type FileValidation } from '../validate-file.js';
import { UsageError } from '../../errors.js';
import type { PosProfile } from '../../pos/types.js';
import { exitCodeForValidation } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ValidateOptions } from './validate.js';

export function validateCommand(files: string[], options: ValidateOptions, io: CliIo): number {
  if (files.length === 0) throw new UsageError('validate needs at least one file: cashlogy-cert validate <file...>');
  const unreadable = files.filter((f) => !isFile(resolve(io.cwd, f)));
  if (unreadable.length > 0) {
    throw new UsageError(unreadable.map((f) => `no such file: ${f}`).join('\n'));
  }
  const checklistFor = (pos: PosProfile) => chooseChecklist(pos, options.checklist, io.cwd);
  const results = files.map((f) => validateText(readFileSync(resolve(io.cwd, f), 'utf8'), f, { checklistFor, ci: options.ci === true }));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(results.map(({ text: _text, ...r }) => r), null, 2)}\n`);
  } else {
    for (const r of results) print(r, io);
    if (results.length > 1) io.stdout.write(`${summary(results)}\n`);
  }
  return exitCodeForValidation(results.every((r) => r.valid));
}

/** Like `run --checklist`: a path (relative to the working directory) or a shipped name; without it, run's default. */
function chooseChecklist(pos: PosProfile, arg: string | undefined, cwd: string): ChecklistChoice {
  if (arg !== undefined && (existsSync(resolve(cwd, arg)) || /[\\/]|\.ya?ml$/i.test(arg))) {
    return { checklist: loadChecklist(resolve(cwd, arg)), chosen: `--checklist ${arg}` };
  }
  if (arg !== undefined) return { checklist: resolveChecklist(pos, arg), chosen: `--checklist ${arg}` };
  return { checklist: resolveChecklist(pos), chosen: `the default for ${/^[aeiou]/.test(pos.integration) ? 'an' : 'a'} ${pos.integration} integration; choose another with --checklist` };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function print(r: FileValidation, io: CliIo): void {
  if (r.issues.length > 0) io.stderr.write(`${formatIssues(r.issues, r.text)}\n\n`);
  const warnings = r.issues.filter((i) => i.severity === 'warning').length;
  const errors = r.issues.length - warnings;
  if (r.valid) {
    io.stdout.write(`ok: ${r.file} (${r.summary ?? r.kind}${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''})\n`);
  } else {
    io.stderr.write(`invalid: ${r.file} (${count(errors, 'error')}${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''})\n`);
  }
  if (r.preflight) io.stdout.write(formatPreflight(r.preflight, { chosen: r.preflight.chosen }).map((l) => `  ${l}\n`).join(''));
  if (r.preflightSkipped) io.stdout.write(`  pre-flight skipped: ${r.preflightSkipped}\n`);
}

function summary(results: FileValidation[]): string {
  const invalid = results.filter((r) => !r.valid).length;
  return `${count(results.length, 'file')}: ${results.length - invalid} valid, ${invalid} invalid`;
}
