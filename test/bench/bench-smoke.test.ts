/**
 * Keeps `npm run bench` from rotting: every benchmark runs at a tiny scale (the process ones
 * against one CLI build, with real child processes and sockets on 127.0.0.1) and must produce
 * a finite, positive number for a metric that has a target or is declared informative, and
 * every target must have its metric. Speed is never asserted here (shared noisy machines); the
 * bench itself judges speed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCHMARKS, isKnownMetric, judge, meets } from '../../bench/benchmarks.js';
import { buildCli, type BuiltCli } from '../../bench/build.js';
import { frameAndParse, mixedStream } from '../../bench/protocol-bench.js';
import { environment, formatJson, formatNumber, formatTable } from '../../bench/report.js';
import { INFORMATIVE, TARGETS } from '../../bench/targets.js';
import type { BenchContext } from '../../bench/types.js';

let built: BuiltCli | undefined;
const TINY: BenchContext = { scale: 0.001, log: () => {}, cli: () => (built ??= buildCli()) };
afterAll(() => built?.remove());
const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

describe('each benchmark at a tiny scale', () => {
  const produced = new Set<string>();
  for (const benchmark of BENCHMARKS) {
    it(`${benchmark.name} produces a positive number for every metric, each judged or declared informative`, { timeout: 90_000 }, async () => {
      const measurements = await benchmark.run(TINY);
      expect(measurements.length).toBeGreaterThan(0);
      for (const m of measurements) {
        expect(m.metric.startsWith(`${benchmark.name}.`), m.metric).toBe(true);
        expect(Number.isFinite(m.value) && m.value > 0, `${m.metric} = ${m.value}`).toBe(true);
        expect(isKnownMetric(m.metric), `${m.metric} has neither a target nor an INFORMATIVE entry`).toBe(true);
        expect(m.metric in TARGETS && m.metric in INFORMATIVE, `${m.metric} is both judged and informative`).toBe(false);
        // A ratio carries the absolute figures it was computed from.
        if (m.unit === '×') expect(m.absolute, `${m.metric} without its absolute figures`).toMatch(/\d/);
        produced.add(m.metric);
      }
    });
  }

  // Runs after the benchmarks above (tests in a file run in order): no target is left without its metric.
  it('every target (and every informative entry) belongs to a metric some benchmark produced', () => {
    expect(Object.keys(TARGETS).filter((metric) => !produced.has(metric))).toEqual([]);
    expect(Object.keys(INFORMATIVE).filter((metric) => !produced.has(metric))).toEqual([]);
  });
});

describe('the mixed protocol stream', () => {
  it('frames every generated frame whatever the chunking, and the codec accepts each one', () => {
    for (const maxChunk of [1, 7, 256, 100_000]) {
      const stream = mixedStream(300, 11, maxChunk);
      expect(frameAndParse(stream)).toBe(300);
    }
  });
});

describe('judging', () => {
  it('compares against the target in the right direction and fails NaN', () => {
    expect(meets(10, { value: 5, better: 'higher', why: '' })).toBe(true);
    expect(meets(4, { value: 5, better: 'higher', why: '' })).toBe(false);
    expect(meets(4, { value: 5, better: 'lower', why: '' })).toBe(true);
    expect(meets(6, { value: 5, better: 'lower', why: '' })).toBe(false);
    expect(meets(Number.NaN, { value: 5, better: 'lower', why: '' })).toBe(false);
  });

  it('prints MISSED for a missed target and a failing summary', () => {
    const target = TARGETS['protocol.frames-per-second'];
    if (!target) throw new Error('protocol target missing');
    const missed = judge('protocol', { metric: 'protocol.frames-per-second', value: target.value / 2, unit: 'frames/s' });
    const met = judge('latency', { metric: 'latency.json-100-p50', value: 1.1, unit: '×', rounds: { median: 1.1, min: 1.05, max: 1.2 }, absolute: 'simulate --json 0.33 ms · raw 0.30 ms' });
    const info = judge('latency', { metric: 'latency.human-1-p50', value: 2.5, unit: '×', absolute: 'simulate 0.2 ms · raw 0.08 ms' });
    const report = { measurements: [missed, met, info], failures: [{ benchmark: 'memory', error: 'boom' }], elapsedMs: 1234, ok: false };
    const env = environment();
    const table = formatTable(report, env);
    expect(table).toMatch(/frames-per-second .*MISSED/);
    expect(table).toMatch(/json-100-p50 +1\.10× \(1\.05–1\.20\) +≤ 1\.30× +ok +simulate --json 0\.33 ms · raw 0\.30 ms/);
    expect(table).toMatch(/human-1-p50 +2\.50× +— +info/);
    expect(table).toContain('memory: FAILED: boom');
    expect(table).toContain('1/2 targets met, 1 benchmark(s) failed');
    expect(table).toContain(`protocol.frames-per-second: target ≥ ${formatNumber(target.value)} frames/s: ${target.why}`);
    const json = JSON.parse(formatJson(report, env)) as { ok: boolean; measurements: Array<{ met: boolean | null }> };
    expect(json.ok).toBe(false);
    expect(json.measurements.map((m) => m.met)).toEqual([false, true, null]);
  });

  it('never prints a missed ratio as its target: more digits until they differ', () => {
    const row = (value: number) => judge('checklist', { metric: 'checklist.express', value, unit: '×', absolute: 'run 11.9 s · floor 9.47 s' });
    const table = formatTable({ measurements: [row(1.2549), row(1.2512), row(1.25), row(1.31)], failures: [], elapsedMs: 1, ok: false }, environment());
    expect(table).toMatch(/express +1\.255× +≤ 1\.25× +MISSED/);
    expect(table).toMatch(/express +1\.251× +≤ 1\.25× +MISSED/);
    expect(table).toMatch(/express +1\.25× +≤ 1\.25× +ok/);
    expect(table).toMatch(/express +1\.31× +≤ 1\.25× +MISSED/);
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench (the CLI)', () => {
  it('--report-only --json prints every metric of the chosen benchmark and exits 0', { timeout: 60_000 }, async () => {
    const result = await runCli(['--only', 'protocol', '--scale', '0.01', '--report-only', '--json', '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { measurements: Array<{ metric: string; value: number; target: unknown }> };
    expect(json.measurements.map((m) => m.metric)).toEqual(['protocol.frames-per-second']);
    expect(Number.isFinite(json.measurements[0]?.value)).toBe(true);
  });

  it('refuses an unknown benchmark with exit 2, naming the choices', { timeout: 60_000 }, async () => {
    const result = await runCli(['--only', 'protcol']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown benchmark "protcol"; choose from protocol, machine, latency, memory, startup, checklist');
  });

  it('refuses a bad --scale with exit 2', { timeout: 60_000 }, async () => {
    const result = await runCli(['--scale', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--scale must be a number above 0 and at most 1');
  });
});
