/**
 * The money-settling paths against a scripted connector, where each reply is chosen exactly:
 * a command that can move money is never resent unless the machine's totals prove nothing moved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOperationNumbers, formatCents } from '../../src/reference-pos/money.js';
import { ReferencePos } from '../../src/reference-pos/pos.js';
import { startFakeConnector, type Answer, type FakeConnector } from './fake-connector.js';

let fake: FakeConnector | undefined;
let pos: ReferencePos | undefined;
afterEach(async () => {
  await pos?.close();
  await fake?.close();
  pos = undefined;
  fake = undefined;
});

/** Answers from per-command queues; the last answer of a queue repeats. */
async function scripted(script: Record<string, Answer[]>): Promise<FakeConnector> {
  const used: Record<string, number> = {};
  fake = await startFakeConnector((frame) => {
    const code = frame.split('#')[1] ?? '';
    const queue = script[code] ?? ['#ER:BAD_DATA#'];
    const i = used[code] ?? 0;
    used[code] = i + 1;
    return queue[Math.min(i, queue.length - 1)] as Answer;
  });
  return fake;
}

function express(port: number): ReferencePos {
  pos = new ReferencePos({
    host: '127.0.0.1',
    port,
    integration: 'express',
    pollIntervalMs: 10,
    connection: { shortReplyIdleMs: 50, damagedReplyIdleMs: 300 },
  });
  return pos;
}

const sentCodes = () => fake!.received.map((r) => r.frame.split('#')[1]);

describe('settling a charge whose outcome is unknown', () => {
  it('ER:ILLEGAL to #C# after money moved: re-initialises, books from the totals, never resends', async () => {
    const f = await scripted({
      I: ['#0#2.01#'],
      T: ['#0#40000#10000#', '#0#40990#10000#'],
      C: ['#ER:ILLEGAL#'],
    });
    const outcome = await express(f.port).perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, owed: 0 });
    expect(sentCodes()).toEqual(['T', 'C', 'I', 'T']);
  });

  it('ER:ILLEGAL to #C# with unchanged totals: resends once, with a fresh operation number', async () => {
    const f = await scripted({
      I: ['#0#2.01#'],
      T: ['#0#40000#10000#'],
      C: ['#ER:ILLEGAL#', '#0#1000#10#0#0#'],
    });
    expect(await express(f.port).perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 10 });
    const charges = f.received.filter((r) => r.frame.startsWith('#C#')).map((r) => r.frame.split('#')[2]);
    expect(sentCodes()).toEqual(['T', 'C', 'I', 'T', 'C']);
    expect(new Set(charges).size).toBe(2);
  });

  it('connection lost during #C#, nothing moved: books nothing and does not charge again', async () => {
    const f = await scripted({ T: ['#0#40000#10000#'], C: ['close'] });
    const outcome = await express(f.port).perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'failed', paid: 0 });
    expect(outcome.message).toMatch(/nothing was collected/);
    expect(sentCodes()).toEqual(['T', 'C', 'T']);
  });

  it('connection lost during #C# while the customer is still paying: waits out ER:BUSY, then books', async () => {
    const f = await scripted({ T: ['#0#40000#10000#', '#ER:BUSY#', '#ER:BUSY#', '#0#41000#10000#'], C: ['close'] });
    const outcome = await express(f.port).perform('sale', { amount: 990 });
    expect(outcome).toMatchObject({ outcome: 'completed', paid: 990, owed: 10 });
    expect(sentCodes().filter((c) => c === 'C')).toHaveLength(1);
  });

  it('change short in the #C# reply (ER:GENERIC with amounts): paid, and the rest owed', async () => {
    const f = await scripted({ T: ['#0#40000#10000#'], C: ['#ER:GENERIC#2000#1000#0#0#'] });
    expect(await express(f.port).perform('sale', { amount: 990 })).toMatchObject({ outcome: 'completed', paid: 990, change: 1000, owed: 10 });
  });

  it('a bare error reply to #C# books nothing', async () => {
    const f = await scripted({ T: ['#0#40000#10000#'], C: ['#ER:BUSY#'] });
    expect(await express(f.port).perform('sale', { amount: 990 })).toMatchObject({ outcome: 'failed', paid: 0, owed: 0 });
  });

  it('gives up on #I# after three #ER:BUSY# rounds and says so', async () => {
    const f = await scripted({ I: ['#ER:BUSY#'], Z: ['#0#'] });
    const outcome = await express(f.port).perform('startup');
    expect(outcome.outcome).toBe('failed');
    expect(sentCodes()).toEqual(['I', 'Z', 'I', 'Z', 'I', 'Z', 'I']);
  });
});

describe('pure helpers', () => {
  it('formats cents like a receipt', () => {
    expect([0, 5, 990, 1010, 123456, -40].map(formatCents)).toEqual(['0.00', '0.05', '9.90', '10.10', '1234.56', '-0.40']);
  });

  it('never repeats an operation number, even within one millisecond or when the clock goes back', () => {
    let now = 1_000;
    const next = createOperationNumbers(() => now);
    const a = next();
    const b = next();
    now = 500;
    const c = next();
    expect([a, b, c]).toEqual(['1000', '1001', '1002']);
  });
});
