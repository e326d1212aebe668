/**
 * schema/*.json are generated from the same descriptions the loaders use: the committed
 * files must equal the generated ones (run `npm run schema` after changing a format), and the
 * schemas must accept what the loaders accept and reject what editors should flag.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generatedSchemas } from '../../scripts/schemas.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import { listFaultInfo, validateFaultSpec } from '../../src/faults/registry.js';
import { validateProfile } from '../../src/machine/profile.js';
import { parseResult } from '../../src/reporters/load-result.js';

type Schema = Record<string, unknown>;

/** A small JSON Schema checker for the keywords our generator emits; returns the first problem path. */
function check(schema: Schema, value: unknown, path = '$', root: Schema = schema): string | undefined {
  if (typeof schema['$ref'] === 'string') {
    const ref = schema['$ref'];
    if (!ref.startsWith('#/$defs/')) throw new Error(`the test checker follows local refs only, not ${ref}`);
    const target = (root['$defs'] as Record<string, Schema> | undefined)?.[ref.slice('#/$defs/'.length)];
    if (target === undefined) return `${path}: unresolved ${ref}`;
    return check(target, value, path, root);
  }
  if ('const' in schema && value !== schema['const']) return `${path}: const`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) return `${path}: enum`;
  if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Schema[]).some((s) => check(s, value, path, root) === undefined)) return `${path}: anyOf`;
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as Schema[]).filter((s) => check(s, value, path, root) === undefined).length;
    if (matches !== 1) return `${path}: oneOf matched ${matches}`;
  }
  const type = schema['type'];
  if (type === 'string') {
    if (typeof value !== 'string') return `${path}: string`;
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) return `${path}: pattern`;
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) return `${path}: minLength`;
  }
  if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number' || (type === 'integer' && !Number.isInteger(value))) return `${path}: ${type}`;
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `${path}: minimum`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `${path}: maximum`;
  }
  if (type === 'boolean' && typeof value !== 'boolean') return `${path}: boolean`;
  if (type === 'array') {
    if (!Array.isArray(value)) return `${path}: array`;
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return `${path}: minItems`;
    for (let i = 0; i < value.length; i++) {
      const p = check(schema['items'] as Schema, value[i], `${path}[${i}]`, root);
      if (p) return p;
    }
  }
  if (type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path}: object`;
    const obj = value as Record<string, unknown>;
    for (const key of (schema['required'] as string[] | undefined) ?? []) if (!(key in obj)) return `${path}.${key}: required`;
    const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      const names = schema['propertyNames'] as Schema | undefined;
      if (names && check({ type: 'string', ...names }, key, `${path}.${key}`, root)) return `${path}.${key}: propertyNames`;
      if (key in props) {
        const p = check(props[key] as Schema, v, `${path}.${key}`, root);
        if (p) return p;
      } else if (schema['additionalProperties'] === false) return `${path}.${key}: additionalProperties`;
      else if (typeof schema['additionalProperties'] === 'object') {
        const p = check(schema['additionalProperties'] as Schema, v, `${path}.${key}`, root);
        if (p) return p;
      }
    }
  }
  return undefined;
}

const schemas = generatedSchemas();
const checklistSchema = JSON.parse(schemas['schema/checklist.schema.json'] as string) as Schema;
const posSchema = JSON.parse(schemas['schema/pos.schema.json'] as string) as Schema;
const profileSchema = JSON.parse(schemas['schema/profile.schema.json'] as string) as Schema;
const faultSchema = JSON.parse(schemas['schema/fault.schema.json'] as string) as Schema;
const resultSchema = JSON.parse(schemas['schema/result.schema.json'] as string) as Schema;
const controlSchema = JSON.parse(schemas['schema/control-api.schema.json'] as string) as Schema;

describe('generated JSON Schemas', () => {
  it.each(Object.keys(schemas))('%s is up to date (run `npm run schema`)', (rel) => {
    expect(readFileSync(rel, 'utf8')).toBe(schemas[rel]);
  });

  it.each(Object.values(SHIPPED_CHECKLISTS))('accepts the shipped %s', (file) => {
    expect(check(checklistSchema, parse(readFileSync(file, 'utf8')))).toBeUndefined();
  });

  it.each(readdirSync('examples/pos').filter((f) => f.endsWith('.yaml')))('accepts examples/pos/%s', (f) => {
    expect(check(posSchema, parse(readFileSync(`examples/pos/${f}`, 'utf8')))).toBeUndefined();
  });

  it('flags what the loader flags', () => {
    const doc = parse(readFileSync(SHIPPED_CHECKLISTS['chapter7-express'], 'utf8')) as { items: Record<string, unknown>[] };
    const firstItem = doc.items[0] as Record<string, unknown>;
    const bad = (mutate: (item: Record<string, unknown>) => void) => {
      const copy = structuredClone(doc);
      mutate(copy.items[0] as Record<string, unknown>);
      return check(checklistSchema, copy);
    };
    expect(firstItem).toBeDefined();
    expect(bad((i) => (i['levle'] = 'required'))).toMatch(/additionalProperties/);
    expect(bad((i) => (i['level'] = 'mandatory'))).toMatch(/level: enum/);
    expect(bad((i) => (i['steps'] = [{ action: 'sell' }]))).toMatch(/oneOf/);
    expect(bad((i) => (i['steps'] = [{ action: 'sale', amount: 12.5 }]))).toMatch(/oneOf/);
    expect(bad((i) => (i['steps'] = [{ wait: '2 secs' }]))).toMatch(/oneOf/);
    expect(bad((i) => (i['steps'] = [{ expect: { send: '#I#' } }]))).toMatch(/oneOf/);
    expect(bad((i) => delete i['catches'])).toMatch(/catches: required/);
    expect(bad((i) => (i['steps'] = [{ action: 'sale', amount: 990, wait: false }, { wait: '2s' }, { expect: { sends: '#C#...', within: '5s' } }]))).toBeUndefined();
  });

  it('gives the POS driver its own keys', () => {
    const base = { name: 'P', version: '1', company: 'C', email: 'a@b.c', integration: 'express' };
    expect(check(posSchema, { ...base, driver: { type: 'http', url: 'http://127.0.0.1:{hookPort}' } })).toBeUndefined();
    expect(check(posSchema, { ...base, driver: { type: 'http' } })).toMatch(/oneOf/);
    expect(check(posSchema, { ...base, driver: { type: 'htp', url: 'x' } })).toMatch(/oneOf/);
    expect(check(posSchema, { ...base, driver: { type: 'manual', url: 'x' } })).toMatch(/oneOf/);
  });

  it.each(readdirSync('simulator').filter((f) => f.endsWith('.yaml')))('the profile schema accepts simulator/%s, as the loader does', (f) => {
    const value = parse(readFileSync(`simulator/${f}`, 'utf8')) as Record<string, unknown>;
    expect(validateProfile(value).problems).toEqual([]);
    expect(check(profileSchema, value)).toBeUndefined();
    expect(check(profileSchema, { ...value, colour: 'red' })).toMatch(/colour: additionalProperties/);
    expect(check(profileSchema, { ...value, currency: { code: 'euro' } })).toMatch(/currency.code: pattern/);
    expect(check(profileSchema, { ...value, dialect: { cancelReply: 'maybe' } })).toMatch(/cancelReply: enum/);
    expect(check(profileSchema, { ...value, durations: { noteAccept: 'fast' } })).toMatch(/noteAccept: anyOf/);
  });

  it('the fault schema has every registered fault, and agrees with the registry on what it accepts', () => {
    const defs = (faultSchema['$defs'] as Record<string, Schema>)['fault'] as Schema;
    expect((defs['oneOf'] as Schema[]).length).toBe(listFaultInfo().length);
    const good: unknown[] = [
      { type: 'latency', ms: 800 },
      { type: 'note-jam', on: { command: 'C', after: '40%' } },
      { type: 'partial-dispense', short: 10, on: { nth: 2, probability: 0.5, times: 3 } },
      { type: 'split', at: [3, 7] },
      { type: 'split', at: '3+7' },
      { type: 'silence', for: '2s' },
    ];
    for (const spec of good) {
      expect(validateFaultSpec(spec).problems).toEqual([]);
      expect(check(faultSchema, spec)).toBeUndefined();
    }
    expect(check(faultSchema, good)).toBeUndefined();
    expect(check(faultSchema, { faults: good })).toBeUndefined();
    const bad: unknown[] = [{ type: 'bogus' }, { type: 'latency', ms: 800, colour: 'red' }, { type: 'latency', on: { nth: 0 } }, { type: 'partial-dispense' }, { type: 'split', at: 'middle-ish' }];
    for (const spec of bad) {
      expect(validateFaultSpec(spec).problems).not.toEqual([]);
      expect(check(faultSchema, spec)).toBeDefined();
    }
  });

  it('the result schema accepts what report reads and flags a wrong verdict', () => {
    const minimal = {
      schemaVersion: 1,
      tool: { name: 'cashlogy-cert', version: '0.1.0' },
      checklist: { id: 'c', version: '1', sha256: 'abc' },
      pos: { name: 'P', version: '1', integration: 'express' },
      seed: 1,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      verdict: 'pass',
      extra: 'kept for newer versions',
      items: [{ id: 'X-1', title: 'One', level: 'required', verdict: 'pass', checks: [], transcript: [{ at: 0, conn: 1, dir: 'in', data: '#I#' }] }],
    };
    expect(() => parseResult(JSON.stringify(minimal), 'r.json')).not.toThrow();
    expect(check(resultSchema, minimal)).toBeUndefined();
    expect(check(resultSchema, { ...minimal, verdict: 'passed' })).toMatch(/verdict: enum/);
    expect(check(resultSchema, { ...minimal, schemaVersion: 2 })).toMatch(/schemaVersion: const/);
  });

  it('the control-API schema describes each request body', () => {
    const defs = controlSchema['$defs'] as Record<string, Schema>;
    expect(Object.keys(defs).sort()).toEqual(['POST /customer', 'POST /faults', 'POST /operator', 'POST /reset', 'PUT /customer', 'PUT /inventory']);
    expect(check(defs['PUT /inventory'] as Schema, { recyclers: { '200': 3 } })).toBeUndefined();
    expect(check(defs['PUT /inventory'] as Schema, { recyclers: { '2 €': 3 } })).toMatch(/propertyNames/);
    expect(check(defs['PUT /customer'] as Schema, { mode: 'robot' })).toMatch(/mode: enum/);
    expect(check(defs['POST /customer'] as Schema, { cancel: false })).toMatch(/cancel: const/);
  });
});
