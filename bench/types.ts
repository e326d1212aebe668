/** What a benchmark produces, and how the harness judges it. */
import type { Rounds } from './stats.js';

export interface BenchContext {
  /** 1 = the full benchmark; the smoke test passes a tiny value so every benchmark runs in milliseconds. */
  scale: number;
  /** Progress lines (stderr in the CLI), so a long run shows what it is doing. */
  log(line: string): void;
}

export interface Measurement {
  /** Stable id, the key of its target in targets.ts ("protocol.frames-per-second"). */
  metric: string;
  value: number;
  unit: string;
  /** Repeated rounds behind a median, to show the noise. */
  rounds?: Rounds;
  /** What was measured, in a few words ("20000 frames × 5 rounds"). */
  note?: string;
}

export interface Benchmark {
  /** Registry key, what `--only` takes. */
  name: string;
  title: string;
  run(context: BenchContext): Promise<Measurement[]>;
}

export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}
