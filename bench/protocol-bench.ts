/**
 * Framer + codec throughput: a realistic mixed stream (Express sales, no-screen polling,
 * accounting, pywebdriver's short forms, with and without CR/LF, pipelined) cut into random
 * chunks the way TCP delivers it, framed with `createFramer` and parsed with `parseFrame`.
 */
import { createFramer, parseFrame } from '../src/protocol/index.js';
import { createRandom, type Random } from '../src/random.js';
import { performance } from 'node:perf_hooks';
import { scaled, summarise } from './stats.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

/** Frames and their relative frequency in a day of POS traffic: polling dominates. */
const MIX: ReadonlyArray<[weight: number, make: (random: Random) => string]> = [
  [30, () => '#Q#'],
  [10, (r) => `#C#${r.int(100_000)}#1#${1 + r.int(20_000)}#1#15360#0#0#0#1#0#0#`],
  [3, (r) => `#C#${String(r.int(100_000)).padStart(5, '0')}#1#${1 + r.int(20_000)}#15#15#1#1#1#0#0#`],
  [8, () => '#B#0#0#0#'],
  [2, () => '#B#0#'],
  [8, () => '#J#'],
  [8, (r) => `#P#${1 + r.int(5000)}#0#0#0#`],
  [2, (r) => `#P#${1 + r.int(5000)}#0#1#`],
  [5, () => '#T#'],
  [3, () => '#Y#'],
  [3, () => '#GC#'],
  [3, () => '#?#'],
  [2, () => '#I#'],
  [2, () => '#G#1#1#1#1#1#1#1#1#1#0#1#1#1#'],
  [1, () => '#E#'],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [w]) => sum + w, 0);

function pick(random: Random): string {
  let roll = random.int(TOTAL_WEIGHT);
  for (const [weight, make] of MIX) {
    if (roll < weight) return make(random);
    roll -= weight;
  }
  throw new Error('unreachable: weights do not add up');
}

export interface MixedStream {
  chunks: Buffer[];
  frames: number;
  bytes: number;
}

/** A deterministic stream of `frames` frames cut into chunks of 1..maxChunk bytes. */
export function mixedStream(frames: number, seed = 7, maxChunk = 256): MixedStream {
  const random = createRandom(seed);
  let text = '';
  for (let i = 0; i < frames; i++) {
    text += pick(random);
    // Bare frames (most clients) and CR/LF after the frame (S-VAL, S-SCO).
    if (random.int(4) === 0) text += '\r\n';
  }
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + random.int(maxChunk);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { chunks, frames, bytes: bytes.length };
}

/** Frame and parse the whole stream; returns how many frames parsed, throws if any was lost or refused. */
export function frameAndParse(stream: MixedStream): number {
  const framer = createFramer();
  let parsed = 0;
  const take = (items: ReturnType<typeof framer.push>) => {
    for (const item of items) {
      if (item.type !== 'frame') throw new BenchFailure(`framer refused valid traffic: ${item.reason} ${JSON.stringify(item.raw)}`);
      const result = parseFrame(item.frame);
      if (!result.ok) throw new BenchFailure(`parseFrame refused ${item.frame}: ${result.problem}`);
      parsed++;
    }
  };
  for (const chunk of stream.chunks) take(framer.push(chunk));
  take(framer.flush());
  if (parsed !== stream.frames) throw new BenchFailure(`framer returned ${parsed} frames out of ${stream.frames}`);
  return parsed;
}

export async function protocolBench(context: BenchContext): Promise<Measurement[]> {
  const frames = scaled(20_000, context.scale, 20);
  const roundCount = scaled(7, context.scale, 2);
  const stream = mixedStream(frames);
  context.log(`protocol: ${frames} frames, ${stream.bytes} bytes in ${stream.chunks.length} chunks, ${roundCount} rounds`);
  frameAndParse(stream); // warm-up: let the JIT compile the hot paths before timing
  const rounds: number[] = [];
  for (let round = 0; round < roundCount; round++) {
    const start = performance.now();
    frameAndParse(stream);
    rounds.push((frames * 1000) / Math.max(performance.now() - start, 1e-6));
  }
  const summary = summarise(rounds);
  return [
    {
      metric: 'protocol.frames-per-second',
      value: summary.median,
      unit: 'frames/s',
      rounds: summary,
      note: `${frames} mixed frames in 1–256 B chunks, median of ${roundCount}`,
    },
  ];
}
