import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
    expect(text).toContain('⠋ A  title A');
    expect(text).toMatch(/✓ A +pass +1\.2s  title A\n/);
    expect(text).toMatch(/✗ B +fail +300ms  title B\n {4}the POS booked 2000\n/);
    expect(text).toContain('Required items not passed\n  ✗ B  title B — the POS booked 2000');
    expect(text).toContain('Verdict: FAIL');
    expect(text).toContain('Seed: 42');
    expect(text).toContain('Report: /tmp/r');
    expect(text).toContain('warning: bundle broke');
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
