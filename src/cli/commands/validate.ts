/**
 * `cashlogy-cert validate <file...>`: checks checklists and POS profiles (told apart by
 * content) and prints every problem as file:line:col with the source line and a caret,
 * errors before warnings; each valid POS profile also gets the pre-flight of the checklist it
 * will face (src/checklist/preflight.ts). Exit 0 all valid (warnings allowed), 2 any invalid,
 * 1 usage error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatIssues } from '../../format/source.js';
import { loadChecklist } from '../../checklist/load.js';
import { formatPreflight } from '../../checklist/preflight.js';
import { resolveChecklist } from '../../checklist/select.js';
import { validateText, type ChecklistChoice, type FileValidation } from '../validate-file.js';
import { UsageError } from '../../errors.js';
import type { PosProfile } from '../../pos/types.js';
import { exitCodeForValidation } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function registerValidate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('validate')
    .description('check checklists and POS profiles; every problem as file:line:col (exit 0 valid, 2 invalid, 1 usage error)')
    .argument('[files...]', 'checklist or pos.yaml files')
    .option('--checklist <name|file>', 'pre-flight of POS profiles against this checklist (default: the one run picks for the POS integration)')
    .option('--ci', 'check POS profiles as `run --ci` uses them (no operator: the manual driver is refused)')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Every POS profile also gets a pre-flight: the driver actions, features and operator checks the
checklist's items need from it, and what is missing. A missing action a required item needs is
an error (exit 2); one only recommended or optional items need is a warning.

Examples:
  $ cashlogy-cert validate pos.yaml
  $ cashlogy-cert validate pos.yaml --checklist chapter7-express --ci
  $ cashlogy-cert validate checklists/mine.yaml pos.yaml --checklist checklists/mine.yaml`,
    )
    .action((files: string[], options: { json?: boolean; checklist?: string; ci?: boolean }) => {
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
      setExitCode(exitCodeForValidation(results.every((r) => r.valid)));
    });
}

/** Like `run --checklist`: a path (relative to the working directory) or a shipped name; without it, run's default. */
function chooseChecklist(pos: PosProfile, arg: string | undefined, cwd: string): ChecklistChoice {
  if (arg !== undefined && (existsSync(resolve(cwd, arg)) || /[\\/]|\.ya?ml$/i.test(arg))) {
    return { checklist: loadChecklist(resolve(cwd, arg)), chosen: `--checklist ${arg}` };
  }
  if (arg !== undefined) return { checklist: resolveChecklist(pos, arg), chosen: `--checklist ${arg}` };
  if (pos.integration === 'tickets') return { skipped: 'no checklist ships for Cashlogy Tickets integrations yet: pass --checklist <file>' };
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
