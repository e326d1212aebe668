/**
 * The tickets dialect of a machine profile: defaults, the rules that relate its fields, and every
 * problem reported at its file:line:col; requests and answers in a dialect other than the default
 * (decimal amounts, other field and type words, other extensions). Pure, no folder involved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { validateProfile } from '../../src/machine/profile.js';
import { loadProfile } from '../../src/server/load-profile.js';
import { DEFAULT_TICKETS_DIALECT, resolveTicketsDialect, type TicketsDialect } from '../../src/tickets/dialect.js';
import { answerName, isRequestName, parseRequest, renderAnswer } from '../../src/tickets/messages.js';
import { profileWithTickets } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'cashlogy-dialect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function problemsOf(file: string): { message: string; line?: number; col?: number; path?: string; hint?: string }[] {
  try {
    loadProfile(file);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.issues;
    throw err;
  }
  throw new Error(`${file} loaded without problems`);
}

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('the tickets section of a machine profile', () => {
  it('defaults to the documented dialect when absent', () => {
    expect(loadProfile('eur-pos1500').tickets).toEqual(DEFAULT_TICKETS_DIALECT);
  });

  it('reads every option written, and keeps the defaults of the others', () => {
    const file = profileWithTickets(work, ['mode: without-response', 'amountFormat: decimal', 'okExtension: .ok', 'fields: {ticket: numTicket}', 'types: {sale: SALE}'].join('\n'), 'good.yaml');
    const t = loadProfile(file).tickets;
    expect(t).toMatchObject({ mode: 'without-response', amountFormat: 'decimal', okExtension: '.ok', nokExtension: '.NOK', types: { sale: 'SALE', refund: 'abono' } });
    expect(t.fields).toEqual({ ...DEFAULT_TICKETS_DIALECT.fields, ticket: 'numTicket' });
  });

  it('reports every problem at its file:line:col, with a hint where one helps', () => {
    const file = profileWithTickets(
      work,
      ['mode: with-respons', 'okExtension: OK', 'nokExtension: .azk', 'strict: yes please', 'fields:', '  amount: "amount value"', '  colour: red', 'maxRequestBytes: 10'].join('\n'),
      'bad.yaml',
    );
    const issues = problemsOf(file);
    const at = (path: string) => issues.find((i) => i.path === path);
    // The profile file: the tickets section starts after the bundled profile's own lines.
    const base = issues.map((i) => i.line ?? 0);
    expect(Math.min(...base)).toBeGreaterThan(40);
    expect(at('tickets.mode')).toMatchObject({ message: expect.stringMatching(/unknown tickets mode "with-respons"/) as unknown, hint: expect.stringMatching(/did you mean "with-response"/) as unknown, col: 9 });
    expect(at('tickets.okExtension')?.message).toMatch(/answer extension/);
    expect(at('tickets.strict')?.message).toMatch(/true or false|boolean/);
    expect(at('tickets.fields.amount')?.message).toMatch(/JSON key/);
    expect(at('tickets.fields.colour')).toMatchObject({ message: expect.stringMatching(/unknown key "colour"/) as unknown });
    expect(at('tickets.maxRequestBytes')?.message).toMatch(/at least 64/);
    for (const issue of issues) {
      expect(issue.line, issue.message).toBeGreaterThan(0);
      expect(issue.col, issue.message).toBeGreaterThan(0);
    }
    // Lines follow the order of the section: mode, okExtension, …, maxRequestBytes.
    expect((at('tickets.mode')?.line ?? 0) < (at('tickets.maxRequestBytes')?.line ?? 0)).toBe(true);
  });

  it('refuses names a reader could confuse, at the later of the two', () => {
    const file = profileWithTickets(work, ['okExtension: .AZK', 'types: {sale: venta, refund: venta}', 'fields: {paid: amount}'].join('\n'), 'clash.yaml');
    const issues = problemsOf(file);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['tickets.okExtension', 'okExtension ".AZK" is the same as requestExtension (".azk")'],
      ['tickets.types.refund', 'the refund word "venta" is the same as the sale word'],
      ['tickets.fields.paid', 'field name "amount" of paid is also the name of amount, and both appear in a sale answer'],
    ]);
    for (const issue of issues) expect(issue.line).toBeGreaterThan(40);
  });

  it('is part of the profile a library user passes as an object', () => {
    const profile = loadProfile('eur-pos1500');
    const { tickets: _omit, ...raw } = profile as unknown as Record<string, unknown>;
    const result = validateProfile({ ...raw, name: 'x', currency: { code: 'EUR' }, coins: [{ value: 100, capacity: 10 }], notes: [], dialect: {}, durations: {}, tickets: { mode: 'silent' } });
    expect(result.problems.map((p) => p.path.join('.'))).toContain('tickets.mode');
  });
});

describe('requests and answers in a dialect', () => {
  const decimal = resolveTicketsDialect({ amountFormat: 'decimal', fields: { ticket: 'numTicket', amount: 'importe' }, types: { sale: 'V', refund: 'A' }, requestExtension: '.req' }).dialect as TicketsDialect;

  it('reads decimal amounts and the dialect’s words', () => {
    for (const [amount, cents] of [['10.50', 1050], ['10.5', 1050], [10.5, 1050], ['7', 700], [0.01, 1]] as const) {
      const parsed = parseRequest(bytes({ type: 'V', numTicket: '9', importe: amount }), decimal);
      expect(parsed.ok && parsed.request).toEqual({ kind: 'sale', ticket: '9', amount: cents });
    }
    for (const amount of ['10,50', '10.505', '-1', 1050.001, '']) {
      const parsed = parseRequest(bytes({ type: 'A', numTicket: '9', importe: amount }), decimal);
      expect(parsed.ok ? 'accepted' : parsed.message).toMatch(/field "importe" must be a decimal amount like "10.50"/);
    }
    const old = parseRequest(bytes({ type: 'A', ticket: '9', importe: '1.00' }), decimal);
    expect(old.ok ? '' : old.message).toBe('unknown field "ticket" (a request has "type", "numTicket", "importe", "till", "user")');
  });

  it('writes answers in the dialect’s words and format', () => {
    expect(JSON.parse(renderAnswer({ ok: true, kind: 'sale', ticket: '9', amount: 990, paid: 2000, change: 1010 }, decimal))).toEqual({ numTicket: '9', importe: '9.90', paid: '20.00', change: '10.10' });
    expect(JSON.parse(renderAnswer({ ok: false, ticket: '9', reason: 'not-enough-change', message: 'm', amount: 500, dispensed: 200 }, DEFAULT_TICKETS_DIALECT))).toEqual({
      ticket: '9',
      reason: 'not-enough-change',
      message: 'm',
      amount: 500,
      dispensed: 200,
    });
    expect(answerName('Venta-7.REQ', true, decimal)).toBe('Venta-7.OK');
    expect(answerName('venta-7.azk', false, DEFAULT_TICKETS_DIALECT)).toBe('venta-7.NOK');
    expect(isRequestName('X.AZK', DEFAULT_TICKETS_DIALECT)).toBe(true);
    expect(isRequestName('.azk', DEFAULT_TICKETS_DIALECT)).toBe(false);
    expect(isRequestName('x.azk.tmp', DEFAULT_TICKETS_DIALECT)).toBe(false);
  });

  it('refuses texts the connector cannot carry, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'venta', ticket: 'a#b', amount: 1 }, /field "ticket" contains "#"/],
      [{ type: 'venta', ticket: 'x'.repeat(65), amount: 1 }, /field "ticket" is 65 characters long, above 64/],
      [{ type: 'venta', ticket: 'T', amount: 1, user: 'a\u001bb' }, /field "user" contains control character U\+001B/],
      [{ type: 'venta', ticket: ' ', amount: 1 }, /field "ticket" is empty/],
      [{ type: 'venta', ticket: 'T', amount: 100_000_000 }, /field "amount" is above the largest amount/],
      [[1, 2], /is not a JSON object \(it is a list\)/],
      ['', /the request is empty/],
    ];
    for (const [body, message] of cases) {
      const parsed = parseRequest(bytes(body), DEFAULT_TICKETS_DIALECT);
      expect(parsed.ok ? 'accepted' : parsed.message).toMatch(message);
    }
    const latin = parseRequest(Uint8Array.from([0x7b, 0xe9, 0x7d]), DEFAULT_TICKETS_DIALECT);
    expect(latin.ok ? '' : latin.message).toBe('the request is not valid UTF-8');
  });
});
