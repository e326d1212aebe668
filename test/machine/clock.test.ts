import { describe, expect, it } from 'vitest';
import { systemClock, VirtualClock } from '../../src/clock.js';

describe('clocks', () => {
  it('a virtual clock moves only when told, never backwards', () => {
    const clock = new VirtualClock(100);
    expect(clock.now()).toBe(100);
    expect(clock.advance(50)).toBe(150);
    expect(clock.advanceTo(120)).toBe(150);
    expect(clock.advanceTo(400)).toBe(400);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });

  it('the system clock reads wall time in ms and does not go backwards', () => {
    const a = systemClock.now();
    const b = systemClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(a).toBeGreaterThan(1.6e12);
  });
});
