/**
 * The wire as one item sees it: the transcript entries since the item started, timed from its
 * start, positions in it (markers), and the waits that wake on the next entry. A lane keeps one
 * watch on its simulator for its whole life and restarts it at every item.
 *
 * It also knows whether the POS is still at work (docs/runner.md, "When an item ends"): the
 * actions the item asked for, when the last one settled, and whether a `wait` step handed the
 * item over to the POS's own pace. A wait on the POS ends early once the POS is quiet.
 */
import type { TranscriptEntry } from '../protocol/transcript.js';
import type { SimulatorHandle } from '../server/types.js';
import type { Marker } from './expect.js';

/** Thrown inside an item to stop its steps (timeout, Ctrl-C, a hung POS). */
export class ItemStopped extends Error {}

/**
 * How long the wire must stay silent, once every action the item asked for has answered,
 * before a wait on the POS stops early. Wall-clock, like every step duration: the POS's pace is
 * its own, whatever --time-scale does to the machine's.
 */
export const QUIET_MS = 1000;

/** Why a wait on the POS ended before its window did, for a check's `actual`. */
export function quietNote(): string {
  return `the window closed early: the POS had answered every action and sent nothing for ${QUIET_MS / 1000} s`;
}

/** How a wait ended: the condition held, its window ran out, the POS went quiet, or the item stopped. */
export type WaitEnd = 'met' | 'expired' | 'quiet' | 'stopped';

export class WireWatch {
  private list: TranscriptEntry[] = [];
  private t0 = 0;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  /** Bumped by restart(): an action abandoned by the previous item must not count in this one. */
  private generation = 0;
  private running = 0;
  private asked = false;
  private settledAt = 0;
  private ownPace = false;

  constructor(sim: SimulatorHandle) {
    this.unsubscribe = sim.onEntry((entry) => {
      this.list.push({ ...entry, at: this.now() });
      this.wake();
    });
  }

  /** The current item's entries (the array itself: it grows as frames arrive). */
  get entries(): TranscriptEntry[] {
    return this.list;
  }

  /** A fresh transcript and time origin for the next item. */
  restart(): void {
    this.list = [];
    this.t0 = performance.now();
    this.generation++;
    this.running = 0;
    this.asked = false;
    this.settledAt = 0;
    this.ownPace = false;
  }

  /** The item asked the POS for an action; call the returned function once it settled. */
  actionStarted(): () => void {
    const generation = this.generation;
    this.running++;
    this.asked = true;
    this.ownPace = false;
    let done = false;
    return () => {
      if (done || generation !== this.generation) return;
      done = true;
      this.running--;
      this.settledAt = this.now();
      // Waits sleeping until their window ends must look again: the POS may be quiet now.
      this.wake();
    };
  }

  /**
   * A `wait` step ran: until the next action, the item watches what the POS does on its own
   * (polling, a timer), so windows run to their end.
   */
  watchOwnPace(): void {
    this.ownPace = true;
  }

  /**
   * ms the POS has been quiet: at least one action was asked in this item, every one has
   * settled, and nothing crossed the wire since. Undefined while an action runs, before the
   * first action, and after a `wait` step (until the next action).
   */
  quietFor(): number | undefined {
    if (!this.asked || this.running > 0 || this.ownPace) return undefined;
    const last = this.list.length > 0 ? (this.list[this.list.length - 1] as TranscriptEntry).at : 0;
    return Math.max(0, this.now() - Math.max(this.settledAt, last));
  }

  private wake(): void {
    for (const l of [...this.listeners]) l();
  }

  /** ms since the item started, to 0.1 ms. */
  now(): number {
    return Math.round((performance.now() - this.t0) * 10) / 10;
  }

  /** The position the next entry will take. */
  marker(): Marker {
    return { index: this.list.length, at: this.now() };
  }

  /** Resolves on the next transcript entry, after `ms`, or when the signal aborts. */
  waitForEntry(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.listeners.add(finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  /** Whether `test` holds within `withinMs`; false at once when the signal aborts. */
  async waitUntil(test: () => boolean, withinMs: number, signal: AbortSignal): Promise<boolean> {
    return (await this.waitFor(test, withinMs, signal, false)) === 'met';
  }

  /**
   * Waits until `test` holds, `withinMs` runs out or the signal aborts; with `untilQuiet`, also
   * until the POS has been quiet for QUIET_MS (see quietFor): the thing waited for can then
   * only come from a POS acting on its own, which a window about an action does not wait for.
   */
  async waitFor(test: () => boolean, withinMs: number, signal: AbortSignal, untilQuiet: boolean): Promise<WaitEnd> {
    const deadline = performance.now() + withinMs;
    for (;;) {
      if (test()) return 'met';
      if (signal.aborted) return 'stopped';
      const left = deadline - performance.now();
      if (left <= 0) return test() ? 'met' : 'expired';
      const quiet = untilQuiet ? this.quietFor() : undefined;
      if (quiet !== undefined && quiet >= QUIET_MS) return test() ? 'met' : 'quiet';
      // Machine state changes show up as transcript entries; the short cap catches the rest.
      await this.waitForEntry(Math.min(left, 25), signal);
    }
  }

  /** Pause `ms`; throws ItemStopped when the signal aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new ItemStopped());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ItemStopped());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
