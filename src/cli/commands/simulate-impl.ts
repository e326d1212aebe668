/**
 * What `cashlogy-cert simulate` does once its flags are parsed: start the simulator and log its
 * traffic until Ctrl-C; loaded only when it runs (simulate.ts registers the command and its help).
 */
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { UsageError } from '../../errors.js';
import { loadFaultsFile, parseFaultArg } from '../faults.js';
import type { FaultSpec } from '../../faults/spec.js';
import { jsonNumber, jsonString, type TranscriptEntry } from '../../protocol/transcript.js';
import { startSimulator } from '../../server/start.js';
import type { CliIo } from '../io.js';
import { boundedLog, LOG_MAX_BUFFERED_BYTES, type SimulateFlags } from './simulate.js';

export async function runSimulate(flags: SimulateFlags, io: CliIo): Promise<number> {
  const port = parsePort(flags.port, '--port');
  const controlPort = flags.controlPort === 'none' ? null : parsePort(flags.controlPort, '--control-port');
  const timeScale = Number(flags.timeScale);
  if (flags.timeScale.trim() === '' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new UsageError(`--time-scale must be a number greater than 0 (e.g. 0.01), got "${flags.timeScale}"`);
  }
  if (flags.customer !== 'auto' && flags.customer !== 'manual') {
    throw new UsageError(`--customer must be "auto" or "manual", got "${flags.customer}"`);
  }
  if (!/^-?\d+$/.test(flags.seed)) throw new UsageError(`--seed must be an integer, got "${flags.seed}"`);
  const faults: FaultSpec[] = [];
  if (flags.faults !== undefined) faults.push(...loadFaultsFile(flags.faults));
  for (const text of flags.fault) faults.push(parseFaultArg(text));

  const ticketsDir = flags.ticketsDir === undefined ? undefined : ticketsFolder(flags.ticketsDir, io.cwd);
  const sim = await startSimulator({
    ...(ticketsDir !== undefined ? { ticketsDir } : {}),
    host: flags.host,
    port,
    controlPort,
    profile: flags.profile,
    timeScale,
    customer: flags.customer,
    seed: Number(flags.seed),
    faults,
  });
  const log = boundedLog(io.stdout, LOG_MAX_BUFFERED_BYTES, (count) =>
    flags.json ? JSON.stringify({ event: 'dropped', count }) : `… ${count} log lines dropped: the terminal or pipe did not keep up (GET /transcript has them all)`,
  );
  const out = (line: string) => log.line(line);

  // Colours are for the human log only: the JSON log never loads chalk.
  const useColor = io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  const color: ChalkInstance | null = flags.json ? null : new (await import('chalk')).Chalk({ level: useColor ? 1 : 0 });

  if (color === null) {
    out(JSON.stringify({ event: 'listening', host: sim.host, port: sim.port, controlPort: sim.controlPort, ...(ticketsDir !== undefined ? { ticketsDir } : {}) }));
  } else {
    const profile = sim.getProfile();
    out(color.bold(`CashlogyConnector simulator · profile ${profile.name} · time scale ${timeScale} · seed ${flags.seed}`));
    out(`  protocol  ${sim.host}:${sim.port}   (point the POS here)`);
    if (sim.controlPort !== null) {
      out(`  control   http://${urlHost(sim.host)}:${sim.controlPort}/   (web page and control API)`);
    }
    const tickets = sim.tickets();
    if (tickets !== null) out(`  tickets   ${tickets.dir}   (CashlogyTickets look-alike, ${tickets.mode} mode: the POS writes .azk requests here)`);
    out(`  customer  ${flags.customer}${flags.customer === 'manual' ? ' (insert cash from the web page or POST /customer)' : ''}`);
    for (const fault of sim.listFaults()) out(`  fault     ${fault.id}: ${fault.description}`);
    out(color.dim('Press Ctrl-C to stop.'));
  }
  const unsubscribe = sim.onEntry((entry) => out(color === null ? jsonLine(entry) : humanLine(entry, color)));

  const signal = await io.interrupted;
  unsubscribe();
  await sim.close();
  log.flushDropped();
  if (color === null) out(JSON.stringify({ event: 'stopped', signal }));
  else out(color.dim(`stopped (${signal})`));
  log.flushDropped();
  return 0;
}

