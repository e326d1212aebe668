/**
 * When a command that could still grow ends (the dialect's `requestEnd`, docs/protocol-choices.md,
 * Framing), on the real simulator over real sockets. The quiet gap is set to a minute, so a frame
 * that needed it would leave the test waiting: every reply below proves which rule ended it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { TestClient } from './helpers.js';

const A_MINUTE = 60_000;
let sim: FullSimulatorHandle | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await sim?.close();
  sim = undefined;
});

async function ready(profile: string): Promise<TestClient> {
  sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01, profile, idleFlushMs: A_MINUTE });
  const c = await TestClient.open(sim.port);
  clients.push(c);
  await c.exchange('#I#', '#0#2.01#');
  return c;
}

const framesIn = () => (sim?.getTranscript() ?? []).filter((e) => e.dir === 'in').map((e) => e.data);

describe('requestEnd: arrival (the default, eur-pos1500)', () => {
  it('answers a shorter form that came whole in one read at once: #?#, #B#0#', async () => {
    const c = await ready('eur-pos1500');
    await c.exchange('#?#', '#0##');
    await c.exchange('#B#0#', '#0#');
    expect(framesIn()).toEqual(['#I#', '#?#', '#B#0#']);
  });

  it('reads a frame that came in pieces whole', async () => {
    const c = await ready('eur-pos1500');
    c.send('#B#');
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.send('0#0#0#');
    await c.expect('#0#');
    expect(framesIn()).toEqual(['#I#', '#B#0#0#0#']);
  });

  it('answers a first piece that is itself a whole form on its own, as a connector acting on each arrival', async () => {
    const c = await ready('eur-pos1500');
    await c.exchange('#?#', '#0##');
    c.send('1110#0#');
    await c.expect('#ER:BAD_DATA#');
    expect(framesIn()).toEqual(['#I#', '#?#', '1110']);
  });
});

describe('requestEnd: quiet (usd-pos1500)', () => {
  it('waits for the rest of a shorter form, so a frame written in pieces is read whole', async () => {
    const c = await ready('usd-pos1500');
    c.send('#?#');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(c.pending()).toBe('');
    c.send('1110#0#');
    // One frame: the details of error 1110.
    const [status, detail] = await c.readFields(2);
    expect(status).toBe('0');
    expect(detail).toMatch(/^1110\|/);
    expect(framesIn()).toEqual(['#I#', '#?#1110#0#']);
  });
});
