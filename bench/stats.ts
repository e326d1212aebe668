/** Small numeric helpers for the benchmarks: order statistics and a bounded timing loop. */
import { performance } from 'node:perf_hooks';

/** The q-quantile (0..1) of the values, nearest-rank; NaN for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export interface Rounds {
  median: number;
  min: number;
  max: number;
}

/** Median and range of repeated measurements, so the printout shows how noisy a number is. */
export function summarise(values: readonly number[]): Rounds {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Time an operation repeated `count` times, or fewer if `budgetMs` runs out first (the bench
 * must stop by itself on a slow machine). Returns operations per second over what was done.
 */
export function throughputSync(count: number, budgetMs: number, operation: (index: number) => void): { perSecond: number; done: number; elapsedMs: number } {
  const start = performance.now();
  let done = 0;
  while (done < count) {
    operation(done);
    done++;
    // Reading the clock costs little next to one operation of these benchmarks.
    if ((done & 15) === 0 && performance.now() - start > budgetMs) break;
  }
  const elapsedMs = performance.now() - start;
  return { perSecond: (done * 1000) / Math.max(elapsedMs, 1e-6), done, elapsedMs };
}

/** Scale an iteration count for smoke runs; never below `floor`. */
export function scaled(count: number, scale: number, floor = 1): number {
  return Math.max(floor, Math.round(count * scale));
}

/**
 * Side-by-side rounds: the ratio `ours / limit` of each round (both measured back to back, so
 * they share the machine's state), then the median and range of those ratios.
 */
export function ratioOfRounds(ours: readonly number[], limit: readonly number[]): Rounds {
  if (ours.length !== limit.length || ours.length === 0) throw new Error(`ratioOfRounds: ${ours.length} rounds against ${limit.length}`);
  return summarise(ours.map((value, i) => value / Math.max(limit[i] ?? Number.NaN, Number.MIN_VALUE)));
}