/**
 * The shared requests folder, absolute. A missing folder is created (its parent must exist), so
 * `--tickets-dir ./peticiones` works on a fresh checkout; a typo shows in the listening line.
 */
function ticketsFolder(text: string, cwd: string): string {
  if (text.trim() === '') throw new UsageError('--tickets-dir needs a folder');
  const dir = resolve(cwd, text);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--tickets-dir ${dir} exists and is not a folder`);
    return dir;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--tickets-dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    mkdirSync(dir);
  } catch (err) {
    throw new UsageError(`--tickets-dir ${dir} cannot be created: ${(err as NodeJS.ErrnoException).code ?? String(err)}${(err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (its parent folder does not exist)' : ''}`);
  }
  return dir;
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 = any free port), got "${text}"`);
  return n;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * One JSON event per transcript entry: "traffic" for frames, the event kind otherwise.
 *
 * Written out by hand, key by key in the order `JSON.stringify` gives them: the log writes two
 * of these per command, and building an object for `JSON.stringify` to walk cost more than the
 * rest of the line (docs/bench.md, Where the time goes). The strings still go through
 * `JSON.stringify`, so the bytes are exactly those of the object form (a test compares both).
 */
export function jsonLine(entry: TranscriptEntry): string {
  const dir = entry.dir;
  if (typeof entry.data !== 'string') return jsonLineObject(entry);
  let tail = entry.file !== undefined ? ',"file":' + jsonString(entry.file) : '';
  if (entry.fault !== undefined) tail += ',"fault":' + jsonString(entry.fault);
  if (dir === 'event') {
    return '{"event":' + jsonString(entry.kind ?? 'event') + ',"at":' + jsonNumber(entry.at) + ',"conn":' + jsonNumber(entry.conn) + ',"text":' + jsonString(entry.data) + tail + '}';
  }
  if (dir === 'in' || dir === 'out') {
    return '{"event":"traffic","at":' + jsonNumber(entry.at) + ',"conn":' + jsonNumber(entry.conn) + ',"dir":"' + dir + '","data":' + jsonString(entry.data) + tail + '}';
  }
  return jsonLineObject(entry);
}

/** The same line through an object and `JSON.stringify`: the reference the hand-written form must equal. */
export function jsonLineObject(entry: TranscriptEntry): string {
  if (entry.dir === 'event') {
    const event: Record<string, unknown> = { event: entry.kind ?? 'event', at: entry.at, conn: entry.conn, text: entry.data };
    if (entry.file !== undefined) event.file = entry.file;
    if (entry.fault !== undefined) event.fault = entry.fault;
    return JSON.stringify(event);
  }
  const event: Record<string, unknown> = { event: 'traffic', at: entry.at, conn: entry.conn, dir: entry.dir, data: entry.data };
  if (entry.file !== undefined) event.file = entry.file;
  if (entry.fault !== undefined) event.fault = entry.fault;
  return JSON.stringify(event);
}

export function humanLine(entry: TranscriptEntry, color: ChalkInstance): string {
  const at = color.dim(`${(entry.at / 1000).toFixed(3).padStart(9)}s`);
  const who = (entry.conn > 0 ? `#${entry.conn}` : '').padEnd(4);
  // Latin-1 text may hold control characters (a corrupt fault); show them, don't let them drive the terminal.
  const data = entry.data.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const file = entry.file !== undefined && entry.dir !== 'event' ? `${entry.file}: ` : '';
  switch (entry.dir) {
    case 'in':
      return `${at}  ${who}${color.cyan(`POS → ${file}${data}`)}`;
    case 'out':
      return `${at}  ${who}${color.green(`POS ← ${file}${data}`)}${entry.fault ? color.red(` (fault ${entry.fault})`) : ''}`;
    default: {
      const kind = entry.kind ?? 'event';
      const paint = kind === 'fault' ? color.red : kind === 'connection' ? color.dim : color.yellow;
      return `${at}  ${who}${paint(`[${kind}] ${data}`)}`;
    }
  }
}
