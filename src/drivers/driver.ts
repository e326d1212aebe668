/**
 * The POS driver contract (docs/runner.md, Drivers): how the runner asks the POS under test to act.
 *
 *   runner ──start({host, port})──▶ driver ──spawn / HTTP / prompt──▶ POS ──TCP──▶ simulator
 *          ──perform(action, body)─▶        ◀──────── outcome JSON ───
 *          ──stop()───────────────▶ (whole process tree gone, always)
 *
 * A driver never throws from `perform` for a POS problem: it answers `{error}` (timeout,
 * non-JSON answer, exit code…) so the runner can judge it. It throws only from `start` (the
 * POS could not be brought up), and `stop` must be safe to call at any time, more than once.
 */
import type { Lang } from '../i18n.js';
import type { DriverConfig, IntegrationType, PosAction, PosOutcome } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { OperatorAnswer, OperatorConsole } from './operator.js';

export type { OperatorConsole } from './operator.js';

export interface DriverTarget {
  /** The simulator's protocol address (CASHLOGY_HOST / CASHLOGY_PORT). */
  host: string;
  port: number;
  /**
   * The shared requests folder of the Cashlogy Tickets look-alike (CASHLOGY_TICKETS_DIR), for a
   * `tickets` integration: a fresh folder per lane.
   */
  ticketsDir?: string;
  /** Live transcript of the simulator, for drivers that show an operator what the connector saw. */
  onEntry?: (listener: (entry: TranscriptEntry) => void) => () => void;
  /** Aborted when the run stops (Ctrl-C) while the POS is still starting. */
  signal?: AbortSignal;
}

export interface ActionBody {
  amount?: number;
}

export interface PerformOptions {
  timeoutMs: number;
  /** Aborted on Ctrl-C or when the item is abandoned; the driver gives up and answers `{error}`. */
  signal: AbortSignal;
}

export interface PerformResult {
  outcome?: PosOutcome;
  /** What went wrong with the driver or the POS (no outcome, bad JSON, exit code, HTTP error…). */
  error?: string;
  /** The action ran past its timeout: the POS hung. */
  timedOut?: boolean;
  /** Output produced while this action ran (bounded). */
  stdout?: string;
  stderr?: string;
}

export interface PosDriver {
  /** The registry key ("http", "command"…) or a descriptive name for test drivers. */
  readonly type: string;
  /** The hook port chosen for this POS instance (POS_HOOK_PORT), when the driver uses one. */
  readonly hookPort?: number;
  start(target: DriverTarget): Promise<void>;
  perform(action: PosAction, body: ActionBody, options: PerformOptions): Promise<PerformResult>;
  stop(): Promise<void>;
  /** Everything the long-running POS process printed so far (bounded). */
  output(): { stdout: string; stderr: string };
  /** Name of the person who ran a manual session, when there was one. */
  operatorName?(): string | undefined;
  /** Answers an operator gave since the last call (manual driver); filed under the current item. */
  drainAnswers?(): OperatorAnswer[];
}

export interface DriverContext {
  /** Folder of the pos.yaml: relative `cwd` and program paths resolve from here. */
  baseDir: string;
  lang: Lang;
  ci: boolean;
  /** Base environment for started processes (the runner adds CASHLOGY_* and POS_HOOK_PORT). */
  env: NodeJS.ProcessEnv;
  integration: IntegrationType;
  features: string[];
  /** For the manual driver; absent when nobody can answer (then the manual driver refuses to start). */
  console?: OperatorConsole;
}

export type DriverFactory<C extends DriverConfig = DriverConfig> = (config: C, context: DriverContext) => PosDriver;

/** Default per-action timeouts (ms) when neither the driver config nor the step gives one. */
export const DEFAULT_ACTION_TIMEOUTS_MS: Record<PosAction, number> = {
  startup: 90_000,
  sale: 180_000,
  refund: 60_000,
  cancel: 30_000,
  backoffice: 180_000,
  refill: 120_000,
  'close-day': 180_000,
  shutdown: 30_000,
};

/** Keep at most this much output per stream: a chatty POS must not blow up result.json. */
export const OUTPUT_LIMIT = 64 * 1024;

/** A bounded text buffer that keeps the tail (the end is where the error usually is). */
export class OutputBuffer {
  private text = '';
  private dropped = 0;
  constructor(private readonly limit = OUTPUT_LIMIT) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit) {
      const cut = this.text.length - this.limit;
      this.dropped += cut;
      this.text = this.text.slice(cut);
    }
  }
  toString(): string {
    return this.dropped ? `[… ${this.dropped} earlier characters dropped]\n${this.text}` : this.text;
  }
  /** Position to take a slice from later (what was printed while one action ran). */
  mark(): number {
    return this.dropped + this.text.length;
  }
  since(mark: number): string {
    const start = Math.max(0, mark - this.dropped);
    return this.text.slice(start);
  }
}

