/**
 * What `cashlogy-cert replay` does once its flags are parsed; loaded only when it runs
 * (replay.ts registers the command and its help).
 *
 * Two ways: serve (the replay connector waits for a POS until Ctrl-C, divergences reported as
 * they happen and summed up at the end) and `--pos` (the POS is started through its driver and
 * the recorded item's actions are performed against the replay connector).
 */
import { dirname, resolve } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { createDriver } from '../../drivers/index.js';
import { UsageError } from '../../errors.js';
import { loadPosProfile } from '../../pos/profile.js';
import type { TranscriptEntry } from '../../protocol/transcript.js';
import { readSource } from '../../read-source.js';
import type { Divergence } from '../../replay/matcher.js';
import { parseRecording, selectItem, type RecordedItem } from '../../replay/recording.js';
import { replayWithPos, type ActionRun, type OutcomeDivergence } from '../../replay/run.js';
import { startReplay, type ReplayHandle } from '../../replay/server.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { langFromEnv } from './run.js';
import type { ReplayFlags } from './replay.js';
import { boundedLog, LOG_MAX_BUFFERED_BYTES } from '../bounded-log.js';
import { humanLine, printable, writeJsonLine } from '../log-lines.js';

export async function runReplay(recordingArg: string, flags: ReplayFlags, io: CliIo): Promise<number> {
  const timeScale = Number(flags.timeScale);
  if (flags.timeScale.trim() === '' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`--time-scale must be a number greater than 0 (e.g. 0.01), got "${flags.timeScale}"`);
  }
  const port = flags.port === undefined ? (flags.pos !== undefined ? 0 : 8092) : parsePort(flags.port);
  const file = resolve(io.cwd, recordingArg);
  const recording = parseRecording(readSource(file, 'recording').toString('utf8'), recordingArg);
  const item = selectItem(recording, flags.item);
  if (flags.pos !== undefined && item.actions.length === 0) {
    throw new UsageError(
      `--pos needs the recorded POS actions, and ${recording.kind === 'transcript' ? 'a transcript file has none' : `item ${item.id} has none`}: give a run's result.json, or leave --pos out and drive the POS yourself`,
    );
  }
  const profile = flags.pos !== undefined ? loadPosProfile(resolve(io.cwd, flags.pos)) : undefined;

  const log = boundedLog(io.stdout, LOG_MAX_BUFFERED_BYTES, (count) =>
    flags.json ? JSON.stringify({ event: 'dropped', count }) : `… ${count} log lines dropped: the terminal or pipe did not keep up`,
  );
  const out = (line: string) => log.line(line);
  const color = new Chalk({ level: io.stdout.isTTY === true && io.env.NO_COLOR === undefined ? 1 : 0 });
  const header = (replay: ReplayHandle) => {
    if (flags.json) {
      out(JSON.stringify({ event: 'listening', host: replay.host, port: replay.port, controlPort: null }));
      out(JSON.stringify({ event: 'replay:recording', file: recordingArg, item: item.id, ...replay.size, timeScale }));
      return;
    }
    out(color.bold(`CashlogyConnector replay · ${recordingArg}${recording.kind === 'result' ? ` · item ${item.id}` : ''} · time scale ${timeScale}`));
    out(`  protocol  ${replay.host}:${replay.port}   (point the POS here)`);
    out(`  recording ${replay.size.frames} POS frames on ${replay.size.connections} connection${replay.size.connections === 1 ? '' : 's'}, ${replay.size.answers} connector answers`);
    if (recording.pos !== undefined) out(`  recorded  with ${recording.pos.name} ${recording.pos.version} (${recording.checklist?.id ?? '?'} ${recording.checklist?.version ?? ''})`);
    if (recording.pos !== undefined && profile !== undefined && recording.pos.integration !== profile.integration) {
      // Not an error: a support engineer may replay on purpose; but the divergence would say nothing about a defect.
      out(color.yellow(`  warning   integration recorded: ${recording.pos.integration}; integration of ${flags.pos}: ${profile.integration}. Expect it to diverge where the two designs differ, not where a defect is`));
    }
    if (flags.pos === undefined) out(color.dim('Press Ctrl-C to stop and get the verdict.'));
  };
  const onEntry = flags.json ? (entry: TranscriptEntry) => log.encoded(writeJsonLine, entry) : (entry: TranscriptEntry) => out(humanLine(entry, color));
  // Told synchronously, while the diverging frame's own traffic line still waits on a microtask: print after it.
  const onDivergence = (d: Divergence | OutcomeDivergence) =>
    queueMicrotask(() => out(flags.json ? JSON.stringify({ event: 'replay:diverged', ...d }) : humanDivergence(d, item, color)));

  if (profile === undefined) return serve(item, { host: flags.host, port, timeScale }, io, { out, header, onEntry, onDivergence, log, json: flags.json === true, color });

  const driver = createDriver(profile.driver, {
    baseDir: dirname(resolve(io.cwd, flags.pos as string)),
    lang: langFromEnv(io.env),
    ci: true,
    env: io.env,
    integration: profile.integration,
    features: profile.features ?? [],
  });
  const stop = new AbortController();
  void io.interrupted.then((signal) => stop.abort(signal));
  let unsubscribe: () => void = () => undefined;
  const result = await replayWithPos({
    item,
    driver,
    host: flags.host,
    port,
    timeScale,
    ...(profile.driver.timeoutsMs !== undefined ? { timeoutsMs: profile.driver.timeoutsMs } : {}),
    signal: stop.signal,
    onListening: (replay) => {
      header(replay);
      unsubscribe = replay.onEntry(onEntry);
    },
    onDivergence,
    onAction: (run, index) => out(flags.json ? JSON.stringify({ event: 'replay:action', index, ...run }) : humanAction(run, index, color)),
  });
  // Entries reach listeners on a microtask: let the last ones print before the verdict.
  await new Promise((r) => setImmediate(r));
  unsubscribe();
  const first = result.divergences[0] ?? result.outcomes[0];
  if (flags.json) {
    out(
      JSON.stringify({
        event: 'replay:result',
        followed: result.followed,
        matched: result.progress.matched,
        total: result.progress.total,
        divergences: result.divergences.length + result.outcomes.length,
        ...(first !== undefined ? { first } : {}),
        interrupted: result.interrupted,
      }),
    );
  } else {
    out(verdictLine(result.followed, result.progress, result.divergences.length + result.outcomes.length, first, color));
  }
  log.flushDropped();
  if (result.interrupted) return EXIT.interrupted;
  return result.followed ? EXIT.ok : EXIT.failed;
}

