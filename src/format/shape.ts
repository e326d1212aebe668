/**
 * A tiny description language for every input we accept: YAML files (checklists, POS and
 * machine profiles), fault specs, control-API bodies and result.json. One description gives
 * both the validator (every problem at once, each located in the source through `locate` or by
 * its JSON path, with "did you mean" hints, in one wording) and the JSON Schema that editors
 * use, so the two can never disagree.
 */
import { closest, type Issue } from './issues.js';
import { isDurationAboveLimit, MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from '../duration.js';
import type { PathSegment, YamlSource } from './yaml.js';

export type JsonSchema = Record<string, unknown>;

interface Documented {
  description?: string;
}

export type Shape =
  /**
   * `what` names the value in the pattern message: invalid currency code "euro". A number is
   * accepted with a warning (YAML reads `version: 4.10` as 4.1) unless `numbersAsText` is false,
   * as in JSON, where quotes are never implied.
   */
  /**
   * `noControl` refuses control characters (C0, DEL, C1, hence ESC): 'line' all of them,
   * 'multiline' all but tab, line feed and carriage return. Text that reaches reports, e-mails
   * and terminals must not carry an escape sequence a `cat` would replay.
   */
  | ({ kind: 'string'; pattern?: string; patternHint?: string; what?: string; minLength?: number; numbersAsText?: boolean; noControl?: 'line' | 'multiline' } & Documented)
  | ({ kind: 'number'; integer?: boolean; min?: number; max?: number } & Documented)
  | ({ kind: 'boolean'; only?: boolean } & Documented)
  /** `what` names the vocabulary in messages: unknown level "mandatory". */
  | ({ kind: 'enum'; values: readonly string[]; what: string; strict?: boolean } & Documented)
  | ({ kind: 'duration' } & Documented)
  | ({ kind: 'array'; items: Shape; minItems?: number; unique?: boolean } & Documented)
  | ObjectShape
  | ({ kind: 'record'; keyPattern?: string; keyHint?: string; values: Shape } & Documented)
  /** The first alternative whose `accepts` returns true is used; messages name `what`. */
  | ({ kind: 'union'; what: string; options: readonly UnionOption[] } & Documented)
  /** Exactly one of the variant keys decides the shape (a step is `action:` or `expect:`…). */
  | VariantShape
  /** A mapping whose `tag` key (e.g. `type: http`) decides the shape of the rest. */
  | TaggedShape
  /** Checked by code outside the description; `json` is what editors get. */
  | ({ kind: 'custom'; json: JsonSchema; check: CustomCheck } & Documented);

export interface Property {
  shape: Shape;
  required?: boolean;
}

export interface ObjectShape extends Documented {
  kind: 'object';
  /** Used in "missing key … in <what>". */
  what: string;
  props: Record<string, Property>;
  /** Keys beyond `props` are allowed (a file other versions of the tool may add to). */
  open?: boolean;
}

export interface VariantShape extends Documented {
  kind: 'variant';
  what: string;
  /** Tried in order: the first variant whose key is present is the one used. */
  variants: Record<string, ObjectShape>;
}

export interface TaggedShape extends Documented {
  kind: 'tagged';
  what: string;
  tag: string;
  /** Each variant lists its own keys; the tag key is added automatically. */
  variants: Record<string, ObjectShape>;
}

export interface UnionOption {
  accepts: (value: unknown) => boolean;
  shape: Shape;
}

export type CustomCheck = (value: unknown, path: PathSegment[], report: Reporter) => void;

export interface Reporter {
  error(path: PathSegment[], message: string, hint?: string, which?: 'key' | 'value'): void;
  warning(path: PathSegment[], message: string, hint?: string, which?: 'key' | 'value'): void;
}

/** Collects issues located in one YAML source. */
export function createReporter(source: YamlSource, issues: Issue[]): Reporter {
  const add = (severity: Issue['severity']) => (path: PathSegment[], message: string, hint?: string, which: 'key' | 'value' = 'value') => {
    const where = source.locate(path, which);
    issues.push({
      severity,
      message,
      path: formatPath(path),
      file: source.file,
      line: where.line,
      col: where.col,
      length: where.length,
      ...(hint !== undefined ? { hint } : {}),
    });
  };
  return { error: add('error'), warning: add('warning') };
}

/** One problem found in a plain value (JSON body, object), located by its path. */
export interface Problem {
  severity: Issue['severity'];
  path: PathSegment[];
  message: string;
  hint?: string;
  /** 'key' when the key itself is wrong (unknown key), so editors highlight the key. */
  at: 'key' | 'value';
}

/** Collects problems by path, for values that have no source text to point into. */
export function createProblemReporter(problems: Problem[]): Reporter {
  const add = (severity: Problem['severity']) => (path: PathSegment[], message: string, hint?: string, which: 'key' | 'value' = 'value') => {
    problems.push({ severity, path: [...path], message, at: which, ...(hint !== undefined ? { hint } : {}) });
  };
  return { error: add('error'), warning: add('warning') };
}

/** Every problem of `value` against `shape` (errors and warnings), paths relative to `path`. */
export function checkShape(shape: Shape, value: unknown, path: PathSegment[] = []): Problem[] {
  const problems: Problem[] = [];
  validateShape(shape, value, path, createProblemReporter(problems));
  return problems;
}

/** A path as users read it in messages: "recyclers.200", "pay[1]", "items[3].steps[0]". */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return `the number ${String(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What `noControl` refuses, as JSON Schema patterns (editors flag a match). */
const CONTROL_PATTERNS = {
  line: '[\\u0000-\\u001f\\u007f-\\u009f]',
  multiline: '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]',
} as const;

const CONTROL_NAMES: Record<number, string> = { 0: 'NUL', 7: 'BEL', 8: 'backspace', 9: 'tab', 10: 'line feed', 13: 'carriage return', 27: 'ESC', 127: 'DEL' };

/** The first control character `noControl` refuses in `text`, named, with its index. */
export function controlCharacter(text: string, mode: 'line' | 'multiline'): { name: string; index: number } | undefined {
  const match = new RegExp(CONTROL_PATTERNS[mode]).exec(text);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CONTROL_NAMES[code];
  return { name: name !== undefined ? `${hex} (${name})` : hex, index: match.index };
}

function expectedName(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'a text';
    case 'number':
      return shape.integer ? 'a whole number' : 'a number';
    case 'boolean':
      return shape.only !== undefined ? String(shape.only) : 'true or false';
    case 'enum':
      return `a ${shape.what}`;
    case 'duration':
      return 'a duration like 250ms, 2s or 1m';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
    case 'variant':
    case 'tagged':
      return 'a mapping';
    case 'union':
      return shape.what;
    case 'custom':
      return 'a value';
  }
}

function didYouMean(word: string, known: readonly string[]): string {
  const guess = closest(word, known);
  return guess !== undefined ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`;
}

