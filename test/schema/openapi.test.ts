/**
 * schema/*.openapi.yaml describe the two HTTP faces a vendor's own code meets: the POS hook it
 * serves and the simulator's control API it may drive. A C#, Java or Delphi team generates its
 * server or client from them, so they are checked against the real servers: every documented
 * path and method answers (not 404/405) with a documented status and a body the documented
 * schema accepts, every route of the server is documented, and the request bodies are the very
 * schemas the server validates with (schema/control-api.schema.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POS_ACTIONS } from '../../src/pos/types.js';
import { createReferencePos, startHookServer, type HookServer, type InProcessPos } from '../../src/reference-pos/index.js';
import { startSimulator } from '../../src/server/start.js';
import { controlApiJsonSchema } from '../../src/server/validate.js';
import type { SimulatorHandle } from '../../src/server/types.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMA_DIR = join(ROOT, 'schema');

type Json = Record<string, unknown>;
interface Operation {
  requestBody?: { content: Record<string, { schema: Json; example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, Json>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function loadDoc(name: string): OpenApi {
  return parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as OpenApi;
}

function operations(doc: OpenApi): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
}

/** Resolves a `$ref` in `doc` (local) or in a sibling schema file, returning the target and the document it lives in. */
function resolveRef(ref: string, doc: Json): { schema: Json; doc: Json } {
  const [file, pointer = ''] = ref.split('#');
  const root = file === '' || file === undefined ? doc : (JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Json);
  let at: unknown = root;
  for (const part of pointer.split('/').filter((p) => p !== '')) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    at = (at as Json | undefined)?.[key];
  }
  if (at === undefined) throw new Error(`unresolved $ref ${ref}`);
  return { schema: at as Json, doc: root };
}

/**
 * A small JSON Schema checker for the keywords these documents use; the first problem as
 * "path: what", or undefined when `value` matches.
 */
