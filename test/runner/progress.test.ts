import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleText } from '../../src/cli/console-text.js';
import { createProgress } from '../../src/cli/progress.js';
import type { ItemResult, RunResult } from '../../src/runner/result.js';

function sink(tty: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  out.setEncoding('utf8').on('data', (c: string) => (text += c));
  return { out, text: () => text };
}

const item = (id: string, verdict: ItemResult['verdict'], reason?: string): ItemResult =>
  ({ id, title: `title ${id}`, level: 'required', verdict, durationMs: 1200, ...(reason ? { reason } : {}) }) as ItemResult;

const result = (items: ItemResult[]): RunResult =>
  ({
    verdict: 'fail',
    seed: 42,
    items,
    summary: { total: 2, pass: 1, fail: 1, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 1 },
  }) as RunResult;

describe('progress', () => {
  it('prints each item with its verdict and duration, a spinner on a TTY, and the summary with seed and report folder', () => {
    const s = sink(true);
    const p = createProgress({ out: s.out, mode: 'human', color: false });
    p.onEvent({ event: 'run:start', seed: 42, timeScale: 0.02, items: 2, lanes: 1, checklist: 'c 1', pos: 'p 1' });
    p.onEvent({ event: 'item:start', id: 'A', title: 'title A', lane: 1, index: 1, total: 2 });
    p.onEvent({ event: 'step', id: 'A', step: 0, kind: 'action', text: 'POS: sale 990' });
    p.onEvent({ event: 'item:end', id: 'A', verdict: 'pass', durationMs: 1200, item: item('A', 'pass') });
    p.onEvent({ event: 'item:start', id: 'B', title: 'title B', lane: 1, index: 2, total: 2 });
    p.onEvent({ event: 'item:end', id: 'B', verdict: 'fail', durationMs: 300, reason: 'the POS booked 2000', item: item('B', 'fail', 'the POS booked 2000') });
    p.finish(result([item('A', 'pass'), item('B', 'fail', 'the POS booked 2000')]), { dir: '/tmp/r', files: [], problems: ['bundle broke'] });
    const text = s.text();
    expect(text).toContain('seed 42 · time scale 0.02');
    expect(text).toContain('⠋ [1/2] A  title A');
    expect(text).toMatch(/✓ A +pass +1\.2s  title A\n/);
    expect(text).toMatch(/✗ B +fail +300ms  title B\n {4}the POS booked 2000\n/);
    expect(text).toContain('Required items not passed\n  ✗ B  title B — the POS booked 2000');
    expect(text).toContain('Verdict: FAIL');
    expect(text).toContain('Seed: 42');
    expect(text).toContain('Report: /tmp/r');
    expect(text).toContain('warning: bundle broke');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Report: /tmp/r');
  });

  it('no spinner escape codes when stdout is not a terminal', () => {
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'human', color: false });
    p.onEvent({ event: 'item:start', id: 'A', title: 'title A', lane: 1, index: 1, total: 1 });
    p.onEvent({ event: 'item:end', id: 'A', verdict: 'pass', durationMs: 5, item: item('A', 'pass') });
    p.stop();
    expect(s.text()).not.toContain('\x1b');
    expect(s.text()).not.toContain('⠋');
  });

  it('--json: one JSON object per line, item results slimmed', () => {
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'json', color: false });
    p.onEvent({ event: 'item:end', id: 'A', verdict: 'pass', durationMs: 5, item: item('A', 'pass') });
    p.finish(result([item('A', 'pass')]), { dir: '/tmp/r', files: ['/tmp/r/result.json'], problems: [] });
    const lines = s.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { event: 'item:end', id: 'A', verdict: 'pass', durationMs: 5 },
      { event: 'report', verdict: 'fail', dir: '/tmp/r', files: ['/tmp/r/result.json'], problems: [], seed: 42 },
    ]);
  });
});

