/**
 * What the step's per-frame shortcuts must not change: the step's copy of the state has every
 * field of the state it was given, the earlier state is left as it was, and `#T#` (whose totals
 * and reply text are remembered between steps) always answers the totals of the state it is
 * given, old or new.
 */
import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/machine/machine.js';
import type { MachineState } from '../../src/machine/index.js';
import { EUR } from './helpers.js';

function run(state: MachineState, frames: string[], conn = 1): { state: MachineState; replies: string[] } {
  const replies: string[] = [];
  let s = state;
  for (const frame of frames) {
    const result = step(s, { type: 'frame', conn, frame }, 0);
    s = result.state;
    for (const o of result.outputs) if (o.type === 'reply') replies.push(o.frame);
  }
  return { state: s, replies };
}

function totals(state: MachineState): string {
  let recyclers = 0;
  let stacker = 0;
  for (const [key, count] of Object.entries(state.recyclers)) recyclers += Number(key) * count;
  for (const [key, count] of Object.entries(state.stacker)) stacker += Number(key) * count;
  return `#0#${recyclers}#${stacker}#`;
}

describe('one step', () => {
  it('returns a state with the same fields as the one it was given, in the same order, and leaves that one as it was', () => {
    const start = step(initialState(EUR), { type: 'connect', conn: 1 }, 0).state;
    const frozen = JSON.stringify(start);
    const after = step(start, { type: 'frame', conn: 1, frame: '#T#' }, 0).state;
    expect(Object.keys(after)).toEqual(Object.keys(start));
    expect(after).toEqual(start);
    expect(JSON.stringify(start)).toBe(frozen);
  });

  it('answers #T# with the totals of the state it is given, before and after the inventory changes, and again for the old state', () => {
    let s = step(initialState(EUR, { dialect: { initPerConnection: false } }), { type: 'connect', conn: 1 }, 0).state;
    s = step(s, { type: 'frame', conn: 1, frame: '#I#' }, 0).state;
    // The cold start ends on a timer; fire whatever the machine asked for until it is idle.
    for (let guard = 0; guard < 20 && Object.keys(s.timers).length > 0; guard++) {
      const [id, at] = Object.entries(s.timers).sort((a, b) => a[1] - b[1])[0] as [string, number];
      s = step(s, { type: 'timer', id }, at).state;
    }
    const before = s;
    const first = run(before, ['#T#', '#T#']);
    expect(first.replies).toEqual([totals(before), totals(before)]);

    const tens = before.recyclers['1000'] ?? 0;
    const changed = step(before, { type: 'set-inventory', inventory: { recyclers: { '1000': tens === 0 ? 1 : tens - 1 } } }, 0).state;
    expect(totals(changed)).not.toBe(totals(before));
    expect(run(changed, ['#T#']).replies).toEqual([totals(changed)]);
    // The earlier state still answers its own totals: nothing remembered leaks across states.
    expect(run(before, ['#T#']).replies).toEqual([totals(before)]);
    expect(run(changed, ['#T2#']).replies).toEqual([totals(changed).replace(/^#0#(\d+)#(\d+)#$/, '#0#$1#0#$2#0#')]);

    const emptied = step(changed, { type: 'set-inventory', inventory: { stacker: Object.fromEntries(Object.keys(changed.stacker).map((k) => [k, 0])) } }, 0).state;
    expect(run(emptied, ['#T#']).replies).toEqual([totals(emptied)]);
    expect(run(changed, ['#T#']).replies).toEqual([totals(changed)]);
  });
});
