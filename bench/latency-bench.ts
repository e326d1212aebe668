/**
 * `#T#` round trips through `cashlogy-cert simulate` as users run it (a separate process, its
 * log piped to a reader: once `--json`, once the human log) against a raw `node:net` server
 * process answering the same bytes (bench/raw-server.ts). One client asking in a loop, then
 * 100 clients asking at once; p50 and p99 of each, per round, the three servers measured back
 * to back in a rotating order; the figure is the median over rounds of simulate / raw, once
 * every server is warm (the steady state), and the first round of fresh servers apart.
 */
import { performance } from 'node:perf_hooks';
import { TRANSCRIPT_MEMORY_ENTRIES } from '../src/server/transcript-log.js';
import { jsonListening, humanListening, startServer, type ServerProcess } from './child.js';
import { formatNumber } from './report.js';
import { median, percentile, ratioOfRounds, scaled } from './stats.js';
import { BenchClient } from './tcp-client.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

/** `#T#` answers `#0#<recyclers>#<stacker>#`: status and two fields. */
const TOTAL_FIELDS = 3;

export interface Target {
  server: ServerProcess;
  clients: BenchClient[];
}

export function simulateArgs(bin: string, json: boolean): string[] {
  // As users run it: control API and web page on, automatic customer, the log on stdout. The
  // time scale only shortens the first #I# (a cold start takes 8 simulated seconds); #T# is instant.
  return [bin, 'simulate', '--port', '0', '--control-port', '0', '--customer', 'auto', '--time-scale', '0.01', ...(json ? ['--json'] : [])];
}

/** The replies the raw server must give: exactly the simulator's bytes for the same frames. */
export async function simulatorReplies(port: number): Promise<Record<string, string>> {
  const client = await BenchClient.open(port);
  try {
    const init = await client.request('#I#', 2);
    if (!init.startsWith('#0#')) throw new BenchFailure(`#I# answered ${init}`);
    const total = await client.request('#T#', TOTAL_FIELDS);
    if (!total.startsWith('#0#')) throw new BenchFailure(`#T# answered ${total}`);
    return { '#I#': init, '#T#': total };
  } finally {
    await client.close();
  }
}

export async function roundTrip(client: BenchClient): Promise<number> {
  const start = performance.now();
  const reply = await client.request('#T#', TOTAL_FIELDS);
  const latency = performance.now() - start;
  if (!reply.startsWith('#0#')) throw new BenchFailure(`#T# answered ${reply}`);
  return latency;
}

async function oneClient(target: Target, count: number): Promise<number[]> {
  const client = target.clients[0];
  if (!client) throw new BenchFailure('no client');
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push(await roundTrip(client));
  return latencies;
}

async function allClients(target: Target, perClient: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    target.clients.map(async (client) => {
      for (let i = 0; i < perClient; i++) latencies.push(await roundTrip(client));
    }),
  );
  return latencies;
}

interface Phase {
  p50: number[];
  p99: number[];
}

const emptyPhase = (): Phase => ({ p50: [], p99: [] });

function record(phase: Phase, latencies: readonly number[]): void {
  phase.p50.push(percentile(latencies, 0.5));
  phase.p99.push(percentile(latencies, 0.99));
}

