/**
 * Reads a zip from a file the way a careful archive tool does, for `verify`: the central
 * directory first, every entry judged by its declared sizes before a byte is inflated, and
 * entries inflated in small chunks that are handed on and dropped. A zip that a stranger sent
 * (a zip bomb: 1 MB that inflates to gigabytes) costs at most a few MiB of memory, whatever
 * its headers claim, because inflation also stops at the size an entry declared.
 *
 * Only what a bundle zip uses is read: one disk, no zip64, no encryption, entries stored or
 * deflated. Anything else is refused with a sentence that says what.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

// Loaded when an entry is first inflated: every command that may read a zip (run --baseline,
// merge, diff, verify) imports this file, and most of their runs read none.
let fflate: typeof import('fflate') | undefined;
function inflater(take: (data: Uint8Array) => void): import('fflate').Inflate {
  fflate ??= createRequire(import.meta.url)('fflate') as typeof import('fflate');
  return new fflate.Inflate((data) => take(data));
}

export interface ZipLimits {
  /** Largest declared uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Largest sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** Largest uncompressed : compressed ratio of an entry larger than `ratioFromBytes`. */
  maxRatio: number;
  ratioFromBytes: number;
  maxEntries: number;
}

/**
 * A bundle is a few MiB: reports, transcripts, a result.json. These bounds leave it ample room
 * (docs/reports.md, "verify reads any zip safely").
 */
export const ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 100,
  ratioFromBytes: 1024 * 1024,
  maxEntries: 10_000,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The zip cannot be read, or is refused; `message` says why in one sentence. */
export class ZipRefused extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Compressed bytes pushed to the inflater at a time: deflate expands at most ~1032:1, so one push yields at most ~8 MiB. */
const CHUNK = 8 * 1024;

export function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} MiB`;
}

export class ZipFile {
  private readonly fd: number;
  readonly size: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.size) throw new ZipRefused('not a readable zip (a header points past the end of the file)');
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) throw new ZipRefused('not a readable zip (the file ended early)');
      done += n;
    }
    return buffer;
  }

  /** The central directory, every entry checked against `limits`; throws ZipRefused. */
  entries(limits: ZipLimits = ZIP_LIMITS): ZipEntry[] {
    const tailLength = Math.min(this.size, EOCD_SIZE + MAX_COMMENT);
    const tail = this.read(this.size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipRefused('not a readable zip (no end of central directory)');
    const disk = tail.readUInt16LE(at + 4);
    const cdDisk = tail.readUInt16LE(at + 6);
    const onDisk = tail.readUInt16LE(at + 8);
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipRefused('a zip64 archive: a bundle zip never needs zip64, so it is not read');
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipRefused('a zip split over several disks is not read');
    if (count > limits.maxEntries) throw new ZipRefused(`${count} entries, above the limit of ${limits.maxEntries}`);
    const cdEnd = this.size - tailLength + at;
    if (cdOffset + cdSize > cdEnd) throw new ZipRefused('not a readable zip (the central directory points past its end)');
    const cd = this.read(cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let total = 0;
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new ZipRefused('not a readable zip (a broken central directory entry)');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const size = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const localHeaderOffset = cd.readUInt32LE(p + 42);
      if (p + 46 + nameLength > cd.length) throw new ZipRefused('not a readable zip (a broken central directory entry)');
      const rawName = cd.subarray(p + 46, p + 46 + nameLength);
      const name = (flags & 0x800) !== 0 ? rawName.toString('utf8') : rawName.toString('latin1');
      p += 46 + nameLength + extraLength + commentLength;
      const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
      if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) throw new ZipRefused(`entry ${shown} uses zip64, which a bundle zip never needs`);
      if ((flags & 0x1) !== 0) throw new ZipRefused(`entry ${shown} is encrypted`);
      if (method !== 0 && method !== 8) throw new ZipRefused(`entry ${shown} uses compression method ${method} (only stored and deflate are read)`);
      if (size > limits.maxEntryBytes) {
        throw new ZipRefused(`entry ${shown} would inflate to ${mib(size)}, above the limit of ${mib(limits.maxEntryBytes)} per entry: not inflated`);
      }
      if (size > limits.ratioFromBytes && size > compressedSize * limits.maxRatio) {
        const ratio = compressedSize === 0 ? 'an infinite' : `a ${Math.round(size / compressedSize)}:1`;
        throw new ZipRefused(`entry ${shown} would inflate ${mib(compressedSize)} to ${mib(size)}, ${ratio} ratio above the limit of ${limits.maxRatio}:1: not inflated (a zip bomb?)`);
      }
      if (method === 0 && compressedSize !== size) throw new ZipRefused(`entry ${shown} is stored but its two sizes differ`);
      total += size;
      if (total > limits.maxTotalBytes) throw new ZipRefused(`the entries would inflate to more than ${mib(limits.maxTotalBytes)} in all, the limit: not inflated`);
      entries.push({ name, method, compressedSize, size, localHeaderOffset });
    }
    return entries;
  }

  /**
   * Streams an entry's bytes to `onChunk`, never more than its declared size: an entry that
   * inflates beyond it (its headers lie) or falls short is refused.
   */
  stream(entry: ZipEntry, onChunk: (chunk: Uint8Array) => void): void {
    const shown = JSON.stringify(entry.name);
    const local = this.read(entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipRefused(`entry ${shown}: no local header where the central directory says`);
    const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    let produced = 0;
    const take = (data: Uint8Array) => {
      produced += data.length;
      if (produced > entry.size) throw new ZipRefused(`entry ${shown} inflates beyond the ${entry.size} bytes it declares: not read further`);
      if (data.length > 0) onChunk(data);
    };
    const inflate = entry.method === 8 ? inflater(take) : undefined;
    let offset = 0;
    do {
      const length = Math.min(CHUNK, entry.compressedSize - offset);
      const chunk = this.read(start + offset, length);
      offset += length;
      const final = offset >= entry.compressedSize;
      try {
        if (inflate) inflate.push(chunk, final);
        else take(chunk);
      } catch (err) {
        if (err instanceof ZipRefused) throw err;
        throw new ZipRefused(`entry ${shown} does not inflate (${err instanceof Error ? err.message : String(err)})`);
      }
    } while (offset < entry.compressedSize);
    if (produced !== entry.size) throw new ZipRefused(`entry ${shown} inflates to ${produced} bytes, not the ${entry.size} it declares`);
  }
}

/**
 * The first entry whose name `match`es, read whole (within ZIP_LIMITS); undefined when none
 * does. Throws ZipRefused when the zip cannot be read or is refused.
 */
export function readZipEntry(path: string, match: (name: string) => boolean): { name: string; bytes: Uint8Array } | undefined {
  let zip: ZipFile;
  try {
    zip = new ZipFile(path);
  } catch (err) {
    throw new ZipRefused(err instanceof Error ? err.message : String(err));
  }
  try {
    const entry = zip.entries().find((e) => match(e.name));
    if (entry === undefined) return undefined;
    const chunks: Uint8Array[] = [];
    zip.stream(entry, (chunk) => chunks.push(Buffer.from(chunk)));
    return { name: entry.name, bytes: Buffer.concat(chunks) };
  } finally {
    zip.close();
  }
}