interface Output {
  out(line: string): void;
  header(replay: ReplayHandle): void;
  onEntry(entry: TranscriptEntry): void;
  onDivergence(d: Divergence): void;
  log: { flushDropped(): void };
  json: boolean;
  color: ChalkInstance;
}

async function serve(item: RecordedItem, options: { host: string; port: number; timeScale: number }, io: CliIo, o: Output): Promise<number> {
  const replay = await startReplay({ transcript: item.transcript, ...options });
  o.header(replay);
  const offEntry = replay.onEntry(o.onEntry);
  const offDivergence = replay.onDivergence(o.onDivergence);
  void replay.settled().then((how) => {
    if (how !== 'complete') return;
    if (o.json) o.out(JSON.stringify({ event: 'replay:complete', ...replay.progress() }));
    else o.out(o.color.green(`✓ the POS has sent every recorded frame (${replay.progress().total}); Ctrl-C for the verdict`));
  });
  const signal = await io.interrupted;
  const divergences = replay.finish();
  await new Promise((r) => setImmediate(r));
  offEntry();
  offDivergence();
  const followed = replay.complete();
  await replay.close();
  const progress = replay.progress();
  if (o.json) {
    o.out(JSON.stringify({ event: 'replay:result', followed, matched: progress.matched, total: progress.total, divergences: divergences.length, ...(divergences[0] ? { first: divergences[0] } : {}) }));
    o.out(JSON.stringify({ event: 'stopped', signal }));
  } else {
    o.out(verdictLine(followed, progress, divergences.length, divergences[0], o.color));
    o.out(o.color.dim(`stopped (${signal})`));
  }
  o.log.flushDropped();
  return followed ? EXIT.ok : EXIT.failed;
}

function verdictLine(followed: boolean, progress: { matched: number; total: number }, count: number, first: Divergence | OutcomeDivergence | undefined, color: ChalkInstance): string {
  if (followed) return color.green(`Replay: FOLLOWED — the POS followed the recording to its end (${progress.matched} of ${progress.total} frames)`);
  const what = first === undefined ? 'it did not reach the end of the recording' : `first: ${first.message}`;
  return color.red(`Replay: DIVERGED — ${count} divergence${count === 1 ? '' : 's'}, ${progress.matched} of ${progress.total} recorded frames followed; ${what}`);
}

function humanDivergence(d: Divergence | OutcomeDivergence, item: RecordedItem, color: ChalkInstance): string {
  if (d.reason === 'outcome') {
    return [
      color.red(`✗ diverged: ${d.message}`),
      `    expected  ${JSON.stringify(d.expected ?? null)}`,
      `    got       ${JSON.stringify(d.got ?? null)}`,
    ].join('\n');
  }
  const where = d.index !== undefined ? ` (${item.path}[${d.index}])` : '';
  const lines = [
    color.red(`✗ diverged at connection ${d.conn}${d.recordedConn !== undefined ? ` (recorded ${d.recordedConn})` : ''}, frame ${d.frame}${where}: ${d.reason}`),
    `    expected  ${d.expected ?? '(nothing: the recording ends here)'}`,
    `    got       ${d.got ?? '(nothing: the POS never sent it)'}`,
  ];
  if (d.context.length > 0) {
    lines.push('    recorded just before:');
    for (const e of d.context) lines.push(`      ${e.dir === 'in' ? 'POS →' : 'POS ←'} ${printable(e.data)}`);
  }
  return lines.join('\n');
}

function humanAction(run: ActionRun, index: number, color: ChalkInstance): string {
  const what = `${run.action}${run.amount !== undefined ? ` ${run.amount}` : ''}`;
  const result = run.outcome !== undefined ? JSON.stringify(run.outcome) : (run.error ?? '');
  return color.yellow(`  action ${index + 1}: ${what} → ${result}`);
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (0 = any free port), got "${text}"`);
  return n;
}

