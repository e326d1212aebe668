/**
 * schema/*.json are generated from the same descriptions the loaders use: the committed
 * files must equal the generated ones (run `npm run schema` after changing a format), and the
 * schemas must accept what the loaders accept and reject what editors should flag.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generatedSchemas } from '../../src/checklist/schemas.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';

type Schema = Record<string, unknown>;

/** A small JSON Schema checker for the keywords our generator emits; returns the first problem path. */
function check(schema: Schema, value: unknown, path = '$'): string | undefined {
  if ('const' in schema && value !== schema['const']) return `${path}: const`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) return `${path}: enum`;
  if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Schema[]).some((s) => check(s, value, path) === undefined)) return `${path}: anyOf`;
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as Schema[]).filter((s) => check(s, value, path) === undefined).length;
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
      const p = check(schema['items'] as Schema, value[i], `${path}[${i}]`);
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
      if (names && check({ type: 'string', ...names }, key, `${path}.${key}`)) return `${path}.${key}: propertyNames`;
      if (key in props) {
        const p = check(props[key] as Schema, v, `${path}.${key}`);
        if (p) return p;
      } else if (schema['additionalProperties'] === false) return `${path}.${key}: additionalProperties`;
      else if (typeof schema['additionalProperties'] === 'object') {
        const p = check(schema['additionalProperties'] as Schema, v, `${path}.${key}`);
        if (p) return p;
      }
    }
  }
  return undefined;
}

const schemas = generatedSchemas();
const checklistSchema = JSON.parse(schemas['schema/checklist.schema.json'] as string) as Schema;
const posSchema = JSON.parse(schemas['schema/pos.schema.json'] as string) as Schema;

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
});
