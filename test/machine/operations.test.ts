/**
 * The reducer dispatches on tables: every command of the protocol table reaches a handler (an
 * operation's start, a query, a session or maintenance command), no command starts two kinds
 * of operation, and the customer configuration is checked in the same words by the machine and
 * by the simulator that sits in front of it.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { initialState, profileView } from '../../src/machine/index.js';
import { OPERATIONS } from '../../src/machine/operations/index.js';
import { parseFrame } from '../../src/protocol/codec.js';
import { COMMANDS } from '../../src/protocol/commands.js';
import { checkCustomer } from '../../src/server/validate.js';
import { EUR, machine } from './helpers.js';

/** The shortest frame the lenient reading accepts for a command, every parameter "0". */
function frameFor(code: string, count: number): string {
  return `#${code}#${Array.from({ length: count }, () => '0#').join('')}`;
}

/** Commands whose first parameter is a list of denominations, which "0" is not. */
const WITH_LIST: Record<string, string> = { U: '#U#200:1;#0#0#0#', U2: '#U2#200:1;#0#0#0#', V2: '#V2#2#0#200:1;#1#' };

const FRAMES = COMMANDS.map((c) => {
  const count = Math.min(c.lenientMin ?? Math.min(...c.counts), ...c.counts);
  return [c.code, WITH_LIST[c.code] ?? frameFor(c.code, count)] as const;
});

describe('dispatch', () => {
  it.each(FRAMES)('#%s# reaches a handler', (_code, frame) => {
    const parsed = parseFrame(frame);
    expect(parsed.ok, frame).toBe(true);
    const m = machine();
    const before = m.outputs.length;
    m.frame(1, frame);
    m.runUntilIdle();
    const events = m.outputs.slice(before).flatMap((o) => (o.type === 'event' ? [o.text] : []));
    expect(events.filter((t) => t.startsWith('no handler'))).toEqual([]);
  });

  it('a command starts at most one kind of operation', () => {
    for (const [code, frame] of FRAMES) {
      const parsed = parseFrame(frame);
      if (!parsed.ok) continue;
      const kinds = Object.entries(OPERATIONS).filter(([, h]) => h.starts(parsed.command)).map(([kind]) => kind);
      expect(kinds.length, `#${code}# starts ${kinds.join(', ')}`).toBeLessThanOrEqual(1);
    }
    // #A# starts an acceptance (refill) or a screen (change loading), by its first parameter.
    const refill = parseFrame('#A#2#');
    const loading = parseFrame('#A#1#');
    if (!refill.ok || !loading.ok) throw new Error('#A# frames must parse');
    expect(Object.entries(OPERATIONS).filter(([, h]) => h.starts(refill.command)).map(([k]) => k)).toEqual(['accept']);
    expect(Object.entries(OPERATIONS).filter(([, h]) => h.starts(loading.command)).map(([k]) => k)).toEqual(['screen']);
  });

  it('every kind of operation is started by some command', () => {
    for (const [kind, handler] of Object.entries(OPERATIONS)) {
      const started = FRAMES.concat([['A', '#A#2#'], ['?', '#?#SHOW#']]).some(([, frame]) => {
        const parsed = parseFrame(frame);
        return parsed.ok && handler.starts(parsed.command);
      });
      expect(started, kind).toBe(true);
    }
  });
});

describe('the customer configuration', () => {
  const bad = { mode: 'robot', pay: [2000, 7], delayMs: -1 };

  it('is refused with every problem at once, in the words of the control API', () => {
    let error: unknown;
    try {
      initialState(EUR, { customer: bad as never });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const issues = (error as InvalidInputError).issues;
    expect(issues.map((i) => i.path)).toEqual(['mode', 'delayMs', 'pay[1]']);
    let server: unknown;
    try {
      checkCustomer(bad, profileView(EUR));
    } catch (err) {
      server = err;
    }
    expect((error as Error).message).toBe(`invalid customer: ${(server as Error).message}`);
  });

  it('a set-customer input is checked the same way', () => {
    const m = machine();
    expect(() => m.send({ type: 'set-customer', customer: { mode: 'auto', pay: [3] } })).toThrow('invalid customer: pay[0]: 3 is not a denomination of profile eur-pos1500');
    expect(m.state.customer).toEqual({ mode: 'manual' });
  });
});
