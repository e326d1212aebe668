/**
 * The simulator's transcript: every frame in and out and every event, in order, with the
 * wall-clock time since start (or the last reset), plus a live feed for the CLI log, the
 * web page (SSE) and library users.
 */
import type { TranscriptEntry, TranscriptEventKind } from '../protocol/transcript.js';

export type TranscriptListener = (entry: TranscriptEntry) => void;

/**
 * A simulator left running for days must not grow without bound: past this many entries the
 * oldest tenth is dropped. A certification item is many orders of magnitude smaller.
 */
export const MAX_TRANSCRIPT_ENTRIES = 100_000;

export class TranscriptLog {
  private entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<TranscriptListener>();
  private readonly resetListeners = new Set<() => void>();
  private origin: number;

  constructor(private readonly wallNow: () => number) {
    this.origin = wallNow();
  }

  /** Milliseconds since start or the last reset, rounded to 0.1 ms so the JSON stays short. */
  elapsed(): number {
    return Math.round((this.wallNow() - this.origin) * 10) / 10;
  }

  frame(dir: 'in' | 'out', conn: number, data: string, fault?: string): TranscriptEntry {
    const entry: TranscriptEntry = { at: this.elapsed(), conn, dir, data };
    if (fault !== undefined) entry.fault = fault;
    return this.push(entry);
  }

  event(kind: TranscriptEventKind, data: string, conn = 0, fault?: string): TranscriptEntry {
    const entry: TranscriptEntry = { at: this.elapsed(), conn, dir: 'event', data, kind };
    if (fault !== undefined) entry.fault = fault;
    return this.push(entry);
  }

  all(): TranscriptEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** The newest `count` entries (the web page only shows the tail). */
  tail(count: number): TranscriptEntry[] {
    return this.entries.slice(Math.max(0, this.entries.length - count)).map((e) => ({ ...e }));
  }

  size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
    this.origin = this.wallNow();
    for (const listener of [...this.resetListeners]) listener();
  }

  subscribe(listener: TranscriptListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Told when the transcript is cleared (the web page empties its traffic log). */
  onClear(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => {
      this.resetListeners.delete(listener);
    };
  }

  private push(entry: TranscriptEntry): TranscriptEntry {
    this.entries.push(entry);
    if (this.entries.length > MAX_TRANSCRIPT_ENTRIES) this.entries.splice(0, Math.ceil(MAX_TRANSCRIPT_ENTRIES / 10));
    if (this.listeners.size > 0) {
      const copy = { ...entry };
      // Listeners run after the current machine step, so one that reacts (a test inserting a
      // note when it sees "#C#") acts on the machine's new state, not in the middle of a step.
      queueMicrotask(() => {
        for (const listener of [...this.listeners]) {
          try {
            listener({ ...copy });
          } catch {
            // A broken listener (a user's callback, a closed SSE stream) must not stop the simulator.
          }
        }
      });
    }
    return entry;
  }
}
