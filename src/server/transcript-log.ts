/**
 * The simulator's transcript: every frame in and out and every event, in order, with the
 * wall-clock time since start (or the last reset), plus a live feed for the CLI log, the
 * web page (SSE) and library users.
 *
 * Bounded memory, nothing forgotten: the newest entries stay in memory (at most
 * TRANSCRIPT_MEMORY_ENTRIES entries and about TRANSCRIPT_MEMORY_BYTES bytes); past that, the
 * oldest eighth goes to an append-only JSON-lines file in a private temporary folder, removed by
 * clear() and close(). Entries are numbered from 0 since start or the last reset, and read
 * back by page (`page(since, limit)`), so neither the control API nor the web page ever holds
 * the whole transcript. A simulator left running for days costs disk, not memory.
 *
 * If the spill file cannot be written (disk full), the entries that would have gone there are
 * dropped and counted (`lost()`), and reading skips them: the simulator must keep serving.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptEntry, TranscriptEventKind } from '../protocol/transcript.js';

export type TranscriptListener = (entry: TranscriptEntry) => void;

/** Entries kept in memory before the oldest eighth spills to the file. */
export const TRANSCRIPT_MEMORY_ENTRIES = 20_000;
/** Approximate bytes kept in memory before the oldest eighth spills to the file. */
export const TRANSCRIPT_MEMORY_BYTES = 8 * 1024 * 1024;
/** A page read back from the transcript holds at most this many bytes of JSON (at least one entry). */
export const TRANSCRIPT_PAGE_MAX_BYTES = 8 * 1024 * 1024;

/** One file offset is remembered per this many spilled entries (a sparse index: 8 bytes per block). */
const INDEX_EVERY = 64;
/** Per-entry overhead counted besides its data (object, numbers, strings' headers). */
const ENTRY_OVERHEAD = 96;
const READ_CHUNK = 64 * 1024;

export interface TranscriptLogOptions {
  /** Entries kept in memory (default TRANSCRIPT_MEMORY_ENTRIES; at least 2). */
  memoryEntries?: number;
  /** Bytes kept in memory, approximately (default TRANSCRIPT_MEMORY_BYTES). */
  memoryBytes?: number;
  /** Folder in which the spill folder is created (default the OS temporary folder). */
  tmpDir?: string;
}

export class TranscriptLog {
  /** Entries [memStart, total) in memory. */
  private entries: TranscriptEntry[] = [];
  private memStart = 0;
  private memBytes = 0;
  /** Entries [0, fileEnd) are in the spill file; [fileEnd, memStart) were lost (spill failed). */
  private fileEnd = 0;
  private fileBytes = 0;
  private lostCount = 0;
  /** Byte offset in the file of entry k × INDEX_EVERY. */
  private fileIndex: number[] = [];
  private dir: string | undefined;
  private fd: number | undefined;
  private spillFailed = false;
  private closed = false;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly tmpBase: string;
  private readonly listeners = new Set<TranscriptListener>();
  /** Entries recorded this step, not yet given to the listeners. */
  private unsent: TranscriptEntry[] = [];
  private readonly resetListeners = new Set<() => void>();
  private origin: number;