export async function latencyBench(context: BenchContext): Promise<Measurement[]> {
  const cli = context.cli();
  const rounds = scaled(7, context.scale, 2);
  const single = scaled(400, context.scale, 10);
  const clientCount = scaled(100, context.scale, 3);
  const perClient = scaled(20, context.scale, 2);
  const started: ServerProcess[] = [];
  const targets = new Map<string, Target>();
  try {
    const simJson = await startServer('simulate --json', process.execPath, simulateArgs(cli.bin, true), jsonListening);
    started.push(simJson);
    const simHuman = await startServer('simulate', process.execPath, simulateArgs(cli.bin, false), humanListening);
    started.push(simHuman);
    const replies = await simulatorReplies(simJson.port);
    await simulatorReplies(simHuman.port);
    const raw = await startServer('raw node:net', process.execPath, [cli.rawServer, JSON.stringify(replies)], jsonListening);
    started.push(raw);
    for (const [name, server] of [['json', simJson], ['human', simHuman], ['raw', raw]] as const) {
      const clients = await Promise.all(Array.from({ length: clientCount }, () => BenchClient.open(server.port)));
      targets.set(name, { server, clients });
      const first = clients[0];
      const init = first ? await first.request('#I#', 2) : '';
      if (!init.startsWith('#0#')) throw new BenchFailure(`${server.label}: #I# answered ${init}`);
    }
    const names = ['json', 'human', 'raw'] as const;
    context.log(`latency: ${rounds} rounds × (1 client × ${single} #T#, ${clientCount} clients × ${perClient} #T#) on simulate --json, simulate, raw`);
    // The first round of fresh servers is kept apart (informative): a new simulator's first
    // requests also pay for the JIT compiling its hot path and for its transcript's memory
    // growing to its bound. Then the warm-up runs until that memory is full (two entries per
    // `#T#`; from then on it spills a slice at a time, as in any long run), so the rounds that
    // count measure the steady state a load test or a long CI job sees.
    const first = new Map(names.map((name) => [name, emptyPhase()]));
    for (const name of names) {
      const target = targets.get(name);
      const phase = first.get(name);
      if (!target || !phase) continue;
      record(phase, await allClients(target, perClient));
    }
    const warmPerClient = scaled(Math.ceil(TRANSCRIPT_MEMORY_ENTRIES / 2 / clientCount), context.scale, 5);
    context.log(`latency: warm-up ${clientCount} clients × ${warmPerClient} #T# each (the transcript's memory bound, ${TRANSCRIPT_MEMORY_ENTRIES} entries)`);
    for (const name of names) {
      const target = targets.get(name);
      if (!target) continue;
      await oneClient(target, Math.min(single, 200));
      await allClients(target, warmPerClient);
    }
    const results = new Map(names.map((name) => [name, { one: emptyPhase(), many: emptyPhase() }]));
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first: a server measured right after another pays for its garbage.
      const order = names.map((_, i) => names[(i + round) % names.length] as (typeof names)[number]);
      for (const name of order) {
        const target = targets.get(name);
        const result = results.get(name);
        if (!target || !result) continue;
        record(result.one, await oneClient(target, single));
        record(result.many, await allClients(target, perClient));
      }
    }
    const rawResult = results.get('raw');
    if (!rawResult) throw new BenchFailure('no raw figures');
    const measurements: Measurement[] = [];
    for (const variant of ['json', 'human'] as const) {
      const ours = results.get(variant);
      if (!ours) continue;
      const label = variant === 'json' ? 'simulate --json' : 'simulate';
      for (const [phase, clients] of [['one', 1], ['many', clientCount]] as const) {
        for (const q of ['p50', 'p99'] as const) {
          const mine = ours[phase][q];
          const limit = rawResult[phase][q];
          const rounds_ = ratioOfRounds(mine, limit);
          measurements.push({
            metric: `latency.${variant}-${phase === 'one' ? 1 : 100}-${q}`,
            value: rounds_.median,
            unit: '×',
            rounds: rounds_,
            note: `#T# ${q}, ${clients} client${clients > 1 ? 's' : ''}, ${label} / raw, median of ${rounds} rounds`,
            absolute: `${label} ${formatNumber(median(mine))} ms · raw ${formatNumber(median(limit))} ms`,
          });
        }
      }
    }
    const rawFirst = first.get('raw');
    for (const variant of ['json', 'human'] as const) {
      const ours = first.get(variant);
      if (!ours || !rawFirst) continue;
      const label = variant === 'json' ? 'simulate --json' : 'simulate';
      for (const q of ['p50', 'p99'] as const) {
        const mine = ours[q][0] ?? Number.NaN;
        const limit = rawFirst[q][0] ?? Number.NaN;
        measurements.push({
          metric: `latency.${variant}-100-${q}-first`,
          value: mine / limit,
          unit: '×',
          note: `#T# ${q}, ${clientCount} clients, the first ${perClient} requests each of a fresh ${label} / raw`,
          absolute: `${label} ${formatNumber(mine)} ms · raw ${formatNumber(limit)} ms`,
        });
      }
    }
    const logged = started.map((s) => `${s.label} ${formatNumber(s.stdoutBytes() / 1024 / 1024)} MB`).join(', ');
    context.log(`latency: stdout read: ${logged}`);
    return measurements;
  } finally {
    for (const target of targets.values()) for (const client of target.clients) client.destroy();
    await Promise.all(started.map((s) => s.stop()));
  }
}
