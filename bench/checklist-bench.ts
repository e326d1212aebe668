/**
 * A full checklist run as a vendor runs it (`cashlogy-cert run`, the bundled reference POS as a
 * process, `--time-scale 0.01 --ci`, every report written) against its floor: the waits the
 * checklist itself declares for the items that ran (src/runner/floor.ts), which the run prints
 * in its `run:end` event. The figure is wall time from spawn to exit over the floor: all of
 * what is not the checklist's own waiting (start-up, resets, the POS, judging, reports).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './build.js';
import { runToEnd } from './child.js';
import { formatNumber } from './report.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

export const CHECKLIST_TIME_SCALE = 0.01;

interface RunEnd {
  event: 'run:end';
  verdict: string;
  durationMs: number;
  summary: { total: number; floorMs?: number };
}

/** The two shipped checklists and the POS each is run with (a complete one runs the complete reference POS). */
const RUNS = [
  { metric: 'checklist.express', checklist: 'chapter7-express', pos: [] as string[], quick: 'EXP-16' },
  { metric: 'checklist.complete', checklist: 'chapter7-complete', pos: ['--pos', join(REPO_ROOT, 'examples', 'pos', 'reference.yaml')], quick: 'COM-11' },
];

export async function checklistBench(context: BenchContext): Promise<Measurement[]> {
  const cli = context.cli();
  const measurements: Measurement[] = [];
  for (const run of RUNS) {
    const out = mkdtempSync(join(tmpdir(), 'cashlogy-bench-run-'));
    try {
      // A quick run (scale < 1) takes one item that declares a wait: the floor then covers just that.
      const only = context.scale < 1 ? ['--only', run.quick] : [];
      const args = [cli.bin, 'run', '--checklist', run.checklist, ...run.pos, '--time-scale', String(CHECKLIST_TIME_SCALE), '--ci', '--json', '--seed', '1', '--out', out, ...only];
      context.log(`checklist: ${run.checklist}${only.length ? ` (${only[1]})` : ''} at time scale ${CHECKLIST_TIME_SCALE}`);
      const result = await runToEnd(process.execPath, args, 240_000, out);
      const end = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{"event":"run:end"'))
        .map((line) => JSON.parse(line) as RunEnd)[0];
      if (!end) throw new BenchFailure(`${run.checklist}: no run:end event (exit ${result.code}): ${result.stderr.slice(0, 500)}`);
      if (end.verdict !== 'pass') throw new BenchFailure(`${run.checklist}: the reference POS did not pass (verdict ${end.verdict}, exit ${result.code})`);
      const floorMs = end.summary.floorMs;
      if (floorMs === undefined || !(floorMs > 0)) throw new BenchFailure(`${run.checklist}: run:end carries no floor (summary.floorMs)`);
      measurements.push({
        metric: run.metric,
        value: result.elapsedMs / floorMs,
        unit: '×',
        note: `${end.summary.total} items, run wall time (spawn to exit) / floor, one run`,
        absolute: `run ${formatNumber(result.elapsedMs / 1000)} s (runner ${formatNumber(end.durationMs / 1000)} s) · floor ${formatNumber(floorMs / 1000)} s`,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return measurements;
}
