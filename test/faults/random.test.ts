import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/random.js';

describe('createRandom', () => {
  it('replays the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 100 }, () => a.next());
    const second = Array.from({ length: 100 }, () => b.next());
    expect(first).toEqual(second);
  });

  it('gives different sequences for different seeds, also for neighbouring and fractional ones', () => {
    const take = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(take(1)).not.toEqual(take(2));
    expect(take(1)).not.toEqual(take(1.5));
    expect(take(0)).not.toEqual(take(2 ** 40));
  });

  it('stays in [0, 1) and int(n) in [0, n)', () => {
    const r = createRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const k = r.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(6);
    expect(r.int(1)).toBe(0);
    expect(r.int(0)).toBe(0);
  });

  it('resumes from state()', () => {
    const r = createRandom(99);
    r.next();
    r.next();
    const resumed = createRandom(r.state());
    expect(Array.from({ length: 5 }, () => resumed.next())).toEqual(Array.from({ length: 5 }, () => r.next()));
  });
});
