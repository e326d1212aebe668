/**
 * Time as an injected dependency. The pure core (machine model, fault decisions) never reads the
 * wall clock: adapters pass `nowMs` from a Clock, tests use a VirtualClock they advance by hand.
 */
export interface Clock {
  /** Milliseconds on this clock's own time line. */
  now(): number;
}

/** Wall-clock milliseconds, for adapters only. */
export const systemClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/** A clock that only moves when told to: deterministic tests, no sleeping. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Move forward by `ms` (never backwards) and return the new time. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock.advance: ${ms} is not a non-negative duration`);
    this.current += ms;
    return this.current;
  }

  /** Jump to `ms` if it is later than now; time never runs backwards. */
  advanceTo(ms: number): number {
    if (ms > this.current) this.current = ms;
    return this.current;
  }
}
