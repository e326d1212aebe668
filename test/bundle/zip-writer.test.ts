/**
 * The bundle's zip writer (src/bundle/zip-writer.ts), read back by an independent reader
 * (fflate) and by the one `verify` uses.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readZipEntry, ZipFile } from '../../src/bundle/zip-reader.js';
import { crc32, dosDateTime, zipFiles } from '../../src/bundle/zip-writer.js';
import { tempDir } from '../reporters/helpers.js';

const dir = tempDir('cashlogy-zip-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const AT = new Date('2026-12-06T21:58:31.000Z');

describe('zip writer', () => {
  const files = [
    { name: 'run/result.json', bytes: text(`${JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: `EXP-${i}`, verdict: 'pass' })) })}\n`) },
    { name: 'run/transcripts/EXP-01 é.log', bytes: text('#I#\n#0#2.01#\n') },
    // Random bytes do not deflate: stored as they are.
    { name: 'run/noise.bin', bytes: new Uint8Array(randomBytes(4096)) },
    { name: 'run/empty.txt', bytes: new Uint8Array(0) },
  ];
  const zip = zipFiles(files, AT);

  it('is read back whole by another zip reader, names in UTF-8', () => {
    const read = unzipSync(zip);
    expect(Object.keys(read)).toEqual(files.map((f) => f.name));
    for (const f of files) expect(Buffer.from(read[f.name] as Uint8Array).equals(Buffer.from(f.bytes)), f.name).toBe(true);
  });

  it('is read back by the reader `verify` uses, deflated where it helps and stored where it does not', () => {
    const path = join(dir, 'a.zip');
    writeFileSync(path, zip);
    const archive = new ZipFile(path);
    try {
      const methods = Object.fromEntries(archive.entries().map((e) => [e.name, e.method]));
      expect(methods).toEqual({ 'run/result.json': 8, 'run/transcripts/EXP-01 é.log': 0, 'run/noise.bin': 0, 'run/empty.txt': 0 });
    } finally {
      archive.close();
    }
    expect(Buffer.from(readZipEntry(path, (n) => n.endsWith('result.json'))?.bytes ?? []).equals(Buffer.from(files[0]!.bytes))).toBe(true);
  });

  it('writes the same bytes for the same entries and time, in any time zone', () => {
    expect(Buffer.from(zipFiles(files, new Date(AT.getTime()))).equals(Buffer.from(zip))).toBe(true);
    // 21:58:30 (2 s resolution) on 2026-12-06, from the UTC fields.
    expect(dosDateTime(AT)).toEqual({ time: (21 << 11) | (58 << 5) | 15, date: (46 << 9) | (12 << 5) | 6 });
    expect(dosDateTime(new Date('1970-01-01T00:00:00Z')).date >> 9).toBe(0);
  });

  it('computes the zip CRC-32', () => {
    // The standard check values of CRC-32/ISO-HDLC.
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(text('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});
