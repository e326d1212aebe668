/**
 * The client corpus: every frame form that the documented client families send to real
 * connectors (protocol.md §5, §7, §13), with the reply the documented behaviour predicts, run
 * against the simulator (eur-pos1500, default dialect) over a real socket. Each row names its
 * source family and the confidence of the fact it checks. The only refusals here are forms
 * protocol.md says a real connector refuses (§3, §6.1, §13.12).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/server/start.js';
import type { FullSimulatorHandle } from '../../src/server/simulator.js';
import { eventually, TestClient } from './helpers.js';

type Action = { insert: number[] } | { close: true } | { cancel: true } | { send: string };

interface Step {
  /** What the client writes (a CR/LF after the frame is part of the form). */
  send: string;
  /** The next bytes the client must read: exact, or a frame pattern matched in full. */
  reply: string | RegExp;
  /** The command blocks: once its operation is open, do this (customer, operator, or the client's #!#). */
  then?: Action;
}

interface Row {
  source: string;
  confidence: string;
  form: string;
  steps: Step[];
  /** Steps on a second connection, after the first connection's steps (S-HC). */
  second?: Step[];
  /** Send #I# first (default true). */
  init?: boolean;
}

const EUR_COINS = [1, 2, 5, 10, 20, 50, 100, 200];
const EUR_NOTES = [500, 1000, 2000, 5000, 10000, 20000, 50000];
/** A #U#/#U2# reply list: every denomination, zeros included (protocol.md §6.2). */
function all(moved: Record<number, number>): string {
  const side = (values: number[]) => values.map((v) => `${v}:${moved[v] ?? 0}`).join(',');
  return `${side(EUR_COINS)};${side(EUR_NOTES)}`;
}
const OK_OR_LEVEL = '(?:0|WR:LEVEL)';
const frame = (pattern: string) => new RegExp(`^${pattern}$`);
const T_REPLY = '#0#40900#10000#';
const BACKOFFICE = frame(`#0#\\d+#\\d+#\\d+#0#0#0#`);

