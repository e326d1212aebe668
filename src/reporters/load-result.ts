/**
 * Reading a saved result.json for `report`: every problem is collected and reported as
 * file:line:col (the same Issue format as checklists), and the fields the minimal result (docs/reports.md) does
 * not pin are filled with neutral defaults so a hand-written or older result still renders.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError, CertError } from '../errors.js';
import type { Issue } from '../format/issues.js';
import { createReporter, describeValue, isPlainObject, jsonSchemaDocument, validateShape, type JsonSchema, type ObjectShape, type Property, type Shape } from '../format/shape.js';
import { readYaml, type YamlSource } from '../format/yaml.js';
import { INTEGRATION_TYPES } from '../pos/types.js';
import { LANGS, type Lang, type Localized } from '../i18n.js';
import type { ItemResult, RunResult } from '../runner/result.js';
import { summarize } from '../runner/verdict.js';

const RUN_VERDICTS = ['pass', 'fail', 'error'] as const;
const ITEM_VERDICTS = ['pass', 'fail', 'error', 'partial', 'not-applicable', 'skipped'] as const;
const LEVELS = ['required', 'recommended', 'optional'] as const;
const CHECK_STATUSES = ['passed', 'failed', 'errored', 'skipped'] as const;
const DIRECTIONS = ['in', 'out', 'event'] as const;

export function loadResult(path: string): RunResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CertError('FILE_NOT_FOUND', `cannot read ${path}: ${reason}`);
  }
  return parseResult(text, path);
}

type Obj = Record<string, unknown>;
const isObj = isPlainObject;

const text = (description?: string): Shape => ({ kind: 'string', numbersAsText: false, ...(description !== undefined ? { description } : {}) });
const verdict = (values: readonly string[], what: string): Shape => ({ kind: 'enum', values, what });
const record = (what: string, props: Record<string, Property>, description?: string): ObjectShape => ({
  kind: 'object',
  what,
  open: true,
  props,
  ...(description !== undefined ? { description } : {}),
});
const list = (items: Shape): Shape => ({ kind: 'array', items });
const anyList: Shape = { kind: 'custom', json: { type: 'array' }, check: (value, path, report) => (Array.isArray(value) ? undefined : report.error(path, `expected a list, got ${describeValue(value)}`)) };

/** A text in every language (a check's message, an item's reason): reports pick the run's. */
const localizedText = (what: string, description: string): Shape => ({
  kind: 'object',
  what,
  open: true,
  description,
  props: { fr: { shape: text(), required: true }, en: { shape: text(), required: true }, es: { shape: text(), required: true } },
});

const checkEntryShape: Shape = record('a check', {
  kind: { shape: text(), required: true },
  status: { shape: verdict(CHECK_STATUSES, 'check status'), required: true },
  expected: { shape: text(), required: true },
  actual: { shape: text(), required: true },
  messages: { shape: localizedText('messages', 'The message in fr/en/es, when the checklist step gave its sentence in every language (en is `message`).') },
});

const entryShape: Shape = record('a transcript entry', {
  at: { shape: { kind: 'number' }, required: true },
  conn: { shape: { kind: 'number' }, required: true },
  dir: { shape: verdict(DIRECTIONS, 'direction'), required: true },
  data: { shape: text(), required: true },
});

const itemShape: Shape = record('an item', {
  id: { shape: text(), required: true },
  title: { shape: text(), required: true },
  level: { shape: verdict(LEVELS, 'level'), required: true },
  verdict: { shape: verdict(ITEM_VERDICTS, 'verdict'), required: true },
  reasons: { shape: localizedText('reasons', 'The reason in fr/en/es, when it is a failed check\'s localized message (en is `reason`).') },
  checks: { shape: list(checkEntryShape), required: true },
  transcript: { shape: list(entryShape), required: true },
  actions: { shape: anyList },
  operatorAnswers: { shape: anyList },
  faults: { shape: anyList },
  tags: { shape: anyList },
});

/**
 * What `report`, `merge` and `verify` need of a result.json (docs/reports.md), described once:
 * other keys are allowed, so a result written by a newer version still renders.
 */
