/**
 * Live progress of `cashlogy-cert run`, from the runner's RunEvents:
 *
 *   cashlogy-cert run · chapter7-express 1.0.0 · cashlogy-cert reference POS 0.1.0 · seed 81532 · time scale 0.02
 *   ✓ EXP-01  pass            0.4s  Le TPV initialise le connecteur au démarrage
 *   ✗ EXP-04  fail            1.2s  Vente avec rendu de monnaie…
 *       the POS booked the gross amount inserted instead of the net paid — paid: expected 990, got 2000
 *   ⠙ EXP-05  POS: sale 1250                      (spinner line, TTY only)
 *
 * `--json` prints one JSON object per line instead; `--quiet` prints only the summary.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../duration.js';
import type { RunEvent } from '../runner/events.js';
import type { ItemVerdict, RunResult } from '../runner/result.js';
import { coverageOfResult, incompleteLine } from '../runner/coverage.js';

export interface ProgressOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  mode: 'human' | 'quiet' | 'json';
  color: boolean;
}

export interface Progress {
  onEvent(event: RunEvent): void;
  /** The summary table, the seed and where the report is. */
  finish(result: RunResult, report: { dir: string; files: string[]; problems: string[] }): void;
  /** A line for the user that must not be drawn over by the spinner. */
  note(text: string): void;
  stop(): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const SYMBOL: Record<ItemVerdict, string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  partial: '◐',
  'not-applicable': '–',
  skipped: '↷',
};

function paint(c: ChalkInstance, verdict: ItemVerdict | RunResult['verdict'], text: string): string {
  switch (verdict) {
    case 'pass':
      return c.green(text);
    case 'fail':
      return c.red(text);
    case 'error':
      return c.magenta(text);
    case 'partial':
      return c.yellow(text);
    default:
      return c.gray(text);
  }
}

