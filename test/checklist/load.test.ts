import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { CertError, InvalidInputError } from '../../src/errors.js';
import { analyzeChecklist, loadChecklist, parseChecklist } from '../../src/checklist/load.js';
import { SHIPPED_CHECKLISTS } from '../../src/checklist/select.js';
import { tempDir } from '../helpers/temp.js';

const HEAD = `id: t
version: 1.0.0
title: {fr: T, en: T, es: T}
source: test
integrations: [express]
items:
`;
const item = (id: string, body: string) => `  - id: ${id}
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: recommended
    catches: {fr: c, en: c, es: c}
${body}`;

describe('parseChecklist: normalised model', () => {
  it('fills defaults, parses durations and maps every step and expectation kind', () => {
    const c = parseChecklist(
      HEAD +
        item(
          'A-01',
          `    timeout: 1m
    steps:
      - setup:
          inventory: {recyclers: {"10": 0}}
          customer: {mode: auto, pay: [2000], delayMs: 500}
          faults: [{type: busy, on: {command: I}}]
      - action: startup
      - action: sale
        name: sale
        amount: 990
        wait: false
        timeout: 30s
      - customer: {insert: [2000], after: 500ms}
      - operator: {close: true, within: 1m}
      - fault: {type: disconnect, on: {command: C}}
      - wait: 1.5s
      - expect: {sends: "#C#{op}#*#{amount}#...", count: {atMost: 1}}
        message: the POS never sent the charge
      - expect: {neverSends: {regex: "^#C#"}, afterReply: "#WR:CANCEL#...", since: sale}
      - expect: {sendsInOrder: ["#J#", "#P#..."], within: 10s}
      - expect: {oneCommandAtATime: true}
      - expect: {captured: {op: {matches: "^[0-9]+$"}}}
      - expect: {outcome: {outcome: completed, paid: "{amount}", owed: 0}, of: sale}
      - expect: {machine: {inserted: 2000, dispensed: {atLeast: 1000}, recyclers: {"2000": 1}}}
      - expect: {operator: {fr: q, en: q, es: q}}
`,
        ) +
        item(
          'A-02',
          `    dependsOn: [A-01]
    steps:
      - action: shutdown
      - expect: {sends: "#E#"}
`,
        ),
      'mem.yaml',
    );
    expect(c.version).toBe('1.0.0');
    const [a, b] = c.items;
    expect(a?.timeoutMs).toBe(60_000);
    expect(b?.timeoutMs).toBe(120_000);
    expect(b?.appliesTo).toEqual({ integrations: [], features: [] });
    expect(b?.dependsOn).toEqual(['A-01']);
    expect(a?.tags).toEqual([]);
    expect(a?.underTest).toEqual([]);
    expect(a?.steps).toEqual([
      { kind: 'setup', inventory: { recyclers: { '10': 0 } }, customer: { mode: 'auto', pay: [2000], delayMs: 500 }, faults: [{ type: 'busy', on: { command: 'I' } }] },
      { kind: 'action', action: 'startup', wait: true },
      { kind: 'action', action: 'sale', name: 'sale', amount: 990, wait: false, timeoutMs: 30_000 },
      { kind: 'customer', insert: [2000], afterMs: 500, withinMs: 30_000 },
      { kind: 'operator', close: true, afterMs: 0, withinMs: 60_000 },
      { kind: 'fault', fault: { type: 'disconnect', on: { command: 'C' } } },
      { kind: 'wait', ms: 1500 },
      { kind: 'expect', expect: { type: 'sends', pattern: '#C#{op}#*#{amount}#...', withinMs: 30_000, count: { atMost: 1 } }, message: 'the POS never sent the charge' },
      { kind: 'expect', expect: { type: 'neverSends', pattern: { regex: '^#C#' }, since: 'sale', afterReply: '#WR:CANCEL#...' } },
      { kind: 'expect', expect: { type: 'sendsInOrder', patterns: ['#J#', '#P#...'], withinMs: 10_000 } },
      { kind: 'expect', expect: { type: 'oneCommandAtATime' } },
      { kind: 'expect', expect: { type: 'captured', values: { op: { matches: '^[0-9]+$' } } } },
      { kind: 'expect', expect: { type: 'outcome', of: 'sale', fields: { outcome: 'completed', paid: '{amount}', owed: 0 } } },
      { kind: 'expect', expect: { type: 'machine', inserted: 2000, dispensed: { atLeast: 1000 }, recyclers: { '2000': 1 } } },
      { kind: 'expect', expect: { type: 'operator', question: { fr: 'q', en: 'q', es: 'q' } } },
    ]);
  });

  it('keeps warnings apart: a file with only warnings is valid', () => {
    const r = analyzeChecklist(
      HEAD +
        item(
          'A-01',
          `    underTest: [Z]
    steps:
      - action: startup
      - expect: {sends: "#I#"}
`,
        ) +
        item(
          'A-02',
          `    steps:
      - action: startup
`,
        ),
      'warn.yaml',
    );
    expect(r.checklist).toBeDefined();
    expect(r.issues.map((i) => [i.severity, i.message, i.line])).toEqual([
      ['warning', 'underTest lists "Z" but no expectation looks for a #Z# frame', 13],
      ['warning', 'item "A-02" has no expectation: it can never fail', 24],
    ]);
  });

  it('throws InvalidInputError (exit 2) carrying every error, with file:line:col', () => {
    const text = `${HEAD}  - id: A-01
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "6.3"
    level: mandatory
    steps:
      - action: sell
      - expect: {sends: "#I#", within: soon}
`;
    let caught: unknown;
    try {
      parseChecklist(text, 'bad.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const err = caught as InvalidInputError;
    expect(exitCodeForError(err)).toBe(2);
    expect(err.message).toBe('bad.yaml is not a valid checklist (4 errors)');
    expect(err.issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.message}`)).toEqual([
      'bad.yaml:7:5 missing required key "catches" in an item',
      'bad.yaml:11:12 unknown level "mandatory"',
      'bad.yaml:13:17 unknown action "sell"',
      'bad.yaml:14:40 invalid duration "soon"',
    ]);
  });

  it('loadChecklist hashes the bytes and reports a missing file as a usage error (exit 1)', () => {
    const file = SHIPPED_CHECKLISTS['chapter7-express'];
    const c = loadChecklist(file);
    expect(c.file).toBe(file);
    expect(c.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const missing = join(tempDir('cl-'), 'nope.yaml');
    expect(() => loadChecklist(missing)).toThrow(CertError);
    try {
      loadChecklist(missing);
    } catch (err) {
      expect((err as CertError).code).toBe('FILE_NOT_FOUND');
      expect(exitCodeForError(err)).toBe(1);
      expect((err as Error).message).toContain('nope.yaml: no such file');
    }
  });

  it('refuses custom tags and bounds alias expansion', () => {
    const dir = tempDir('cl-');
    const tagged = join(dir, 'tag.yaml');
    writeFileSync(tagged, HEAD + item('A-01', '    steps: !!js/function "function(){}"\n'));
    expect(() => loadChecklist(tagged)).toThrow(/not a valid checklist/);
    const lol = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lol.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const r = analyzeChecklist(lol.join('\n') + '\n', 'lol.yaml');
    expect(r.checklist).toBeUndefined();
    expect(r.issues[0]?.message).toMatch(/alias/i);
  });
});