export const resultShape: ObjectShape = record(
  'a result',
  {
    schemaVersion: {
      required: true,
      shape: {
        kind: 'custom',
        json: { const: 1 },
        check: (value, path, report) => {
          if (value !== 1) report.error(path, `unsupported schemaVersion ${JSON.stringify(value)}; this version of cashlogy-cert reads schemaVersion 1`);
        },
      },
    },
    tool: { shape: record('tool', { version: { shape: text(), required: true } }), required: true },
    checklist: {
      shape: record('checklist', { id: { shape: text(), required: true }, version: { shape: text(), required: true }, sha256: { shape: text(), required: true } }),
      required: true,
    },
    pos: {
      shape: record('pos', { name: { shape: text(), required: true }, version: { shape: text(), required: true }, integration: { shape: verdict(INTEGRATION_TYPES, 'integration'), required: true } }),
      required: true,
    },
    seed: { shape: { kind: 'number' }, required: true },
    startedAt: { shape: text('ISO 8601 time.'), required: true },
    finishedAt: { shape: text('ISO 8601 time.'), required: true },
    verdict: { shape: verdict(RUN_VERDICTS, 'verdict'), required: true },
    lang: { shape: verdict(LANGS, 'language') },
    connector: {
      shape: record(
        'connector',
        {
          kind: { shape: verdict(['real', 'simulator'], 'connector kind'), required: true },
          upstream: { shape: text('host:port of the real connector.') },
          version: { shape: text("The connector's version, from its reply to #I# or #GV#.") },
        },
        'A real connector ran the items (run --connector), not the simulator.',
      ),
    },
    items: { shape: list(itemShape), required: true },
  },
  'A cashlogy-cert run result (docs/reports.md); keys not listed here are allowed.',
);

export const RESULT_SCHEMA_ID = 'https://cashlogy-cert.dev/schema/result.schema.json';

export function resultJsonSchema(): JsonSchema {
  return jsonSchemaDocument(RESULT_SCHEMA_ID, 'cashlogy-cert result.json', resultShape);
}

export function parseResult(text: string, file: string): RunResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const where = lineCol(text, jsonErrorOffset(text));
    throw new InvalidInputError(`${file} is not a valid result.json`, [
      { severity: 'error', message: `not valid JSON: ${message}`, file, ...where, hint: 'result.json is written by `cashlogy-cert run`; re-run or restore the file' },
    ]);
  }
  if (!isObj(value)) {
    throw new InvalidInputError(`${file} is not a valid result.json`, [
      { severity: 'error', message: `expected a JSON object, got ${describeValue(value)}`, file, line: 1, col: 1 },
    ]);
  }
  // JSON is YAML: the YAML reader gives every path its line and column.
  const source = readYaml(text, file);
  const located: YamlSource = source.issues.length === 0 ? source : { ...source, locate: () => ({ line: 1, col: 1, length: 1 }) };
  const issues: Issue[] = [];
  validateShape(resultShape, value, [], createReporter(located, issues));
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new InvalidInputError(`${file} is not a valid result.json (${errors.length} problem${errors.length > 1 ? 's' : ''})`, errors);
  }
  return normalize(value);
}

/** Fills what §5 leaves optional, so renderers can rely on the full RunResult shape. */
export function normalizeResult(result: RunResult): RunResult {
  return normalize(result as unknown as Obj);
}

function normalize(root: Obj): RunResult {
  const raw = root as unknown as RunResult;
  const lang: Lang = LANGS.includes(raw.lang) ? raw.lang : 'fr';
  const items: ItemResult[] = raw.items.map((item) => {
    const title = item.title;
    const same: Localized = { fr: title, en: title, es: title };
    const empty: Localized = { fr: '', en: '', es: '' };
    return {
      ...item,
      titles: isObj(item.titles) ? { ...same, ...item.titles } : same,
      description: isObj(item.description) ? { ...empty, ...item.description } : empty,
      catches: isObj(item.catches) ? { ...empty, ...item.catches } : empty,
      ref: typeof item.ref === 'string' ? item.ref : '',
      tags: Array.isArray(item.tags) ? item.tags : [],
      durationMs: typeof item.durationMs === 'number' ? item.durationMs : 0,
      actions: Array.isArray(item.actions) ? item.actions : [],
      operatorAnswers: Array.isArray(item.operatorAnswers) ? item.operatorAnswers : [],
      faults: Array.isArray(item.faults) ? item.faults : [],
    };
  });
  return {
    ...raw,
    tool: { name: 'cashlogy-cert', version: raw.tool.version },
    timeScale: typeof raw.timeScale === 'number' ? raw.timeScale : 1,
    lang,
    ci: raw.ci === true,
    profile: typeof raw.profile === 'string' ? raw.profile : '',
    summary: isObj(raw.summary) ? raw.summary : summarize(items),
    items,
  };
}

/**
 * Where JSON.parse gave up. Node 20's messages do not always carry a position, so a small
 * scanner walks the grammar and returns the offset of the first character it cannot accept.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length);
    throw at;
  }
  return 0;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}
