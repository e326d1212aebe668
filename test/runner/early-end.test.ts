/**
 * An item ends as soon as its verdict is decided (docs/runner.md, "When an item ends"): once
 * every action answered and the wire stayed quiet for QUIET_MS, a window about those actions is
 * judged closed instead of waited out. Frames that still come within that quiet time count, and
 * after a `wait` step the window is about the POS's own pace and runs to its end.
 * Real simulator, in-process POS; bounds are the items' own windows, not timing benchmarks.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/checklist/types.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosAction, PosOutcome } from '../../src/pos/types.js';
import type { ItemResult } from '../../src/runner/result.js';
import { runChecklist } from '../../src/runner/run.js';
import { QUIET_MS } from '../../src/runner/wire-watch.js';
import { checklist, item, POS } from './helpers.js';

const WINDOW_MS = 20_000;

/** A POS whose every action answers at once; `startup` optionally sends `#I#` `lateMs` after answering. */
function scriptedPos(script: { startup: 'failed' | 'late-init'; lateMs?: number; sale?: 'failed' }) {
  return inProcessDriver(async (target) => {
    let socket: Socket | undefined;
    const send = (frame: string) => {
      socket ??= connect(target.port, target.host);
      socket.on('error', () => undefined);
      socket.write(frame);
    };
    return {
      async perform(action: PosAction): Promise<PosOutcome> {
        if (action === 'startup' && script.startup === 'late-init') {
          setTimeout(() => send('#I#'), script.lateMs ?? 0);
          return { outcome: 'completed' };
        }
        return { outcome: 'failed', message: `TODO: ${action} is not implemented yet` };
      },
      close() {
        socket?.destroy();
      },
    };
  }, 'scripted');
}

async function runOne(steps: Step[], pos: ReturnType<typeof scriptedPos>): Promise<ItemResult> {
  const r = await runChecklist({
    checklist: checklist([item('E-1', steps, { timeoutMs: 60_000 })]),
    pos: POS,
    seed: 3,
    timeScale: 0.02,
    lang: 'en',
    ci: true,
    driverFactory: () => pos,
  });
  return r.items[0] as ItemResult;
}

describe('an item ends once its verdict is decided', () => {
  it('a startup answered "failed" at once: the #I# window is judged closed, not waited out', async () => {
    const r = await runOne(
      [
        { kind: 'action', action: 'startup', wait: true },
        { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: WINDOW_MS }, message: 'the POS did not send #I# at start-up' },
        { kind: 'expect', expect: { type: 'outcome', fields: { outcome: 'completed' } } },
      ],
      scriptedPos({ startup: 'failed' }),
    );
    expect(r.verdict, JSON.stringify(r.checks, null, 1)).toBe('fail');
    expect(r.checks.map((c) => [c.kind, c.status]), JSON.stringify(r.checks, null, 1)).toEqual([
      ['sends', 'failed'],
      ['outcome', 'failed'],
    ]);
    expect(r.checks[0]?.actual).toContain(`the window closed early: the POS had answered every action and sent nothing for ${QUIET_MS / 1000} s`);
    expect(r.reason).toContain('the POS said: TODO: startup is not implemented yet');
    // The logical bound: the item did not sit out its 20 s window.
    expect(r.durationMs).toBeLessThan(WINDOW_MS);
  });

  it('a frame sent shortly after the action answered (within the quiet time) still counts', async () => {
    const r = await runOne(
      [
        { kind: 'action', action: 'startup', wait: true },
        { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: WINDOW_MS } },
      ],
      scriptedPos({ startup: 'late-init', lateMs: Math.round(QUIET_MS / 3) }),
    );
    expect(r.checks.map((c) => [c.kind, c.status])).toEqual([['sends', 'passed']]);
    expect(r.verdict).toBe('pass');
  });

  it('a customer step waiting for an acceptance the POS will never open ends with the POS', async () => {
    const r = await runOne(
      [
        { kind: 'action', action: 'startup', wait: true },
        { kind: 'action', action: 'sale', amount: 990, wait: false },
        { kind: 'customer', insert: [2000], afterMs: 0, withinMs: WINDOW_MS },
        { kind: 'expect', expect: { type: 'sends', pattern: '#C#...', withinMs: WINDOW_MS } },
      ],
      scriptedPos({ startup: 'failed', sale: 'failed' }),
    );
    expect(r.checks.map((c) => [c.kind, c.status])).toEqual([
      ['customer', 'failed'],
      ['sends', 'failed'],
    ]);
    expect(r.checks[0]?.message).toBe('the POS never opened an acceptance for the customer');
    expect(r.checks[0]?.actual).toContain('the window closed early');
    expect(r.durationMs).toBeLessThan(WINDOW_MS);
  });

  it('after a `wait` step the window is about the POS\'s own pace: a frame later than the quiet time still counts', async () => {
    const late = QUIET_MS + 500;
    const r = await runOne(
      [
        { kind: 'action', action: 'startup', wait: true },
        { kind: 'wait', ms: 50 },
        { kind: 'expect', expect: { type: 'sends', pattern: '#I#', withinMs: WINDOW_MS } },
      ],
      scriptedPos({ startup: 'late-init', lateMs: late }),
    );
    expect(r.checks.map((c) => [c.kind, c.status])).toEqual([['sends', 'passed']]);
  });
});
