/**
 * The Shape description of a fault spec (src/faults/format.ts) must accept what the registry's
 * validator accepts and refuse what it refuses, for every registered fault, so the generated
 * schema/fault.schema.json never tells an editor something the tool disagrees with.
 */
import { describe, expect, it } from 'vitest';
import { checkShape } from '../../src/format/shape.js';
import { faultSpecShape, triggerShape } from '../../src/faults/format.js';
import { listFaultInfo, validateFaultSpec } from '../../src/faults/registry.js';

const shape = faultSpecShape(listFaultInfo());
const errors = (value: unknown) => checkShape(shape, value).filter((p) => p.severity === 'error');

describe('fault spec shape', () => {
  it('has one variant per registered fault, with its options and the trigger', () => {
    expect(Object.keys(shape.variants)).toEqual(listFaultInfo().map((i) => i.type));
    for (const info of listFaultInfo()) {
      expect(Object.keys(shape.variants[info.type]?.props ?? {})).toEqual([...info.options.map((o) => o.name), 'on']);
    }
  });

  it('accepts every fault with its required options filled, as the registry does', () => {
    const example: Record<string, unknown> = { cents: 50, integer: 1, code: 1110, duration: '2s', offsets: [3] };
    for (const info of listFaultInfo()) {
      const spec: Record<string, unknown> = { type: info.type };
      for (const o of info.options) if (o.required) spec[o.name] = o.values?.[0] ?? example[o.kind];
      expect(validateFaultSpec(spec).problems).toEqual([]);
      expect(errors(spec)).toEqual([]);
    }
  });

  it('refuses, with a path, what the registry refuses', () => {
    const cases: [unknown, string][] = [
      [{ type: 'bogus' }, 'type'],
      [{ type: 'latency', ms: 800, colour: 'red' }, 'colour'],
      [{ type: 'latency', ms: 800, on: { nth: 0 } }, 'on.nth'],
      [{ type: 'latency', ms: 800, on: { command: 'ZZ' } }, 'on.command'],
      [{ type: 'note-jam', on: { after: '140%' } }, 'on.after'],
      [{ type: 'latency', ms: 800, on: { probability: 2 } }, 'on.probability'],
      [{ type: 'split', at: 'middle-ish' }, 'at'],
    ];
    for (const [spec, path] of cases) {
      expect(validateFaultSpec(spec).problems.map((p) => p.path)).toContain(path);
      expect(errors(spec).map((p) => p.path.join('.'))).toContain(path);
    }
  });

  it('reads a trigger command with or without the #', () => {
    expect(checkShape(triggerShape, { command: '#C#' })).toEqual([]);
    expect(checkShape(triggerShape, { command: 'gc2' })).toEqual([]);
  });
});
