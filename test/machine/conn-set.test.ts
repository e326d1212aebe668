/**
 * The machine's set of open connections (state.ts, ConnSet): the same answers as a plain sorted
 * list, whatever the order of connects and closes, and never changed in place (old states stay valid).
 */
import { describe, expect, it } from 'vitest';
import { connSetAdd, connSetList, connSetRemove, type ConnSet } from '../../src/machine/state.js';
import { createRandom } from '../../src/random.js';

describe('ConnSet', () => {
  it('matches a sorted list through 3,000 random connects and closes, and leaves earlier sets as they were', () => {
    const random = createRandom(7);
    let set: ConnSet = [];
    let reference: number[] = [];
    const snapshots: { set: ConnSet; list: number[] }[] = [];
    for (let i = 0; i < 3000; i++) {
      const conn = 1 + Math.floor(random.next() * 400);
      if (random.next() < 0.55) {
        set = connSetAdd(set, conn);
        if (!reference.includes(conn)) reference = [...reference, conn].sort((a, b) => a - b);
      } else {
        set = connSetRemove(set, conn);
        reference = reference.filter((c) => c !== conn);
      }
      expect(connSetList(set)).toEqual(reference);
      if (i % 500 === 0) snapshots.push({ set, list: [...reference] });
    }
    for (const { set: old, list } of snapshots) expect(connSetList(old)).toEqual(list);
    expect(set.every((group) => group.length > 0 && group.length <= 64)).toBe(true);
  });

  it('adding an open connection or removing an unknown one gives back the same set', () => {
    const set = connSetAdd(connSetAdd([], 1), 2);
    expect(connSetAdd(set, 2)).toBe(set);
    expect(connSetRemove(set, 9)).toBe(set);
    expect(connSetList(connSetRemove(set, 1))).toEqual([2]);
  });
});
