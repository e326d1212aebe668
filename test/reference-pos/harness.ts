/**
 * A real simulator on 127.0.0.1:0 at a fast time scale, plus a POS pointed at it.
 */
import { startSimulator } from '../../src/server/start.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/server/types.js';
import { ReferencePos, type ReferencePosOptions } from '../../src/reference-pos/pos.js';

export type PosFactory = (options: ReferencePosOptions) => ReferencePos;

export interface Rig {
  sim: SimulatorHandle;
  pos: ReferencePos;
  /** Frames the POS sent, in order. */
  sent(): string[];
  /** Frames the connector answered, in order. */
  replies(): string[];
  close(): Promise<void>;
}

export async function startRig(
  integration: ReferencePosOptions['integration'],
  options: { features?: string[]; sim?: SimulatorOptions; create?: PosFactory; log?: boolean } = {},
): Promise<Rig> {
  const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, customer: 'auto', ...options.sim });
  const posOptions: ReferencePosOptions = {
    host: sim.host,
    port: sim.port,
    integration,
    features: options.features ?? [],
    pollIntervalMs: 20,
    errorPollIntervalMs: 200,
    refillSettleMs: 300,
    refillIdleMs: 5_000,
    connection: { shortReplyIdleMs: 150, damagedReplyIdleMs: 1_000, connectTimeoutMs: 5_000 },
    ...(options.log ? { log: (line: string) => process.stderr.write(`[pos] ${line}\n`) } : {}),
  };
  const pos = (options.create ?? ((o) => new ReferencePos(o)))(posOptions);
  const frames = (dir: 'in' | 'out') =>
    sim
      .getTranscript()
      .filter((e) => e.dir === dir)
      .map((e) => e.data);
  return {
    sim,
    pos,
    sent: () => frames('in'),
    replies: () => frames('out'),
    close: async () => {
      await pos.close();
      await sim.close();
    },
  };
}

/** Polls until `condition` holds (an upper bound only; never a timing assertion). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function commands(frames: string[]): string[] {
  return frames.map((f) => f.split('#')[1] ?? '');
}
