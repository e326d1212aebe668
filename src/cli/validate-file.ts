/**
 * What `cashlogy-cert validate` does for one file: tell a checklist from a POS profile by its
 * content, validate it, and summarise.
 */
import { analyzePosProfile } from '../pos/profile.js';
import type { PosProfile } from '../pos/types.js';
import { sortIssues } from '../format/source.js';
import type { Issue } from '../format/issues.js';
import { readYaml } from '../format/yaml.js';
import { formatPath, isPlainObject } from '../format/shape.js';
import { validateProfile } from '../machine/profile.js';
import { analyzeChecklist } from '../checklist/load.js';
import { preflight, preflightIssues, type Preflight } from '../checklist/preflight.js';
import type { Checklist } from '../checklist/types.js';

export type FileKind = 'checklist' | 'pos-profile' | 'machine-profile' | 'unknown';

export interface FileValidation {
  file: string;
  kind: FileKind;
  valid: boolean;
  /** "12 items" / "POS profile, http driver". */
  summary?: string;
  issues: Issue[];
  text: string;
  /** POS profiles: what the checklist it will face needs from it (absent when none could be chosen). */
  preflight?: Preflight & { chosen: string };
  /** Why there is no pre-flight for a valid POS profile. */
  preflightSkipped?: string;
}

/** The checklist a POS profile is checked against, and how it was chosen; or why there is none. */
export type ChecklistChoice = { checklist: Checklist; chosen: string } | { skipped: string };

export interface ValidateOptions {
  /** For POS profiles: the checklist to run the pre-flight against. Without it, no pre-flight. */
  checklistFor?: (pos: PosProfile) => ChecklistChoice;
  /** Check POS profiles as `run --ci` would use them. */
  ci?: boolean;
}

/** A checklist has `items:` (or `steps`), a POS profile has `driver:` (or `integration:` and `company:`). */
export function detectKind(value: unknown): FileKind {
  if (!isPlainObject(value)) return 'unknown';
  if ('items' in value) return 'checklist';
  if ('driver' in value) return 'pos-profile';
  if ('integration' in value || 'company' in value || 'email' in value) return 'pos-profile';
  if ('integrations' in value || 'source' in value) return 'checklist';
  // A machine profile (simulator/*.yaml) has denominations and a currency.
  if ('currency' in value && ('coins' in value || 'notes' in value)) return 'machine-profile';
  return 'unknown';
}

export function validateText(text: string, file: string, options: ValidateOptions = {}): FileValidation {
  const source = readYaml(text, file);
  const kind = source.issues.length > 0 ? 'checklist' : detectKind(source.value);
  if (kind === 'pos-profile') {
    const r = analyzePosProfile(text, file);
    const result: FileValidation = {
      file,
      kind,
      valid: r.profile !== undefined,
      ...(r.profile ? { summary: `POS profile, ${r.profile.integration} integration, ${r.profile.driver.type} driver` } : {}),
      issues: r.issues,
      text,
    };
    if (r.profile === undefined || options.checklistFor === undefined) return result;
    const choice = options.checklistFor(r.profile);
    if ('skipped' in choice) return { ...result, preflightSkipped: choice.skipped };
    const p = preflight(choice.checklist, choice.checklist.items, r.profile, { ci: options.ci === true });
    const issues = sortIssues([...r.issues, ...preflightIssues(p, file, text)]);
    return { ...result, valid: !issues.some((i) => i.severity === 'error'), issues, preflight: { ...p, chosen: choice.chosen } };
  }
  if (kind === 'machine-profile') {
    const { profile, problems } = validateProfile(source.value);
    const issues = problems.map((p): Issue => {
      const at = source.locate(p.path, p.at === 'key' ? 'key' : 'value');
      return { severity: 'error', message: p.message, file, line: at.line, col: at.col, length: at.length, ...(p.path.length ? { path: formatPath(p.path) } : {}), ...(p.hint ? { hint: p.hint } : {}) };
    });
    return {
      file,
      kind,
      valid: profile !== undefined,
      ...(profile ? { summary: `machine profile, ${profile.currency.code}, tickets dialect ${profile.tickets.mode}` } : {}),
      issues,
      text,
    };
  }
  if (kind === 'unknown' && (source.value === undefined || source.value === null)) {
    return { file, kind, valid: false, issues: [{ severity: 'error', message: 'the file is empty', file, line: 1, col: 1 }], text };
  }
  if (kind === 'unknown') {
    return {
      file,
      kind,
      valid: false,
      issues: [
        {
          severity: 'error',
          message: 'not a checklist (no "items:") nor a POS profile (no "driver:")',
          file,
          line: 1,
          col: 1,
          hint: 'see docs/checklist-format.md for both formats',
        },
      ],
      text,
    };
  }
  // Syntax errors are reported the same way whatever the file was meant to be.
  const r = analyzeChecklist(text, file);
  const n = r.checklist?.items.length ?? 0;
  return {
    file,
    kind: 'checklist',
    valid: r.checklist !== undefined,
    ...(r.checklist ? { summary: `${n} item${n === 1 ? '' : 's'}` } : {}),
    issues: r.issues,
    text,
  };
}
