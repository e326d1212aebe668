/**
 * A fast seeded slice of the soak's protocol fuzzer (scripts/soak, docs/reliability.md) against
 * an in-process simulator: random bytes with NUL and high bytes, valid and mutated frames,
 * pipelined; frames split at every byte. After each batch, the soak's checks: GET /state
 * answers, a fresh client's `#T#` says what GET /state says, money is conserved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkAfterBatch, openSocket, ask, type Target } from '../../scripts/soak/checks.js';
import { badReplyByte, createRandom, QUERY_FRAMES, unit } from '../../scripts/soak/fuzz.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { startSimulator } from '../../src/server/start.js';
import { eventually } from './helpers.js';

let sim: FullSimulatorHandle | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function target(): Promise<Target> {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
  return { host: '127.0.0.1', port: sim.port, controlPort: sim.controlPort as number };
}

describe('seeded protocol fuzz (fast slice of npm run soak)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1500 units on two connections, then the batch checks hold`, async () => {
      const t = await target();
      const random = createRandom(seed);
      const sockets = await Promise.all([openSocket(t), openSocket(t)]);
      const received = sockets.map(() => '');
      sockets.forEach((s, k) => s.on('data', (b: Buffer) => (received[k] += b.toString('latin1'))));
      for (let i = 0; i < 1500; i++) {
        const s = sockets[i % 2]!;
        s.write(unit(random).bytes);
        if (i % 100 === 99) await new Promise((r) => setImmediate(r));
      }
      for (const s of sockets) s.end();
      await eventually(() => (sim!.getState() as { connections?: number }).connections === 0 || undefined, 'the fuzz connections to close');
      for (const text of received) {
        expect(text.length).toBeGreaterThan(0);
        expect(badReplyByte(text)).toBe(-1);
      }
      const check = await checkAfterBatch(t);
      expect(check.problems).toEqual([]);
      expect(check.totalsReply).toMatch(/^#0#\d+#\d+#$/);
    }, 60_000);
  }

  it('a query frame split at every byte gets the reply the whole frame gets', async () => {
    const t = await target();
    const s = await openSocket(t);
    try {
      await ask(s, '#I#');
      for (const frame of QUERY_FRAMES.filter((f) => f !== '#GV#' && f !== '#INFO#')) {
        const whole = await ask(s, frame);
        for (let cut = 1; cut < frame.length; cut++) {
          s.write(frame.slice(0, cut));
          await new Promise((r) => setTimeout(r, 2));
          expect(await ask(s, frame.slice(cut)), `${frame} cut at ${cut}`).toBe(whole);
        }
      }
    } finally {
      s.destroy();
    }
    expect((await checkAfterBatch(t)).problems).toEqual([]);
  }, 60_000);
});
