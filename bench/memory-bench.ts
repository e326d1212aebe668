/**
 * Memory stays bounded under abuse: clients flooding a frame longer than the maximum (the
 * simulator must answer `#ER:BAD_DATA#`, close, and drop the rest unread), and hundreds of
 * clients connecting and disconnecting over and over. Also what the transcript costs per
 * 10 000 frames, since it is the one structure that grows with traffic by design.
 */
import { connect } from 'node:net';
import { BenchClient, LOOPBACK } from './tcp-client.js';
import { canCollect, MB, settledMemory, type MemoryReading } from './memory.js';
import { initialise, totalRoundTrip, withSimulator } from './simulator-bench.js';
import { scaled } from './stats.js';
import { BenchFailure, type BenchContext, type Measurement } from './types.js';

const FLOOD_CHUNK = Buffer.alloc(64 * 1024, 'A'.charCodeAt(0));

interface FloodResult {
  sent: number;
  reply: string;
}

/**
 * One client writes `#C#` followed by an endless parameter, ignoring the reply and the
 * simulator's FIN, until `limitBytes` is sent or the simulator drops the connection. A client
 * that has sent everything waits, without closing its side, until the simulator has ended the
 * connection: one that never does fails the benchmark. Writes respect backpressure, so the
 * client side never holds more than a chunk or two.
 */
export function flood(port: number, limitBytes: number, timeoutMs = 15_000): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: keep writing after the simulator's FIN, as a misbehaving client would.
    const socket = connect({ host: LOOPBACK, port, allowHalfOpen: true });
    let sent = 0;
    let reply = '';
    let finished = false;
    let simulatorEnded = false;
    const timer = setTimeout(
      () => finish(new BenchFailure(`the simulator kept a connection open ${timeoutMs} ms after an over-long frame (${(sent / MB).toFixed(1)} MB sent)`)),
      timeoutMs,
    );
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve({ sent, reply });
    };
    const pump = () => {
      while (!finished && sent < limitBytes) {
        const ok = socket.write(FLOOD_CHUNK);
        sent += FLOOD_CHUNK.length;
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
      if (simulatorEnded) finish();
    };
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
    });
    // Only the simulator ends this connection: FIN, or EPIPE/ECONNRESET once it dropped it.
    socket.on('end', () => {
      simulatorEnded = true;
      if (sent >= limitBytes) finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.once('connect', () => {
      socket.write('#C#');
      sent += 3;
      pump();
    });
  });
}

async function floodBench(context: BenchContext): Promise<Measurement[]> {
  const clients = scaled(40, context.scale, 2);
  const limit = scaled(8 * MB, context.scale, 256 * 1024);
  return withSimulator('manual', async (sim) => {
    await flood(sim.port, limit); // warm-up: code paths compiled, socket buffers allocated once
    const before = await settledMemory();
    let sent = 0;
    let peakRss = before.rss;
    // Five at a time: concurrent abusers, but not 40 sockets' worth of kernel buffers in flight.
    for (let i = 0; i < clients; i += 5) {
      const batch = await Promise.all(Array.from({ length: Math.min(5, clients - i) }, () => flood(sim.port, limit)));
      for (const result of batch) {
        if (result.reply !== '#ER:BAD_DATA#') throw new BenchFailure(`flooding client got ${JSON.stringify(result.reply.slice(0, 40))} instead of #ER:BAD_DATA#`);
        sent += result.sent;
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    await sim.reset({ closeConnections: false }); // the transcript keeps one event per abuser; its cost is measured on its own below
    const after = await settledMemory();
    context.log(`memory: ${clients} clients flooded ${(sent / MB).toFixed(0)} MB of an over-long frame`);
    return [
      { metric: 'memory.flood-heap-growth', value: (after.heapUsed - before.heapUsed) / MB, unit: 'MB', note: `${clients} clients sent ${(sent / MB).toFixed(0)} MB past the 4 KiB limit` },
      { metric: 'memory.flood-rss-peak-growth', value: (peakRss - before.rss) / MB, unit: 'MB', note: 'highest RSS during the flood, over the RSS before' },
    ];
  });
}

async function churnRound(port: number, clients: number): Promise<void> {
  const open = await Promise.all(Array.from({ length: clients }, () => BenchClient.open(port)));
  await Promise.all(
    open.map(async (client) => {
      await totalRoundTrip(client);
      await client.close();
    }),
  );
}

async function churnBench(context: BenchContext): Promise<Measurement[]> {
  const clients = scaled(200, context.scale, 3);
  const rounds = scaled(15, context.scale, 3);
  return withSimulator('manual', async (sim) => {
    const setup = await BenchClient.open(sim.port);
    await initialise(setup);
    await setup.close();
    // Warm-up rounds: the first connections allocate pools and compile code that later ones reuse.
    await churnRound(sim.port, clients);
    await churnRound(sim.port, clients);
    await sim.reset({ closeConnections: false });
    await initialiseAgain(sim.port);
    let baseline: MemoryReading | undefined;
    let peakRss = 0;
    for (let round = 0; round < rounds; round++) {
      await churnRound(sim.port, clients);
      // Reset drops the transcript (4 entries per connection) and the #I# state, hence the new #I#.
      await sim.reset({ closeConnections: false });
      await initialiseAgain(sim.port);
      if (round === 0) baseline = await settledMemory();
      else peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const after = await settledMemory();
    const start = baseline ?? after;
    context.log(`memory: ${rounds} rounds of ${clients} clients connecting, asking #T#, disconnecting`);
    return [
      { metric: 'memory.churn-heap-growth', value: (after.heapUsed - start.heapUsed) / MB, unit: 'MB', note: `heap after round ${rounds} over after round 1, ${clients} clients per round` },
      { metric: 'memory.churn-rss-growth', value: (Math.max(peakRss, after.rss) - start.rss) / MB, unit: 'MB', note: `${(rounds - 1) * clients} more connections after round 1` },
    ];
  });
}

async function initialiseAgain(port: number): Promise<void> {
  const client = await BenchClient.open(port);
  await initialise(client);
  await client.close();
}

async function transcriptBench(context: BenchContext): Promise<Measurement[]> {
  const roundTrips = scaled(5000, context.scale, 10);
  return withSimulator('manual', async (sim) => {
    const client = await BenchClient.open(sim.port);
    try {
      await initialise(client);
      await sim.reset({ closeConnections: false });
      await initialise(client);
      const before = await settledMemory();
      const entriesBefore = sim.getTranscript().length;
      for (let i = 0; i < roundTrips; i++) await totalRoundTrip(client);
      const after = await settledMemory();
      const frames = sim.getTranscript().filter((entry) => entry.dir !== 'event').length;
      if (frames < roundTrips * 2) throw new BenchFailure(`transcript holds ${frames} frames after ${roundTrips} round trips`);
      const grown = sim.getTranscript().length - entriesBefore;
      const perTenThousand = ((after.heapUsed - before.heapUsed) / grown) * 10_000;
      context.log(`memory: transcript of ${grown} entries after ${roundTrips} #T# round trips`);
      return [{ metric: 'memory.transcript-per-10k-frames', value: perTenThousand / MB, unit: 'MB', note: `heap growth over ${grown} transcript entries, scaled to 10 000` }];
    } finally {
      await client.close();
    }
  });
}

export async function memoryBench(context: BenchContext): Promise<Measurement[]> {
  if (!canCollect()) context.log('memory: no garbage collector access, readings include uncollected garbage');
  return [...(await floodBench(context)), ...(await churnBench(context)), ...(await transcriptBench(context))];
}
