/**
 * Live progress of `cashlogy-cert run`, from the runner's RunEvents:
 *
 *   cashlogy-cert run · chapter7-express 1.0.0 · cashlogy-cert reference POS 0.1.0 · seed 81532 · time scale 0.02
 *   ✓ EXP-01  pass            0.4s  Le TPV initialise le connecteur au démarrage
 *   ✗ EXP-04  fail            1.2s  Vente avec rendu de monnaie…
 *       the POS booked the gross amount inserted instead of the net paid — paid: expected 990, got 2000
 *   ⠙ [5/22] EXP-05  POS: sale 1250 · 12s · ~1m 10s left    (spinner line, TTY only)
 *   … EXP-12 still running (25s): customer: insert 2000      (heartbeat, not a TTY)
 *
 * On a terminal the spinner line says where the run is and an estimate of what is left (from
 * the durations of the items that ran so far). Elsewhere (CI logs) nothing is redrawn, so a
 * heartbeat line names what is running whenever nothing was printed for `heartbeatMs`: a log
 * never looks hung. Words follow the run's language (console-text.ts).
 *
 * `--json` prints one JSON object per line instead; `--quiet` prints only the summary.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../duration.js';
import type { Lang } from '../i18n.js';
import type { RunEvent } from '../runner/events.js';
import type { ItemResult, ItemVerdict, RunResult } from '../runner/result.js';
import { coverageOfResult, incompleteLine } from '../runner/coverage.js';
import { formattersFor } from '../reporters/i18n.js';
import { headline } from '../reporters/coverage-text.js';
import { localizeReason } from '../reporters/reasons.js';
import { consoleText } from './console-text.js';

export interface ProgressOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  mode: 'human' | 'quiet' | 'json';
  color: boolean;
  /** Language of the console's words (the run's --lang). Default English. */
  lang?: Lang;
  /** Not a terminal: a heartbeat line when nothing was printed for this long. Default 10 s. */
  heartbeatMs?: number;
  /** ms clock (tests use a fake one). Default performance.now. */
  now?: () => number;
}

/** One item on a lane right now. */
interface Running {
  title: string;
  /** The step it is on, as the spinner and the heartbeat say it. */
  text: string;
  startedAt: number;
  index: number;
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
  const say = consoleText(options.lang ?? 'en');
  // An item's reason in the run's language where the reports know its wording (as the HTML report shows it).
  const formatters = formattersFor(options.lang ?? 'en');
  // A reason the runner wrote in every language (a failed check's localized message) is shown in the run's.
  const reasonText = (reason: string, item?: Pick<ItemResult, 'reasons'>) => item?.reasons?.[formatters.lang] ?? localizeReason(reason, formatters);
  const now = options.now ?? (() => performance.now());
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const running = new Map<string, Running>();
  let frame = 0;
  let spinnerShown = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lastWrite = now();
  let total = 0;
  let lanes = 1;
  let ended = 0;
  /** Durations of the items that actually ran (skips and not-applicable items take no time). */
  const ran: number[] = [];

