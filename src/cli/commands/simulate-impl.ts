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
import { startSimulator } from '../../server/start.js';
import type { CliIo } from '../io.js';
import { boundedLog, LOG_MAX_BUFFERED_BYTES } from '../bounded-log.js';
import { humanLine, writeJsonLine } from '../log-lines.js';
import type { SimulateFlags } from './simulate.js';

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
  const unsubscribe = sim.onEntry(color === null ? (entry) => log.encoded(writeJsonLine, entry) : (entry) => out(humanLine(entry, color)));

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