/** Validates `value` against `shape`, reporting every problem. Returns true when nothing was wrong. */
export function validateShape(shape: Shape, value: unknown, path: PathSegment[], report: Reporter): boolean {
  let ok = true;
  const error: Reporter['error'] = (...args) => {
    ok = false;
    report.error(...args);
  };
  const sub: Reporter = { error, warning: report.warning };
  const wrongType = () => error(path, `expected ${expectedName(shape)}, got ${describeValue(value)}`);

  switch (shape.kind) {
    case 'string': {
      if (typeof value !== 'string') {
        // YAML reads `version: 4.10` as the number 4.1: accept it, but say how to keep it as written.
        if (typeof value === 'number' && shape.pattern === undefined && shape.numbersAsText !== false) {
          report.warning(path, `${value} is read as a number`, `write it in quotes ("${value}") to keep it exactly as written`);
          break;
        }
        wrongType();
        break;
      }
      const control = shape.noControl !== undefined ? controlCharacter(value, shape.noControl) : undefined;
      if (control !== undefined) {
        error(path, `control character ${control.name} at character ${control.index + 1} of the text`, 'write plain text: control characters would reach reports, e-mails and terminals as they are');
      } else if (shape.minLength !== undefined && value.trim().length < shape.minLength) error(path, 'must not be empty');
      else if (shape.pattern !== undefined && !new RegExp(shape.pattern).test(value)) {
        error(path, `invalid ${shape.what ?? 'value'} ${JSON.stringify(value)}`, shape.patternHint);
      }
      break;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        wrongType();
        break;
      }
      if (shape.integer && !Number.isInteger(value)) error(path, `expected a whole number, got ${value}`, 'amounts are integer cents: write 1250, not 12.50');
      else if (shape.min !== undefined && value < shape.min) error(path, `must be at least ${shape.min}, got ${value}`);
      else if (shape.max !== undefined && value > shape.max) error(path, `must be at most ${shape.max}, got ${value}`);
      break;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') wrongType();
      else if (shape.only !== undefined && value !== shape.only) error(path, `must be ${shape.only}`, `leave the key out instead of writing ${value}`);
      break;
    }
    case 'enum': {
      if (typeof value !== 'string') {
        wrongType();
        break;
      }
      const control = controlCharacter(value, 'line');
      if (control !== undefined) {
        error(path, `control character ${control.name} at character ${control.index + 1} of the text`, `expected a ${shape.what}: ${shape.values.join(', ')}`);
      } else if (!shape.values.includes(value)) {
        const hint = didYouMean(value, shape.values);
        if (shape.strict === false) report.warning(path, `unknown ${shape.what} "${value}"`, hint);
        else error(path, `unknown ${shape.what} "${value}"`, hint);
      }
      break;
    }
    case 'duration': {
      if (isDurationAboveLimit(value)) {
        error(path, `duration ${typeof value === 'string' ? JSON.stringify(value) : String(value)} is above the limit of ${MAX_DURATION_TEXT}`, 'no timeout or delay of a machine, a POS or a checklist needs longer');
      } else if (parseDuration(value) === undefined) {
        error(path, `invalid duration ${typeof value === 'string' ? JSON.stringify(value) : describeValue(value)}`, 'write a duration like 250ms, 2s, 1.5s or 2m');
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        wrongType();
        break;
      }
      if (shape.minItems !== undefined && value.length < shape.minItems) {
        error(path, shape.minItems === 1 ? 'must not be empty' : `needs at least ${shape.minItems} entries`);
      }
      value.forEach((item, i) => validateShape(shape.items, item, [...path, i], sub));
      if (shape.unique) {
        const seen = new Set<string>();
        value.forEach((item, i) => {
          const k = JSON.stringify(item);
          if (seen.has(k)) report.warning([...path, i], `${JSON.stringify(item)} is listed twice`);
          seen.add(k);
        });
      }
      break;
    }
    case 'object': {
      if (!isPlainObject(value)) {
        wrongType();
        break;
      }
      validateProps(shape, value, path, sub);
      break;
    }
    case 'record': {
      if (!isPlainObject(value)) {
        wrongType();
        break;
      }
      for (const [key, item] of Object.entries(value)) {
        if (shape.keyPattern !== undefined && !new RegExp(shape.keyPattern).test(key)) {
          error([...path, key], `invalid key "${key}"`, shape.keyHint, 'key');
        }
        validateShape(shape.values, item, [...path, key], sub);
      }
      break;
    }
    case 'union': {
      const option = shape.options.find((o) => o.accepts(value));
      if (option === undefined) {
        error(path, `expected ${shape.what}, got ${describeValue(value)}`);
        break;
      }
      validateShape(option.shape, value, path, sub);
      break;
    }
    case 'variant': {
      if (!isPlainObject(value)) {
        wrongType();
        break;
      }
      const kinds = Object.keys(shape.variants);
      const present = Object.keys(value).filter((k) => kinds.includes(k));
      const chosen = kinds.find((k) => k in value);
      if (chosen === undefined) {
        const keys = Object.keys(value);
        const guess = keys.map((k) => closest(k, kinds)).find((g) => g !== undefined);
        const misspelt = keys.find((k) => closest(k, kinds) === guess);
        if (guess !== undefined && misspelt !== undefined) {
          error([...path, misspelt], `unknown ${shape.what} "${misspelt}"`, `did you mean "${guess}"?`, 'key');
        } else {
          error(path, `a ${shape.what} needs one of: ${kinds.join(', ')}`);
        }
        break;
      }
      const variant = shape.variants[chosen] as ObjectShape;
      const clash = present.filter((k) => k !== chosen && !(k in variant.props));
      if (clash.length > 0) {
        error([...path, clash[0] as string], `a ${shape.what} has exactly one of ${kinds.join(', ')}; found ${[chosen, ...clash].join(' and ')}`, 'split it into separate steps', 'key');
        break;
      }
      validateProps(variant, value, path, sub);
      break;
    }
    case 'tagged': {
      if (!isPlainObject(value)) {
        wrongType();
        break;
      }
      const tags = Object.keys(shape.variants);
      const tag = value[shape.tag];
      if (tag === undefined || tag === null) {
        error(path, `missing required key "${shape.tag}" in ${shape.what}`, `one of: ${tags.join(', ')}`);
        break;
      }
      if (typeof tag !== 'string' || !tags.includes(tag)) {
        error([...path, shape.tag], `unknown ${shape.what} ${shape.tag} ${typeof tag === 'string' ? `"${tag}"` : describeValue(tag)}`, typeof tag === 'string' ? didYouMean(tag, tags) : `one of: ${tags.join(', ')}`);
        break;
      }
      validateProps(withTag(shape, tag), value, path, sub);
      break;
    }
    case 'custom':
      shape.check(value, path, sub);
      break;
  }
  return ok;
}

