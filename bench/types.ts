/** What a benchmark produces, and how the harness judges it. */
import type { BuiltCli } from './build.js';
import type { Rounds } from './stats.js';

export interface BenchContext {
  /** 1 = the full benchmark; the smoke test passes a tiny value so every benchmark runs in milliseconds. */
  scale: number;
  /** Progress lines (stderr in the CLI), so a long run shows what it is doing. */
  log(line: string): void;
  /** The CLI built for this run (bench/build.ts), for the benchmarks that run it as a process. */
  cli(): BuiltCli;
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
  /**
   * The absolute figures behind a ratio, as context only ("simulate 0.42 ms · raw 0.31 ms"):
   * targets judge the ratio, which both sides of the same run share the machine's noise for.
   */
  absolute?: string;
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
