import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringCombination, planChange, type StockEntry } from '../../src/machine/change.js';

/** Every multiset of pieces the stock allows: (total, pieces) with the fewest pieces per total. */
function bruteForce(stock: StockEntry[]): Map<number, number> {
  let best = new Map<number, number>([[0, 0]]);
  for (const { value, count } of stock) {
    const next = new Map<number, number>();
    for (const [total, pieces] of best) {
      for (let k = 0; k <= count; k++) {
        const t = total + k * value;
        const p = pieces + k;
        if ((next.get(t) ?? Infinity) > p) next.set(t, p);
      }
    }
    best = next;
  }
  return best;
}

describe('change-making with limited stock', () => {
  it('finds what greedy misses: 60 = 3 × 20 with one 50 in stock', () => {
    expect(planChange(60, [{ value: 50, count: 1 }, { value: 20, count: 3 }])).toEqual({ pieces: [20, 20, 20], total: 60 });
  });

  it('fewest pieces: 1010 = 10 € + 10 c', () => {
    const stock = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000].map((value) => ({ value, count: 10 }));
    expect(planChange(1010, stock)).toEqual({ pieces: [1000, 10], total: 1010 });
  });

  it('pays the largest amount below when the exact one is impossible', () => {
    expect(planChange(50, [{ value: 20, count: 3 }])).toEqual({ pieces: [20, 20], total: 40 });
    expect(planChange(5, [{ value: 20, count: 3 }])).toEqual({ pieces: [], total: 0 });
    expect(planChange(0, [{ value: 20, count: 3 }])).toEqual({ pieces: [], total: 0 });
  });

  it('large amounts stay correct (greedy prefix beyond the DP window)', () => {
    const plan = planChange(350_010, [{ value: 50000, count: 10 }, { value: 10, count: 5 }]);
    expect(plan.total).toBe(350_010);
    expect(plan.pieces.filter((p) => p === 50000)).toHaveLength(7);
  });

  it('matches a brute force on random small stocks (exact total, then fewest pieces, never over stock)', () => {
    const values = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500];
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.constantFrom(...values), count: fc.integer({ min: 0, max: 4 }) }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 1500 }),
        (raw, amount) => {
          const merged = new Map<number, number>();
          for (const s of raw) merged.set(s.value, (merged.get(s.value) ?? 0) + s.count);
          const stock = [...merged].map(([value, count]) => ({ value, count }));
          const plan = planChange(amount, stock);
          const reachable = bruteForce(stock);
          const bestTotal = Math.max(...[...reachable.keys()].filter((t) => t <= amount));
          expect(plan.total).toBe(bestTotal);
          expect(plan.pieces.reduce((a, b) => a + b, 0)).toBe(plan.total);
          expect(plan.pieces.length).toBe(reachable.get(bestTotal));
          for (const { value, count } of stock) expect(plan.pieces.filter((p) => p === value).length).toBeLessThanOrEqual(count);
        },
      ),
      { seed: 99, numRuns: 1500 },
    );
  });
});

describe('the automatic customer\'s covering combination', () => {
  const EUR = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

  it('pays exactly when the denominations allow, with the fewest pieces', () => {
    expect(coveringCombination(990, EUR)).toEqual([500, 200, 200, 50, 20, 20]);
    expect(coveringCombination(2000, EUR)).toEqual([2000]);
  });

  it('otherwise the smallest total above the amount', () => {
    expect(coveringCombination(990, [500, 2000])).toEqual([500, 500]);
    expect(coveringCombination(2100, [2000, 5000])).toEqual([2000, 2000]);
    expect(coveringCombination(0, EUR)).toEqual([]);
  });
});
