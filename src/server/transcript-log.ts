/**
 * The simulator's transcript: every frame in and out and every event, in order, with the
 * wall-clock time since start (or the last reset), plus a live feed for the CLI log, the
 * web page (SSE) and library users.
 *
 * Bounded memory, nothing forgotten: the newest entries stay in memory (at most
 * TRANSCRIPT_MEMORY_ENTRIES entries and about TRANSCRIPT_MEMORY_BYTES bytes); past that, the
 * oldest go, a slice at a time, to an append-only JSON-lines file in a private temporary
 * folder (spill-folder.ts), removed by clear() and close(). Entries are numbered from 0 since start or the last reset, and read
 * back by page (`page(since, limit)`), so neither the control API nor the web page ever holds
 * the whole transcript. A simulator left running for days costs disk, not memory.
 *
 * If the spill file cannot be written (disk full), the entries that would have gone there are
 * dropped and counted (`lost()`), and reading skips them: the simulator must keep serving.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonBytes } from '../protocol/json-bytes.js';
import { makeSpillFolder } from './spill-folder.js';
import type { TranscriptDirection, TranscriptEntry, TranscriptEventKind } from '../protocol/transcript.js';

export type TranscriptListener = (entry: TranscriptEntry) => void;

/** Entries kept in memory before the oldest spill to the file (a slice at a time). */
export const TRANSCRIPT_MEMORY_ENTRIES = 20_000;
/** Approximate bytes kept in memory before the oldest spill to the file (a slice at a time). */
export const TRANSCRIPT_MEMORY_BYTES = 8 * 1024 * 1024;
/** A page read back from the transcript holds at most this many bytes of JSON (at least one entry). */
export const TRANSCRIPT_PAGE_MAX_BYTES = 8 * 1024 * 1024;

