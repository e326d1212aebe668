/**
 * `cashlogy-cert replay <recording>`: a connector that answers a POS exactly as a recorded one
 * did (a run's result.json, a `GET /transcript` dump, a proxy capture), and says where the POS
 * parts from the recording. Serve it and point a POS at it, or give `--pos` to drive the POS
 * through the recorded item's actions. docs/replay.md.
 *
 *   exit 0 the POS followed the recording to its end · 4 it diverged · 1 usage · 2 an invalid
 *   recording or pos.yaml · 3 the connector or the POS could not start · 130 Ctrl-C (--pos)
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import type { RegisterCommand } from './types.js';

export interface ReplayFlags {
  item?: string;
  host: string;
  port?: string;
  timeScale: string;
  json?: boolean;
  pos?: string;
}

export const registerReplay: RegisterCommand = (program: Command, io: CliIo, setExitCode: (code: number) => void) => {
  program
    .command('replay')
    .description('answer a POS exactly as a recorded connector did, and report where the POS diverges from the recording')
    .argument('<recording>', 'a result.json (one item is replayed), or a transcript JSON (GET /transcript, a proxy capture)')
    .option('--item <id>', 'the item of the result to replay (needed when several items have traffic)')
    .option('--host <host>', 'address the replay connector binds to', '127.0.0.1')
    .option('--port <port>', 'protocol port (0 = any free port); default 8092, or any free port with --pos')
    .option('--time-scale <factor>', 'multiply every recorded delay (0.01 = answer 100x sooner)', '1')
    .option('--pos <pos.yaml>', "start this POS through its driver and run the recorded item's actions against the replay")
    .option('--json', 'one JSON event per line on stdout (first line: {"event":"listening",…})')
    .addHelpText(
      'after',
      `
Exit codes: 0 the POS followed the recording to its end · 4 it diverged (first diverging frame named)
            1 usage error · 2 invalid recording or pos.yaml · 3 the connector or the POS could not start

Examples:
  $ cashlogy-cert replay cashlogy-reports/latest/result.json --item EXP-12 --pos pos.yaml --time-scale 0.01
  $ cashlogy-cert replay capture.json --port 8092          # serve; point the POS here, Ctrl-C for the verdict`,
    )
    .action(async (recording: string, flags: ReplayFlags) => {
      const { runReplay } = await import('./replay-impl.js');
      setExitCode(await runReplay(recording, flags, io));
    });
};
