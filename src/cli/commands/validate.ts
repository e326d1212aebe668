/**
 * `cashlogy-cert validate <file...>`: checks checklists and POS profiles (told apart by
 * content) and prints every problem as file:line:col with the source line and a caret,
 * errors before warnings. Exit 0 all valid (warnings allowed), 2 any invalid, 1 usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatIssues } from '../../checklist/load-support.js';
import { validateText, type FileValidation } from '../../checklist/validate-file.js';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../io.js';

export function registerValidate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('validate')
    .description('check checklists and POS profiles; every problem as file:line:col (exit 0 valid, 2 invalid, 1 usage error)')
    .argument('[files...]', 'checklist or pos.yaml files')
    .option('--json', 'print the results as JSON')
    .action((files: string[], options: { json?: boolean }) => {
      if (files.length === 0) throw new UsageError('validate needs at least one file: cashlogy-cert validate <file...>');
      const unreadable = files.filter((f) => !isFile(resolve(io.cwd, f)));
      if (unreadable.length > 0) {
        throw new UsageError(unreadable.map((f) => `no such file: ${f}`).join('\n'));
      }
      const results = files.map((f) => validateText(readFileSync(resolve(io.cwd, f), 'utf8'), f));
      if (options.json) {
        io.stdout.write(`${JSON.stringify(results.map(({ text: _text, ...r }) => r), null, 2)}\n`);
      } else {
        for (const r of results) print(r, io);
        if (results.length > 1) io.stdout.write(`${summary(results)}\n`);
      }
      setExitCode(results.every((r) => r.valid) ? 0 : 2);
    });
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
}

function summary(results: FileValidation[]): string {
  const invalid = results.filter((r) => !r.valid).length;
  return `${count(results.length, 'file')}: ${results.length - invalid} valid, ${invalid} invalid`;
}
