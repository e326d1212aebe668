/**
 * The Cashlogy Tickets expectations and the outcome-vs-answer check, judged on hand-made
 * transcripts (pure), and their checklist syntax: every mistake located as file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { analyzeChecklist } from '../../src/checklist/load.js';
import type { Expectation } from '../../src/checklist/types.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { consistencyChecks } from '../../src/runner/consistency.js';
import type { WireContext } from '../../src/runner/expect.js';
import { evaluateAnswersRemoved, evaluateNoFileEvent, evaluateRequests, evaluateRequestsLeft, evaluateUniqueRequests } from '../../src/runner/expect-tickets.js';

const request = (at: number, file: string, body: object): TranscriptEntry => ({ at, conn: 0, dir: 'in', file, data: JSON.stringify(body) });
const answer = (at: number, file: string, body: object): TranscriptEntry => ({ at, conn: 0, dir: 'out', file, data: JSON.stringify(body) });
const event = (at: number, file: string, data: string): TranscriptEntry => ({ at, conn: 0, dir: 'event', kind: 'file', file, data });
const wire = (entries: TranscriptEntry[], now: number, final = false, amount?: number): WireContext => ({ entries, now, final, captures: {}, ...(amount !== undefined ? { amount } : {}) });
const START = { index: 0, at: 0 };

const sale = (n: number, amount = 990) => request(10 * n, `pos-${n}.azk`, { type: 'venta', ticket: `T${n}`, amount });

describe('requests', () => {
  const exp: Extract<Expectation, { type: 'requests' }> = { type: 'requests', fields: { type: 'venta', amount: '{amount}' }, withinMs: 1000 };

  it('passes on a matching request, waits while the window is open, fails once it closed', () => {
    expect(evaluateRequests(exp, START, wire([sale(1)], 50, false, 990)).status).toBe('passed');
    expect(evaluateRequests(exp, START, wire([], 50, false, 990)).status).toBe('pending');
    const late = evaluateRequests(exp, START, wire([sale(1, 1000)], 2000, false, 990));
    expect(late.status).toBe('failed');
    expect(late.actual).toContain('pos-1.azk: amount: expected 990, got 1000');
  });

  it('counts with atMost: a second matching request fails, judged at the end', () => {
    const once = { ...exp, count: { atMost: 1 } };
    expect(evaluateRequests(once, START, wire([sale(1)], 50, false, 990)).status).toBe('pending');
    expect(evaluateRequests(once, START, wire([sale(1)], 50, true, 990)).status).toBe('passed');
    const twice = evaluateRequests(once, START, wire([sale(1), sale(2)], 50, true, 990));
    expect(twice).toMatchObject({ status: 'failed', why: 'the POS wrote 2 matching requests, at most 1 allowed' });
  });
});

describe('noFileEvent', () => {
  const exp: Extract<Expectation, { type: 'noFileEvent' }> = { type: 'noFileEvent', prefix: 'written in place:' };
  it('fails on the event, passes at the end without it', () => {
    const grew = event(5, 'pos-1.azk', 'written in place: pos-1.azk changed from 10 to 40 bytes');
    expect(evaluateNoFileEvent(exp, START, wire([grew, sale(1)], 50))).toMatchObject({ status: 'failed', why: grew.data });
    expect(evaluateNoFileEvent(exp, START, wire([event(5, 'x.tmp', 'ignored: x.tmp: not a request'), sale(1)], 50)).status).toBe('pending');
    expect(evaluateNoFileEvent(exp, START, wire([sale(1)], 50, true)).status).toBe('passed');
  });
});

describe('uniqueRequests', () => {
  it('passes on two names and two tickets; fails on a reused name, ticket or a reused name: event; needs two requests', () => {
    expect(evaluateUniqueRequests(wire([sale(1), sale(2)], 50, true)).status).toBe('passed');
    expect(evaluateUniqueRequests(wire([sale(1), request(20, 'pos-1.azk', { type: 'venta', ticket: 'T9', amount: 1 })], 50, true))).toMatchObject({
      status: 'failed',
      why: 'the POS reused the request file name pos-1.azk',
    });
    expect(evaluateUniqueRequests(wire([sale(1), request(20, 'pos-2.azk', { type: 'venta', ticket: 'T1', amount: 1 })], 50, true)).why).toContain('reused the ticket number "T1"');
    expect(evaluateUniqueRequests(wire([sale(1), event(15, 'venta.azk', 'reused name: venta.azk has the name of an earlier request'), sale(2)], 50, true)).why).toMatch(/reused a request file name/);
    expect(evaluateUniqueRequests(wire([sale(1)], 50, true)).status).toBe('errored');
  });
});

describe('answersRemoved', () => {
  const exp: Extract<Expectation, { type: 'answersRemoved' }> = { type: 'answersRemoved', withinMs: 100 };
  const ok = answer(20, 'pos-1.OK', { ticket: 'T1', amount: 990, paid: 1000, change: 10 });
  it('passes once each answer is removed in time, waits until its deadline, fails after it', () => {
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1), ok, event(60, 'pos-1.OK', 'removed: pos-1.OK was removed')], 70)).status).toBe('passed');
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1), ok], 70)).status).toBe('pending');
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1), ok], 130))).toMatchObject({ status: 'failed', actual: 'never removed: pos-1.OK' });
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1), ok, event(500, 'pos-1.OK', 'removed: pos-1.OK')], 500)).actual).toContain('removed late: pos-1.OK');
    // Another file's removal does not count.
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1), ok, event(60, 'old.OK', 'removed: old.OK')], 130)).status).toBe('failed');
  });
  it('without any answer the premise is missing: errored, not passed', () => {
    expect(evaluateAnswersRemoved(exp, START, wire([sale(1)], 500, true)).status).toBe('errored');
  });
});

describe('requestsLeft', () => {
  const exp: Extract<Expectation, { type: 'requestsLeft' }> = { type: 'requestsLeft', atMost: 0, extension: '.azk' };
  it('counts request files (any case) left in the folder at the end', () => {
    expect(evaluateRequestsLeft(exp, ['old-1.OK', '.pos-1.azk.tmp.x'], wire([], 1, true)).status).toBe('passed');
    expect(evaluateRequestsLeft(exp, ['pos-1.AZK'], wire([], 1, true))).toMatchObject({ status: 'failed', actual: '1 left: pos-1.AZK' });
    expect(evaluateRequestsLeft(exp, ['pos-1.azk'], wire([], 1, false)).status).toBe('pending');
    expect(evaluateRequestsLeft(exp, undefined, wire([], 1, true)).status).toBe('errored');
  });
});

describe('outcome against CashlogyTickets answers', () => {
  const span = (outcome: object, entries: TranscriptEntry[], action: 'sale' | 'refund' = 'sale') =>
    consistencyChecks(entries, [{ action, label: `${action} 990`, amount: 990, outcome: outcome as never, startIndex: 0, endIndex: entries.length }]);
  const okSale = [sale(1), answer(20, 'pos-1.OK', { ticket: 'T1', amount: 990, paid: 2000, change: 1010 })];

  it('a sale booked as paid − change agrees; the gross amount does not', () => {
    expect(span({ outcome: 'completed', paid: 990, change: 1010 }, okSale)).toEqual([expect.objectContaining({ status: 'passed' })]);
    expect(span({ outcome: 'completed', paid: 2000, change: 1010 }, okSale)[0]?.message).toContain('CashlogyTickets answered paid − change = 990');
  });

  it('a .NOK with nothing kept is never a sale; with money kept, paid + owed must account for it', () => {
    const cancelled = [sale(1), answer(20, 'pos-1.NOK', { ticket: 'T1', reason: 'cancelled', message: 'm', paid: 500, change: 500 })];
    expect(span({ outcome: 'completed', paid: 990 }, cancelled)[0]?.message).toContain('that CashlogyTickets refused (.NOK cancelled)');
    expect(span({ outcome: 'cancelled', paid: 0 }, cancelled)[0]?.status).toBe('passed');
    const short = [sale(1), answer(20, 'pos-1.NOK', { ticket: 'T1', reason: 'not-enough-change', message: 'm', paid: 2000, change: 1000 })];
    expect(span({ outcome: 'completed', paid: 990, owed: 10 }, short)[0]?.status).toBe('passed');
    expect(span({ outcome: 'failed', paid: 0, owed: 1000 }, short)[0]?.status).toBe('passed');
    expect(span({ outcome: 'failed', paid: 0 }, short)[0]?.message).toContain('the machine kept 1000');
  });

  it('a completed sale without an answer, or an answer to another request, is booked on nothing', () => {
    const other = [sale(1), answer(20, 'old-0001.OK', { ticket: 'OLD', amount: 500, paid: 500, change: 0 })];
    expect(span({ outcome: 'completed', paid: 500 }, other)[0]?.message).toContain('never answered its request');
  });

  it('reads decimal amounts, and leaves answers in other words unjudged rather than misjudged', () => {
    const decimal = [sale(1), answer(20, 'pos-1.OK', { ticket: 'T1', amount: '9.90', paid: '20.00', change: '10.10' })];
    expect(span({ outcome: 'completed', paid: 990, change: 1010 }, decimal)[0]?.status).toBe('passed');
    expect(span({ outcome: 'completed', paid: 2000 }, decimal)[0]?.status).toBe('failed');
    const spanish = [sale(1), answer(20, 'pos-1.OK', { ticket: 'T1', importe: 990, pagado: 2000, cambio: 1010 })];
    expect(span({ outcome: 'completed', paid: 990, change: 1010 }, spanish)).toEqual([]);
  });

  it('a refund reports what the answer says was dispensed, the rest owed', () => {
    const short = [request(0, 'r.azk', { type: 'abono', ticket: 'R', amount: 990 }), answer(9, 'r.NOK', { ticket: 'R', reason: 'not-enough-change', message: 'm', dispensed: 500 })];
    expect(span({ outcome: 'completed', refunded: 990, owed: 490 }, short, 'refund')[0]?.status).toBe('passed');
    expect(span({ outcome: 'completed', refunded: 990 }, short, 'refund')[0]?.message).toContain('CashlogyTickets answered dispensed 500');
  });
});

describe('the checklist syntax for tickets', () => {
  const checklist = (steps: string) =>
    [
      'id: t',
      'version: "1"',
      'title: {fr: "t", en: "t", es: "t"}',
      'source: s',
      'integrations: [tickets]',
      'items:',
      '  - id: T-1',
      '    title: {fr: "titre", en: "title", es: "título"}',
      '    description: {fr: "d", en: "d", es: "d"}',
      '    ref: "1"',
      '    level: required',
      '    catches: {fr: "c", en: "c", es: "c"}',
      '    steps:',
      steps,
    ].join('\n');

  it('accepts the tickets steps and expectations', () => {
    const r = analyzeChecklist(
      checklist(
        [
          '      - setup: {ticketsFiles: {"old-0001.OK": {ticket: OLD, paid: 500}, "raw.NOK": "not json"}}',
          '      - action: sale',
          '        amount: 990',
          '      - expect: {requests: {type: venta, amount: "{amount}"}, count: {atMost: 1}, within: 10s}',
          '      - expect: {noFileEvent: "written in place:"}',
          '      - expect: {uniqueRequests: true}',
          '      - expect: {requestsLeft: {atMost: 0}}',
          '      - expect: {answersRemoved: {within: 10s}}',
          '      - expect: {outcome: {outcome: failed}, mustAnswer: true}',
        ].join('\n'),
      ),
      'c.yaml',
    );
    expect(r.issues).toEqual([]);
    const steps = r.checklist?.items[0]?.steps ?? [];
    expect(steps[0]).toMatchObject({ kind: 'setup', ticketsFiles: { 'old-0001.OK': { ticket: 'OLD', paid: 500 }, 'raw.NOK': 'not json' } });
    expect(steps.slice(2).map((s) => (s.kind === 'expect' ? s.expect : undefined))).toEqual([
      { type: 'requests', fields: { type: 'venta', amount: '{amount}' }, withinMs: 10_000, count: { atMost: 1 } },
      { type: 'noFileEvent', prefix: 'written in place:' },
      { type: 'uniqueRequests' },
      { type: 'requestsLeft', atMost: 0, extension: '.azk' },
      { type: 'answersRemoved', withinMs: 10_000 },
      { type: 'outcome', fields: { outcome: 'failed' }, mustAnswer: true },
    ]);
  });

  it('refuses a file name outside the folder, {amount} before any amount, and a bad key, each at file:line:col', () => {
    const r = analyzeChecklist(
      checklist(
        [
          '      - setup: {ticketsFiles: {"../escape.OK": "x"}}',
          '      - expect: {requests: {amount: "{amount}"}}',
          '      - action: sale',
          '        amount: 990',
          '      - expect: {answersRemoved: {wihtin: 10s}}',
        ].join('\n'),
      ),
      'c.yaml',
    );
    const errors = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.line}:${i.col} ${i.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^14:\d+ .*escape\.OK/),
      expect.stringMatching(/^15:\d+ "\{amount\}" is used before any action with an amount/),
      expect.stringMatching(/^18:\d+ missing required key "within" in answersRemoved/),
      expect.stringMatching(/^18:\d+ unknown key "wihtin" in answersRemoved/),
    ]);
  });
});
