/**
 * Item isolation: a POS left hung by one item must not make every later
 * item error. The runner restarts the POS before the next item and says so in the result.
 */
import { describe, expect, it } from 'vitest';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosAction, PosOutcome } from '../../src/pos/types.js';
import type { RunEvent } from '../../src/runner/events.js';
import { runChecklist } from '../../src/runner/run.js';
import { checklist, POS, saleItem, tinyPosDriver } from './helpers.js';

/**
 * A POS that runs its actions one after another (like a cashier's screen), whose very first
 * instance hangs on its first sale: every later action of that instance waits behind it.
 */
function serialPosFactory() {
  let instances = 0;
  return () => {
    const instance = ++instances;
    const honest = tinyPosDriver('honest');
    let tail: Promise<unknown> = Promise.resolve();
    let sales = 0;
    return inProcessDriver(async (target) => {
      await honest.start(target);
      return {
        perform(action: PosAction, body: { amount?: number }): Promise<PosOutcome> {
          const run = tail.then(async () => {
            if (action === 'sale' && instance === 1 && ++sales === 1) return new Promise<PosOutcome>(() => undefined);
            const r = await honest.perform(action, body, { timeoutMs: 10_000, signal: new AbortController().signal });
            return r.outcome ?? { outcome: 'failed' as const, message: r.error ?? 'no outcome' };
          });
          tail = run.catch(() => undefined);
          return run;
        },
        close: () => honest.stop(),
      };
    }, `serial-${instance}`);
  };
}

describe('a hung POS does not cascade through the run', () => {
  it('restarts the POS before the next item, which then passes; the result names the restart', async () => {
    const hangsFast = saleItem('S-1', {
      steps: saleItem('x').steps.map((s) => (s.kind === 'action' && s.action === 'sale' ? { ...s, timeoutMs: 300 } : s)),
    });
    const events: RunEvent[] = [];
    const result = await runChecklist({
      checklist: checklist([hangsFast, saleItem('S-2'), saleItem('S-3')]),
      pos: POS,
      seed: 3,
      timeScale: 0.01,
      lang: 'en',
      ci: true,
      driverFactory: serialPosFactory(),
      onEvent: (e) => events.push(e),
    });
    const [s1, s2, s3] = result.items;
    // It never sent #C#: judged on the wire (fail), and the hang is named too.
    expect(s1?.verdict).toBe('fail');
    expect(s1?.reason).toContain('the POS hung');
    expect(s2?.verdict).toBe('pass');
    expect(s2?.posRestarted).toMatch(/^S-1 left it without an answer to sale 990/);
    expect(s2?.transcript[0]?.data).toContain('runner: the POS was restarted before this item');
    expect(s3?.verdict).toBe('pass');
    expect(s3?.posRestarted).toBeUndefined();
    expect(events.filter((e) => e.event === 'pos:restart')).toHaveLength(1);
  }, 60_000);
});
