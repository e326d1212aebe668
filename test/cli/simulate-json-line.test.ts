/**
 * `simulate --json` writes its lines by hand, as bytes (no object for JSON.stringify to walk, no
 * string per line): each line must be byte for byte what the object form gives, for every shape
 * of entry and for text that JSON escapes, and the JSON writers must agree with JSON.stringify.
 */
import { describe, expect, it } from 'vitest';
import { jsonLineObject, writeJsonLine } from '../../src/cli/log-lines.js';
import { JsonBytes } from '../../src/protocol/json-bytes.js';
import { jsonNumber, type TranscriptEntry, type TranscriptEventKind } from '../../src/protocol/transcript.js';

const TEXTS = [
  '',
  '#T#',
  '#0#123450#0#',
  'a "quoted" word',
  'back\\slash',
  'control \u0000 \u0001 \n \r \t \u001f',
  'DEL \u007f',
  'latin-1 \u0080 \u00e9 \u00ff',
  'euro € \u0800 \uffff',
  'emoji 😀',
  'lone \ud800 high',
  'lone \udfff low',
  '\u2028\u2029',
];
/** One line as the log writes it, as text. */
function jsonLine(entry: TranscriptEntry): string {
  const out = new JsonBytes(64);
  writeJsonLine(out, entry);
  return out.bytes().toString('utf8');
}

const NUMBERS = [0, -0, 1, 12.3, 0.1, 1234567.8, 1e21, 5e-7, -4.2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const KINDS: (TranscriptEventKind | undefined)[] = ['connection', 'fault', 'machine', 'file', undefined];

function entries(): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  let i = 0;
  for (const data of TEXTS) {
    for (const dir of ['in', 'out', 'event'] as const) {
      const at = NUMBERS[i % NUMBERS.length] as number;
      const conn = NUMBERS[(i * 5 + 3) % NUMBERS.length] as number;
      const entry: TranscriptEntry = { at, conn, dir, data };
      if (i % 2 === 0) entry.file = TEXTS[(i * 3) % TEXTS.length] as string;
      if (dir === 'event' || i % 7 === 0) {
        const kind = KINDS[i % KINDS.length];
        if (kind !== undefined) entry.kind = kind;
      }
      if (i % 3 !== 1) entry.fault = TEXTS[(i * 7) % TEXTS.length] as string;
      out.push(entry);
      i++;
    }
  }
  return out;
}

describe('the --json log line', () => {
  it('is exactly what JSON.stringify writes for the line as an object, for every entry shape', () => {
    const all = entries();
    expect(all.length).toBeGreaterThan(30);
    for (const entry of all) expect(jsonLine(entry)).toBe(jsonLineObject(entry));
  });

  it('keeps its documented form: a traffic line and an event line', () => {
    expect(jsonLine({ at: 12.5, conn: 3, dir: 'in', data: '#T#' })).toBe('{"event":"traffic","at":12.5,"conn":3,"dir":"in","data":"#T#"}');
    expect(jsonLine({ at: 0, conn: 0, dir: 'event', data: 'fault "f1" fired', kind: 'fault', fault: 'f1' })).toBe(
      '{"event":"fault","at":0,"conn":0,"text":"fault \\"f1\\" fired","fault":"f1"}',
    );
  });
});

describe('the JSON writers', () => {
  it('write the UTF-8 bytes of JSON.stringify for text that needs escaping, and for every character one at a time', () => {
    const out = new JsonBytes(8);
    const bytesOf = (text: string) => {
      out.reset();
      out.string(text);
      return out.bytes().toString('utf8');
    };
    for (const text of TEXTS) expect(bytesOf(text)).toBe(JSON.stringify(text));
    for (let c = 0; c <= 0xffff; c++) {
      const text = `a${String.fromCharCode(c)}b`;
      if (bytesOf(text) !== JSON.stringify(text)) expect(bytesOf(text)).toBe(JSON.stringify(text));
    }
  });

  it('write lines one after the other into one buffer that grows, and hand over a copy', () => {
    const out = new JsonBytes(16);
    const all = entries();
    for (const entry of all) {
      writeJsonLine(out, entry);
      out.ascii('\n');
    }
    const taken = out.take();
    expect(out.length).toBe(0);
    expect(taken.toString('utf8')).toBe(all.map((e) => `${jsonLineObject(e)}\n`).join(''));
  });

  it('agree with JSON.stringify on numbers, also when the same fraction comes twice in a row', () => {
    for (const n of [...NUMBERS, ...NUMBERS, 12.3, 12.3, 7, 12.3]) expect(jsonNumber(n)).toBe(JSON.stringify(n));
  });
});
