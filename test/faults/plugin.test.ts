/**
 * Adding a fault is one definition plus one registration: these two are written here, in a
 * test file, and then validate, arm, fire and list like the faults of the catalogue, in the
 * machine (domain) and in a connection's chain (transport). docs/faults.md "Adding a fault".
 */
import { describe, expect, it } from 'vitest';
import { newFaultBook, armFault, faultStatuses } from '../../src/faults/book.js';
import { createFaultChain } from '../../src/faults/chain.js';
import { defineFault, describeTrigger, momentPhrase, noOptions, triggerExtras } from '../../src/faults/definition.js';
import { listFaultInfo, registerFault, validateFaultSpec } from '../../src/faults/registry.js';
import { createMachineHarness } from '../../src/machine/index.js';
import { loadProfile } from '../../src/server/load-profile.js';

const coinRejected = defineFault<{ times: number }>({
  info: {
    type: 'coin-rejected',
    plane: 'domain',
    summary: 'The coin validator rejects a coin.',
    wireEffect: '#?# lists the warning 1168 until the operator clears it',
    options: [{ name: 'warnings', kind: 'integer', min: 1, default: 1, description: 'how many warnings the event log gets' }],
  },
  points: ['command'],
  parseOptions: (spec) => ({ times: Number(spec['warnings'] ?? 1) }),
  validate: () => [],
  describe: (spec) => `reject a coin ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity) => `rejected a coin ${momentPhrase(opportunity)}`,
  apply(options, effects) {
    effects.addDeviceError(1168, { blocking: false });
    for (let i = 0; i < options.times; i++) effects.event('coin rejected');
  },
});

const shout = defineFault({
  info: { type: 'shout', plane: 'transport', summary: 'The reply comes in capitals.', wireEffect: 'the reply, upper-cased', options: [] },
  points: ['reply'],
  parseOptions: noOptions,
  validate: () => [],
  describe: (spec) => `shout the reply ${describeTrigger(spec.on, 'command', 'to')}`,
  sentence: (_spec, opportunity) => `shouted ${opportunity.point === 'reply' ? opportunity.frame : ''}`,
  toxic: { direction: 'to-pos', order: 1, shape: (_options, reply) => ({ replaceWith: reply.toUpperCase() }) },
});

registerFault(coinRejected);
registerFault(shout);

describe('a fault added from outside the catalogue', () => {
  it('is listed and validated like the others', () => {
    expect(listFaultInfo().map((i) => i.type).slice(-2)).toEqual(['coin-rejected', 'shout']);
    expect(validateFaultSpec({ type: 'coin-rejected', warnings: 0 }).problems.map((p) => p.message)).toEqual([
      'must be at least 1, got 0',
    ]);
    expect(validateFaultSpec({ type: 'coin-rejected' }).spec).toEqual({ type: 'coin-rejected', warnings: 1 });
    expect(() => registerFault(shout)).toThrow(/already registered/);
  });

  it('a domain fault acts on the machine through the effects API', () => {
    const faults = armFault(newFaultBook(1), { type: 'coin-rejected', warnings: 2, on: { command: 'T' } }).book;
    const m = createMachineHarness(loadProfile('eur-pos1500'), { faults });
    m.send({ type: 'connect', conn: 1 });
    m.frame(1, '#I#');
    m.runUntilIdle();
    m.frame(1, '#T#');
    m.frame(1, '#?#');
    expect(m.replies(1).at(-1)).toBe('#0#1168#');
    const events = m.outputs.flatMap((o) => (o.type === 'event' && (o.kind === 'fault' || o.text === 'coin rejected') ? [o.text] : []));
    expect(events).toEqual(['rejected a coin on the totals query (#T#)', 'coin rejected', 'coin rejected']);
    expect(faultStatuses(m.state.faults!)[0]).toMatchObject({ remaining: 0, fired: 1 });
  });

  it('a transport fault is a toxic in the connection chain', () => {
    const chain = createFaultChain(1);
    expect(chain.arm({ type: 'shout', on: { command: 'Q' } })).toMatchObject({ id: 'f1', plane: 'transport' });
    chain.command(1, '#T#', 0);
    expect(chain.reply(1, 'T', '#0#ok#', 0).delivery).toBeUndefined();
    chain.command(1, '#Q#', 0);
    expect(chain.reply(1, 'Q', '#0#ok#', 0)).toMatchObject({ fired: [{ id: 'f1', sentence: 'shouted #0#ok#' }], delivery: { replaceWith: '#0#OK#', faults: ['f1'] } });
  });
});
