/**
 * Reading a saved result.json for `report`: every problem is collected and reported as
 * file:line:col (the same Issue format as checklists), and the fields interfaces.md §5 does
 * not pin are filled with neutral defaults so a hand-written or older result still renders.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError, CertError } from '../errors.js';
import { closest, formatPath, type Issue } from '../issues.js';
import { readYaml, type PathSegment } from '../yaml.js';
import { INTEGRATION_TYPES } from '../pos/types.js';
import { LANGS, type Lang, type Localized } from '../checklist/types.js';
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
    throw new CertError('FILE_NOT_FOUND', `cannot read ${path}: ${reason}`, 2);
  }
  return parseResult(text, path);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  const issues: Issue[] = [];
  let located: ReturnType<typeof readYaml> | undefined;
  const at = (path: PathSegment[]) => {
    located ??= readYaml(text, file);
    return located.issues.length === 0 ? located.locate(path) : { line: 1, col: 1, length: 1 };
  };
  const problem = (path: PathSegment[], message: string, hint?: string) => {
    issues.push({ severity: 'error', message, path: formatPath(path), file, ...at(path), ...(hint ? { hint } : {}) });
  };
  const need = (obj: Obj, key: string, kind: 'string' | 'number' | 'object' | 'array', path: PathSegment[]): boolean => {
    const v = obj[key];
    const ok = kind === 'array' ? Array.isArray(v) : kind === 'object' ? isObj(v) : typeof v === kind;
    const name = formatPath([...path, key]);
    if (!ok) problem([...path, key], v === undefined ? `missing "${name}" (${kind})` : `"${name}" must be a ${kind}, not ${describe(v)}`);
    return ok;
  };
  const oneOf = (obj: Obj, key: string, allowed: readonly string[], path: PathSegment[]) => {
    const v = obj[key];
    if (typeof v === 'string' && allowed.includes(v)) return;
    const near = typeof v === 'string' ? closest(v, allowed) : undefined;
    problem([...path, key], `"${formatPath([...path, key])}" must be one of ${allowed.join(', ')}; got ${describe(v)}`, near ? `did you mean "${near}"?` : undefined);
  };

  if (!isObj(value)) {
    throw new InvalidInputError(`${file} is not a valid result.json`, [
      { severity: 'error', message: `expected a JSON object, got ${describe(value)}`, file, line: 1, col: 1 },
    ]);
  }
  const root = value;
  if (root['schemaVersion'] !== 1) {
    problem(['schemaVersion'], `unsupported schemaVersion ${JSON.stringify(root['schemaVersion'])}; this version of cashlogy-cert reads schemaVersion 1`);
  }
  if (need(root, 'tool', 'object', [])) {
    const tool = root['tool'] as Obj;
    need(tool, 'version', 'string', ['tool']);
  }
  if (need(root, 'checklist', 'object', [])) {
    const checklist = root['checklist'] as Obj;
    for (const key of ['id', 'version', 'sha256']) need(checklist, key, 'string', ['checklist']);
  }
  if (need(root, 'pos', 'object', [])) {
    const pos = root['pos'] as Obj;
    need(pos, 'name', 'string', ['pos']);
    need(pos, 'version', 'string', ['pos']);
    oneOf(pos, 'integration', INTEGRATION_TYPES, ['pos']);
  }
  need(root, 'seed', 'number', []);
  need(root, 'startedAt', 'string', []);
  need(root, 'finishedAt', 'string', []);
  oneOf(root, 'verdict', RUN_VERDICTS, []);
  if (root['lang'] !== undefined) oneOf(root, 'lang', LANGS, []);
  if (need(root, 'items', 'array', [])) {
    (root['items'] as unknown[]).forEach((raw, i) => {
      const path: PathSegment[] = ['items', i];
      if (!isObj(raw)) {
        problem(path, `each item must be an object, not ${describe(raw)}`);
        return;
      }
      need(raw, 'id', 'string', path);
      need(raw, 'title', 'string', path);
      oneOf(raw, 'level', LEVELS, path);
      oneOf(raw, 'verdict', ITEM_VERDICTS, path);
      if (need(raw, 'checks', 'array', path)) {
        (raw['checks'] as unknown[]).forEach((check, j) => {
          const cpath = [...path, 'checks', j];
          if (!isObj(check)) return problem(cpath, `each check must be an object, not ${describe(check)}`);
          need(check, 'kind', 'string', cpath);
          oneOf(check, 'status', CHECK_STATUSES, cpath);
          need(check, 'expected', 'string', cpath);
          need(check, 'actual', 'string', cpath);
        });
      }
      if (need(raw, 'transcript', 'array', path)) {
        (raw['transcript'] as unknown[]).forEach((entry, j) => {
          const tpath = [...path, 'transcript', j];
          if (!isObj(entry)) return problem(tpath, `each transcript entry must be an object, not ${describe(entry)}`);
          need(entry, 'at', 'number', tpath);
          need(entry, 'conn', 'number', tpath);
          oneOf(entry, 'dir', DIRECTIONS, tpath);
          need(entry, 'data', 'string', tpath);
        });
      }
      for (const key of ['actions', 'operatorAnswers', 'faults', 'tags'] as const) {
        if (raw[key] !== undefined) need(raw, key, 'array', path);
      }
    });
  }
  if (issues.length > 0) {
    throw new InvalidInputError(`${file} is not a valid result.json (${issues.length} problem${issues.length > 1 ? 's' : ''})`, issues);
  }
  return normalize(root);
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

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