  const clearSpinner = () => {
    if (spinnerShown) {
      out.write('\r\x1b[2K');
      spinnerShown = false;
    }
  };
  /** Time left: the items not finished at the mean duration of those that ran, shared by the lanes. */
  const estimate = (): number | undefined => {
    if (ran.length === 0 || total === 0) return undefined;
    const mean = ran.reduce((a, b) => a + b, 0) / ran.length;
    const t = now();
    let ms = Math.max(0, total - ended - running.size) * mean;
    for (const r of running.values()) ms += Math.max(0, mean - (t - r.startedAt));
    return ms / Math.max(1, Math.min(lanes, total - ended));
  };
  const status = (): string => {
    const t = now();
    const entries = [...running.entries()];
    const [first] = entries;
    // The item's place in the run (the last started one when lanes run several).
    const at = `[${Math.max(...entries.map(([, r]) => r.index))}/${total}]`;
    const what = entries.length === 1 && first ? `${first[0]}  ${first[1].text}` : `${entries.length} ${say.own('running')}: ${entries.map(([id]) => id).join(', ')}`;
    const oldest = Math.min(...entries.map(([, r]) => r.startedAt));
    const left = estimate();
    return `${at} ${what} · ${formatDuration(t - oldest)}${left !== undefined ? ` · ~${formatDuration(Math.round(left / 1000) * 1000)} ${say.own('left')}` : ''}`;
  };
  const drawSpinner = () => {
    if (!tty || running.size === 0) return;
    const text = status();
    const columns = (out as { columns?: number }).columns ?? 0;
    // Never wrap: a wrapped spinner line cannot be erased with \r.
    const width = columns > 20 ? columns - 3 : 100;
    out.write(`\r\x1b[2K${c.cyan(SPINNER[frame++ % SPINNER.length] ?? '')} ${text.slice(0, width)}`);
    spinnerShown = true;
  };
  const line = (text: string) => {
    clearSpinner();
    out.write(`${text}\n`);
    lastWrite = now();
    drawSpinner();
  };
  /** Not a terminal: say what is still running when the log has been silent for heartbeatMs. */
  const beat = () => {
    if (running.size === 0 || now() - lastWrite < heartbeatMs) return;
    const t = now();
    if (options.mode === 'json') {
      const items = [...running].map(([id, r]) => ({ id, elapsedMs: Math.round(t - r.startedAt), step: r.text }));
      out.write(`${JSON.stringify({ event: 'heartbeat', running: items })}\n`);
      lastWrite = t;
      return;
    }
    for (const [id, r] of running) {
      line(c.gray(`… ${id} ${say.own('stillRunning')} (${formatDuration(Math.round((t - r.startedAt) / 1000) * 1000)}): ${r.text}`));
    }
  };
  const stopTimers = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
  };

  const human = (e: RunEvent) => {
    switch (e.event) {
      case 'run:start':
        total = e.items;
        lanes = e.lanes;
        if (options.mode === 'human') {
          line(c.bold(`cashlogy-cert run · ${e.checklist} · ${e.pos} · seed ${e.seed} · time scale ${e.timeScale}${e.lanes > 1 ? ` · ${e.lanes} lanes` : ''}`));
        }
        return;
      case 'item:start':
        total = Math.max(total, e.total);
        running.set(e.id, { title: e.title, text: e.title, startedAt: now(), index: e.index });
        if (tty && !timer) {
          timer = setInterval(drawSpinner, 80);
          timer.unref();
        }
        if (!tty && options.mode !== 'quiet' && !heartbeat) {
          // Checked often, printed only after heartbeatMs of silence: the gap never exceeds it by much.
          heartbeat = setInterval(beat, Math.max(10, Math.min(1000, heartbeatMs / 5)));
          heartbeat.unref();
        }
        drawSpinner();
        return;
      case 'step': {
        const r = running.get(e.id);
        if (r) r.text = e.text;
        return;
      }
      case 'item:end': {
        const r = running.get(e.id);
        running.delete(e.id);
        ended++;
        if (e.verdict !== 'skipped' && e.verdict !== 'not-applicable' && r !== undefined) ran.push(e.durationMs);
        if (options.mode !== 'human') return;
        const v = e.verdict;
        const head = `${paint(c, v, SYMBOL[v])} ${e.id.padEnd(8)} ${paint(c, v, say.verdict(v).padEnd(14))} ${formatDuration(e.durationMs).padStart(6)}  ${e.item.title}`;
        const level = e.item.level !== 'required' ? c.gray(` (${say.report(`level.${e.item.level}`)})`) : '';
        line(head + level);
        if (v !== 'pass' && e.reason) line(c.gray(`    ${reasonText(e.reason, e.item).split('\n').join('\n    ')}`));
        if (running.size === 0) {
          stopTimers();
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
        lastWrite = now();
        // What is running, for the heartbeat: a CI step reading the events never sees a silent log.
        if (e.event === 'item:start' || e.event === 'step' || e.event === 'item:end') human(e);
        return;
      }
      human(e);
    },
    note(text: string) {
      if (options.mode === 'json') out.write(`${JSON.stringify({ event: 'note', text })}\n`);
      else line(text);
    },
    finish(result, report) {
      stopTimers();
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
        [say.verdict('pass'), s.pass, 'pass'],
        [say.verdict('fail'), s.fail, 'fail'],
        [say.verdict('error'), s.error, 'error'],
        [say.verdict('partial'), s.partial, 'partial'],
        [say.verdict('skipped'), s.skipped, 'skipped'],
        [say.verdict('not-applicable'), s.notApplicable, 'not-applicable'],
      ];
      const w: string[] = [];
      if (options.mode === 'human') {
        w.push('');
        w.push(c.bold(say.report('report.summary')));
        w.push(`  ${say.report('report.total').padEnd(16)} ${String(s.total).padStart(4)}`);
        for (const [label, n, v] of rows) if (n > 0) w.push(`  ${paint(c, v, label.padEnd(16))} ${String(n).padStart(4)}`);
        const required = result.items.filter((i) => i.level === 'required' && (i.verdict === 'fail' || i.verdict === 'error'));
        if (required.length) {
          w.push('');
          w.push(c.bold(say.own('requiredNotPassed')));
          for (const i of required) w.push(`  ${paint(c, i.verdict, `${SYMBOL[i.verdict]} ${i.id}`)}  ${i.title}${i.reason ? c.gray(` — ${reasonText(i.reason, i).split('\n')[0]}`) : ''}`);
        }
        w.push('');
      }
      // The exit code still judges the items that ran; the words must not claim more than that.
      const word = say.verdict(result.verdict).toUpperCase();
      const judged = incomplete ? `${say.own('incomplete')}, ${word} ${say.own('onItemsThatRan')}` : word;
      const verdictText = result.interrupted ? `${judged} (${say.own('interrupted')})` : judged;
      if (incomplete) w.push(c.bold(c.yellow(say.lang === 'en' ? incomplete : incompleteHeadline(result, say.lang))));
      const tally = ([label, n]: [string, number]) => say.own('tally', { n, label });
      const counts = ([[say.verdict('pass'), s.pass], [say.verdict('fail'), s.fail], [say.verdict('error'), s.error], [say.own('requiredFailed'), s.requiredFailed]] as [string, number][]).map(tally);
      w.push(`${c.bold(`${say.report('report.verdict')}${say.colon.trimEnd()}`)} ${paint(c, result.verdict, c.bold(verdictText))}  (${counts.join(', ')})`);
      const floor = floorLine(result, say.lang);
      if (floor) w.push(floor);
      w.push(`${say.report('report.seed')}${say.colon}${result.seed}  (${say.own('replay', { seed: result.seed })})`);
      for (const p of report.problems) w.push(c.yellow(`warning: ${p}`));
      // Last, and the file itself: the line a person clicks (or copies) to open the report.
      const html = report.files.find((f) => /(^|[\\/])checklist\.html$/.test(f));
      w.push(`${say.own('report')}${say.colon}${html ?? report.dir}`);
      out.write(`${w.join('\n')}\n`);
    },
    stop() {
      stopTimers();
      clearSpinner();
    },
  };
}

