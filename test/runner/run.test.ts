import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalConsole } from '../../src/drivers/terminal-console.js';
import type { RunEvent } from '../../src/runner/events.js';
import type { Step } from '../../src/checklist/types.js';
import type { ItemResult } from '../../src/runner/result.js';
import { runChecklist, type RunOptions } from '../../src/runner/run.js';
import { checklist, item, POS, saleItem, tinyPosDriver, type TinyMode } from './helpers.js';

const run = (items: Parameters<typeof checklist>[0], mode: TinyMode = 'honest', over: Partial<RunOptions> = {}) =>
  runChecklist({ checklist: checklist(items), pos: POS, seed: 7, timeScale: 0.01, lang: 'en', ci: true, driverFactory: () => tinyPosDriver(mode), ...over });

const byId = (items: ItemResult[], id: string) => items.find((i) => i.id === id) as ItemResult;

describe('runChecklist against a real simulator', () => {
  it('passes a correct sale, with the wire transcript, actions and captures in the result', async () => {
    const events: RunEvent['event'][] = [];
    const r = await run([saleItem('S-1')], 'honest', { onEvent: (e) => events.push(e.event) });
    const s = byId(r.items, 'S-1');
    expect(s.checks.map((c) => [c.kind, c.status])).toEqual([
      ['sends', 'passed'],
      ['outcome', 'passed'],
      ['machine', 'passed'],
      ['oneCommandAtATime', 'passed'],
      ['consistency', 'passed'],
    ]);
    expect(s.verdict).toBe('pass');
    expect(r.verdict).toBe('pass');
    expect(s.transcript.filter((e) => e.dir === 'in').map((e) => e.data)).toEqual(['#I#', '#C#1#1#990#0#0#0#0#0#1#0#0#']);
    expect(s.transcript).toContainEqual(expect.objectContaining({ dir: 'out', data: '#WR:LEVEL#2000#1010#0#0#' }));
    expect(s.actions.map((a) => [a.action, a.outcome?.outcome])).toEqual([
      ['startup', 'completed'],
      ['sale', 'completed'],
    ]);
    expect(r).toMatchObject({ schemaVersion: 1, seed: 7, timeScale: 0.01, ci: true, summary: { total: 1, pass: 1 } });
    expect(events[0]).toBe('run:start');
    expect(events.at(-1)).toBe('run:end');
    expect(events).toContain('item:end');
  });

  it('a POS that books the gross amount fails, on its outcome and on the wire consistency', async () => {
    const r = await run([saleItem('S-1')], 'gross');
    const s = byId(r.items, 'S-1');
    expect(s.verdict).toBe('fail');
    expect(r.verdict).toBe('fail');
    expect(s.reason).toBe('the POS booked the wrong amount — paid: expected 990, got 2000');
    const consistency = s.checks.find((c) => c.kind === 'consistency');
    expect(consistency?.status).toBe('failed');
    expect(consistency?.message).toContain('the POS booked paid 2000 but the connector kept 990');
  });

  it('a POS that hangs past the action timeout: its wire checks are still judged on what was seen', async () => {
    const hangs = (id: string, keep: (s: Step) => boolean) =>
      saleItem(id, { steps: saleItem('x').steps.filter(keep).map((s) => (s.kind === 'action' && s.action === 'sale' ? { ...s, timeoutMs: 300 } : s)) });
    // The sale never reached the wire: "never sent #C#" is a defect, named, and the hang is said too.
    const judged = await run([hangs('S-1', () => true)], 'hang-sale');
    const s = byId(judged.items, 'S-1');
    expect(s.verdict).toBe('fail');
    expect(s.reason).toMatch(/never sent #C#.*\(also: the POS hung/);
    expect(judged.verdict).toBe('fail');
    // Only an outcome check after the hang: nothing could judge it → error, and the run is an error.
    const unjudged = await run([hangs('S-2', (st) => st.kind !== 'expect' || st.expect.type === 'outcome')], 'hang-sale');
    const u = byId(unjudged.items, 'S-2');
    expect(u.verdict).toBe('error');
    expect(u.reason).toContain('the POS hung');
    expect(unjudged.verdict).toBe('error');
  });

  it('partial, not-applicable, skipped dependency and operator checks in --ci', async () => {
    const items = [
      item('P-1', [{ kind: 'action', action: 'startup', wait: true }, { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: 5000 } }], { underTest: ['P'] }),
      item('N-1', [{ kind: 'action', action: 'startup', wait: true }], { appliesTo: { integrations: ['complete'], features: [] } }),
      saleItem('F-1', { level: 'recommended' }),
      item('D-1', [{ kind: 'action', action: 'startup', wait: true }], { dependsOn: ['F-1'] }),
      item('O-1', [
        { kind: 'action', action: 'startup', wait: true },
        { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: 5000 } },
        { kind: 'expect', expect: { type: 'operator', question: { fr: 'Vu ?', en: 'Seen?', es: '¿Visto?' } } },
      ]),
      item('D-2', [{ kind: 'action', action: 'startup', wait: true }, { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: 5000 } }], { dependsOn: ['O-1'] }),
    ];
    const r = await run(items, 'gross');
    expect(r.items.map((i) => [i.id, i.verdict])).toEqual([
      ['P-1', 'partial'],
      ['N-1', 'not-applicable'],
      ['F-1', 'fail'],
      ['D-1', 'skipped'],
      ['O-1', 'skipped'],
      ['D-2', 'pass'],
    ]);
    expect(byId(r.items, 'N-1').reason).toBe('applies to complete integrations only; the POS is express');
    expect(byId(r.items, 'D-1').reason).toBe('depends on F-1, which ended fail');
    expect(byId(r.items, 'O-1').checks.find((c) => c.kind === 'operator')?.message).toContain('skipped in --ci');
    // Only a recommended item failed: the run passes.
    expect(r.verdict).toBe('pass');
  });

  it('acts as the customer while a background sale runs, and catches pipelined commands', async () => {
    const steps = [
      { kind: 'action' as const, action: 'startup' as const, wait: true },
      { kind: 'action' as const, action: 'sale' as const, amount: 990, wait: false, name: 'sale' },
      { kind: 'customer' as const, insert: [1000], afterMs: 0, withinMs: 10_000 },
      { kind: 'expect' as const, expect: { type: 'outcome' as const, of: 'sale', fields: { outcome: 'completed', paid: 990, change: 10 } } },
      { kind: 'expect' as const, expect: { type: 'oneCommandAtATime' as const }, message: 'the POS pipelines commands' },
    ];
    const good = await run([item('C-1', steps)], 'honest');
    expect(byId(good.items, 'C-1').verdict).toBe('pass');
    const bad = await run([item('C-1', steps)], 'pipelining');
    const c = byId(bad.items, 'C-1');
    expect(c.verdict).toBe('fail');
    expect(c.reason).toMatch(/^the POS pipelines commands — the POS sent #T# before the connector had answered #C#1#1#990#/);
  });

  it('a customer step with no acceptance opened fails, naming what the POS sent', async () => {
    const steps = [
      { kind: 'action' as const, action: 'startup' as const, wait: true },
      { kind: 'customer' as const, insert: [1000], afterMs: 0, withinMs: 300 },
    ];
    const r = await run([item('C-2', steps)]);
    const c = byId(r.items, 'C-2');
    expect(c.verdict).toBe('fail');
    expect(c.checks[0]?.actual).toContain('the POS sent #I#');
  });

  it('--jobs 2 gives the same verdicts as --jobs 1, in the same order', async () => {
    const items = [saleItem('A'), saleItem('B', { level: 'recommended' }), item('C', [{ kind: 'action', action: 'startup', wait: true }], { dependsOn: ['A'] }), saleItem('D')];
    const one = await run(items, 'gross', { jobs: 1 });
    const two = await run(items, 'gross', { jobs: 2 });
    const verdicts = (r: typeof one) => r.items.map((i) => [i.id, i.verdict, i.reason]);
    expect(verdicts(two)).toEqual(verdicts(one));
    expect(verdicts(one).map((v) => v[1])).toEqual(['fail', 'fail', 'skipped', 'fail']);
  });

  it('an abort (Ctrl-C) ends the run promptly: the running item is skipped, the result says interrupted', async () => {
    const controller = new AbortController();
    const items = [saleItem('H-1'), saleItem('H-2')];
    const r = await run(items, 'hang-sale', {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.event === 'step' && e.text.startsWith('POS: sale')) setTimeout(() => controller.abort(), 50);
      },
    });
    expect(r.interrupted).toBe(true);
    expect(r.items.map((i) => [i.id, i.verdict])).toEqual([
      ['H-1', 'skipped'],
      ['H-2', 'skipped'],
    ]);
    expect(byId(r.items, 'H-1').reason).toContain('interrupted');
    expect(byId(r.items, 'H-2').reason).toBe('not run: the run was interrupted');
  });

  it('a simulator that cannot start makes every item an error, with the reason', async () => {
    const r = await run([saleItem('E-1')], 'honest', {
      startSimulator: () => Promise.reject(new Error('port 8092 is already in use')),
    });
    expect(byId(r.items, 'E-1').verdict).toBe('error');
    expect(byId(r.items, 'E-1').reason).toBe('the simulator could not start: port 8092 is already in use');
    expect(r.verdict).toBe('error');
  });

  it('operator checks are asked when a person is there, and their answers recorded', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (c: string) => (shown += c));
    const console = terminalConsole(input, output);
    input.write('n\n');
    const question = { fr: 'Le rendu est-il affiché ?', en: 'Is the change shown?', es: '¿Se muestra el cambio?' };
    const r = await run(
      [item('Q-1', [{ kind: 'action', action: 'startup', wait: true }, { kind: 'expect', expect: { type: 'operator', question } }])],
      'honest',
      { ci: false, console, lang: 'fr' },
    );
    console.close();
    const q = byId(r.items, 'Q-1');
    expect(shown).toContain('Le rendu est-il affiché ? [o]ui / [n]on :');
    expect(q.verdict).toBe('fail');
    expect(q.operatorAnswers).toMatchObject([{ question: 'Le rendu est-il affiché ?', answer: 'n' }]);
  });

  it('drives the bundled reference POS in-process through the registry (reference driver, inProcess: true)', async () => {
    const r = await runChecklist({
      checklist: checklist([saleItem('R-1')]),
      pos: { ...POS, driver: { type: 'reference', inProcess: true } },
      seed: 3,
      timeScale: 0.01,
      ci: true,
    });
    expect(byId(r.items, 'R-1').verdict).toBe('pass');
    expect(r.pos.driver).toBe('reference');
  });
});
