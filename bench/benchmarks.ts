/**
 * The benchmark registry (name → implementation; the name is what `--only` takes) and the
 * harness that runs them and judges each measurement against its target.
 *
 * `protocol` and `machine` time the pure core in this process (absolute figures, regression
 * guards). The others run the CLI as separate processes, built once per run (bench/build.ts),
 * side by side with the physical limit, and report ratios.
 */
import { buildCli, type BuiltCli } from './build.js';
import { checklistBench } from './checklist-bench.js';
import { latencyBench } from './latency-bench.js';
import { machineBench } from './machine-bench.js';
import { memoryBench } from './memory-bench.js';
import { protocolBench } from './protocol-bench.js';
import { startupBench } from './startup-bench.js';
import { INFORMATIVE, TARGETS, type Target } from './targets.js';
import type { Benchmark, BenchContext, Measurement } from './types.js';

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'protocol', title: 'framer + codec (pure core)', run: protocolBench },
  { name: 'machine', title: 'machine model step() (pure core)', run: machineBench },
  { name: 'latency', title: '#T# round trip: simulate vs raw node:net', run: latencyBench },
  { name: 'memory', title: 'RSS with 1,000 idle connections: simulate vs raw node:net', run: memoryBench },
  { name: 'startup', title: 'cold start: --help vs node -e 0, simulate vs raw until listening', run: startupBench },
  { name: 'checklist', title: 'checklist runs vs their floor', run: checklistBench },
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
  /** How the CLI under test was built, when a benchmark needed it. */
  cli?: string;
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

/** A metric is either judged (TARGETS) or declared informative (INFORMATIVE), never neither. */
export function isKnownMetric(metric: string): boolean {
  return metric in TARGETS || metric in INFORMATIVE;
}

export interface RunOptions {
  only?: readonly string[];
  scale?: number;
  log?: (line: string) => void;
  /** Told the name of each benchmark as it starts. */
  onStart?: (name: string) => void;
  /** Told of the CLI build, so a watchdog can remove it. */
  onBuild?: (cli: BuiltCli) => void;
}

export async function runBenchmarks(options: RunOptions = {}): Promise<BenchReport> {
  const selected = options.only && options.only.length > 0 ? BENCHMARKS.filter((b) => options.only?.includes(b.name)) : BENCHMARKS;
  const log = options.log ?? (() => {});
  let built: BuiltCli | undefined;
  const context: BenchContext = {
    scale: options.scale ?? 1,
    log,
    cli: () => {
      if (!built) {
        log('building the CLI into a temporary package (TypeScript transpileModule)');
        built = buildCli();
        options.onBuild?.(built);
      }
      return built;
    },
  };
  const measurements: JudgedMeasurement[] = [];
  const failures: BenchFailureRow[] = [];
  const start = performance.now();
  try {
    for (const benchmark of selected) {
      options.onStart?.(benchmark.name);
      try {
        for (const measurement of await benchmark.run(context)) measurements.push(judge(benchmark.name, measurement));
      } catch (err) {
        // One broken benchmark must not hide the others' numbers; it still fails the run.
        failures.push({ benchmark: benchmark.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    built?.remove();
  }
  const ok = failures.length === 0 && measurements.every((m) => m.met !== false);
  return { measurements, failures, elapsedMs: performance.now() - start, ...(built ? { cli: built.describe } : {}), ok };
}
