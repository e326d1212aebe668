/**
 * The run result: `result.json` (docs/reports.md), the master copy every report renders
 * from. Plain data only; the runner builds it, reporters read it, the CLI writes it.
 */
import type { Level } from '../checklist/types.js';
import type { Localized, Lang } from '../i18n.js';
import type { IntegrationType, PosActionRecord } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { OperatorAnswer } from '../drivers/operator.js';
import type { CoverageRecord } from './coverage.js';

export type { OperatorAnswer } from '../drivers/operator.js';

export type ItemVerdict = 'pass' | 'fail' | 'error' | 'partial' | 'not-applicable' | 'skipped';
export type RunVerdict = 'pass' | 'fail' | 'error';
export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface CheckResult {
  /** The expectation kind ("sends", "outcome", "consistency"…) or "step" for a step that broke. */
  kind: string;
  /** Index of the step in the item (absent for checks the runner adds, like outcome/wire consistency). */
  step?: number;
  status: CheckStatus;
  /** What was expected, in words ("a frame matching #C#*#*#990#... within 5s"). */
  expected: string;
  /** What happened ("#C#1#1#99000#..." at 1.2 s, or "no matching frame"). */
  actual: string;
  /** Why it failed, naming the defect; or the reason it was skipped. */
  message?: string;
  /**
   * `message` in every language, when the checklist step gave its sentence in fr/en/es: that
   * sentence in the language, then the evidence as written (`en` is `message`). Absent in older files.
   */
  messages?: Localized;
}

export interface ActionRecord extends PosActionRecord {
  /** Driver problem (timeout, non-JSON answer, exit code…), when there was one. */
  error?: string;
  /** What the POS printed while the action ran (command driver, or the started process). */
  stdout?: string;
  stderr?: string;
}

export interface ItemResult {
  id: string;
  /** Title in the run's language. */
  title: string;
  titles: Localized;
  description: Localized;
  catches: Localized;
  ref: string;
  level: Level;
  tags: string[];
  verdict: ItemVerdict;
  /** One sentence: why this verdict (first failing check, the skip or n/a reason…). */
  reason?: string;
  /**
   * `reason` in every language, when it is a failed check's localized message (with its
   * suffixes: the other problem, the connector's refusals and the POS's own words as written).
   * Absent otherwise, and in older files: the reports then translate `reason` where they know its wording.
   */
  reasons?: Localized;
  durationMs: number;
  checks: CheckResult[];
  actions: ActionRecord[];
  operatorAnswers: OperatorAnswer[];
  /** Faults that fired during the item, as human sentences. */
  faults: string[];
  transcript: TranscriptEntry[];
  /**
   * The runner restarted the POS (whole process tree) before this item because an earlier
   * item left it hung, crashed or timed out: why, naming that item.
   */
  posRestarted?: string;
}

export interface RunSummary {
  total: number;
  pass: number;
  fail: number;
  error: number;
  partial: number;
  notApplicable: number;
  skipped: number;
  requiredFailed: number;
  /**
   * The waits the checklist itself declares for the items that ran (src/runner/floor.ts), ms:
   * no run of them can be shorter. A merge adds up its shards' floors; absent in older files.
   */
  floorMs?: number;
}

/** The part of the checklist a run was asked to cover. */
export interface RunSelection {
  only?: string[];
  tags?: string[];
  /** `i/n`. */
  shard?: string;
  /** Shards merged into this result (`merge`), as `i/n`. */
  merged?: string[];
}

export interface RunResult {
  schemaVersion: 1;
  tool: { name: 'cashlogy-cert'; version: string };
  /** `file` is relative to the working directory of the run (never an absolute path). */
  checklist: { id: string; version: string; sha256: string; file?: string; title?: Localized };
  pos: {
    name: string;
    version: string;
    integration: IntegrationType;
    company?: string;
    email?: string;
    features?: string[];
    driver?: string;
  };
  seed: number;
  timeScale: number;
  lang: Lang;
  ci: boolean;
  /** The simulator profile the items ran on. */
  profile: string;
  startedAt: string;
  finishedAt: string;
  verdict: RunVerdict;
  /** True when the run was cut short (Ctrl-C); items not run are absent or `skipped`. */
  interrupted?: boolean;
  /**
   * Coverage (docs/runner.md, Coverage): true when every applicable required item of the checklist ran
   * to a verdict. A result without the field (older files) is read as not complete.
   */
  complete?: boolean;
  /** What narrowed the run, when anything did: `complete` is false then. */
  selection?: RunSelection;
  /** How many applicable required items there are, how many ran, which did not (src/runner/coverage.ts). */
  coverage?: CoverageRecord;
  summary: RunSummary;
  items: ItemResult[];
  /** Output of the long-running POS process, when one was started. */
  posOutput?: { stdout: string; stderr: string };
  /** A real connector ran the items (`run --connector`), not the simulator: where, and its version when the POS asked. */
  connector?: { kind: 'real' | 'simulator'; upstream?: string; version?: string };
}