const SETTLED = Promise.resolve();
/** Frames up to this long are kept once (`intern`), at most KNOWN_MAX different ones at a time. */
const KNOWN_MAX_CHARS = 32;
const KNOWN_MAX = 256;
/** At most this many entries, and this many bytes, move to the spill file at a time. */
const SPILL_SLICE_ENTRIES = 256;
const SPILL_SLICE_BYTES = 64 * 1024;
/** What the spill's encoding buffer starts with (it grows for a slice of long entries). */
const SPILL_BUFFER_BYTES = 64 * 1024;
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
  /** Entries [memStart, total) in memory, oldest first. */
  private entries = new EntryStore();
  /** Short frames seen lately, so that a POS polling `#T#` does not leave one more string per frame in memory. */
  private readonly known = new Map<string, string>();
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
  /** The listeners in subscription order, as an array replaced (never changed) when one comes or goes. */
  private listenerList: readonly TranscriptListener[] = [];
  /** Entries recorded this step, not yet given to the listeners. */
  private unsent: TranscriptEntry[] = [];
  private readonly resetListeners = new Set<() => void>();
  /** Where spilled lines are encoded, kept from one spill to the next. */
  private spillBytes: JsonBytes | undefined;
  /** `deliver` bound once: a microtask is queued on every read that records something. */
  private readonly deliverUnsent = () => this.deliver();
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

  frame(dir: 'in' | 'out', conn: number, data: string, fault?: string): void {
    const entry: TranscriptEntry = { at: this.elapsed(), conn, dir, data: data.length <= KNOWN_MAX_CHARS ? this.intern(data) : data };
    if (fault !== undefined) entry.fault = fault;
    this.push(entry);
  }

  /** A file of the CashlogyTickets exchange: what the POS wrote (in), what the look-alike wrote (out), or an observation (event, kind file). */
  file(dir: 'in' | 'out' | 'event', file: string, data: string, fault?: string): void {
    const entry: TranscriptEntry = { at: this.elapsed(), conn: 0, dir, data, file };
    if (dir === 'event') entry.kind = 'file';
    if (fault !== undefined) entry.fault = fault;
    this.push(entry);
  }

  event(kind: TranscriptEventKind, data: string, conn = 0, fault?: string): void {
    const entry: TranscriptEntry = { at: this.elapsed(), conn, dir: 'event', data, kind };
    if (fault !== undefined) entry.fault = fault;
    this.push(entry);
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
      const entry = this.entries.entry(i - this.memStart);
      const size = Number.isFinite(maxBytes) ? JSON.stringify(entry).length + 1 : 0;
      if (!take(entry, size)) return out;
    }
    return out;
  }

  /** How many entries there have been since start or the last reset (the next entry's index). */
  size(): number {
    return this.memStart + this.entries.count;
  }

  /** What the transcript costs: entries and bytes in memory, entries and bytes spilled to disk, entries lost. */
  stats(): { total: number; memoryEntries: number; memoryBytes: number; spilledEntries: number; spilledBytes: number; lost: number } {
    return {
      total: this.size(),
      memoryEntries: this.entries.count,
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
    this.entries = new EntryStore();
    this.known.clear();
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
    this.listenerList = [...this.listeners];
    return () => {
      if (this.listeners.delete(listener)) this.listenerList = [...this.listeners];
    };
  }

  /** Told when the transcript is cleared (the web page empties its traffic log). */
  onClear(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => {
      this.resetListeners.delete(listener);
    };
  }

  private intern(text: string): string {
    const known = this.known.get(text);
    if (known !== undefined) return known;
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.set(text, text);
    return text;
  }

  private push(entry: TranscriptEntry): void {
    this.entries.push(entry);
    this.memBytes += entry.data.length + ENTRY_OVERHEAD;
    if (this.entries.count > this.maxEntries || this.memBytes > this.maxBytes) this.spill();
    if (this.listeners.size > 0) {
      // Listeners run after the current machine step, so one that reacts (a test inserting a
      // note when it sees "#C#") acts on the machine's new state, not in the middle of a step.
      // One microtask delivers every entry of the step, in order; each listener gets an
      // object of its own there (the memory keeps columns, not this object).
      this.unsent.push(entry);
      // A reaction on a settled promise: the same microtask queue as queueMicrotask, without
      // the async resource Node creates for each of those (one per read under load).
      if (this.unsent.length === 1) void SETTLED.then(this.deliverUnsent);
    }
  }

  private deliver(): void {
    const entries = this.unsent;
    this.unsent = [];
    // A snapshot replaced on (un)subscribe, not copied here: a listener added during delivery waits for the next step.
    const listeners = this.listenerList;
    const last = listeners.length - 1;
    for (const entry of entries) {
      for (let i = 0; i <= last; i++) {
        const listener = listeners[i] as TranscriptListener;
        // One that unsubscribed while this step's entries were being given gets no more of them.
        if (!this.listeners.has(listener)) continue;
        try {
          // Nothing else holds the recorded object (the memory keeps columns): the last listener
          // takes it, the others a copy each, so no listener can change what another one sees.
          listener(i === last ? entry : copyEntry(entry));
        } catch {
          // A broken listener (a user's callback, a closed SSE stream) must not stop the simulator.
        }
      }
    }
  }

  /**
   * Moves the oldest entries out of memory until it holds a slice less than each bound (at
   * most 256 entries or 64 KiB, at most an eighth of the bound). A small slice at a time: the
   * write is synchronous and every connection waits for it. Moving half of 20 000 entries at
   * once stalled them for tens of milliseconds (seen as a fresh client's `#T#` tail in `npm run
   * soak`), and an eighth (2,500 entries, about a millisecond) still showed in the 100-client
   * p99 of `npm run bench` (docs/bench.md, Where the time goes).
   */
  private spill(): void {
    let count = 0;
    let bytes = this.memBytes;
    const live = this.entries.count;
    const keepEntries = this.maxEntries - Math.min(SPILL_SLICE_ENTRIES, this.maxEntries / 8);
    const keepBytes = this.maxBytes - Math.min(SPILL_SLICE_BYTES, this.maxBytes / 8);
    while (count < live - 1 && (live - count > keepEntries || bytes > keepBytes)) {
      bytes -= this.entries.data(count).length + ENTRY_OVERHEAD;
      count++;
    }
    if (count === 0) return;
    const firstIndex = this.memStart;
    if (!this.writeToFile(count, firstIndex)) this.lostCount += count;
    this.entries.dropOldest(count);
    this.memBytes = bytes;
    this.memStart += count;
  }

  /** Writes the oldest `count` entries in memory (transcript index `firstIndex` on) to the spill file. */
  private writeToFile(count: number, firstIndex: number): boolean {
    // Only a contiguous file can be paged: after a failure, or after close(), later entries are not written.
    if (this.spillFailed || this.closed || firstIndex !== this.fileEnd) {
      this.spillFailed = true;
      return false;
    }
    try {
      if (this.fd === undefined) {
        this.dir ??= makeSpillFolder(this.tmpBase);
        this.fd = openSync(join(this.dir, 'transcript.jsonl'), 'a+');
      }
      // Encoded straight into bytes, so the offsets the index keeps are known as each line starts.
      const out = (this.spillBytes ??= new JsonBytes(SPILL_BUFFER_BYTES));
      out.reset();
      for (let k = 0; k < count; k++) {
        const index = firstIndex + k;
        if (index % INDEX_EVERY === 0) this.fileIndex[index / INDEX_EVERY] = this.fileBytes + out.length;
        this.entries.writeLine(k, out);
      }
      const buffer = out.bytes();
      let written = 0;
      while (written < buffer.length) written += writeSync(this.fd, buffer, written, buffer.length - written);
      this.fileBytes += buffer.length;
      this.fileEnd = firstIndex + count;
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

/**
 * A copy of an entry, its keys in the order the recorder sets them (at, conn, dir, data, then
 * file, kind, fault when present). A literal rather than a spread: entries come in several
 * shapes, and V8 copies a spread of mixed shapes key by key on its slow path, twice per
 * command with the log listening.
 */
function copyEntry(entry: TranscriptEntry): TranscriptEntry {
  return withExtras<TranscriptEntry>({ at: entry.at, conn: entry.conn, dir: entry.dir, data: entry.data }, entry);
}

/** `to` with the optional keys `from` has (file, kind, fault, in that order): the one place that lists them for a copy. */
function withExtras<T extends EntryExtras>(to: T, from: EntryExtras): T {
  if (from.file !== undefined) to.file = from.file;
  if (from.kind !== undefined) to.kind = from.kind;
  if (from.fault !== undefined) to.fault = from.fault;
  return to;
}

/**
 * One entry as a line of the spill file: exactly the bytes of `JSON.stringify(entry) + '\n'` for
 * an entry this log recorded (keys at, conn, dir, data, then file, kind, fault when present, in
 * that order), written without making its object or its string.
 */
function spillLine(out: JsonBytes, at: number, conn: number, dir: TranscriptDirection, data: string, extras: EntryExtras | undefined): void {
  out.ascii('{"at":');
  out.number(at);
  out.ascii(',"conn":');
  out.number(conn);
  out.ascii(',"dir":');
  out.string(dir);
  out.ascii(',"data":');
  out.string(data);
  if (extras !== undefined) {
    out.optional('file', extras.file);
    out.optional('kind', extras.kind);
    out.optional('fault', extras.fault);
  }
  out.ascii('}\n');
}

/** What an entry has besides at, conn, dir and data (events, files, frames a fault changed); most frames have none. */
interface EntryExtras {
  file?: string;
  kind?: TranscriptEventKind;
  fault?: string;
}

const DIRECTIONS: readonly TranscriptDirection[] = ['in', 'out', 'event'];

/**
 * The entries in memory, oldest first, as columns in a ring: times and connections in typed
 * arrays, the texts in plain ones, an object only for what few entries have (kind, fault,
 * file). An object per entry, kept for the 20 000 entries the transcript holds, was what every
 * young-generation collection had to copy under load, and what made each of them long
 * (docs/bench.md, Where the time goes). An entry object is made again when one is read.
 */
class EntryStore {
  count = 0;
  /** A power of two (or 0), so that a slot is `(first + k) & (capacity - 1)`. */
  private capacity = 0;
  private first = 0;
  private ats = new Float64Array(0);
  private conns = new Float64Array(0);
  private dirs = new Uint8Array(0);
  private datas: (string | undefined)[] = [];
  private extras: (EntryExtras | undefined)[] = [];

  push(entry: TranscriptEntry): void {
    if (this.count === this.capacity) this.grow();
    const slot = (this.first + this.count) & (this.capacity - 1);
    this.ats[slot] = entry.at;
    this.conns[slot] = entry.conn;
    this.dirs[slot] = entry.dir === 'in' ? 0 : entry.dir === 'out' ? 1 : 2;
    this.datas[slot] = entry.data;
    this.extras[slot] = entry.file === undefined && entry.kind === undefined && entry.fault === undefined ? undefined : withExtras({}, entry);
    this.count++;
  }

  /** The text of the k-th entry in memory (0 = the oldest). */
  data(k: number): string {
    return this.datas[this.slot(k)] as string;
  }

  /** The k-th entry in memory, as a fresh object with its keys in the recorder's order. */
  entry(k: number): TranscriptEntry {
    const slot = this.slot(k);
    const entry: TranscriptEntry = { at: this.ats[slot] as number, conn: this.conns[slot] as number, dir: DIRECTIONS[this.dirs[slot] as number] as TranscriptDirection, data: this.datas[slot] as string };
    const extras = this.extras[slot];
    return extras === undefined ? entry : withExtras(entry, extras);
  }

  /** The k-th entry in memory as a JSON line, without making its object. */
  writeLine(k: number, out: JsonBytes): void {
    const slot = this.slot(k);
    spillLine(out, this.ats[slot] as number, this.conns[slot] as number, DIRECTIONS[this.dirs[slot] as number] as TranscriptDirection, this.datas[slot] as string, this.extras[slot]);
  }

  /** Forgets the `n` oldest entries (spilled): their texts are no longer held. */
  dropOldest(n: number): void {
    for (let k = 0; k < n; k++) {
      const slot = this.slot(k);
      this.datas[slot] = undefined;
      this.extras[slot] = undefined;
    }
    this.first = this.slot(n);
    this.count -= n;
  }

  private slot(k: number): number {
    return (this.first + k) & (this.capacity - 1);
  }

  private grow(): void {
    const capacity = Math.max(STORE_MIN_CAPACITY, this.capacity * 2);
    const ats = new Float64Array(capacity);
    const conns = new Float64Array(capacity);
    const dirs = new Uint8Array(capacity);
    const datas: (string | undefined)[] = new Array<string | undefined>(capacity).fill(undefined);
    const extras: (EntryExtras | undefined)[] = new Array<EntryExtras | undefined>(capacity).fill(undefined);
    for (let k = 0; k < this.count; k++) {
      const slot = this.slot(k);
      ats[k] = this.ats[slot] as number;
      conns[k] = this.conns[slot] as number;
      dirs[k] = this.dirs[slot] as number;
      datas[k] = this.datas[slot];
      extras[k] = this.extras[slot];
    }
    this.ats = ats;
    this.conns = conns;
    this.dirs = dirs;
    this.datas = datas;
    this.extras = extras;
    this.capacity = capacity;
    this.first = 0;
  }
}

/** The first capacity of the store (it doubles as needed). */
const STORE_MIN_CAPACITY = 256;

