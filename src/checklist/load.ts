/**
 * Loading a checklist: safe YAML → shape validation (format.ts) → the rules the shape cannot
 * express (rules.ts: ids, dependencies, step names, captures) → the normalised model of
 * types.ts (normalise.ts). Every problem is reported at once, located as file:line:col,
 * errors and warnings apart.
 */
import { join } from 'node:path';
import { invalidInput as invalid } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { sha256 } from '../hash.js';
import { precompiledText, precompiledValue } from '../precompiled.js';
import { analyzeSource } from '../format/source.js';
import { readSource } from '../read-source.js';
import { PACKAGE_ROOT } from '../version.js';
import { checklistShape } from './format.js';
import { normalise, type RawChecklist } from './normalise.js';
import { checkChecklist } from './rules.js';
import type { Checklist } from './types.js';

export { formatIssues, sortIssues } from '../format/source.js';

/** The bundled checklists, and their `compiled.json` (src/precompiled.ts). */
export const CHECKLISTS_DIR = join(PACKAGE_ROOT, 'checklists');
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
  checklist.sha256 = sha256(text);
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
  // Hash the bytes as stored, so a report can prove which file it ran.
  const hash = sha256(bytes);
  const checklist = (precompiledValue(CHECKLISTS_DIR, hash) as Checklist | undefined) ?? parseChecklist(bytes.toString('utf8'), path);
  checklist.file = path;
  checklist.sha256 = hash;
  return checklist;
}

/** What `loadChecklist` makes of a file's bytes, without the file's own place (`file`, `sha256`): an entry of `compiled.json`. */
export function checklistModel(bytes: Buffer, name: string): Checklist {
  const { file: _file, sha256: _sha256, ...model } = parseChecklist(bytes.toString('utf8'), name);
  return model;
}

/** The text of `checklists/compiled.json` for today's bundled checklists (`npm run precompile`). */
export function precompiledChecklistsText(dir = CHECKLISTS_DIR): string {
  return precompiledText(dir, checklistModel, 'npm run precompile: what src/checklist/load.ts makes of each checklists/*.yaml');
}
