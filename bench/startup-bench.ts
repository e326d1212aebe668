/**
 * Cold start, as a user or a CI step pays it: `cashlogy-cert --help` against `node -e 0` (the
 * runtime alone), and `cashlogy-cert simulate` until its listening line against a raw
 * `node:net` server until its own. Each round runs the pair back to back (order alternating);
 * the figure is the median over rounds of ours / the limit.
 */
import { jsonListening, runToEnd, startServer } from './child.js';
import { simulateArgs } from './latency-bench.js';
import { formatNumber } from './report.js';
import { median, ratioOfRounds, scaled } from './stats.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

async function helpMs(bin: string): Promise<number> {
  const run = await runToEnd(process.execPath, [bin, '--help'], 20_000);
  if (run.code !== 0 || !run.stdout.includes('Usage: cashlogy-cert')) throw new BenchFailure(`cashlogy-cert --help exited ${run.code}: ${run.stderr.slice(0, 300)}`);
  return run.elapsedMs;
}

async function nodeMs(): Promise<number> {
  const run = await runToEnd(process.execPath, ['-e', '0'], 20_000);
  if (run.code !== 0) throw new BenchFailure(`node -e 0 exited ${run.code}`);
  return run.elapsedMs;
}

async function listeningMs(label: string, args: string[]): Promise<number> {
  const server = await startServer(label, process.execPath, args, jsonListening);
  await server.stop();
  return server.startMs;
}

export async function startupBench(context: BenchContext): Promise<Measurement[]> {
  const cli = context.cli();
  const rounds = scaled(11, context.scale, 2);
  context.log(`startup: ${rounds} rounds of --help vs node -e 0, simulate vs raw until listening`);
  // Warm-up: the OS file cache holds the files afterwards, as on any second run.
  await helpMs(cli.bin);
  await nodeMs();
  const help: number[] = [];
  const bare: number[] = [];
  const simulate: number[] = [];
  const raw: number[] = [];
  const simArgs = simulateArgs(cli.bin, true);
  const rawArgs = [cli.rawServer, '{}'];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      help.push(await helpMs(cli.bin));
      bare.push(await nodeMs());
      simulate.push(await listeningMs('simulate --json', simArgs));
      raw.push(await listeningMs('raw node:net', rawArgs));
    } else {
      bare.push(await nodeMs());
      help.push(await helpMs(cli.bin));
      raw.push(await listeningMs('raw node:net', rawArgs));
      simulate.push(await listeningMs('simulate --json', simArgs));
    }
  }
  const helpRatio = ratioOfRounds(help, bare);
  const listenRatio = ratioOfRounds(simulate, raw);
  return [
    {
      metric: 'startup.help',
      value: helpRatio.median,
      unit: '×',
      rounds: helpRatio,
      note: `cashlogy-cert --help / node -e 0, spawn to exit, median of ${rounds} rounds`,
      absolute: `--help ${formatNumber(median(help))} ms · node -e 0 ${formatNumber(median(bare))} ms`,
    },
    {
      metric: 'startup.simulate-listening',
      value: listenRatio.median,
      unit: '×',
      rounds: listenRatio,
      note: `spawn until the listening line, simulate --json (control API on) / raw, median of ${rounds} rounds`,
      absolute: `simulate ${formatNumber(median(simulate))} ms · raw ${formatNumber(median(raw))} ms`,
    },
  ];
}
