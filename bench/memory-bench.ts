/**
 * Resident memory of `cashlogy-cert simulate --json` holding 1,000 idle connections, against a
 * raw `node:net` server process holding the same 1,000. Each connection asks `#T#` once (so
 * each server has really accepted it and set up whatever it keeps per connection), then stays
 * silent; the RSS of both processes is read from the OS. Rounds alternate which server goes
 * first; the figure is the median over rounds of simulate / raw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonListening, startServer, type ServerProcess } from './child.js';
import { roundTrip, simulateArgs, simulatorReplies } from './latency-bench.js';
import { formatNumber } from './report.js';
import { median, ratioOfRounds, scaled } from './stats.js';
import { BenchClient } from './tcp-client.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

const MB = 1024 * 1024;
/** Opened this many at a time: the listen backlog of either server is not what is measured. */
const CONNECT_BATCH = 100;

async function holdIdle(server: ServerProcess, connections: number): Promise<number> {
  const clients: BenchClient[] = [];
  try {
    for (let i = 0; i < connections; i += CONNECT_BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, connections - i) }, () => BenchClient.open(server.port)));
      clients.push(...batch);
      await Promise.all(batch.map((client) => roundTrip(client)));
    }
    // Idle: let both processes settle (deferred frees, timers of new connections) before reading.
    await sleep(300);
    const readings: number[] = [];
    for (let i = 0; i < 3; i++) {
      readings.push(server.rss());
      await sleep(50);
    }
    return median(readings);
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => client.destroy())));
  }
}

export async function memoryBench(context: BenchContext): Promise<Measurement[]> {
  const cli = context.cli();
  const connections = scaled(1000, context.scale, 5);
  const rounds = scaled(3, context.scale, 2);
  const started: ServerProcess[] = [];
  try {
    const sim = await startServer('simulate --json', process.execPath, simulateArgs(cli.bin, true), jsonListening);
    started.push(sim);
    const replies = await simulatorReplies(sim.port);
    const raw = await startServer('raw node:net', process.execPath, [cli.rawServer, JSON.stringify(replies)], jsonListening);
    started.push(raw);
    context.log(`memory: ${rounds} rounds of ${connections} idle connections held by simulate --json and by raw`);
    const ours: number[] = [];
    const limit: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        ours.push(await holdIdle(sim, connections));
        limit.push(await holdIdle(raw, connections));
      } else {
        limit.push(await holdIdle(raw, connections));
        ours.push(await holdIdle(sim, connections));
      }
    }
    if (ours.some((v) => !(v > 0)) || limit.some((v) => !(v > 0))) throw new BenchFailure('could not read the RSS of a server process');
    const summary = ratioOfRounds(ours, limit);
    return [
      {
        metric: 'memory.rss-1000-idle',
        value: summary.median,
        unit: '×',
        rounds: summary,
        note: `RSS holding ${connections} idle connections, simulate --json / raw, median of ${rounds} rounds`,
        absolute: `simulate ${formatNumber(median(ours) / MB)} MB · raw ${formatNumber(median(limit) / MB)} MB`,
      },
    ];
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}
