/**
 * What `replay` reads (pure: text in, recording out): a result.json (its items' transcripts and
 * the actions the runner asked of the POS), a transcript as `GET /transcript` returns it (a JSON
 * array of entries), or a recording object holding one (`{"transcript": [...]}`, as a proxy
 * capture may be saved). Every problem names its JSON path and its line and column, so a support
 * engineer who hand-trimmed a capture sees where it broke.
 */
import { InvalidInputError, UsageError } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { closest } from '../format/issues.js';
import { createReporter, describeValue, isPlainObject, validateShape, type Shape } from '../format/shape.js';
import { readYaml, type YamlSource } from '../format/yaml.js';
import { POS_ACTIONS, type PosActionRecord } from '../pos/types.js';
import type { TranscriptEntry } from '../protocol/transcript.js';
import { jsonErrorOffset, parseResult } from '../reporters/load-result.js';

/** One POS action the runner performed during the recorded item. */
/** The part of a recorded action replay needs: what the POS was asked, and when. */
export type RecordedAction = PosActionRecord;

export interface RecordedItem {
  /** The checklist item id, or `transcript` for a bare transcript. */
  id: string;
  title?: string;
  /** Where this item's transcript sits in the file, for messages: `items[2].transcript`. */
  path: string;
  transcript: TranscriptEntry[];
  /** Empty for a bare transcript: the POS must then be driven by hand (serve mode). */
  actions: RecordedAction[];
}

export interface Recording {
  kind: 'result' | 'transcript';
  items: RecordedItem[];
  /** For a result: the POS and checklist it was recorded with. */
  pos?: { name: string; version: string; integration: string };
  checklist?: { id: string; version: string };
}

const DIRECTIONS = ['in', 'out', 'event'] as const;

const entryShape: Shape = {
  kind: 'object',
  what: 'a transcript entry',
  open: true,
  props: {
    at: { shape: { kind: 'number', min: 0 }, required: true },
    conn: { shape: { kind: 'number', integer: true, min: 0 }, required: true },
    dir: { shape: { kind: 'enum', values: DIRECTIONS, what: 'direction', strict: true }, required: true },
    data: { shape: { kind: 'string', numbersAsText: false }, required: true },
  },
};

const transcriptShape: Shape = { kind: 'array', items: entryShape };

const actionShape: Shape = {
  kind: 'object',
  what: 'an action record',
  open: true,
  props: {
    action: { shape: { kind: 'enum', values: POS_ACTIONS, what: 'POS action', strict: true }, required: true },
    amount: { shape: { kind: 'number', integer: true, min: 0 } },
    startedAt: { shape: { kind: 'number', min: 0 }, required: true },
    durationMs: { shape: { kind: 'number', min: 0 }, required: true },
  },
};

const itemExtrasShape: Shape = {
  kind: 'object',
  what: 'an item',
  open: true,
  props: { actions: { shape: { kind: 'array', items: actionShape } } },
};

