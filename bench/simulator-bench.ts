/**
 * The simulator end to end over loopback TCP: `#T#` round trips on one persistent connection
 * (latency percentiles), the same with 50 clients at once (throughput and tail latency), and
 * complete `#C#` sales with the automatic customer at the smallest time scale.
 */
import { performance } from 'node:perf_hooks';
import { startSimulator } from '../src/server/start.js';
import type { SimulatorHandle } from '../src/server/types.js';
import { checkSaleReply, expressSaleFrame } from './machine-bench.js';
import { percentile, scaled } from './stats.js';
import { BenchClient } from './tcp-client.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

/**
 * Simulated durations shrink by this factor: a 1.5 s note takes 0.15 ms, so a sale costs the
 * simulator's own work and its timer hops, not the pretend mechanics.
 */
export const BENCH_TIME_SCALE = 0.0001;

/** `#T#` answers `#0#<recyclers>#<stacker>#`: status and two fields. */
const TOTAL_FIELDS = 3;
const SALE_FIELDS = 5;

export async function withSimulator<T>(customer: 'auto' | 'manual', use: (sim: SimulatorHandle) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ host: '127.0.0.1', port: 0, controlPort: null, timeScale: BENCH_TIME_SCALE, customer });
  try {
    return await use(sim);
  } finally {
    await sim.close();
  }
}

export async function initialise(client: BenchClient): Promise<void> {
  const reply = await client.request('#I#', 2);
  if (!reply.startsWith('#0#')) throw new BenchFailure(`#I# answered ${reply}`);
}

/** One `#T#` round trip; returns its latency in ms. */
export async function totalRoundTrip(client: BenchClient): Promise<number> {
  const start = performance.now();
  const reply = await client.request('#T#', TOTAL_FIELDS);
  const latency = performance.now() - start;
  if (!reply.startsWith('#0#')) throw new BenchFailure(`#T# answered ${reply}`);
  return latency;
}

async function persistentLatency(sim: SimulatorHandle, count: number, budgetMs: number): Promise<number[]> {
  const client = await BenchClient.open(sim.port);
  try {
    await initialise(client);
    for (let i = 0; i < Math.min(200, count); i++) await totalRoundTrip(client); // warm-up
    const latencies: number[] = [];
    const start = performance.now();
    while (latencies.length < count && performance.now() - start < budgetMs) latencies.push(await totalRoundTrip(client));
    return latencies;
  } finally {
    await client.close();
  }
}

async function concurrentRoundTrips(sim: SimulatorHandle, clients: number, perClient: number, budgetMs: number): Promise<{ latencies: number[]; perSecond: number }> {
  const open = await Promise.all(Array.from({ length: clients }, () => BenchClient.open(sim.port)));
  try {
    const first = open[0];
    if (first) await initialise(first); // #I# state is global (dialect default): one client initialises for all
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(
      open.map(async (client) => {
        for (let i = 0; i < perClient && performance.now() - start < budgetMs; i++) latencies.push(await totalRoundTrip(client));
      }),
    );
    const elapsed = performance.now() - start;
    return { latencies, perSecond: (latencies.length * 1000) / Math.max(elapsed, 1e-6) };
  } finally {
    await Promise.all(open.map((client) => client.close()));
  }
}

async function salesOverTcp(sim: SimulatorHandle, count: number, budgetMs: number): Promise<{ perSecond: number; done: number }> {
  const client = await BenchClient.open(sim.port);
  try {
    await initialise(client);
    const amounts = [990, 360, 1250, 4575, 12, 2000];
    const sale = async (i: number) => {
      const amount = amounts[i % amounts.length] ?? 990;
      checkSaleReply(await client.request(expressSaleFrame(i + 1, amount), SALE_FIELDS), amount);
    };
    await sale(0); // warm-up
    let done = 0;
    const start = performance.now();
    while (done < count && performance.now() - start < budgetMs) {
      // A fresh inventory every 40 sales, as in the machine benchmark: the auto customer's cash fills the machine.
      if (done % 40 === 39) {
        await sim.reset({ closeConnections: false });
        await initialise(client);
      }
      await sale(done + 1);
      done++;
    }
    return { perSecond: (done * 1000) / Math.max(performance.now() - start, 1e-6), done };
  } finally {
    await client.close();
  }
}

export async function simulatorBench(context: BenchContext): Promise<Measurement[]> {
  const roundTrips = scaled(5000, context.scale, 20);
  const clients = scaled(50, context.scale, 3);
  const perClient = scaled(100, context.scale, 5);
  const sales = scaled(100, context.scale, 3);
  return withSimulator('auto', async (sim) => {
    context.log(`simulator: ${roundTrips} #T# round trips on one connection`);
    const single = await persistentLatency(sim, roundTrips, 8000);
    context.log(`simulator: ${clients} clients × ${perClient} #T# at once`);
    const concurrent = await concurrentRoundTrips(sim, clients, perClient, 8000);
    context.log(`simulator: up to ${sales} #C# sales with the automatic customer (time scale ${BENCH_TIME_SCALE})`);
    const saleResult = await salesOverTcp(sim, sales, 6000);
    return [
      { metric: 'simulator.roundtrip-p50', value: percentile(single, 0.5), unit: 'ms', note: `#T# on one persistent connection, ${single.length} round trips` },
      { metric: 'simulator.roundtrip-p99', value: percentile(single, 0.99), unit: 'ms', note: `same ${single.length} round trips` },
      { metric: 'simulator.concurrent-per-second', value: concurrent.perSecond, unit: 'req/s', note: `${clients} clients issuing #T#, ${concurrent.latencies.length} round trips` },
      { metric: 'simulator.concurrent-p99', value: percentile(concurrent.latencies, 0.99), unit: 'ms', note: `#T# latency with ${clients} clients` },
      { metric: 'simulator.sales-per-second', value: saleResult.perSecond, unit: 'sales/s', note: `${saleResult.done} #C# sales, auto customer, time scale ${BENCH_TIME_SCALE}` },
    ];
  });
}