function check(schema: Json, value: unknown, doc: Json, path = '$'): string | undefined {
  if (typeof schema['$ref'] === 'string') {
    const target = resolveRef(schema['$ref'], doc);
    return check(target.schema, value, target.doc, path);
  }
  if ('const' in schema && value !== schema['const']) return `${path}: expected ${JSON.stringify(schema['const'])}`;
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) return `${path}: ${JSON.stringify(value)} not in enum`;
  if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Json[]).some((s) => check(s, value, doc, path) === undefined)) return `${path}: no anyOf matches`;
  if (Array.isArray(schema['oneOf'])) {
    const n = (schema['oneOf'] as Json[]).filter((s) => check(s, value, doc, path) === undefined).length;
    if (n !== 1) return `${path}: ${n} oneOf branches match`;
  }
  const type = schema['type'];
  if (type === 'null' && value !== null) return `${path}: not null`;
  if (type === 'string') {
    if (typeof value !== 'string') return `${path}: not a string`;
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) return `${path}: pattern`;
  }
  if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number' || (type === 'integer' && !Number.isInteger(value))) return `${path}: not ${type === 'integer' ? 'an integer' : 'a number'}`;
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `${path}: below minimum`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `${path}: above maximum`;
  }
  if (type === 'boolean' && typeof value !== 'boolean') return `${path}: not a boolean`;
  if (type === 'array') {
    if (!Array.isArray(value)) return `${path}: not an array`;
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return `${path}: minItems`;
    if (schema['items'] !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const p = check(schema['items'] as Json, value[i], doc, `${path}[${i}]`);
        if (p) return p;
      }
    }
  }
  if (type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path}: not an object`;
    const obj = value as Json;
    for (const key of (schema['required'] as string[] | undefined) ?? []) if (!(key in obj)) return `${path}.${key}: required`;
    const props = (schema['properties'] as Record<string, Json> | undefined) ?? {};
    const names = schema['propertyNames'] as Json | undefined;
    for (const [key, v] of Object.entries(obj)) {
      if (names && check({ type: 'string', ...names }, key, doc)) return `${path}.${key}: property name`;
      if (key in props) {
        const p = check(props[key] as Json, v, doc, `${path}.${key}`);
        if (p) return p;
      } else if (schema['additionalProperties'] === false) return `${path}.${key}: not allowed`;
      else if (typeof schema['additionalProperties'] === 'object') {
        const p = check(schema['additionalProperties'] as Json, v, doc, `${path}.${key}`);
        if (p) return p;
      }
    }
  }
  return undefined;
}

/** Every `$ref` anywhere in the document must resolve. */
function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

/** The documented response for `status`, with `$ref`s to components followed. */
function documentedResponse(op: Operation, status: number, doc: OpenApi): Json | undefined {
  const response = op.responses[String(status)];
  if (response === undefined) return undefined;
  return typeof response['$ref'] === 'string' ? resolveRef(response['$ref'], doc as unknown as Json).schema : response;
}

function jsonSchemaOf(response: Json): Json | undefined {
  const content = response['content'] as Record<string, { schema: Json }> | undefined;
  return content?.['application/json']?.schema;
}

function exampleBody(op: Operation): unknown {
  const media = op.requestBody?.content['application/json'];
  if (media === undefined) return undefined;
  return media.example ?? Object.values(media.examples ?? {})[0]?.value;
}

describe('schema/control-api.openapi.yaml', () => {
  const doc = loadDoc('control-api.openapi.yaml');
  let sim: SimulatorHandle;
  let base: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
    base = `http://127.0.0.1:${sim.controlPort}`;
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('is an OpenAPI 3 document whose every $ref resolves', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    for (const ref of refsOf(doc)) expect(() => resolveRef(ref, doc as unknown as Json), ref).not.toThrow();
  });

  it('documents every route of src/server/control-api.ts, and nothing else', async () => {
    // The route table as the server declares it: `pattern: /^\/faults\/([^/]+)$/` → /faults/{…}.
    const source = readFileSync(join(ROOT, 'src/server/control-api.ts'), 'utf8');
    const declared = [...source.matchAll(/pattern: \/\^(.*?)\$\//g)].map((m) => (m[1] as string).replace(/\\\//g, '/').replace(/\([^)]*\)/g, '{}'));
    expect(declared.length).toBeGreaterThan(5);
    const documented = Object.keys(doc.paths).map((p) => p.replace(/\{[^}]+\}/g, '{}'));
    expect([...documented].sort()).toEqual([...declared].sort());
    // And a path that is in neither is a 404 on the real server.
    expect((await fetch(`${base}/not-a-route`)).status).toBe(404);
  });

  it('documents exactly the methods each path allows (the server\'s 405 Allow header)', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace('{id}', 'f-unknown');
      const res = await fetch(`${base}${concrete}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, `PATCH ${path}`).toBe(405);
      const allowed = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim().toLowerCase()).filter((m) => m !== '');
      const documented = Object.keys(item).filter((m) => METHODS.includes(m));
      expect([...documented].sort(), path).toEqual([...allowed].sort());
    }
  });

  it('request bodies are the schemas the server validates with (schema/control-api.schema.json)', () => {
    const served = (controlApiJsonSchema() as { $defs: Record<string, Json> }).$defs;
    const withBody = operations(doc).filter((o) => o.op.requestBody !== undefined);
    expect(withBody.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(served).sort());
    for (const { method, path, op } of withBody) {
      const ref = op.requestBody?.content['application/json']?.schema['$ref'] as string;
      const documented = resolveRef(ref, doc as unknown as Json).schema;
      expect(documented, `${method} ${path}: copy it from schema/control-api.schema.json`).toEqual(served[`${method} ${path}`]);
      const example = exampleBody(op);
      expect(example, `${method} ${path} has an example`).toBeDefined();
      expect(check(documented, example, doc as unknown as Json), `${method} ${path} example`).toBeUndefined();
    }
  });

  it('every documented operation answers on a real simulator with a documented status and body', async () => {
    // Order: reads, then writes; the armed fault's own routes once POST /faults gave its id; reset (which disarms it) last.
    const ops = operations(doc).sort((a, b) => rank(a) - rank(b));
    let faultId = '';
    for (const { path, method, op } of ops) {
      const url = `${base}${path.replace('{id}', encodeURIComponent(faultId))}`;
      const body = exampleBody(op);
      const controller = new AbortController();
      const res = await fetch(url, {
        method,
        signal: controller.signal,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      const where = `${method} ${path} → ${res.status}`;
      expect([404, 405], where).not.toContain(res.status);
      const response = documentedResponse(op, res.status, doc);
      expect(response, `${where} is not documented`).toBeDefined();
      const contentType = res.headers.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) {
        expect(Object.keys((response?.['content'] as Json) ?? {})).toContain('text/event-stream');
        controller.abort();
        continue;
      }
      const text = await res.text();
      if (contentType.startsWith('text/html')) {
        expect(Object.keys((response?.['content'] as Json) ?? {})).toContain('text/html');
        continue;
      }
      const schema = jsonSchemaOf(response as Json);
      expect(schema, where).toBeDefined();
      const value = JSON.parse(text) as unknown;
      expect(check(schema as Json, value, doc as unknown as Json), `${where}: ${text.slice(0, 300)}`).toBeUndefined();
      if (method === 'POST' && path === '/faults') faultId = (value as { id: string }).id;
    }
    expect(faultId).not.toBe('');
  });
});

function rank(o: { method: string; path: string }): number {
  return ['GET', 'PUT', 'POST', 'DELETE'].indexOf(o.method) + (o.path.includes('{') ? 10 : 0) + (o.path === '/reset' ? 20 : 0);
}

describe('schema/pos-hook.openapi.yaml', () => {
  const doc = loadDoc('pos-hook.openapi.yaml');
  let sim: SimulatorHandle;
  let pos: InProcessPos;
  let hook: HookServer;
  let base: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: 'auto' });
    // Express: its sale is paid by the automatic customer; its refund is an honest `failed` outcome.
    pos = createReferencePos({ host: sim.host, port: sim.port, integration: 'express' });
    hook = await startHookServer(pos);
    base = `http://${hook.host}:${hook.port}`;
  });
  afterAll(async () => {
    await hook?.close();
    await pos?.close();
    await sim?.close();
  });

  it('is an OpenAPI 3 document whose every $ref resolves, naming every action the runner sends', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    for (const ref of refsOf(doc)) expect(() => resolveRef(ref, doc as unknown as Json), ref).not.toThrow();
    expect(doc.components.schemas['Action']?.['enum']).toEqual([...POS_ACTIONS]);
  });

  it('the reference POS hook serves exactly the documented routes', async () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/actions/{action}', '/health']);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    for (const path of ['/', '/actions', '/action/sale', '/status']) expect((await fetch(`${base}${path}`, { method: 'POST' })).status, path).toBe(404);
    const wrong = await fetch(`${base}/actions/sale`);
    expect(wrong.status).toBe(405);
    expect(documentedResponse(doc.paths['/actions/{action}']?.['post'] as Operation, 405, doc)).toBeDefined();
  });

  it('every action answers with a body the Outcome schema accepts; the examples validate', async () => {
    const op = doc.paths['/actions/{action}']?.['post'] as Operation;
    const examples = Object.values(op.requestBody?.content['application/json']?.examples ?? {}).map((e) => e.value);
    for (const example of examples) expect(check(op.requestBody?.content['application/json']?.schema as Json, example, doc as unknown as Json)).toBeUndefined();
    const outcomeSchema = jsonSchemaOf(documentedResponse(op, 200, doc) as Json) as Json;
    const responseExamples = ((documentedResponse(op, 200, doc)?.['content'] as Record<string, { examples: Record<string, { value: unknown }> }>)['application/json']?.examples) ?? {};
    for (const [name, example] of Object.entries(responseExamples)) expect(check(outcomeSchema, example.value, doc as unknown as Json), name).toBeUndefined();

    const outcomes: string[] = [];
    for (const action of ['startup', 'sale', 'refund', 'cancel', 'shutdown']) {
      const body = action === 'sale' || action === 'refund' ? { amount: 990 } : {};
      const res = await fetch(`${base}/actions/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, action).toBe(200);
      const value = (await res.json()) as unknown;
      expect(check(outcomeSchema, value, doc as unknown as Json), `${action}: ${JSON.stringify(value)}`).toBeUndefined();
      outcomes.push((value as { outcome: string }).outcome);
    }
    // Both kinds of answer were seen, so the schema was checked against more than one shape.
    expect(outcomes).toContain('completed');
    expect(outcomes).toContain('failed');
    // And the checker is not a rubber stamp.
    expect(check(outcomeSchema, { outcome: 'done' }, doc as unknown as Json)).toBeDefined();
    expect(check(outcomeSchema, { paid: 990 }, doc as unknown as Json)).toBeDefined();
    const bad = await fetch(`${base}/actions/sale`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(bad.status).toBe(400);
    expect(check(jsonSchemaOf(documentedResponse(op, 400, doc) as Json) as Json, await bad.json(), doc as unknown as Json)).toBeUndefined();
  });
});