/** The last `lines` non-empty lines of a text, for error messages. */
export function tail(text: string, lines = 5): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)))
    .slice(-lines)
    .join('\n');
}

/** Lines that say nothing about why a process failed, whatever their position. */
const NOISE: readonly RegExp[] = [
  /^Node\.js v\d+/, // the footer Node prints after an uncaught error
  /^\[… \d+ earlier characters dropped\]$/, // OutputBuffer's own marker
];

/** A stack frame (Node/JS `at …`, Python `File "…", line n`). */
const FRAME = /^\s+(at\s|File\s")/;
/** Node's "where it was thrown" header above the source echo: `/x/pos.js:12`, `[eval]:1`, `node:internal/…:1210`. */
const LOCATION = /^(node:\S+|\[eval\]|\S*[\\/]\S+|\S+\.[cm]?[jt]sx?):\d+$/;
const CARETS = /^\s*\^+\s*$/;
/** What Node prints after the frames of an error with extra properties: `  code: 'MODULE_NOT_FOUND',`, `}`. */
const PROPERTY = /^\s+[\w$]+: .*,?$|^\s*[{}\]]\s*$/;
const WARNING = /^\(node:\d+\) \[?\w*\]? ?\w*Warning\b|^\(Use `node --trace-/;
/** `Error: …`, `TypeError [ERR_X]: …`, `ModuleNotFoundError: …` (Python), `Exception in thread …`. */
const ERROR_LINE = /^(Uncaught )?[A-Z][\w.]*(Error|Exception)\b( \[[\w-]+\])?:|^Exception\b|^(fatal|error|panic)\b/i;

/**
 * The line of a failed process's stderr that says why it failed: the first error line
 * (`Error: Cannot find module '/x/pos.js'`), else the first line that is not noise. Skipped:
 * blank lines, Node's location header with its source echo and `^` carets, stack frames, the
 * indented `code: …` properties and braces after them, runtime warnings and the "Node.js v20…"
 * footer. Undefined when nothing is left.
 */
export function firstMeaningfulLine(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || CARETS.test(line) || FRAME.test(line) || PROPERTY.test(line) || WARNING.test(line) || NOISE.some((re) => re.test(line))) continue;
    if (LOCATION.test(line.trim())) {
      // The echo of the throwing source line runs until the caret line under it.
      const caret = lines.slice(i + 1, i + 4).findIndex((l) => CARETS.test(l));
      if (caret !== -1) {
        i += caret + 1;
        continue;
      }
      if (line.startsWith('node:')) continue;
    }
    kept.push(line.trim());
  }
  return kept.find((l) => ERROR_LINE.test(l)) ?? kept[0];
}

/**
 * What a failed process's stderr says, for an error message: the meaningful line first, then
 * the last lines as context when they add something. Empty when stderr is empty.
 */
export function describeStderr(stderr: string, lines = 5): string {
  const first = firstMeaningfulLine(stderr);
  if (first === undefined) return '';
  const end = tail(stderr, lines);
  return end === '' || end.trim() === first ? first : `${first}\nstderr ends with:\n${end}`;
}

/** Substitute `{amount}`, `{hookPort}`, `{action}` (and any other known key) in a template. */
export function substitute(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => {
    const v = values[key];
    return v === undefined ? whole : String(v);
  });
}

/** Parse what a POS answered as an outcome; an error text when it is not one. */
export function parseOutcome(text: string): { outcome: PosOutcome } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `not JSON: ${JSON.stringify(text.slice(0, 200))}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: `not a JSON object: ${text.slice(0, 200)}` };
  const o = value as Record<string, unknown>;
  if (o.outcome !== 'completed' && o.outcome !== 'cancelled' && o.outcome !== 'failed') {
    return { error: `"outcome" must be "completed", "cancelled" or "failed", got ${JSON.stringify(o.outcome)} in ${text.slice(0, 200)}` };
  }
  for (const key of ['paid', 'change', 'owed', 'refunded']) {
    if (o[key] !== undefined && (typeof o[key] !== 'number' || !Number.isFinite(o[key]))) {
      return { error: `"${key}" must be a number of cents, got ${JSON.stringify(o[key])}` };
    }
  }
  if (o['uncertain'] !== undefined && typeof o['uncertain'] !== 'boolean') {
    return { error: `"uncertain" must be true or false, got ${JSON.stringify(o['uncertain'])}` };
  }
  return { outcome: o as PosOutcome };
}