/** Reads a recording; throws InvalidInputError whose issues carry the JSON path in their message. */
export function parseRecording(text: string, file: string): Recording {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const where = lineCol(text, jsonErrorOffset(text));
    throw invalid(file, [{ severity: 'error', message: `not valid JSON: ${(err as Error).message}`, file, ...where }]);
  }
  if (Array.isArray(value)) return { kind: 'transcript', items: [{ id: 'transcript', path: '$', transcript: checkTranscript(value, text, file, []), actions: [] }] };
  if (!isPlainObject(value)) {
    throw invalid(file, [{ severity: 'error', message: `$: expected a result.json (an object with "items") or a transcript (a JSON array of entries), got ${describeValue(value)}`, file, line: 1, col: 1 }]);
  }
  if (!('items' in value) && Array.isArray(value['transcript'])) {
    return { kind: 'transcript', items: [{ id: 'transcript', path: 'transcript', transcript: checkTranscript(value['transcript'], text, file, ['transcript']), actions: [] }] };
  }
  if (!('items' in value)) {
    throw invalid(file, [
      {
        severity: 'error',
        message: `$: neither a result.json (no "items") nor a recording (no "transcript" list); keys found: ${Object.keys(value).slice(0, 8).join(', ') || 'none'}`,
        file,
        line: 1,
        col: 1,
      },
    ]);
  }
  let result;
  try {
    result = parseResult(text, file);
  } catch (err) {
    if (err instanceof InvalidInputError) throw invalid(file, err.issues.map(withPath));
    throw err;
  }
  const issues: Issue[] = [];
  const source = located(text, file);
  const items = value['items'] as unknown[];
  items.forEach((raw, i) => validateShape(itemExtrasShape, raw, ['items', i], createReporter(source, issues)));
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw invalid(file, errors.map(withPath));
  return {
    kind: 'result',
    pos: { name: result.pos.name, version: result.pos.version, integration: result.pos.integration },
    checklist: { id: result.checklist.id, version: result.checklist.version },
    items: result.items.map((item, i) => ({
      id: item.id,
      title: item.title,
      path: `items[${i}].transcript`,
      transcript: item.transcript,
      actions: item.actions.map((a) => ({
        action: a.action,
        ...(a.amount !== undefined ? { amount: a.amount } : {}),
        ...(a.name !== undefined ? { name: a.name } : {}),
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        ...(a.outcome !== undefined ? { outcome: a.outcome } : {}),
      })),
    })),
  };
}

/**
 * The item to replay: the one named by `--item`, or the only one with traffic. A result of
 * several items needs `--item`; the message lists them.
 */
export function selectItem(recording: Recording, id: string | undefined): RecordedItem {
  const withTraffic = recording.items.filter((item) => item.transcript.some((e) => e.dir === 'in'));
  if (id === undefined) {
    if (recording.kind === 'transcript') return recording.items[0] as RecordedItem;
    if (withTraffic.length === 1) return withTraffic[0] as RecordedItem;
    if (withTraffic.length === 0) throw new UsageError('the result holds no item with traffic from the POS: nothing to replay');
    throw new UsageError(`the result holds ${withTraffic.length} items with traffic: choose one with --item (${withTraffic.map((i) => i.id).join(', ')})`);
  }
  if (recording.kind === 'transcript') throw new UsageError(`--item ${id}: a transcript file holds one recording, not items; leave --item out`);
  const found = recording.items.find((item) => item.id === id);
  if (found === undefined) {
    const near = closest(id, recording.items.map((i) => i.id));
    throw new UsageError(`no item "${id}" in the result${near ? ` (did you mean "${near}"?)` : ''}; it holds ${recording.items.map((i) => i.id).join(', ') || 'no items'}`);
  }
  if (!found.transcript.some((e) => e.dir === 'in')) throw new UsageError(`item ${id} has no traffic from the POS in its transcript: nothing to replay`);
  return found;
}

function checkTranscript(value: unknown[], text: string, file: string, base: (string | number)[]): TranscriptEntry[] {
  const issues: Issue[] = [];
  validateShape(transcriptShape, value, base, createReporter(located(text, file), issues));
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw invalid(file, errors.map(withPath));
  return value as TranscriptEntry[];
}

/** JSON is YAML: the YAML reader gives every path its line and column. */
function located(text: string, file: string): YamlSource {
  const source = readYaml(text, file);
  return source.issues.length === 0 ? source : { ...source, locate: () => ({ line: 1, col: 1, length: 1 }) };
}

/** The path goes into the message too: formatted issues show file:line:col, and a path is what a JSON user searches for. */
function withPath(issue: Issue): Issue {
  if (issue.path === undefined || issue.path === '' || issue.message.startsWith(`${issue.path}:`)) return issue;
  return { ...issue, message: `${issue.path}: ${issue.message}` };
}

function invalid(file: string, issues: Issue[]): InvalidInputError {
  return new InvalidInputError(`${file} is not a valid recording (${issues.length} problem${issues.length === 1 ? '' : 's'})`, issues);
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

