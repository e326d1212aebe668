/**
 * The transcript's own encodings, which skip JSON.stringify on the hot path: the spill file must
 * hold exactly `JSON.stringify(entry)` per line (bytes compared), pages read back from it must
 * equal what was recorded, and listeners must get copies that serialise like the entry and
 * cannot change it. Real files in a temporary folder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TranscriptLog } from '../../src/server/transcript-log.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Strings JSON.stringify escapes or encodes in more than one byte, and plain ones. */
const TRICKY = [
  '',
  '#T#',
  '#0#123450#0#',
  'quote " inside',
  'back\\slash',
  'control \u0001 \n \r \t \u001f end',
  'DEL \u007f',
  'latin-1 \u0080 \u00e9 \u00ff',
  'euro € and \u0800 and \uffff',
  'emoji 😀 pair',
  'lone high \ud800 here',
  'lone low \udc00',
  'line sep \u2028 para \u2029',
  '€'.repeat(300),
  'x'.repeat(500),
];

/** A small deterministic generator (no Math.random: a failure must reproduce). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomText(next: () => number): string {
  const pool = ['a', '#', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\ud83d', '\ude00', '😀', ' ', '9'];
  let text = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) text += pool[Math.floor(next() * pool.length)];
  return text;
}

/** Records entries of every shape the recorder makes, with the given texts. */
function record(log: TranscriptLog, texts: readonly string[], next: () => number): TranscriptEntry[] {
  const recorded: TranscriptEntry[] = [];
  texts.forEach((text, i) => {
    const fault = i % 3 === 0 ? `f${i}` : undefined;
    switch (i % 5) {
      case 0:
        log.frame('in', (i % 7) + 1, text);
        break;
      case 1:
        log.frame('out', (i % 7) + 1, text, fault ?? TRICKY[i % TRICKY.length]);
        break;
      case 2:
        log.event(next() < 0.5 ? 'machine' : 'fault', text, i % 4, fault);
        break;
      case 3:
        log.file(next() < 0.5 ? 'in' : 'out', `${TRICKY[i % TRICKY.length]}.azk`, text, fault);
        break;
      default:
        log.file('event', `name ${i}.azk`, text, fault);
    }
    // What the log holds for it: the newest entry is always still in memory.
    recorded.push(log.tail(1)[0] as TranscriptEntry);
  });
  return recorded;
}

function spillFile(dir: string): string {
  const [folder] = readdirSync(dir);
  if (folder === undefined) throw new Error(`no spill folder in ${dir}`);
  return join(dir, folder, 'transcript.jsonl');
}

describe('the transcript spill file', () => {
  for (const [name, memoryEntries] of [
    ['a small bound (a slice of an eighth)', 16],
    ['a large bound (slices of 256 entries)', 3000],
  ] as const) {
    it(`holds exactly JSON.stringify of each spilled entry, one per line, and reads back what was recorded: ${name}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'cashlogy-encoding-test-'));
      dirs.push(dir);
      const next = generator(memoryEntries);
      // A clock with fractions, repeats and large values, as performance.now() gives.
      let now = 1000.04;
      const log = new TranscriptLog(
        () => {
          now += next() < 0.3 ? 0 : next() * 3.7;
          return now;
        },
        { memoryEntries, memoryBytes: 1024 * 1024, tmpDir: dir },
      );
      const texts: string[] = [];
      for (let i = 0; i < 8000; i++) texts.push(i % 4 === 0 ? (TRICKY[i % TRICKY.length] as string) : randomText(next));
      const recorded = record(log, texts, next);
      const stats = log.stats();
      expect(stats.lost).toBe(0);
      expect(stats.spilledEntries).toBeGreaterThan(8000 - memoryEntries - 1);
      expect(stats.memoryEntries).toBeLessThanOrEqual(memoryEntries);

      const expected = Buffer.from(recorded.slice(0, stats.spilledEntries).map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      const written = readFileSync(spillFile(dir));
      expect(written.length).toBe(expected.length);
      expect(written.equals(expected)).toBe(true);
      expect(stats.spilledBytes).toBe(expected.length);

      // Read back through the sparse index, from every kind of starting point.
      const all = log.all();
      expect(all).toEqual(recorded);
      for (const since of [0, 1, 63, 64, 65, 127, 128, 129, stats.spilledEntries - 1, stats.spilledEntries, 7999]) {
        expect(log.page(since, 70)).toEqual(recorded.slice(since, since + 70));
      }
      log.close();
    });
  }
});

describe('transcript listeners', () => {
  it('get each entry in order, each listener its own object, whose changes reach neither the record nor another listener', async () => {
    const log = new TranscriptLog(() => 12.34);
    const changer: TranscriptEntry[] = [];
    const reader: string[] = [];
    const changeIt = () => (entry: TranscriptEntry) => {
      changer.push(entry);
      entry.data = 'changed by a listener';
      delete entry.fault;
    };
    // Both orders: the last listener is handed the recorded object itself, the others copies.
    const offFirst = log.subscribe(changeIt());
    const offReader = log.subscribe((entry) => reader.push(JSON.stringify(entry)));
    const offLast = log.subscribe(changeIt());
    const recorded = record(log, TRICKY, generator(7));
    await Promise.resolve();
    expect(changer).toHaveLength(2 * recorded.length);
    expect(new Set(changer).size).toBe(changer.length);
    // The listener in the middle saw every entry as recorded, after the first one changed its own.
    expect(reader).toEqual(recorded.map((e) => JSON.stringify(e)));
    // What was recorded is untouched: every entry serialises as it did when it was recorded.
    expect(log.all().map((e) => JSON.stringify(e))).toEqual(recorded.map((e) => JSON.stringify(e)));
    expect(log.all().every((e) => e.data !== 'changed by a listener')).toBe(true);
    offFirst();
    offReader();
    offLast();
    log.frame('in', 1, '#T#');
    await Promise.resolve();
    expect(changer).toHaveLength(2 * recorded.length);
  });

  it('a listener subscribed while a step is being delivered gets the next step, not the rest of this one', async () => {
    const log = new TranscriptLog(() => 0);
    const late: string[] = [];
    const early: string[] = [];
    log.subscribe((entry) => {
      early.push(entry.data);
      if (entry.data === 'first') log.subscribe((e) => late.push(e.data));
    });
    log.frame('in', 1, 'first');
    log.frame('out', 1, 'second');
    await Promise.resolve();
    log.frame('in', 1, 'third');
    await Promise.resolve();
    expect(early).toEqual(['first', 'second', 'third']);
    expect(late).toEqual(['third']);
  });
});
