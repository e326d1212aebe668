/**
 * The "real connector" of the proxy tests: a simulator on 127.0.0.1 port 0, with the proxy in
 * front of it on port 0. Nothing here connects anywhere but loopback.
 */
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { startProxy, type ProxyHandle, type ProxyOptions } from '../../src/proxy/proxy.js';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import type { SimulatorOptions } from '../../src/server/types.js';

export interface Rig {
  sim: FullSimulatorHandle;
  proxy: ProxyHandle;
  close(): Promise<void>;
}

export async function startRig(simOptions: SimulatorOptions = {}, proxyOptions: Partial<ProxyOptions> = {}): Promise<Rig> {
  const sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, ...simOptions });
  const proxy = await startProxy({ upstream: { host: sim.host, port: sim.port }, port: 0, controlPort: null, ...proxyOptions });
  return {
    sim,
    proxy,
    async close() {
      await proxy.close();
      await sim.close();
    },
  };
}

/** The frames of a transcript as (conn, dir, data), events left out: what "frame for frame" compares. */
export function frames(entries: readonly TranscriptEntry[]): { conn: number; dir: string; data: string }[] {
  return entries.filter((e) => e.dir !== 'event').map((e) => ({ conn: e.conn, dir: e.dir, data: e.data }));
}

export function faultEvents(entries: readonly TranscriptEntry[]): string[] {
  return entries.filter((e) => e.dir === 'event' && e.kind === 'fault').map((e) => e.data);
}