const CORPUS: Row[] = [
  // ── connector log (S-LOG) ──────────────────────────────────────────────────────────────
  { source: 'LOG', confidence: 'LOG', form: '11-parameter #C#, paid with 20 € (§7.1)', steps: [{ send: '#C#1#1#990#1#15360#0#0#0#1#0#0#', reply: '#WR:LEVEL#2000#1010#0#0#', then: { insert: [2000] } }] },
  { source: 'LOG', confidence: 'LOG', form: 'cancelled on screen (§7.2)', steps: [{ send: '#C#1#1#360#1#15360#0#0#0#1#0#0#', reply: '#WR:CANCEL#0#0#0#0#', then: { cancel: true } }] },
  { source: 'LOG', confidence: 'LOG', form: '13-flag #G# with coins-to-zero hidden (§7.3)', steps: [{ send: '#G#1#1#1#1#1#1#1#1#1#0#1#1#1#', reply: BACKOFFICE, then: { close: true } }] },
  // ── pywebdriver / Odoo (S-ODOO): bare frames, shorter layouts ───────────────────────────
  { source: 'S-ODOO', confidence: 'C3+', form: 'bare #I#, #T#, #E#', steps: [{ send: '#T#', reply: T_REPLY }, { send: '#E#', reply: '#0#' }] },
  { source: 'S-ODOO', confidence: 'C1 (production)', form: '10-parameter #C# with Accept button', steps: [{ send: '#C#1#1#990#15#15#1#1#1#0#0#', reply: frame(`#${OK_OR_LEVEL}#2000#1010#0#0#`), then: { insert: [2000] } }] },
  { source: 'S-ODOO', confidence: 'C1 (production)', form: '#B#0# then #Q# and #J#', steps: [{ send: '#B#0#', reply: '#0#' }, { send: '#Q#', reply: '#0#0#' }, { send: '#J#', reply: '#0#0#' }] },
  { source: 'S-ODOO', confidence: 'C1 (production)', form: '3-parameter #P#', steps: [{ send: '#P#500#0#0#', reply: frame(`#${OK_OR_LEVEL}#500#0#`) }] },
  { source: 'S-ODOO', confidence: 'C2', form: '#V#1## complete emptying', steps: [{ send: '#V#1##', reply: '#0#40900#' }] },
  { source: 'S-ODOO', confidence: 'C3+', form: '#G# all thirteen flags', steps: [{ send: '#G#1#1#1#1#1#1#1#1#1#1#1#1#1#', reply: BACKOFFICE, then: { close: true } }] },
  { source: 'S-ODOO', confidence: 'C1', form: '#F#1# closure wizard', steps: [{ send: '#F#1#', reply: '#0#40900#0#40900#', then: { close: true } }] },
  { source: 'S-ODOO', confidence: 'C3+', form: '#S#1# stacker with the wizard', steps: [{ send: '#S#1#', reply: '#0#10000#', then: { close: true } }] },
  { source: 'S-ODOO', confidence: 'C3+', form: '#Y# quantities', steps: [{ send: '#Y#', reply: frame(`#0#1:50,2:50,5:50,10:50,20:50,50:40,100:40,200:30;500:10,1000:6,2000:8,5000:0,10000:0,20000:0,50000:0#1:0,2:0,5:0,10:0,20:0,50:0,100:0,200:0;500:0,1000:0,2000:0,5000:2,10000:0,20000:0,50000:0#`) }] },
  // ── S-VAL: CR/LF after every frame ──────────────────────────────────────────────────────
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #B#0#0#0#, #Q#, #J#', steps: [{ send: '#B#0#0#0#\r\n', reply: '#0#' }, { send: '#Q#\r\n', reply: '#0#0#' }, { send: '#J#\r\n', reply: '#0#0#' }] },
  { source: 'S-VAL', confidence: 'C3+', form: 'CRLF #P# four parameters', steps: [{ send: '#P#1010#0#0#0#\r\n', reply: frame(`#${OK_OR_LEVEL}#1010#0#`) }] },
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #U# notes to the stacker', steps: [{ send: '#U#;2000:3,1000:1#1#0#0#\r\n', reply: frame(`#${OK_OR_LEVEL}#${all({ 2000: 3, 1000: 1 })}#`) }] },
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #U# one coin (change breaking)', steps: [{ send: '#U#50:1;#0#0#0#\r\n', reply: `#0#${all({ 50: 1 })}#` }] },
  { source: 'S-VAL', confidence: 'C3+', form: 'CRLF #A#2# refill', steps: [{ send: '#A#2#\r\n', reply: '#0#' }, { send: '#Q#\r\n', reply: '#0#0#' }, { send: '#J#\r\n', reply: '#0#0#' }] },
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #S#2# cancelled with #!#: one reply only', steps: [{ send: '#S#2#\r\n', reply: '#WR:CANCEL#0#', then: { send: '#!#\r\n' } }, { send: '#T#\r\n', reply: T_REPLY }] },
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #W#0# and #W#2#', steps: [{ send: '#W#0#\r\n', reply: '#0#41250#' }, { send: '#W#2#\r\n', reply: '#0#' }] },
  { source: 'S-VAL', confidence: 'C2', form: 'CRLF #T# heartbeat', steps: [{ send: '#T#\r\n', reply: T_REPLY }] },
  // ── S-HIT: extended "…2" commands, #!# ──────────────────────────────────────────────────
  { source: 'S-HIT', confidence: 'C1', form: '#U2# full dispense leaving a low level answers 0 (§5.10)', steps: [{ send: '#U2#;2000:5#0#0#0#', reply: `#0#${all({ 2000: 5 })}#` }] },
  { source: 'S-HIT', confidence: 'C1', form: '#U2# short: WR:LEVEL with the counts paid (§5.10)', steps: [{ send: '#U2#;2000:10#0#0#0#', reply: `#WR:LEVEL#${all({ 2000: 8 })}#` }] },
  { source: 'S-HIT', confidence: 'INF', form: '#U2# coin-only list without ";" (§6.2)', steps: [{ send: '#U2#200:5#0#0#0#', reply: `#0#${all({ 200: 5 })}#` }] },
  { source: 'S-HIT', confidence: 'C1', form: '#U2# to the stacker', steps: [{ send: '#U2#;1000:1#1#0#0#', reply: frame(`#${OK_OR_LEVEL}#${all({ 1000: 1 })}#`) }] },
  { source: 'S-HIT', confidence: 'C1', form: '#U2# to a safe the machine lacks: refused (§3)', steps: [{ send: '#U2#;2000:1#2#0#0#', reply: '#ER:BAD_DATA#' }] },
  { source: 'S-HIT', confidence: 'C1', form: '#V2# plain values, to the stacker (§5.13)', steps: [{ send: '#V2#2##50,100,200#1#', reply: `#0#${40 * 50 + 40 * 100 + 30 * 200}#` }] },
  { source: 'S-HIT', confidence: 'C1', form: '#V2# plain values with ";"', steps: [{ send: '#V2#2##50,100;500#1#', reply: `#0#${40 * 50 + 40 * 100 + 10 * 500}#` }] },
  { source: 'S-HIT', confidence: 'INF', form: '#V2# value:count pairs', steps: [{ send: '#V2#2##200:1;500:1#1#', reply: `#0#${30 * 200 + 10 * 500}#` }] },
  { source: 'S-HIT', confidence: 'C1', form: '#V2# only coins, no list', steps: [{ send: '#V2#2#1##1#', reply: '#0#13900#' }] },
  { source: 'S-HIT', confidence: 'C1', form: '#T2#, #X2#, #GI#, #GC2#, #Y2#', steps: [
    { send: '#T2#', reply: '#0#40900#0#10000#0#' },
    { send: '#X2#200#', reply: '#0#30#0#0#0#' },
    { send: '#GI#', reply: frame('#0#CL1500EU000123#[0-9:,;]+#') },
    { send: '#GC2#', reply: frame('#0#[0-9:,;A-Z]+#[0-9:,;A-Z]+#') },
    { send: '#Y2#', reply: frame('#0#[0-9:,;]+#[0-9:,;]+#[0-9:,;]+#[0-9:,;]+#') },
  ] },
  { source: 'S-HIT', confidence: 'C1', form: '#GV#ALL#, #?#, #K#2#, #RI#0#0#2#', steps: [
    { send: '#GV#ALL#', reply: frame('#0#\\{[^#]*\\}#') },
    { send: '#?#', reply: '#0##' },
    { send: '#K#2#', reply: '#0#40900#27000#' },
    { send: '#RI#0#0#2#', reply: frame('#0#\\d+#\\d+#0#0#0#0#') },
  ] },
  { source: 'S-HIT', confidence: 'C2', form: '#S#2# cancelled with #!#: the cancelled command answers alone (§5.26)', steps: [{ send: '#S#2#', reply: '#WR:CANCEL#0#', then: { send: '#!#' } }, { send: '#T#', reply: T_REPLY }] },
  { source: 'S-HIT', confidence: 'C3+', form: '#B#0#0#0#, #P# only coins', steps: [{ send: '#B#0#0#0#', reply: '#0#' }, { send: '#J#', reply: '#0#0#' }, { send: '#P#300#0#0#1#', reply: frame(`#${OK_OR_LEVEL}#300#0#`) }] },
  { source: 'S-HIT', confidence: 'C2', form: 'BUSY at start: #I# → #ER:BUSY#, #Z#, #I# (§7.9)', steps: [
    { send: '#B#0#0#0#', reply: '#0#' },
    { send: '#I#', reply: '#ER:BUSY#' },
    { send: '#Z#', reply: '#0#' },
    { send: '#T#', reply: '#ER:ILLEGAL#' },
    { send: '#I#', reply: '#0#2.01#' },
  ] },
  // ── S-QF: bare frames, #!# in the no-screen flow, screen shortcuts ──────────────────────
  { source: 'S-QF', confidence: 'C1', form: '#!# with nothing running answers #0# (§5.26)', steps: [{ send: '#!#', reply: '#0#' }] },
  { source: 'S-QF', confidence: 'C1', form: 'no-screen cancel: #B#, #!# → #WR:CANCEL#<inserted>#', steps: [{ send: '#B#0#0#0#', reply: '#0#' }, { send: '#!#', reply: '#WR:CANCEL#0#' }, { send: '#T#', reply: T_REPLY }] },
  { source: 'S-QF', confidence: 'C1', form: '#C# cancelled from the POS: only #WR:CANCEL#', steps: [{ send: '#C#OP001#POS_MAIN#990#0#0#0#1#0#1#0#0#', reply: '#WR:CANCEL#0#0#0#0#', then: { send: '#!#' } }, { send: '#T#', reply: T_REPLY }] },
  { source: 'S-QF', confidence: 'C1', form: '#G# with fifteen flags', steps: [{ send: '#G#1#1#1#1#1#1#1#1#1#1#1#1#1#0#0#', reply: BACKOFFICE, then: { close: true } }] },
  { source: 'S-QF', confidence: 'C1', form: 'bare #GV# and #INFO#', steps: [{ send: '#GV#', reply: frame('#0#\\{[^#]*\\}#') }, { send: '#INFO#', reply: frame('#0#\\{[^#]*\\}#') }] },
  { source: 'S-QF', confidence: 'C1', form: 'screen shortcuts #D#1#, #M#0#', steps: [{ send: '#D#1#', reply: BACKOFFICE, then: { close: true } }, { send: '#M#0#', reply: BACKOFFICE, then: { close: true } }] },
  { source: 'S-QF', confidence: 'C1', form: '#?#SHOW# error screen', steps: [{ send: '#?#SHOW#', reply: '#0#', then: { close: true } }] },
  // ── S-RC, S-VB, S-SCO, S-HC, S-IAR ─────────────────────────────────────────────────────
  { source: 'S-RC', confidence: 'C3+', form: '11-parameter #C#, no Accept button', steps: [{ send: '#C#00001#TPV#1250#0#0#0#0#0#1#0#0#', reply: frame(`#${OK_OR_LEVEL}#2000#750#0#0#`), then: { insert: [2000] } }] },
  { source: 'S-VB', confidence: 'C1', form: '#C# with a 12-digit timestamp as operation and till', steps: [{ send: '#C#202401151230#202401151230#500#0#0#0#0#0#1#0#0#', reply: frame(`#${OK_OR_LEVEL}#500#0#0#0#`), then: { insert: [500] } }] },
  { source: 'S-VB', confidence: 'C1', form: '#Y# twice without reading (§13.6)', steps: [{ send: '#Y##Y#', reply: frame('(#0#[0-9:,;]+#[0-9:,;]+#){2}') }] },
  { source: 'S-VB', confidence: 'C1', form: '#A#2# then #B#0#0#0# without reading (§13.6)', steps: [{ send: '#A#2##B#0#0#0#', reply: '#0##ER:BUSY#' }, { send: '#J#', reply: '#0#0#' }] },
  { source: 'S-VB', confidence: 'C1', form: '#H#a# with a literal "a": refused (§13.12)', steps: [{ send: '#H#a#', reply: '#ER:BAD_DATA#' }] },
  { source: 'S-SCO', confidence: 'C1', form: 'CRLF 10-parameter #C# (missing last flag)', steps: [{ send: '#C#1#1#700#1#17000#1500#0#1#0#0#\r\n', reply: frame(`#${OK_OR_LEVEL}#1000#300#0#0#`), then: { insert: [1000] } }] },
  { source: 'S-HC', confidence: 'INF', form: '#I# on one connection, #C# on the next (§2.7)', steps: [], second: [{ send: '#C#1#1#200#0#0#0#0#0#1#0#0#', reply: frame(`#${OK_OR_LEVEL}#200#0#0#0#`), then: { insert: [200] } }] },
  { source: 'S-HC', confidence: 'C3+', form: '#C#12.50# (euros, missing parameters): refused (§6.1)', steps: [{ send: '#C#12.50#', reply: '#ER:BAD_DATA#' }] },
  { source: 'S-IAR', confidence: 'DOUBT', form: '#T#1#: refused (§13.12)', steps: [{ send: '#T#1#', reply: '#ER:BAD_DATA#' }] },
  { source: 'S-IAR', confidence: 'C1', form: '#P#n#1#1#0#', steps: [{ send: '#P#200#1#1#0#', reply: frame(`#${OK_OR_LEVEL}#200#0#`) }] },
];

