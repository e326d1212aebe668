/**
 * The benchmark registry (name → implementation; the name is what `--only` takes) and the
 * harness that runs them and judges each measurement against its target.
 */
import { machineBench } from './machine-bench.js';
import { memoryBench } from './memory-bench.js';
import { protocolBench } from './protocol-bench.js';
import { simulatorBench } from './simulator-bench.js';
import { TARGETS, type Target } from './targets.js';
import type { Benchmark, BenchContext, Measurement } from './types.js';

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'protocol', title: 'framer + codec', run: protocolBench },
  { name: 'machine', title: 'machine model step()', run: machineBench },
  { name: 'simulator', title: 'simulator over loopback TCP', run: simulatorBench },
  { name: 'memory', title: 'memory under abuse', run: memoryBench },
];

export interface JudgedMeasurement extends Measurement {
  benchmark: string;
  target: Target | undefined;
  /** undefined when the metric has no target (informative only). */
  met: boolean | undefined;
}

export interface BenchFailureRow {
  benchmark: string;
  error: string;
}

export interface BenchReport {
  measurements: JudgedMeasurement[];
  failures: BenchFailureRow[];
  elapsedMs: number;
  /** Every target met and no benchmark failed. */
  ok: boolean;
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return target.better === 'higher' ? value >= target.value : value <= target.value;
}

export function judge(benchmark: string, measurement: Measurement): JudgedMeasurement {
  const target = TARGETS[measurement.metric];
  return { ...measurement, benchmark, target, met: target ? meets(measurement.value, target) : undefined };
}

export interface RunOptions {
  only?: readonly string[];
  scale?: number;
  log?: (line: string) => void;
  /** Told the name of each benchmark as it starts. */
  onStart?: (name: string) => void;
}

export async function runBenchmarks(options: RunOptions = {}): Promise<BenchReport> {
  const selected = options.only && options.only.length > 0 ? BENCHMARKS.filter((b) => options.only?.includes(b.name)) : BENCHMARKS;
  const context: BenchContext = { scale: options.scale ?? 1, log: options.log ?? (() => {}) };
  const measurements: JudgedMeasurement[] = [];
  const failures: BenchFailureRow[] = [];
  const start = performance.now();
  for (const benchmark of selected) {
    options.onStart?.(benchmark.name);
    try {
      for (const measurement of await benchmark.run(context)) measurements.push(judge(benchmark.name, measurement));
    } catch (err) {
      // One broken benchmark must not hide the others' numbers; it still fails the run.
      failures.push({ benchmark: benchmark.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const ok = failures.length === 0 && measurements.every((m) => m.met !== false);
  return { measurements, failures, elapsedMs: performance.now() - start, ok };
}
