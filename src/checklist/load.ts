/**
 * Loading a checklist: safe YAML → shape validation (format.ts) → the rules the shape cannot
 * express (rules.ts: ids, dependencies, step names, captures) → the normalised model of
 * types.ts (normalise.ts). Every problem is reported at once, located as file:line:col,
 * errors and warnings apart.
 */
import { createHash } from 'node:crypto';
import { invalidInput as invalid } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { analyzeSource } from '../format/source.js';
import { readSource } from '../read-source.js';
import { checklistShape } from './format.js';
import { normalise, type RawChecklist } from './normalise.js';
import { checkChecklist } from './rules.js';
import type { Checklist } from './types.js';

export { formatIssues, sortIssues } from '../format/source.js';
export { DEFAULT_ITEM_TIMEOUT_MS, DEFAULT_SCREEN_WITHIN_MS, DEFAULT_WITHIN_MS } from './normalise.js';

export interface ChecklistAnalysis {
  /** Present when there is no error (warnings allowed). */
  checklist?: Checklist;
  /** Errors first, then warnings, each in file order. */
  issues: Issue[];
  /** The source text, for formatting issues with their line and caret. */
  text: string;
}

/** Validate a checklist's text; never throws for bad input. */
export function analyzeChecklist(text: string, file: string): ChecklistAnalysis {
  const result = analyzeSource(text, file, checklistShape, checkChecklist);
  if (result.value === undefined) return { issues: result.issues, text };
  const checklist = normalise(result.value as RawChecklist);
  checklist.file = file;
  checklist.sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { checklist, issues: result.issues, text };
}

/** Parse a checklist or throw InvalidInputError with every error. */
export function parseChecklist(text: string, file: string): Checklist {
  const result = analyzeChecklist(text, file);
  if (result.checklist === undefined) throw invalid(file, 'checklist', result.issues);
  return result.checklist;
}

/** Load a checklist file; missing file → CertError FILE_NOT_FOUND, invalid → InvalidInputError. */
export function loadChecklist(path: string): Checklist {
  const bytes = readSource(path, 'checklist');
  const checklist = parseChecklist(bytes.toString('utf8'), path);
  // Hash the bytes as stored, so a report can prove which file it ran.
  checklist.sha256 = createHash('sha256').update(bytes).digest('hex');
  return checklist;
}