/**
 * How much of the run was the checklist's own waits (src/runner/floor.ts) and how much the tool
 * and the POS added: a vendor reading a 5-minute run sees whether the time is the items' or ours.
 */
export function floorLine(result: Pick<RunResult, 'summary' | 'startedAt' | 'finishedAt'> & { items?: readonly Pick<ItemResult, 'durationMs'>[] }, lang: Lang = 'en'): string | undefined {
  const floorMs = result.summary.floorMs;
  const tookMs = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  if (floorMs === undefined || !Number.isFinite(tookMs)) return undefined;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  // Lanes run items side by side: the floor adds up every item's waits, so it is set against
  // the items' time added up, not against a wall clock that ran them in parallel.
  const itemsMs = (result.items ?? []).reduce((sum, item) => sum + (Number.isFinite(item.durationMs) ? item.durationMs : 0), 0);
  if (itemsMs > tookMs) {
    return consoleText(lang).own('floorLanes', { floor: seconds(floorMs), items: seconds(itemsMs), added: seconds(Math.max(0, itemsMs - floorMs)) });
  }
  return consoleText(lang).own('floor', { floor: seconds(floorMs), added: seconds(Math.max(0, tookMs - floorMs)) });
}

/** The INCOMPLETE line in the report's language (the English one, with its details, is coverage.ts's). */
function incompleteHeadline(result: RunResult, lang: Lang): string {
  return headline(coverageOfResult(result), formattersFor(lang));
}
