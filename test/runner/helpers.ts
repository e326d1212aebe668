import { connect, type Socket } from 'node:net';
import type { Checklist, ChecklistItem, Step } from '../../src/checklist/types.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosDriver } from '../../src/drivers/driver.js';
import type { PosAction, PosOutcome, PosProfile } from '../../src/pos/types.js';

export type TinyMode = 'honest' | 'gross' | 'hang-sale' | 'pipelining';

/** An in-process Express POS (#I#, #C#, #E#) with one switchable defect. */
export function tinyPosDriver(mode: TinyMode = 'honest'): PosDriver {
  return inProcessDriver(async (target) => {
    let socket: Socket | undefined;
    let buffer = '';
    const waiting: ((reply: string) => void)[] = [];
    let op = 0;
    const open = () =>
      new Promise<void>((resolve, reject) => {
        socket = connect(target.port, target.host);
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          buffer += chunk;
          if (buffer.endsWith('#') && waiting.length) {
            const reply = buffer;
            buffer = '';
            waiting.shift()?.(reply);
          }
        });
        const current = socket;
        // The connector may close the connection (the runner resets it between items): reconnect on the next command.
        current.once('close', () => {
          if (socket === current) socket = undefined;
          buffer = '';
        });
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      });
    const send = async (frame: string) => {
      if (!socket) await open();
      return new Promise<string>((resolve) => {
        waiting.push(resolve);
        socket?.write(frame);
      });
    };
    return {
      async perform(action: PosAction, body: { amount?: number }): Promise<PosOutcome> {
        if (action === 'startup') {
          const reply = await send('#I#');
          return reply.startsWith('#0#') ? { outcome: 'completed' } : { outcome: 'failed', message: reply };
        }
        if (action === 'sale') {
          if (mode === 'hang-sale') return new Promise<PosOutcome>(() => undefined);
          const replied = send(`#C#${++op}#1#${body.amount}#0#0#0#0#0#1#0#0#`);
          if (mode === 'pipelining') {
            // Polls totals on a second connection while the charge is still open (S-SCO style).
            const poll = connect(target.port, target.host, () => poll.write('#T#'));
            poll.on('data', () => poll.destroy());
            poll.on('error', () => undefined);
          }
          const reply = await replied;
          const [, status, auto, returned, manual] = reply.split('#');
          if (status !== '0' && status !== 'WR:LEVEL') return { outcome: 'cancelled', paid: 0, message: reply };
          const net = Number(auto) + Number(manual) - Number(returned);
          return { outcome: 'completed', paid: mode === 'gross' ? Number(auto) : net, change: Number(returned), owed: 0 };
        }
        if (action === 'shutdown') {
          await send('#E#');
          return { outcome: 'completed' };
        }
        return { outcome: 'failed', message: `unsupported action ${action}` };
      },
      close() {
        socket?.destroy();
      },
    };
  }, `tiny-${mode}`);
}

export const POS: PosProfile = {
  name: 'Tiny POS',
  version: '1.0.0',
  company: 'Test',
  email: 'test@example.invalid',
  integration: 'express',
  features: [],
  driver: { type: 'reference', inProcess: true },
};

const L = (text: string) => ({ fr: text, en: text, es: text });

export function item(id: string, steps: Step[], over: Partial<ChecklistItem> = {}): ChecklistItem {
  return {
    id,
    title: L(`item ${id}`),
    description: L('test item'),
    ref: '0',
    level: 'required',
    appliesTo: { integrations: [], features: [] },
    dependsOn: [],
    tags: [],
    catches: L('a defect'),
    underTest: [],
    timeoutMs: 20_000,
    steps,
    ...over,
  };
}

export function checklist(items: ChecklistItem[]): Checklist {
  return { id: 'test', version: '1', title: L('test'), source: 'tests', integrations: ['express'], items, sha256: 'x' };
}

/** A plain Express sale paid by the automatic customer with a 20 € note. */
export function saleItem(id: string, over: Partial<ChecklistItem> = {}): ChecklistItem {
  return item(
    id,
    [
      { kind: 'setup', customer: { mode: 'auto', pay: [2000] } },
      { kind: 'action', action: 'startup', wait: true },
      { kind: 'action', action: 'sale', amount: 990, wait: true },
      { kind: 'expect', expect: { type: 'sends', pattern: '#C#{op}#*#{amount}#...', withinMs: 10_000 } },
      { kind: 'expect', expect: { type: 'outcome', fields: { outcome: 'completed', paid: '{amount}' } }, message: 'the POS booked the wrong amount' },
      { kind: 'expect', expect: { type: 'machine', inserted: 2000, dispensed: 1010 } },
      { kind: 'expect', expect: { type: 'oneCommandAtATime' } },
    ],
    { underTest: ['C'], ...over },
  );
}
