/**
 * `cashlogy-cert simulate`: run the connector simulator until Ctrl-C, with a live log of the
 * traffic (human, or one JSON event per line with --json).
 *
 *   $ cashlogy-cert simulate --time-scale 0.1 --customer auto
 *   CashlogyConnector simulator · profile eur-pos1500 · time scale 0.1 · seed 1
 *     protocol  127.0.0.1:8092   (point the POS here)
 *     control   http://127.0.0.1:8093/   (web page and control API)
 *        1.204s  #1  POS → #I#
 *        1.309s  #1  POS ← #0#2.01#
 *
 * The log is bounded: when its reader stalls (a CI step that stopped reading the pipe), at most
 * LOG_MAX_BUFFERED_BYTES wait in memory; later lines are dropped and counted, and once the
 * reader has caught up one line says how many were lost (`{"event":"dropped","count":n}` with
 * --json). The transcript itself (GET /transcript) keeps every entry.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export interface SimulateFlags {
  host: string;
  port: string;
  controlPort: string;
  profile: string;
  timeScale: string;
  customer: string;
  seed: string;
  fault: string[];
  faults?: string;
  ticketsDir?: string;
  json?: boolean;
}

export const registerSimulate: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('simulate')
    .description('run the CashlogyConnector simulator (TCP protocol port + control API and web page) until Ctrl-C')
    .option('--host <host>', 'address to bind the protocol and control ports to', '127.0.0.1')
    .option('--port <port>', 'protocol port (0 = any free port)', '8092')
    .option('--control-port <port>', 'control API and web page port (0 = any free port, "none" = no control server)', '8093')
    .option('--profile <name|file>', 'machine profile: a name from simulator/ or a YAML file', 'eur-pos1500')
    .option('--time-scale <factor>', 'multiply every simulated duration (0.01 = 100x faster)', '1')
    .option('--customer <mode>', 'simulated customer: auto (pays by itself) or manual (waits for the web page or API)', 'manual')
    .option('--seed <n>', 'seed of the random source behind probabilistic faults', '1')
    .option('--fault <spec>', 'arm a fault at start (repeatable), JSON or compact: latency:ms=800, note-jam:on.command=C,on.after=40%', collect, [])
    .option('--faults <file>', 'arm the faults listed in a YAML or JSON file')
    .option('--tickets-dir <dir>', 'also run the CashlogyTickets look-alike on this shared requests folder (created when missing; docs/tickets.md)')
    .option('--json', 'one JSON event per line on stdout (first line: {"event":"listening",…})')
    .addHelpText(
      'after',
      `
Examples:
  $ cashlogy-cert simulate
  $ cashlogy-cert simulate --port 0 --control-port 0 --json --time-scale 0.01 --customer auto
  $ cashlogy-cert simulate --fault 'split:at=3' --fault '{"type":"note-jam","on":{"command":"C","after":"40%"}}'
  $ cashlogy-cert simulate --tickets-dir ./peticiones --time-scale 0.1`,
    )
    .action(async (flags: SimulateFlags) => {
      const { runSimulate } = await import('./simulate-impl.js');
      setExitCode(await runSimulate(flags, io));
    });
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
