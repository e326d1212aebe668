/**
 * `cashlogy-cert proxy --upstream <host:port>`: a recording, fault-injecting proxy between a
 * POS and a real CashlogyConnector, until Ctrl-C (docs/proxy.md). The flags are simulate's
 * where they apply; the log is the same (human, or one JSON event per line with --json).
 *
 *   $ cashlogy-cert proxy --upstream 192.168.1.20:8092
 *   cashlogy-cert proxy → CashlogyConnector at 192.168.1.20:8092 · seed 1
 *     protocol  127.0.0.1:8092   (point the POS here)
 *     control   http://127.0.0.1:8093/   (web page and control API)
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export interface ProxyFlags {
  upstream?: string;
  host: string;
  port: string;
  controlPort: string;
  seed: string;
  fault: string[];
  faults?: string;
  json?: boolean;
}

export const registerProxy: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('proxy')
    .description('relay a POS to a real CashlogyConnector, recording the traffic and injecting transport faults, until Ctrl-C')
    .option('--upstream <host:port>', 'the real CashlogyConnector (required), e.g. 192.168.1.20:8092')
    .option('--host <host>', 'address to bind the protocol and control ports to', '127.0.0.1')
    .option('--port <port>', 'protocol port the POS connects to (0 = any free port)', '8092')
    .option('--control-port <port>', 'control API and web page port (0 = any free port, "none" = no control server)', '8093')
    .option('--seed <n>', 'seed of the random source behind probabilistic faults', '1')
    .option('--fault <spec>', 'arm a transport fault at start (repeatable), JSON or compact: disconnect:on.command=C,on.nth=2', collect, [])
    .option('--faults <file>', 'arm the transport faults listed in a YAML or JSON file')
    .option('--json', 'one JSON event per line on stdout (first line: {"event":"listening",…,"upstream":…})')
    .addHelpText(
      'after',
      `
Only transport faults (disconnect, reset, refuse, silence, latency, split, corrupt, stale-reply)
can be injected: a real machine cannot be made to jam. The proxy never sends a command of its own.

Exit codes: 0 stopped with Ctrl-C · 1 usage error (a bad flag, a domain fault) · 2 invalid faults file
            3 a port cannot be bound

Examples:
  $ cashlogy-cert proxy --upstream 192.168.1.20:8092
  $ cashlogy-cert proxy --upstream 192.168.1.20:8092 --fault disconnect:on.command=C,on.nth=2
  $ cashlogy-cert proxy --upstream 192.168.1.20:8092 --port 0 --control-port 0 --json`,
    )
    .action(async (flags: ProxyFlags) => {
      const { runProxy } = await import('./proxy-impl.js');
      setExitCode(await runProxy(flags, io));
    });
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