function withTag(shape: TaggedShape, tag: string): ObjectShape {
  const variant = shape.variants[tag] as ObjectShape;
  return { ...variant, props: { [shape.tag]: { shape: { kind: 'enum', values: [tag], what: shape.tag }, required: true }, ...variant.props } };
}

function validateProps(shape: ObjectShape, value: Record<string, unknown>, path: PathSegment[], report: Reporter): void {
  const known = Object.keys(shape.props);
  for (const key of Object.keys(value)) {
    if (!shape.open && !Object.hasOwn(shape.props, key)) {
      report.error([...path, key], `unknown key "${key}"${shape.what ? ` in ${shape.what}` : ''}`, didYouMean(key, known), 'key');
    }
  }
  for (const [key, prop] of Object.entries(shape.props)) {
    const item = value[key];
    if (item === undefined || item === null) {
      if (prop.required) {
        report.error(path, `missing required key "${key}"${shape.what ? ` in ${shape.what}` : ''}`, undefined, path.length === 0 ? 'value' : 'key');
      }
      continue;
    }
    validateShape(prop.shape, item, [...path, key], report);
  }
}

/** A whole JSON Schema document (draft 2020-12) for one of the formats: its id, its title and its shape. */
export function jsonSchemaDocument(id: string, title: string, shape: Shape): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    title,
    ...toJsonSchema(shape),
  };
}