describe('progress: where the run is, and a CI log that never looks hung', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on a terminal: [n/N], the step, the elapsed time and an estimate from the items that ran', () => {
    let t = 0;
    const s = sink(true);
    const p = createProgress({ out: s.out, mode: 'human', color: false, now: () => t });
    p.onEvent({ event: 'run:start', seed: 1, timeScale: 1, items: 3, lanes: 1, checklist: 'c 1', pos: 'p 1' });
    p.onEvent({ event: 'item:start', id: 'A', title: 'title A', lane: 1, index: 1, total: 3 });
    // No item has run yet: no estimate.
    expect(s.text()).toMatch(/\[1\/3\] A  title A · 0ms$/);
    t = 4000;
    p.onEvent({ event: 'item:end', id: 'A', verdict: 'pass', durationMs: 4000, item: item('A', 'pass') });
    p.onEvent({ event: 'item:start', id: 'B', title: 'title B', lane: 1, index: 2, total: 3 });
    t = 5000;
    p.onEvent({ event: 'step', id: 'B', step: 1, kind: 'action', text: 'POS: sale 990' });
    p.onEvent({ event: 'item:start', id: 'B2', title: 'unused', lane: 2, index: 3, total: 3 });
    p.onEvent({ event: 'item:end', id: 'B2', verdict: 'skipped', durationMs: 0, item: item('B2', 'skipped') });
    // Redrawn on the next spinner frame: B is 1 s in; B has ~3 s left at the 4 s mean, nothing after it.
    const before = s.text().length;
    p.onEvent({ event: 'step', id: 'B', step: 2, kind: 'expect', text: 'expect sends' });
    p.note('x');
    const drawn = s.text().slice(before);
    expect(drawn).toContain('[2/3] B  expect sends · 1s · ~3s left');
    p.stop();
  });

  it('not a terminal: one line per item as it ends, and a heartbeat every heartbeatMs of silence naming the step', () => {
    vi.useFakeTimers();
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'human', color: false, heartbeatMs: 10_000, now: () => Date.now() });
    p.onEvent({ event: 'run:start', seed: 1, timeScale: 1, items: 2, lanes: 1, checklist: 'c 1', pos: 'p 1' });
    p.onEvent({ event: 'item:start', id: 'EXP-12', title: 'title', lane: 1, index: 1, total: 2 });
    p.onEvent({ event: 'step', id: 'EXP-12', step: 3, kind: 'customer', text: 'customer: insert 2000' });
    vi.advanceTimersByTime(9_000);
    expect(s.text()).not.toContain('still running');
    vi.advanceTimersByTime(16_000);
    const beats = s.text().split('\n').filter((l) => l.includes('still running'));
    expect(beats).toEqual(['… EXP-12 still running (10s): customer: insert 2000', '… EXP-12 still running (20s): customer: insert 2000']);
    p.onEvent({ event: 'item:end', id: 'EXP-12', verdict: 'pass', durationMs: 25_000, item: item('EXP-12', 'pass') });
    vi.advanceTimersByTime(60_000);
    // Nothing runs: no more heartbeats, and no terminal escapes in a log.
    expect(s.text().split('\n').filter((l) => l.includes('still running'))).toHaveLength(2);
    expect(s.text()).toMatch(/✓ EXP-12 +pass +25s  title EXP-12\n/);
    expect(s.text()).not.toContain('\x1b');
    p.stop();
  });

  it('--json: a heartbeat event every heartbeatMs of silence, naming what runs; every line stays JSON', () => {
    vi.useFakeTimers();
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'json', color: false, heartbeatMs: 10_000, now: () => Date.now() });
    p.onEvent({ event: 'item:start', id: 'EXP-12', title: 'title', lane: 1, index: 1, total: 1 });
    p.onEvent({ event: 'step', id: 'EXP-12', step: 3, kind: 'customer', text: 'customer: insert 2000' });
    vi.advanceTimersByTime(25_000);
    p.onEvent({ event: 'item:end', id: 'EXP-12', verdict: 'pass', durationMs: 25_000, item: item('EXP-12', 'pass') });
    vi.advanceTimersByTime(60_000);
    const lines = s.text().trim().split('\n').map((l) => JSON.parse(l) as { event: string; running?: { id: string; elapsedMs: number; step: string }[] });
    const beats = lines.filter((l) => l.event === 'heartbeat');
    expect(beats).toHaveLength(2);
    expect(beats[0]?.running).toEqual([{ id: 'EXP-12', elapsedMs: 10_000, step: 'customer: insert 2000' }]);
    expect(lines.map((l) => l.event)).toEqual(['item:start', 'step', 'heartbeat', 'heartbeat', 'item:end']);
    p.stop();
  });

  it('speaks the run language: verdict words, summary, plurals, and the last line names checklist.html', () => {
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'human', color: false, lang: 'fr' });
    p.onEvent({ event: 'item:start', id: 'A', title: 'titre A', lane: 1, index: 1, total: 1 });
    p.onEvent({ event: 'item:end', id: 'A', verdict: 'fail', durationMs: 5, reason: 'r', item: item('A', 'fail', 'r') });
    p.finish(result([item('A', 'fail', 'r')]), { dir: '/tmp/r', files: ['/tmp/r/result.json', '/tmp/r/checklist.html'], problems: [] });
    const text = s.text();
    expect(text).toMatch(/✗ A +échec +5ms/);
    expect(text).toContain('Résumé');
    expect(text).toContain('Points obligatoires non validés');
    expect(text).toContain('Verdict : ÉCHEC  (réussi : 1, échec : 1, erreur : 0, obligatoires en échec : 1)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Rapport : /tmp/r/checklist.html');
    expect(consoleText('fr').count(1, 'item')).toBe('1 point');
    expect(consoleText('fr').count(2, 'item')).toBe('2 points');
    expect(consoleText('en').count(1, 'item')).toBe('1 item');
    expect(consoleText('es').count(3, 'failedRequired')).toBe('3 puntos obligatorios fallidos');
  });

  it('gives the reasons the reports translate in the run language too, on the item line and in the list of failures', () => {
    const s = sink(false);
    const p = createProgress({ out: s.out, mode: 'human', color: false, lang: 'es' });
    const reason = 'depends on A, which ended fail';
    p.onEvent({ event: 'item:start', id: 'B', title: 'título B', lane: 1, index: 1, total: 1 });
    p.onEvent({ event: 'item:end', id: 'B', verdict: 'skipped', durationMs: 0, reason, item: item('B', 'skipped', reason) });
    p.finish(result([item('A', 'fail', 'no #C# was sent'), item('B', 'skipped', reason)]), { dir: '/tmp/r', files: ['/tmp/r/checklist.html'], problems: [] });
    const text = s.text();
    expect(text).not.toContain(reason);
    expect(text).toMatch(/\n {4}depende de A/);
    // A check's own wording (a checklist author's sentence) is shown as written, as in the reports.
    expect(text).toContain('— no #C# was sent');
  });
});
