/**
 * The real simulator (the machine, the framer, the fault book and chain) over real sockets on
 * 127.0.0.1:0 at time scale 0.01: the reference exchanges of protocol.md §7 byte for byte,
 * framing over TCP, several clients, disconnects, and the library handle.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { SimulatorError } from '../../src/server/errors.js';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { eventually, http, TestClient } from './helpers.js';

let sim: FullSimulatorHandle;
const clients: TestClient[] = [];

async function client(): Promise<TestClient> {
  const c = await TestClient.open(sim.port);
  clients.push(c);
  return c;
}

/** A connected client on an initialised machine. */
async function ready(): Promise<TestClient> {
  const c = await client();
  await c.exchange('#I#', '#0#2.01#');
  return c;
}

function waitForOperation(command: string): Promise<true> {
  return eventually(() => (sim.getState().operation?.command === command ? true : undefined), `#${command}# to be open`);
}

function moneyInMachine(): number {
  const s = sim.getState();
  return s.totals.recyclers + s.totals.stacker;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.close();
});
beforeEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  sim.reset();
});

describe('reference exchanges of protocol.md §7 over a real socket', () => {
  it('1. express sale of 9.90 € paid with a 20 € note: 2000 in, 1010 back', async () => {
    const c = await ready();
    c.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    sim.insert([2000]);
    // As in the connector's log: the 0.10 € recycler is near empty after the change.
    await c.expect('#WR:LEVEL#2000#1010#0#0#');
  });

  it('2. after that sale, one cancelled on the screen, then retried: 3.60 € paid with 5 €', async () => {
    const c = await ready();
    c.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    sim.insert([2000]);
    await c.expect('#WR:LEVEL#2000#1010#0#0#');
    c.send('#C#1#1#360#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    sim.cancel();
    await c.expect('#WR:CANCEL#0#0#0#0#');
    c.send('#C#1#1#360#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    sim.insert([500]);
    await c.expect('#WR:LEVEL#500#140#0#0#');
  });

  it('3. backoffice session answers when the operator closes it', async () => {
    const c = await ready();
    const before = moneyInMachine();
    c.send('#G#1#1#1#1#1#1#1#1#1#0#1#1#1#');
    await eventually(() => (sim.getState().operation?.waitingFor === 'operator' ? true : undefined), 'the backoffice screen');
    const closed = await http(`http://127.0.0.1:${sim.controlPort}`, 'POST', '/operator', { close: true });
    expect(closed.status).toBe(200);
    const fields = await c.readFields(7);
    expect(fields).toEqual(['0', String(before), String(before), '0', '0', '0', '0']);
  });

  it('4. no-screen sale: #B#, #Q#, #J#, #P# of the change', async () => {
    const c = await ready();
    await c.exchange('#B#0#0#0#', '#0#');
    await c.exchange('#Q#', '#0#0#');
    sim.insert([2000]);
    await eventually(() => (sim.getState().operation?.inserted === 2000 ? true : undefined), 'the note to be validated');
    await c.exchange('#Q#', '#0#2000#');
    await c.exchange('#J#', '#0#2000#');
    await c.exchange('#P#1010#0#0#0#', '#WR:LEVEL#1010#0#');
  });

  it('5. no-screen cancel after 5 €: #J# then #P# of everything inserted', async () => {
    const c = await ready();
    await c.exchange('#B#0#0#0#', '#0#');
    sim.insert([500]);
    await eventually(() => (sim.getState().operation?.inserted === 500 ? true : undefined), 'the note to be validated');
    await c.exchange('#J#', '#0#500#');
    await c.exchange('#P#500#0#0#0#', '#0#500#0#');
  });

  it('6. refill: #A#2#, #Q#, #J#', async () => {
    const c = await ready();
    const before = moneyInMachine();
    await c.exchange('#A#2#', '#0#');
    sim.insert([1000]);
    await eventually(() => (sim.getState().operation?.inserted === 1000 ? true : undefined), 'the note to be validated');
    await c.exchange('#Q#', '#0#1000#');
    await c.exchange('#J#', '#0#1000#');
    expect(moneyInMachine()).toBe(before + 1000);
  });

  it('7. start-up and shutdown: #I#, #T#, #E#', async () => {
    const c = await ready();
    const s = sim.getState();
    await c.exchange('#T#', `#0#${s.totals.recyclers}#${s.totals.stacker}#`);
    await c.exchange('#E#', '#0#');
  });
});

describe('framing over TCP', () => {
  it('accepts bare frames and frames followed by CR/LF', async () => {
    const c = await client();
    await c.exchange('#I#\r\n', '#0#2.01#');
    await c.exchange('#E#', '#0#');
  });

  it('answers several frames sent in one segment, in order', async () => {
    const c = await ready();
    const s = sim.getState();
    // #E# ends the session, so the second #T# is refused: the frames were taken in order.
    c.send('#T##E##T#');
    await c.expect(`#0#${s.totals.recyclers}#${s.totals.stacker}##0##ER:ILLEGAL#`);
  });

  it('reads one frame split over many segments', async () => {
    const c = await ready();
    const frame = '#C#1#1#990#1#15360#0#0#0#1#0#0#';
    for (const ch of frame) {
      c.send(ch);
      await new Promise((r) => setTimeout(r, 2));
    }
    await waitForOperation('C');
    expect(sim.getTranscript().filter((e) => e.dir === 'in').map((e) => e.data)).toContain(frame);
    sim.insert([2000]);
    await c.expect('#WR:LEVEL#2000#1010#0#0#');
  });

  it('answers #ER:BAD_DATA# to a frame over 4 KiB and closes the connection', async () => {
    const c = await ready();
    c.send('#C#' + '1'.repeat(5000));
    await c.expect('#ER:BAD_DATA#');
    expect(await c.waitClosed()).toBe('end');
  });

  it('answers #ER:BAD_DATA# to wrong parameter types', async () => {
    const c = await ready();
    await c.exchange('#C#12.50#', '#ER:BAD_DATA#');
  });

  it('answers #ER:ILLEGAL# before #I#', async () => {
    const c = await client();
    await c.exchange('#T#', '#ER:ILLEGAL#');
  });
});

describe('several clients, one machine', () => {
  it('gives #ER:BUSY# to a second client while the first one\'s #C# runs', async () => {
    const first = await ready();
    const second = await client();
    first.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    await second.exchange('#T#', '#ER:BUSY#');
    sim.insert([2000]);
    await first.expect('#WR:LEVEL#2000#1010#0#0#');
  });

  it('serves a client that opens one connection per command (init state is global)', async () => {
    const init = await client();
    await init.exchange('#I#', '#0#2.01#');
    init.close();
    const next = await client();
    await next.exchange('#E#', '#0#');
  });

  it('loses no money when the client disconnects mid-charge', async () => {
    const c = await ready();
    const before = sim.getState();
    c.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    const conn = sim.getTranscript().find((e) => e.dir === 'in')!.conn;
    c.destroy();
    await eventually(() => (sim.getTranscript().some((e) => e.dir === 'event' && e.data === `connection ${conn} closed`) ? true : undefined), 'the disconnect');
    sim.insert([2000]);
    await eventually(() => (sim.getState().operation === null ? true : undefined), 'the charge to finish');
    const after = sim.getState();
    expect(after.ledger.inserted - before.ledger.inserted).toBe(2000);
    expect(after.ledger.dispensed - before.ledger.dispensed).toBe(1010);
    expect(after.totals.recyclers + after.totals.stacker).toBe(before.totals.recyclers + before.totals.stacker + 990);
    expect(sim.getTranscript().some((e) => e.dir === 'event' && e.data.endsWith(`not sent: connection ${conn} is closed`))).toBe(true);
  });
});

describe('client behaviours of protocol.md §13 at the socket', () => {
  it('7. #!# sent on the same socket while #C# is outstanding: the charge answers, and nothing else', async () => {
    const c = await ready();
    c.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    c.send('#!#');
    // The charge's own reply is the only one (cancelReply idle): the next reply read is #T#'s.
    await c.expect('#WR:CANCEL#0#0#0#0#');
    expect(sim.getState().operation).toBeNull();
    const s = sim.getState();
    await c.exchange('#T#', `#0#${s.totals.recyclers}#${s.totals.stacker}#`);
  });

  it('6. duplicated commands sent without reading: every one is answered, in order', async () => {
    const c = await ready();
    const s = sim.getState();
    const t = `#0#${s.totals.recyclers}#${s.totals.stacker}#`;
    c.send('#T#');
    c.send('#T#');
    await c.expect(t + t);
  });

  it('5. polling #Q# on fresh connections while a #C# runs gets #ER:BUSY#', async () => {
    const c = await ready();
    c.send('#C#1#1#990#1#15360#0#0#0#1#0#0#');
    await waitForOperation('C');
    for (let i = 0; i < 2; i++) {
      const poll = await client();
      await poll.exchange('#Q#', '#ER:BUSY#');
      poll.close();
    }
    sim.cancel();
    await c.expect('#WR:CANCEL#0#0#0#0#');
  });
});

describe('faults reach the socket', () => {
  it('splits a reply at the requested byte', async () => {
    const c = await ready();
    const id = sim.armFault({ type: 'split', at: [3], on: { command: 'E' } });
    await c.exchange('#E#', '#0#');
    expect(sim.listFaults().find((f) => f.id === id)?.fired).toBe(1);
    expect(sim.getTranscript().some((e) => e.dir === 'event' && e.kind === 'fault' && e.fault === id)).toBe(true);
  });

  it('refuses a new connection', async () => {
    sim.armFault({ type: 'refuse', for: '1s' });
    const refused = await client();
    await refused.waitClosed();
    expect(refused.pending()).toBe('');
    expect(sim.getTranscript().some((e) => e.dir === 'event' && e.kind === 'fault')).toBe(true);
  });

  it('disconnects instead of answering', async () => {
    const c = await ready();
    sim.armFault({ type: 'disconnect', on: { command: 'T' } });
    c.send('#T#');
    await c.waitClosed();
    expect(c.pending()).toBe('');
  });
});

describe('control API against the real machine', () => {
  it('sets a low float and reports the state', async () => {
    const base = `http://127.0.0.1:${sim.controlPort}`;
    expect((await http(base, 'PUT', '/inventory', { recyclers: { '10': 0 } })).status).toBe(200);
    const state = (await http(base, 'GET', '/state')).json as { inventory: { recyclers: Record<string, number> } };
    expect(state.inventory.recyclers['10']).toBe(0);
    expect((await http(base, 'POST', '/customer', { insert: [2000] })).status).toBe(409);
    expect((await http(base, 'GET', '/profile')).json).toMatchObject({ name: 'eur-pos1500', currency: 'EUR' });
  });

  it('answers 409 (SimulatorError NOTHING_OPEN in the library) for cash while no acceptance is open', async () => {
    const c = await client();
    // Listeners run right after the machine has taken the frame: the cold #I# is running.
    const thrown = new Promise<unknown>((resolve) => {
      const off = sim.onEntry((e) => {
        if (e.dir !== 'in' || e.data !== '#I#') return;
        off();
        try {
          sim.insert([2000]);
          resolve(undefined);
        } catch (err) {
          resolve(err);
        }
      });
    });
    c.send('#I#');
    const err = await thrown;
    expect(err).toBeInstanceOf(SimulatorError);
    expect(err).toMatchObject({ code: 'NOTHING_OPEN' });
    await c.expect('#0#2.01#');
    const base = `http://127.0.0.1:${sim.controlPort}`;
    expect((await http(base, 'POST', '/customer', { insert: [2000] })).status).toBe(409);
  });

  it('has the fault catalogue of docs/faults.md', async () => {
    const base = `http://127.0.0.1:${sim.controlPort}`;
    const catalog = (await http(base, 'GET', '/faults/catalog')).json as { type: string }[];
    expect(catalog.map((f) => f.type)).toEqual(expect.arrayContaining(['note-jam', 'split', 'latency', 'refuse', 'stale-reply']));
  });
});

describe('library options', () => {
  it('arms faults before the first connection and lets the automatic customer pay', async () => {
    const own = await startSimulator({
      port: 0,
      controlPort: null,
      timeScale: 0.01,
      customer: 'auto',
      faults: [{ type: 'split', at: [3], on: { command: 'I' } }],
    });
    const c = await TestClient.open(own.port);
    try {
      expect(own.controlPort).toBeNull();
      await c.exchange('#I#', '#0#2.01#');
      expect(own.listFaults()[0]).toMatchObject({ fired: 1, remaining: 0 });
      c.send('#C#7#1#990#1#15360#0#0#0#1#0#0#');
      const [status, inserted, returned, manual, added] = await c.readFields(5);
      expect(status).toMatch(/^(0|WR:LEVEL)$/);
      expect(Number(inserted) - Number(returned)).toBe(990);
      expect([manual, added]).toEqual(['0', '0']);
    } finally {
      c.destroy();
      await own.close();
    }
  });

  it("closes with a web page's event stream still open", async () => {
    const own = await startSimulator({ port: 0, controlPort: 0, timeScale: 0.01 });
    const res = await fetch(`http://127.0.0.1:${own.controlPort}/events`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: entry');
    await own.close();
    const rest = await reader.read().catch(() => ({ done: true }));
    expect(rest.done).toBe(true);
  });

  it('rejects an unknown profile with the list of known ones', async () => {
    const err = await startSimulator({ port: 0, controlPort: null, profile: 'eur-pos1600' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.hint).join(' ')).toContain('eur-pos1500');
  });
});
