/** The printout of `npm run bench`: a table of measured value against target, or JSON. */
import { cpus } from 'node:os';
import type { BenchReport, JudgedMeasurement } from './benchmarks.js';

export interface Environment {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
}

export function environment(): Environment {
  const list = cpus();
  return { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown' };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** A ratio reads "1.23×"; anything else "12.3 ms". */
function withUnit(value: number, unit: string): string {
  return unit === '×' ? `${formatNumber(value)}×` : `${formatNumber(value)} ${unit}`;
}

/**
 * The measured value, with more digits while rounding would make it read as its target: 1.2566
 * against ≤ 1.25 reads "1.253×", never "1.25× … MISSED".
 */
function shownValue(m: JudgedMeasurement): string {
  let text = formatNumber(m.value);
  const target = m.target?.value;
  if (target !== undefined && m.value !== target) {
    for (let digits = 3; digits <= 6 && Number(text) === Number(formatNumber(target)); digits++) text = m.value.toFixed(digits);
  }
  return m.unit === '×' ? `${text}×` : `${text} ${m.unit}`;
}

function measured(m: JudgedMeasurement): string {
  const value = shownValue(m);
  if (!m.rounds || m.rounds.min === m.rounds.max) return value;
  return `${value} (${formatNumber(m.rounds.min)}–${formatNumber(m.rounds.max)})`;
}

function target(m: JudgedMeasurement): string {
  if (!m.target) return '—';
  return `${m.target.better === 'higher' ? '≥' : '≤'} ${withUnit(m.target.value, m.unit)}`;
}

function verdict(m: JudgedMeasurement): string {
  if (m.met === undefined) return 'info';
  return m.met ? 'ok' : 'MISSED';
}

export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

export const plain: Paint = { ok: (t) => t, bad: (t) => t, dim: (t) => t };

export function formatTable(report: BenchReport, env: Environment, paint: Paint = plain): string {
  const header = ['benchmark', 'metric', 'measured (range of rounds)', 'target', '', 'absolute figures (context)'];
  const rows = report.measurements.map((m) => [m.benchmark, m.metric.slice(m.metric.indexOf('.') + 1), measured(m), target(m), verdict(m), m.absolute ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out: string[] = [];
  out.push(paint.dim(`cashlogy-cert bench · node ${env.node} · ${env.platform} · ${env.cpus} × ${env.cpuModel}`));
  if (report.cli) out.push(paint.dim(`CLI under test: ${report.cli}`));
  out.push('');
  out.push(line(header));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  report.measurements.forEach((m, i) => {
    const text = line(rows[i] ?? []);
    out.push(m.met === false ? paint.bad(text) : text);
  });
  for (const failure of report.failures) out.push(paint.bad(`${failure.benchmark}: FAILED: ${failure.error}`));
  const missed = report.measurements.filter((m) => m.met === false);
  if (missed.length > 0) {
    out.push('');
    // The reason behind a missed target tells whether the machine is just busy or the code regressed.
    for (const m of missed) out.push(`${m.metric}: target ${target(m)}: ${m.target?.why ?? ''} (docs/bench.md)`);
  }
  out.push('');
  const judged = report.measurements.filter((m) => m.met !== undefined);
  const met = judged.filter((m) => m.met).length;
  const summary = `${met}/${judged.length} targets met${report.failures.length > 0 ? `, ${report.failures.length} benchmark(s) failed` : ''} in ${(report.elapsedMs / 1000).toFixed(1)} s`;
  out.push(report.ok ? paint.ok(summary) : paint.bad(summary));
  return out.join('\n');
}

export function formatJson(report: BenchReport, env: Environment): string {
  return JSON.stringify(
    {
      environment: env,
      ok: report.ok,
      elapsedMs: Math.round(report.elapsedMs),
      ...(report.cli ? { cli: report.cli } : {}),
      measurements: report.measurements.map((m) => ({
        benchmark: m.benchmark,
        metric: m.metric,
        value: m.value,
        unit: m.unit,
        ...(m.rounds ? { rounds: m.rounds } : {}),
        target: m.target ? { value: m.target.value, better: m.target.better, why: m.target.why } : null,
        met: m.met ?? null,
        ...(m.note ? { note: m.note } : {}),
        ...(m.absolute ? { absolute: m.absolute } : {}),
      })),
      failures: report.failures,
    },
    null,
    2,
  );
}
