/**
 * What checklist and POS-profile loading share: reading the file, the safe-YAML →
 * shape → cross-check pipeline, and the ordering and formatting of issues.
 */
import { readFileSync } from 'node:fs';
import { CertError, InvalidInputError } from '../errors.js';
import { formatIssue, type Issue } from '../issues.js';
import { readYaml } from '../yaml.js';
import { createReporter, validateShape, type Reporter, type Shape } from './shape.js';

export interface SourceAnalysis {
  /** The plain document, present only when there is no error. */
  value?: unknown;
  /** Errors first, then warnings, each in file order. */
  issues: Issue[];
}

export function analyzeSource(text: string, file: string, shape: Shape, crossCheck: (doc: unknown, report: Reporter) => void): SourceAnalysis {
  const source = readYaml(text, file);
  const issues: Issue[] = [...source.issues];
  if (source.issues.length > 0) return { issues: sortIssues(issues) };
  if (source.value === undefined || source.value === null) {
    return { issues: [{ severity: 'error', message: 'the file is empty', file, line: 1, col: 1 }] };
  }
  const report = createReporter(source, issues);
  validateShape(shape, source.value, [], report);
  crossCheck(source.value, report);
  const sorted = sortIssues(issues);
  return sorted.some((i) => i.severity === 'error') ? { issues: sorted } : { value: source.value, issues: sorted };
}

export function readSource(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new CertError('FILE_NOT_FOUND', `cannot read ${what} ${path}: ${reason}`, 1, { cause: err });
  }
}

export function invalid(file: string, what: string, issues: Issue[]): InvalidInputError {
  const errors = issues.filter((i) => i.severity === 'error');
  return new InvalidInputError(`${file} is not a valid ${what} (${errors.length} error${errors.length === 1 ? '' : 's'})`, errors);
}

/** Issues with the offending source line and a caret, errors first, separated by blank lines. */
export function formatIssues(issues: readonly Issue[], text?: string): string {
  return sortIssues([...issues])
    .map((issue) => formatIssue(issue, text))
    .join('\n\n');
}

export function sortIssues(issues: Issue[]): Issue[] {
  const rank = (i: Issue) => (i.severity === 'error' ? 0 : 1);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.col ?? 0) - (b.issue.col ?? 0) || a.index - b.index)
    .map((x) => x.issue);
}
