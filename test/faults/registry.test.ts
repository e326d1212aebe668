/**
 * One harness over the whole registry, RuleTester style: every fault type has valid and
 * invalid examples, its options have defaults or are required, and it can describe itself
 * and write a sentence at every point where it can fire.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/random.js';
import { euros, type FaultPoint } from '../../src/faults/definition.js';
import type { FaultOpportunity } from '../../src/faults/engine-types.js';
import { faultTypes, getFaultDefinition, listFaultInfo, validateFaultSpec } from '../../src/faults/registry.js';
import { DOMAIN_FAULT_TYPES, FAULT_TYPES, TICKETS_FAULT_TYPES, TRANSPORT_FAULT_TYPES, type FaultType } from '../../src/faults/spec.js';

interface Cases {
  valid: Record<string, unknown>[];
  invalid: { spec: Record<string, unknown>; message: RegExp; path?: string; hint?: RegExp }[];
}

const CASES: Record<FaultType, Cases> = {
  'note-jam': {
    valid: [{}, { for: '2s' }, { denomination: 2000, during: 'accept' }, { on: { command: 'C', after: '40%' } }, { on: { after: '1500ms' } }],
    invalid: [
      { spec: { denomination: 'twenty' }, message: /expected a whole number, got the text "twenty"/, path: 'denomination' },
      { spec: { during: 'dispence' }, message: /unknown during "dispence"/, hint: /did you mean "dispense"/ },
      { spec: { for: 'soon' }, message: /duration/, path: 'for' },
    ],
  },
  'coin-jam': {
    valid: [{}, { denomination: 10 }, { during: 'dispense', for: 500 }],
    invalid: [{ spec: { denomination: 0 }, message: /at least 1/ }],
  },
  'partial-dispense': {
    valid: [{ short: 50 }, { short: 1, on: { command: 'C', after: '50%' } }],
    invalid: [
      { spec: {}, message: /missing required key "short"/, path: '', hint: /e\.g\. \{type: partial-dispense, short: 50\}/ },
      { spec: { short: 0.5 }, message: /whole number/ },
      { spec: { short: -10 }, message: /must be at least 1, got -10/ },
    ],
  },
  'stacker-full': {
    valid: [{}, { on: { command: 'C', after: '2s' } }],
    invalid: [{ spec: { full: true }, message: /unknown key "full"/, hint: /takes no options/ }],
  },
  'door-open': {
    valid: [{}, { door: 'note' }],
    invalid: [{ spec: { door: 'back' }, message: /unknown door "back"/, hint: /one of: coin, note/ }],
  },
  'device-error': {
    valid: [{ code: 1110 }, { code: 1315, on: { command: 'P' } }],
    invalid: [
      { spec: {}, message: /missing required key "code"/ },
      { spec: { code: '1110' }, message: /expected a whole number, got the text "1110"/ },
      { spec: { code: 0 }, message: /must be at least 1, got 0/ },
    ],
  },
  busy: {
    valid: [{}, { for: '2s' }, { on: { command: 'I' } }],
    invalid: [
      { spec: { on: { after: '40%' } }, message: /cannot fire part-way/, path: 'on.after' },
      { spec: { for: '2 weeks' }, message: /duration/ },
    ],
  },
  restart: {
    valid: [{}, { on: { command: 'C', after: '50%' } }],
    invalid: [{ spec: { command: 'C' }, message: /unknown key "command"/, hint: /trigger field and belongs under "on"/ }],
  },
  'power-off': {
    valid: [{}, { for: '10s' }],
    invalid: [{ spec: { fr: '10s' }, message: /unknown key "fr"/, hint: /did you mean "for"/ }],
  },
  disconnect: {
    valid: [{}, { midReply: 3 }, { on: { command: 'C', nth: 2 } }],
    invalid: [
      { spec: { midReply: -1 }, message: /at least 0/ },
      { spec: { on: { after: '40%' } }, message: /"after" does not apply/ },
    ],
  },
  reset: {
    valid: [{}, { midReply: 5 }],
    invalid: [{ spec: { midreply: 5 }, message: /unknown key/, hint: /did you mean "midReply"/ }],
  },
  refuse: {
    valid: [{}, { for: '5s' }, { on: { nth: 2 } }],
    invalid: [{ spec: { on: { command: 'C' } }, message: /new connections, which carry no command/ }],
  },
  silence: {
    valid: [{}, { for: '3s' }, { on: { command: 'Q', probability: 0.5 } }],
    invalid: [{ spec: { for: true }, message: /duration/ }],
  },
  latency: {
    valid: [{}, { ms: 800 }, { ms: '1.5s', jitter: '200ms' }, { ms: 100, for: '10s' }],
    invalid: [{ spec: { ms: 'slow' }, message: /duration/ }],
  },
  split: {
    valid: [{}, { at: 3 }, { at: [3, 7] }, { at: '3+7' }, { at: 'every' }, { at: 'middle' }],
    invalid: [
      { spec: { at: 0 }, message: /byte offset/ },
      { spec: { at: [] }, message: /byte offset/ },
      { spec: { at: 'start' }, message: /byte offset/ },
    ],
  },
  corrupt: {
    valid: [{}, { bytes: 3 }, { with: '#0#999#' }],
    invalid: [
      { spec: { bytes: 0 }, message: /at least 1/ },
      { spec: { with: 42 }, message: /expected a text, got the number 42/ },
    ],
  },
  'stale-reply': {
    valid: [{}, { on: { command: 'Q', nth: 3 } }],
    invalid: [{ spec: { previous: true }, message: /unknown key "previous"/ }],
  },
  'tickets-down': {
    valid: [{}, { for: '5s' }, { on: { nth: 2 } }],
    invalid: [{ spec: { on: { command: 'venta' } }, message: /acts when a request file appears, before its type is read/, path: 'on.command' }],
  },
  'tickets-slow': {
    valid: [{}, { ms: '2s' }, { on: { command: 'venta' } }, { on: { command: 'abono', nth: 2 } }],
    invalid: [
      { spec: { ms: 'late' }, message: /duration/ },
      { spec: { on: { command: 'P' } }, message: /acts on tickets requests, not on the connector command "P"/, hint: /command: venta or command: abono/ },
    ],
  },
  'tickets-nok': {
    valid: [{}, { reason: 'not-enough-change' }, { reason: 'busy', message: 'ocupado' }],
    invalid: [{ spec: { reason: 'sold-out' }, message: /unknown reason "sold-out"/, path: 'reason' }],
  },
  'tickets-corrupt-answer': {
    valid: [{}, { with: '{"ticket":' }],
    invalid: [{ spec: { with: 3 }, message: /expected a text, got the number 3/ }],
  },
  'tickets-split-answer': {
    valid: [{}, { pieces: 2, pause: '1s' }],
    invalid: [
      { spec: { pieces: 1 }, message: /at least 2/ },
      { spec: { pieces: 100 }, message: /at most 64 pieces/ },
    ],
  },
  'tickets-eager-read': {
    valid: [{}, { on: { nth: 3 } }],
    invalid: [{ spec: { on: { after: '40%' } }, message: /"after" does not apply/ }],
  },
};

function requiredOptions(type: FaultType): Record<string, unknown> {
  const sample: Record<string, unknown> = { type };
  for (const option of getFaultDefinition(type).info.options) {
    if (option.required) sample[option.name] = option.kind === 'code' ? 1110 : 50;
  }
  return sample;
}

function sampleOpportunity(point: FaultPoint, isNote: boolean): FaultOpportunity {
  switch (point) {
    case 'connect':
      return { point, conn: 3 };
    case 'command':
      return { point, conn: 1, command: 'C', frame: '#C#1#1#990#1#15360#0#0#0#1#0#0#' };
    case 'progress':
      return { point, conn: 1, command: 'P', phase: 'dispense', progress: 0.4, elapsedMs: 1200, denomination: isNote ? 2000 : 50, isNote };
    case 'reply':
      return { point, conn: 1, command: 'C', frame: '#0#2000#1010#0#0#' };
  }
}

describe('fault registry', () => {
  it('registers exactly the pinned vocabulary of docs/faults.md, domain then transport, then tickets', () => {
    expect(faultTypes()).toEqual([...FAULT_TYPES]);
    const info = listFaultInfo();
    expect(info.map((i) => i.type)).toEqual([...FAULT_TYPES]);
    for (const i of info) {
      const plane = (DOMAIN_FAULT_TYPES as readonly string[]).includes(i.type) ? 'domain' : (TICKETS_FAULT_TYPES as readonly string[]).includes(i.type) ? 'tickets' : 'transport';
      expect(i.plane).toBe(plane);
    }
    expect(info.filter((i) => i.plane === 'transport').map((i) => i.type)).toEqual([...TRANSPORT_FAULT_TYPES]);
    expect([...TICKETS_FAULT_TYPES]).toEqual(['tickets-down', 'tickets-slow', 'tickets-nok', 'tickets-corrupt-answer', 'tickets-split-answer', 'tickets-eager-read']);
  });

  it('listFaultInfo returns copies that callers cannot use to change the registry', () => {
    const info = listFaultInfo();
    info[0]!.options.push({ name: 'x', kind: 'string', description: 'x' });
    expect(listFaultInfo()[0]!.options.some((o) => o.name === 'x')).toBe(false);
  });

  describe.each(FAULT_TYPES.map((type) => [type] as const))('%s', (type) => {
    const definition = getFaultDefinition(type);
    const cases = CASES[type] ?? { valid: [], invalid: [] };

    it('has test cases here', () => {
      expect(CASES[type], `add ${type} to CASES`).toBeDefined();
    });

    it('says what it is, what the POS sees and what every option means', () => {
      expect(definition.info.summary.length).toBeGreaterThan(10);
      expect(definition.info.wireEffect.length).toBeGreaterThan(10);
      expect(definition.points.length).toBeGreaterThan(0);
      for (const option of definition.info.options) {
        expect(option.description.length, option.name).toBeGreaterThan(5);
        // Every option is either required or has a default, or is optional with a documented absence.
        if (option.required) expect(option.default).toBeUndefined();
      }
      if (definition.info.plane === 'transport') expect(definition.toxic?.shape !== undefined || definition.points.includes('connect')).toBe(true);
      // Every fault acts somewhere: on the machine (domain), as a toxic in a connection's chain (transport),
      // or in the CashlogyTickets look-alike, which reads its type (tickets: neither of the other two).
      if (definition.info.plane === 'tickets') expect(definition.apply === undefined && definition.toxic === undefined).toBe(true);
      else expect(definition.info.plane === 'domain' ? definition.apply !== undefined : definition.toxic !== undefined).toBe(true);
    });

    it('fills in option defaults', () => {
      const { spec, problems } = validateFaultSpec(requiredOptions(type));
      expect(problems).toEqual([]);
      for (const option of definition.info.options) {
        if (option.default !== undefined) expect(spec?.[option.name]).toEqual(option.default);
      }
    });

    it.each(cases.valid.map((extra) => [JSON.stringify(extra), extra] as const))('accepts %s', (_name, extra) => {
      const input = { ...requiredOptions(type), ...extra };
      const { spec, problems } = validateFaultSpec(input);
      expect(problems).toEqual([]);
      expect(spec?.type).toBe(type);
      // A normalized spec validates again to itself.
      expect(validateFaultSpec(spec).spec).toEqual(spec);
    });

    it.each(cases.invalid.map((c) => [JSON.stringify(c.spec), c] as const))('rejects %s', (_name, c) => {
      const result = validateFaultSpec({ type, ...c.spec }, 'step.fault');
      expect(result.spec).toBeUndefined();
      const problem = result.problems.find((p) => c.message.test(p.message));
      expect(problem, JSON.stringify(result.problems)).toBeDefined();
      if (c.path !== undefined) expect(problem?.path).toBe(c.path === '' ? 'step.fault' : `step.fault.${c.path}`);
      if (c.hint !== undefined) expect(problem?.hint).toMatch(c.hint);
    });

    it('describes itself with and without a trigger', () => {
      for (const extra of [{}, ...cases.valid]) {
        const spec = validateFaultSpec({ ...requiredOptions(type), ...extra }).spec;
        expect(spec).toBeDefined();
        const text = definition.describe(spec!);
        expect(text.length).toBeGreaterThan(10);
        expect(text).not.toMatch(/undefined|NaN|\[object/);
      }
    });

    it.each(definition.points.map((p) => [p] as const))('writes a sentence when it fires at %s', (point) => {
      const spec = validateFaultSpec(requiredOptions(type)).spec!;
      const opportunity = sampleOpportunity(point, type !== 'coin-jam');
      const delivery =
        opportunity.point === 'reply' ? definition.toxic?.shape?.(definition.parseOptions(spec), opportunity.frame, '#0#500#', createRandom(1)) : undefined;
      for (const continuing of [false, true]) {
        const sentence = definition.sentence(spec, opportunity, {
          money: euros,
          continuing,
          windowLeftMs: 1500,
          ...(delivery !== undefined ? { delivery } : {}),
          ...(opportunity.point === 'reply' ? { reply: opportunity.frame } : {}),
        });
        expect(sentence.length).toBeGreaterThan(10);
        expect(sentence).not.toMatch(/undefined|NaN|\[object/);
      }
    });
  });
});

describe('validateFaultSpec', () => {
  it('rejects things that are not a fault mapping', () => {
    for (const input of [null, 42, 'latency', ['latency']]) {
      const { spec, problems } = validateFaultSpec(input, 'faults[0]');
      expect(spec).toBeUndefined();
      expect(problems[0]?.message).toMatch(/expected a mapping/);
      expect(problems[0]?.path).toBe('faults[0]');
    }
  });

  it('suggests the closest fault type and points at the key "type"', () => {
    const { problems } = validateFaultSpec({ type: 'note-jma' }, 'items[2].steps[1].fault');
    expect(problems).toEqual([
      {
        path: 'items[2].steps[1].fault.type',
        message: 'unknown fault type "note-jma"',
        hint: 'did you mean "note-jam"?',
        segments: ['type'],
        at: 'value',
      },
    ]);
  });

  it('lists the types when nothing is close, and catches a misspelt "type" key', () => {
    expect(validateFaultSpec({ type: 'zzzzzzzz' }).problems[0]?.hint).toMatch(/one of: note-jam, coin-jam/);
    const misspelt = validateFaultSpec({ typo: 'latency' }).problems[0];
    expect(misspelt).toMatchObject({ message: 'missing required key "type" in fault', segments: ['typo'], at: 'key', hint: 'did you mean "type" instead of "typo"?' });
    expect(validateFaultSpec({ ms: 5 }).problems[0]).toMatchObject({ message: 'missing required key "type" in fault', segments: [] });
  });

  it('reports every problem at once, trigger and options together', () => {
    const { problems } = validateFaultSpec({
      type: 'latency',
      ms: 'slow',
      color: 'red',
      on: { command: 'CC', nth: 0, after: '150%', probability: 2, times: 1.5, when: 'now' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['color', 'ms', 'on.after', 'on.command', 'on.nth', 'on.probability', 'on.times', 'on.when'].sort(),
    );
    expect(problems.find((p) => p.path === 'on.command')?.hint).toBe('did you mean "C"?');
    expect(problems.find((p) => p.path === 'on.when')).toMatchObject({ at: 'key', hint: expect.stringMatching(/one of: command, nth, after, probability, times/) });
  });

  it('normalizes command codes and keeps the trigger', () => {
    const { spec } = validateFaultSpec({ type: 'busy', on: { command: '#gc2#', nth: 2, probability: 0.5, times: 3 } });
    expect(spec).toEqual({ type: 'busy', on: { command: 'GC2', nth: 2, probability: 0.5, times: 3 } });
    expect(validateFaultSpec({ type: 'busy', on: { command: '?' } }).spec?.on?.command).toBe('?');
    expect(validateFaultSpec({ type: 'busy', on: { command: 'info' } }).spec?.on?.command).toBe('INFO');
  });

  it('accepts "after" as a percentage, a duration or milliseconds', () => {
    expect(validateFaultSpec({ type: 'note-jam', on: { after: ' 40% ' } }).spec?.on?.after).toBe('40%');
    expect(validateFaultSpec({ type: 'note-jam', on: { after: '2s' } }).spec?.on?.after).toBe('2s');
    expect(validateFaultSpec({ type: 'note-jam', on: { after: 1500 } }).spec?.on?.after).toBe('1500ms');
    expect(validateFaultSpec({ type: 'note-jam', on: { after: '101%' } }).problems[0]?.path).toBe('on.after');
  });

  it('points an option written under "on" back to the fault', () => {
    const problem = validateFaultSpec({ type: 'latency', on: { ms: 800 } }).problems[0];
    expect(problem?.hint).toMatch(/"ms" is an option of latency/);
  });
});

describe('command codes', () => {
  it('triggers accept exactly the codec\'s command codes, and every one has words for sentences', async () => {
    const { COMMAND_CODES } = await import('../../src/protocol/commands.js');
    const { FAULT_COMMAND_CODES, NAMED_COMMAND_CODES } = await import('../../src/faults/commands.js');
    expect([...FAULT_COMMAND_CODES].sort()).toEqual([...COMMAND_CODES].sort());
    expect([...NAMED_COMMAND_CODES].sort()).toEqual([...COMMAND_CODES].sort());
  });
});

describe('docs/faults.md', () => {
  it('has a catalogue row for every fault, naming each of its options', async () => {
    const { readFileSync } = await import('node:fs');
    const docs = readFileSync(new URL('../../docs/faults.md', import.meta.url), 'utf8');
    for (const info of listFaultInfo()) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${info.type}\` |`));
      expect(row, info.type).toBeDefined();
      for (const option of info.options) expect(row, `${info.type}.${option.name}`).toContain(`\`${option.name}\``);
    }
  });
});