export function createProgress(options: ProgressOptions): Progress {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const out = options.out;
  const tty = options.mode === 'human' && out.isTTY === true;
  const running = new Map<string, string>();
  let frame = 0;
  let spinnerShown = false;
  let timer: NodeJS.Timeout | undefined;

  const clearSpinner = () => {
    if (spinnerShown) {
      out.write('\r\x1b[2K');
      spinnerShown = false;
    }
  };
  const drawSpinner = () => {
    if (!tty || running.size === 0) return;
    const [first] = running.entries();
    const text = running.size === 1 && first ? `${first[0]}  ${first[1]}` : `${running.size} running: ${[...running.keys()].join(', ')}`;
    const columns = (out as { columns?: number }).columns ?? 0;
    // Never wrap: a wrapped spinner line cannot be erased with \r.
    const width = columns > 20 ? columns - 3 : 100;
    out.write(`\r\x1b[2K${c.cyan(SPINNER[frame++ % SPINNER.length] ?? '')} ${text.slice(0, width)}`);
    spinnerShown = true;
  };
  const line = (text: string) => {
    clearSpinner();
    out.write(`${text}\n`);
    drawSpinner();
  };

  const human = (e: RunEvent) => {
    switch (e.event) {
      case 'run:start':
        if (options.mode === 'human') {
          line(c.bold(`cashlogy-cert run · ${e.checklist} · ${e.pos} · seed ${e.seed} · time scale ${e.timeScale}${e.lanes > 1 ? ` · ${e.lanes} lanes` : ''}`));
        }
        return;
      case 'item:start':
        running.set(e.id, e.title);
        if (tty && !timer) {
          timer = setInterval(drawSpinner, 80);
          timer.unref();
        }
        drawSpinner();
        return;
      case 'step':
        if (running.has(e.id)) running.set(e.id, e.text);
        return;
      case 'item:end': {
        running.delete(e.id);
        if (options.mode !== 'human') return;
        const v = e.verdict;
        const head = `${paint(c, v, SYMBOL[v])} ${e.id.padEnd(8)} ${paint(c, v, v.padEnd(14))} ${formatDuration(e.durationMs).padStart(6)}  ${e.item.title}`;
        const level = e.item.level !== 'required' ? c.gray(` (${e.item.level})`) : '';
        line(head + level);
        if (v !== 'pass' && e.reason) line(c.gray(`    ${e.reason.split('\n').join('\n    ')}`));
        if (running.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
          clearSpinner();
        }
        return;
      }
      case 'warning':
        line(c.yellow(`warning: ${e.message}`));
        return;
      case 'pos:restart':
        if (options.mode === 'human') line(c.yellow(`↻ restarting the POS: ${e.reason}`));
        return;
      case 'operator':
        line(e.text);
        return;
      default:
        return;
    }
  };

  return {
    onEvent(e: RunEvent) {
      if (options.mode === 'json') {
        const slim = e.event === 'item:end' ? { event: e.event, id: e.id, verdict: e.verdict, durationMs: e.durationMs, reason: e.reason } : e;
        out.write(`${JSON.stringify(slim)}\n`);
        return;
      }
      human(e);
    },
    note(text: string) {
      if (options.mode === 'json') out.write(`${JSON.stringify({ event: 'note', text })}\n`);
      else line(text);
    },
    finish(result, report) {
      if (timer) clearInterval(timer);
      timer = undefined;
      clearSpinner();
      // A result fresh from the runner always says whether it is complete; only `false` is incomplete here.
      const incomplete = result.complete === false ? incompleteLine(coverageOfResult(result)) : undefined;
      if (options.mode === 'json') {
        const coverage = result.complete === undefined ? {} : { complete: result.complete, ...(incomplete ? { incomplete } : {}) };
        out.write(`${JSON.stringify({ event: 'report', verdict: result.verdict, ...coverage, dir: report.dir, files: report.files, problems: report.problems, seed: result.seed })}\n`);
        return;
      }
      const s = result.summary;
      const rows: [string, number, ItemVerdict][] = [
        ['pass', s.pass, 'pass'],
        ['fail', s.fail, 'fail'],
        ['error', s.error, 'error'],
        ['partial', s.partial, 'partial'],
        ['skipped', s.skipped, 'skipped'],
        ['not applicable', s.notApplicable, 'not-applicable'],
      ];
      const w: string[] = [];
      if (options.mode === 'human') {
        w.push('');
        w.push(c.bold('Summary'));
        w.push(`  ${'items'.padEnd(16)} ${String(s.total).padStart(4)}`);
        for (const [label, n, v] of rows) if (n > 0) w.push(`  ${paint(c, v, label.padEnd(16))} ${String(n).padStart(4)}`);
        const required = result.items.filter((i) => i.level === 'required' && (i.verdict === 'fail' || i.verdict === 'error'));
        if (required.length) {
          w.push('');
          w.push(c.bold('Required items not passed'));
          for (const i of required) w.push(`  ${paint(c, i.verdict, `${SYMBOL[i.verdict]} ${i.id}`)}  ${i.title}${i.reason ? c.gray(` — ${i.reason.split('\n')[0]}`) : ''}`);
        }
        w.push('');
      }
      // The exit code still judges the items that ran; the words must not claim more than that.
      const judged = incomplete ? `INCOMPLETE, ${result.verdict.toUpperCase()} on the items that ran` : result.verdict.toUpperCase();
      const verdictText = result.interrupted ? `${judged} (interrupted)` : judged;
      if (incomplete) w.push(c.bold(c.yellow(incomplete)));
      w.push(`${c.bold('Verdict:')} ${paint(c, result.verdict, c.bold(verdictText))}  (${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.requiredFailed} required failed)`);
      w.push(`Seed: ${result.seed}  (replay the same fault decisions with --seed ${result.seed})`);
      w.push(`Report: ${report.dir}`);
      for (const p of report.problems) w.push(c.yellow(`warning: ${p}`));
      out.write(`${w.join('\n')}\n`);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clearSpinner();
    },
  };
}