/** The JSON Schema (draft 2020-12 vocabulary) for a shape. */
export function toJsonSchema(shape: Shape): JsonSchema {
  const doc = (schema: JsonSchema): JsonSchema => (shape.description !== undefined ? { description: shape.description, ...schema } : schema);
  switch (shape.kind) {
    case 'string':
      return doc({
        type: 'string',
        ...(shape.pattern !== undefined ? { pattern: shape.pattern } : {}),
        ...(shape.minLength !== undefined ? { minLength: shape.minLength } : {}),
        ...(shape.noControl !== undefined ? { not: { pattern: CONTROL_PATTERNS[shape.noControl] } } : {}),
      });
    case 'number':
      return doc({
        type: shape.integer ? 'integer' : 'number',
        ...(shape.min !== undefined ? { minimum: shape.min } : {}),
        ...(shape.max !== undefined ? { maximum: shape.max } : {}),
      });
    case 'boolean':
      return doc(shape.only !== undefined ? { const: shape.only } : { type: 'boolean' });
    case 'enum':
      return doc(shape.strict === false ? { anyOf: [{ enum: [...shape.values] }, { type: 'string' }] } : { enum: [...shape.values] });
    case 'duration':
      return doc({
        anyOf: [
          { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m)?\\s*$' },
          { type: 'number', minimum: 0, maximum: MAX_DURATION_MS },
        ],
      });
    case 'array':
      return doc({ type: 'array', items: toJsonSchema(shape.items), ...(shape.minItems !== undefined ? { minItems: shape.minItems } : {}) });
    case 'object':
      return doc(objectSchema(shape));
    case 'record':
      return doc({
        type: 'object',
        ...(shape.keyPattern !== undefined ? { propertyNames: { pattern: shape.keyPattern } } : {}),
        additionalProperties: toJsonSchema(shape.values),
      });
    case 'union':
      return doc({ anyOf: shape.options.map((o) => toJsonSchema(o.shape)) });
    case 'variant':
      return doc({ oneOf: Object.values(shape.variants).map((v) => objectSchema(v)) });
    case 'tagged':
      return doc({
        oneOf: Object.keys(shape.variants).map((tag) => {
          const schema = objectSchema(withTag(shape, tag));
          (schema['properties'] as Record<string, JsonSchema>)[shape.tag] = { const: tag };
          return schema;
        }),
      });
    case 'custom':
      return doc(shape.json);
  }
}

function objectSchema(shape: ObjectShape): JsonSchema {
  const required = Object.entries(shape.props)
    .filter(([, p]) => p.required)
    .map(([k]) => k);
  const properties: Record<string, JsonSchema> = {};
  for (const [key, prop] of Object.entries(shape.props)) properties[key] = toJsonSchema(prop.shape);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(shape.open ? {} : { additionalProperties: false }),
  };
}