  constructor(
    private readonly wallNow: () => number,
    options: TranscriptLogOptions = {},
  ) {
    this.origin = wallNow();
    this.maxEntries = Math.max(2, Math.floor(options.memoryEntries ?? TRANSCRIPT_MEMORY_ENTRIES));
    this.maxBytes = Math.max(1024, Math.floor(options.memoryBytes ?? TRANSCRIPT_MEMORY_BYTES));
    this.tmpBase = options.tmpDir ?? tmpdir();
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

  /** A file of the CashlogyTickets exchange: what the POS wrote (in), what the look-alike wrote (out), or an observation (event, kind file). */
  file(dir: 'in' | 'out' | 'event', file: string, data: string, fault?: string): TranscriptEntry {
    const entry: TranscriptEntry = { at: this.elapsed(), conn: 0, dir, data, file };
    if (dir === 'event') entry.kind = 'file';
    if (fault !== undefined) entry.fault = fault;
    return this.push(entry);
  }

  event(kind: TranscriptEventKind, data: string, conn = 0, fault?: string): TranscriptEntry {
    const entry: TranscriptEntry = { at: this.elapsed(), conn, dir: 'event', data, kind };
    if (fault !== undefined) entry.fault = fault;
    return this.push(entry);
  }

  /** Every entry since start or the last reset. Reads the spill file whole: prefer page() for a long run. */
  all(): TranscriptEntry[] {
    return this.page(0, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY);
  }

  /** The newest `count` entries (the web page only shows the tail). */
  tail(count: number): TranscriptEntry[] {
    const total = this.size();
    const n = Math.max(0, Math.floor(count));
    return this.page(Math.max(0, total - n), n, Number.POSITIVE_INFINITY);
  }

  /**
   * Entries from index `since` (0 = the first since start or reset), at most `limit` of them and
   * at most `maxBytes` of JSON (always at least one entry when there is one). Lost entries are
   * skipped, so a page may start after `since`; each entry's index is `since` + its position
   * only when `lost()` is 0.
   */
  page(since: number, limit: number, maxBytes: number = TRANSCRIPT_PAGE_MAX_BYTES): TranscriptEntry[] {
    const total = this.size();
    let from = Math.max(0, Math.floor(since));
    const end = Math.min(total, from + Math.max(0, Math.floor(limit)));
    const out: TranscriptEntry[] = [];
    let bytes = 0;
    const take = (entry: TranscriptEntry, size: number): boolean => {
      if (out.length > 0 && bytes + size > maxBytes) return false;
      out.push(entry);
      bytes += size;
      return true;
    };
    if (from < this.fileEnd && from < end) {
      for (const { entry, size } of this.readFile(from, Math.min(end, this.fileEnd))) {
        if (!take(entry, size)) return out;
      }
      from = this.fileEnd;
    }
    from = Math.max(from, this.memStart);
    for (let i = from; i < end; i++) {
      const entry = this.entries[i - this.memStart] as TranscriptEntry;
      const size = Number.isFinite(maxBytes) ? JSON.stringify(entry).length + 1 : 0;
      if (!take({ ...entry }, size)) return out;
    }
    return out;
  }

  /** How many entries there have been since start or the last reset (the next entry's index). */
  size(): number {
    return this.memStart + this.entries.length;
  }

  /** What the transcript costs: entries and bytes in memory, entries and bytes spilled to disk, entries lost. */
  stats(): { total: number; memoryEntries: number; memoryBytes: number; spilledEntries: number; spilledBytes: number; lost: number } {
    return {
      total: this.size(),
      memoryEntries: this.entries.length,
      memoryBytes: this.memBytes,
      spilledEntries: this.fileEnd,
      spilledBytes: this.fileBytes,
      lost: this.lostCount,
    };
  }

  /** Entries dropped because the spill file could not be written. */
  lost(): number {
    return this.lostCount;
  }

  clear(): void {
    this.entries = [];
    this.memStart = 0;
    this.memBytes = 0;
    this.resetFile();
    this.origin = this.wallNow();
    for (const listener of [...this.resetListeners]) listener();
  }

  /** Removes the spill file and its folder; entries recorded later stay in memory only. */
  close(): void {
    this.closed = true;
    this.resetFile();
    if (this.dir !== undefined) {
      try {
        rmSync(this.dir, { recursive: true, force: true });
      } catch {
        // A temp folder that cannot be removed is the OS's to clean; never fail a shutdown for it.
      }
      this.dir = undefined;
    }
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
    this.memBytes += entry.data.length + ENTRY_OVERHEAD;
    if (this.entries.length > this.maxEntries || this.memBytes > this.maxBytes) this.spill();
    if (this.listeners.size > 0) {
      // Listeners run after the current machine step, so one that reacts (a test inserting a
      // note when it sees "#C#") acts on the machine's new state, not in the middle of a step.
      // One microtask delivers every entry of the step, in order. Each listener gets its own copy
      // there, so the recorded entry itself waits here.
      this.unsent.push(entry);
      if (this.unsent.length === 1) queueMicrotask(() => this.deliver());
    }
    return entry;
  }

  private deliver(): void {
    const entries = this.unsent;
    this.unsent = [];
    const listeners = [...this.listeners];
    for (const entry of entries) {
      for (const listener of listeners) {
        // One that unsubscribed while this step's entries were being given gets no more of them.
        if (!this.listeners.has(listener)) continue;
        try {
          listener({ ...entry });
        } catch {
          // A broken listener (a user's callback, a closed SSE stream) must not stop the simulator.
        }
      }
    }
  }

  /**
   * Moves the oldest entries out of memory until it holds 7/8 of each bound. A small slice at a
   * time: the write is synchronous, and moving half of 20 000 entries at once stalled every
   * connection and the control API for tens of milliseconds (seen as a fresh client's `#T#`
   * tail in `npm run soak`).
   */
  private spill(): void {
    let count = 0;
    let bytes = this.memBytes;
    const keepEntries = (this.maxEntries * 7) / 8;
    const keepBytes = (this.maxBytes * 7) / 8;
    while (count < this.entries.length - 1 && (this.entries.length - count > keepEntries || bytes > keepBytes)) {
      bytes -= (this.entries[count] as TranscriptEntry).data.length + ENTRY_OVERHEAD;
      count++;
    }
    if (count === 0) return;
    const moving = this.entries.slice(0, count);
    this.entries = this.entries.slice(count);
    this.memBytes = bytes;
    const firstIndex = this.memStart;
    this.memStart += count;
    if (!this.writeToFile(moving, firstIndex)) this.lostCount += count;
  }

  private writeToFile(moving: TranscriptEntry[], firstIndex: number): boolean {
    // Only a contiguous file can be paged: after a failure, or after close(), later entries are not written.
    if (this.spillFailed || this.closed || firstIndex !== this.fileEnd) {
      this.spillFailed = true;
      return false;
    }
    try {
      if (this.fd === undefined) {
        this.dir ??= mkdtempSync(join(this.tmpBase, 'cashlogy-transcript-'));
        this.fd = openSync(join(this.dir, 'transcript.jsonl'), 'a+');
      }
      const parts: string[] = [];
      let offset = this.fileBytes;
      moving.forEach((entry, k) => {
        const index = firstIndex + k;
        const line = JSON.stringify(entry) + '\n';
        if (index % INDEX_EVERY === 0) this.fileIndex[index / INDEX_EVERY] = offset;
        offset += Buffer.byteLength(line);
        parts.push(line);
      });
      const buffer = Buffer.from(parts.join(''));
      let written = 0;
      while (written < buffer.length) written += writeSync(this.fd, buffer, written, buffer.length - written);
      this.fileBytes = offset;
      this.fileEnd = firstIndex + moving.length;
      return true;
    } catch {
      this.spillFailed = true;
      return false;
    }
  }

  /** Entries [from, to) from the spill file, parsed one chunk at a time. */
  private *readFile(from: number, to: number): Generator<{ entry: TranscriptEntry; size: number }> {
    if (this.fd === undefined) return;
    const fd = this.fd;
    let index = Math.floor(from / INDEX_EVERY) * INDEX_EVERY;
    let position = this.fileIndex[index / INDEX_EVERY] ?? 0;
    const chunk = Buffer.alloc(READ_CHUNK);
    // Bytes after the last newline of a chunk wait for the next one (a UTF-8 character may be cut).
    let carry = Buffer.alloc(0);
    while (index < to && position < this.fileBytes) {
      const n = readSync(fd, chunk, 0, Math.min(READ_CHUNK, this.fileBytes - position), position);
      if (n <= 0) return;
      position += n;
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const lastNewline = bytes.lastIndexOf(0x0a);
      if (lastNewline < 0) {
        carry = Buffer.from(bytes);
        continue;
      }
      carry = Buffer.from(bytes.subarray(lastNewline + 1));
      const lines = bytes.toString('utf8', 0, lastNewline).split('\n');
      for (const line of lines) {
        if (index >= from && index < to) yield { entry: JSON.parse(line) as TranscriptEntry, size: line.length + 1 };
        index++;
        if (index >= to) return;
      }
    }
  }

  private resetFile(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
      if (this.dir !== undefined) rmSync(join(this.dir, 'transcript.jsonl'), { force: true });
    }
    this.fileEnd = 0;
    this.fileBytes = 0;
    this.fileIndex = [];
    this.spillFailed = false;
    this.lostCount = 0;
  }
}
