/**
 * What every YAML input's loader shares (checklists, POS profiles): the safe-YAML → shape →
 * cross-check pipeline, and the ordering and formatting of issues. Text in, issues out: the
 * loaders read the files (src/read-source.ts).
 */
import { formatIssue, type Issue } from './issues.js';
import { readYaml } from './yaml.js';
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