let sim: FullSimulatorHandle;
const clients: TestClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: null, timeScale: 0.01 });
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim.close();
});
beforeEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  sim.reset();
});

async function open(): Promise<TestClient> {
  const c = await TestClient.open(sim.port);
  clients.push(c);
  return c;
}

/** Reads the next reply: exact bytes, or the shortest prefix of what arrived that the pattern matches in full. */
async function read(c: TestClient, reply: string | RegExp): Promise<void> {
  if (typeof reply === 'string') return c.expect(reply);
  const prefix = await eventually(() => {
    const text = c.pending();
    for (let end = text.indexOf('#', 1); end >= 0; end = text.indexOf('#', end + 1)) {
      if (reply.test(text.slice(0, end + 1))) return text.slice(0, end + 1);
    }
    return undefined;
  }, `a reply matching ${reply}`).catch(() => {
    throw new Error(`expected a reply matching ${reply}, received ${JSON.stringify(c.pending())}`);
  });
  await c.expect(prefix);
}

async function run(c: TestClient, steps: Step[]): Promise<void> {
  for (const step of steps) {
    const before = sim.getState().operation;
    c.send(step.send);
    if (step.then) {
      await eventually(() => (sim.getState().operation !== before && sim.getState().operation !== null ? true : undefined), `${step.send} to open its operation`);
      const action = step.then;
      if ('insert' in action) sim.insert(action.insert);
      else if ('close' in action) sim.closeBackoffice();
      else if ('cancel' in action) sim.cancel();
      else c.send(action.send);
    }
    await read(c, step.reply);
  }
}

describe('client corpus (protocol.md §5, §7, §13) over TCP, default dialect', () => {
  for (const row of CORPUS) {
    it(`${row.source} [${row.confidence}] ${row.form}`, async () => {
      const c = await open();
      if (row.init !== false) await c.exchange('#I#', '#0#2.01#');
      await run(c, row.steps);
      if (row.second) {
        c.close();
        await run(await open(), row.second);
      }
      // Nothing more was sent: no stray reply (such as a second answer to #!#) waits to be misread.
      const last = clients.at(-1) as TestClient;
      if (!last.socket.destroyed) {
        last.send('#!#');
        await last.expect('#0#');
        expect(last.pending()).toBe('');
      }
    });
  }
});
