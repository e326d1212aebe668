/**
 * The floor of a run (src/runner/floor.ts): the waits a checklist declares, counted from the
 * checklist text itself, so the figures below are read off the YAML, not off the code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist, loadChecklist } from '../../src/checklist/load.js';
import { CHECKLISTS_DIR } from '../../src/checklist/load.js';
import { itemFloor, runFloor, type FloorMachine } from '../../src/runner/floor.js';
import { floorLine } from '../../src/cli/progress.js';
import type { IntegrationType } from '../../src/pos/types.js';

const MACHINE: FloorMachine = { noteAcceptMs: 1500, coinAcceptMs: 300, customerDelayMs: 1000, notes: [500, 1000, 2000, 5000] };
const WITH_INIT: FloorMachine = { ...MACHINE, initColdMs: 8000 };

function checklistOf(stepsYaml: string): ReturnType<typeof parseChecklist> {
  const indented = stepsYaml
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
  const text = `id: floor-test
version: "1"
title: {fr: t, en: t, es: t}
source: test
integrations: [express]
items:
  - id: T-01
    title: {fr: t, en: t, es: t}
    description: {fr: d, en: d, es: d}
    ref: "1"
    level: required
    catches: {fr: c, en: c, es: c}
    steps:
${indented}
`;
  return parseChecklist(text, 'floor-test.yaml');
}

function floorOf(stepsYaml: string, timeScale = 1, machine?: FloorMachine, integration: IntegrationType | null = 'express') {
  const item = checklistOf(stepsYaml).items[0];
  if (!item) throw new Error('no item parsed');
  return itemFloor(item, { timeScale, ...(machine ? { machine } : {}), ...(integration ? { integration } : {}) });
}

/** A setup step: 300 ms on every reply, with a budget no item uses up. */
const LATENCY_ON_EVERY_REPLY = `- setup:
    faults:
      - {type: latency, ms: 300, on: {times: 1000}}
`;

function itemFloorWith(stepsYaml: string, extra: { splitPauseMs?: number }, integration: IntegrationType = 'express') {
  const item = checklistOf(stepsYaml).items[0];
  if (!item) throw new Error('no item parsed');
  return itemFloor(item, { timeScale: 1, integration, ...extra });
}

describe('itemFloor', () => {
  it('counts wait steps and the customer and operator `after`, unscaled', () => {
    const floor = floorOf(
      `
- action: sale
  amount: 500
  wait: false
- customer: {insert: [500], after: 200ms, within: 30s}
- wait: 2s
- operator: {close: true, after: 500ms, within: 30s}
`,
      0.01,
    );
    expect(floor.waitsMs).toBe(200 + 2000 + 500);
    expect(floor.machineMs).toBe(0);
  });

  it('scales the machine time of inserted pieces: notes and coins from the profile', () => {
    const floor = floorOf(
      `
- action: sale
  amount: 700
  wait: false
- customer: {insert: [500, 200], after: 0ms, within: 30s}
- expect: {outcome: {outcome: completed}}
`,
      0.1,
      MACHINE,
    );
    expect(floor.machineMs).toBeCloseTo((1500 + 300) * 0.1, 6);
    expect(floor.floorMs).toBeCloseTo(180, 6);
  });

  it('counts inserted pieces only where the validator outlasts the waits after them, and only when an outcome waits for them', () => {
    // The note goes through the validator (150 ms at 0.1) during the 100 ms wait: 50 ms more.
    const overlapping = floorOf(
      `
- action: sale
  amount: 500
  wait: false
- customer: {insert: [500], after: 0ms, within: 30s}
- wait: 100ms
- expect: {outcome: {outcome: completed}}
`,
      0.1,
      MACHINE,
    );
    expect(overlapping.waitsMs).toBe(100);
    expect(overlapping.machineMs).toBeCloseTo(50, 6);
    // Nothing waits for the money to be counted: the item may end while the validator works.
    const unawaited = floorOf(
      `
- action: sale
  amount: 500
  wait: false
- customer: {insert: [500], after: 0ms, within: 30s}
- expect: {sends: "#Q#", within: 5s}
`,
      0.1,
      MACHINE,
    );
    expect(unawaited.machineMs).toBe(0);
  });

  it('counts the automatic customer once per later sale: its delay and its pieces', () => {
    const floor = floorOf(
      `
- setup:
    customer: {mode: auto, pay: [1000]}
- action: startup
- action: sale
  amount: 1000
- action: sale
  amount: 1000
`,
      0.01,
      MACHINE,
    );
    expect(floor.machineMs).toBeCloseTo(2 * (1000 + 1500) * 0.01, 6);
    // A fault that may end a sale before the customer pays leaves the customer out.
    const jammed = floorOf(
      `
- setup:
    customer: {mode: auto, pay: [1000]}
    faults:
      - {type: note-jam, for: 1s, on: {command: C}}
- action: sale
  amount: 1000
`,
      0.01,
      MACHINE,
    );
    expect(jammed.machineMs).toBe(0);
  });

  it('keeps the automatic customer under a fault that acts only once an Express charge\'s money is in', () => {
    const withFault = (fault: string, integration: IntegrationType = 'express') =>
      floorOf(`
- setup:
    customer: {mode: auto, pay: [1000]}
    faults:
      - ${fault}
- action: sale
  amount: 1000
`, 0.01, MACHINE, integration).machineMs;
    const customer = (1000 + 1500) * 0.01;
    // On the charge's reply (cut, withheld, damaged), or while it pays out change.
    expect(withFault('{type: disconnect, on: {command: C}}')).toBeCloseTo(customer, 6);
    expect(withFault('{type: silence, for: 5s, on: {command: C}}')).toBeCloseTo(customer, 6);
    expect(withFault('{type: partial-dispense, short: 10, on: {command: C}}')).toBeCloseTo(customer, 6);
    // On another command (a cut #T# reply: the POS may give the sale up), while the customer
    // pays (a jam), at a point in the charge, or a no-screen sale: not certain.
    expect(withFault('{type: disconnect, on: {command: T}}')).toBe(0);
    expect(withFault('{type: disconnect}')).toBe(0);
    expect(withFault('{type: note-jam, on: {command: C}}')).toBe(0);
    expect(withFault('{type: restart, on: {command: C, after: "10%"}}')).toBe(0);
    expect(withFault('{type: disconnect, on: {command: C}}', 'complete')).toBe(0);
  });

  it('counts a latency fault once per later action that must wait for a reply it delays, at most `times`', () => {
    const everyReplySteps = `${LATENCY_ON_EVERY_REPLY}- action: startup
- action: sale
  amount: 990
- action: shutdown
`;
    const everyReply = floorOf(everyReplySteps);
    // startup (#I#) and sale (#C#) wait for a reply; shutdown need not send anything.
    expect(everyReply.waitsMs).toBe(600);
    const once = floorOf(`
- setup:
    faults:
      - {type: latency, ms: 300, on: {command: C}}
- action: startup
- action: sale
  amount: 990
- action: sale
  amount: 990
`);
    expect(once.waitsMs).toBe(300);
    // On every command, a budget the item can use up may go to a command the POS chooses to
    // send first (`#?#`, `#T#`): no reply that counts is certain.
    const smallOnEvery = floorOf(everyReplySteps.replace('times: 1000', 'times: 3'));
    expect(smallOnEvery.waitsMs).toBe(0);
    const onlyC = floorOf(`
- action: startup
- fault: {type: latency, ms: 1s, jitter: 200ms, on: {command: C, times: 5}}
- action: sale
  amount: 990
- action: startup
`);
    expect(onlyC.waitsMs).toBe(800);
  });

  it('counts a `for` window as one firing: the replies after the window are not delayed', () => {
    const windowed = floorOf(`
- setup:
    faults:
      - {type: latency, ms: 300, for: 10s, on: {command: C}}
- action: sale
  amount: 990
- action: sale
  amount: 990
`);
    // The first #C# fires it; the second may come after the 10 s.
    expect(windowed.waitsMs).toBe(300);
  });

  it('counts only the commands the POS\'s integration necessarily sends', () => {
    const steps = `
- setup:
    faults:
      - {type: latency, ms: 300, on: {times: 1000}}
- action: startup
- action: sale
  amount: 990
- action: refund
  amount: 990
`;
    // Express: #I#, #C# (an Express POS has no refund command).
    expect(floorOf(steps, 1, undefined, 'express').waitsMs).toBe(600);
    // Complete: #I#, the sale's poll and #J#, #P# (a sale's #B# is answered at once: the
    // customer pays while it is delayed; the POS learns the money is in from a poll answered
    // after it went in, and #J# ends the sale).
    expect(floorOf(steps, 1, undefined, 'complete').waitsMs).toBe(1200);
    // A cancel may end the sale before the money is in: its #J# stays, the poll does not.
    const cancelled = `${LATENCY_ON_EVERY_REPLY}- action: startup
- action: sale
  name: s
  amount: 990
  wait: false
- action: cancel
- expect: {outcome: {outcome: cancelled}, of: s}
`;
    expect(floorOf(cancelled, 1, undefined, 'complete').waitsMs).toBe(600);
    expect(floorOf(cancelled.replace('- action: cancel\n', ''), 1, undefined, 'complete').waitsMs).toBe(900);
    // A fault that may end the sale another way (here a jam) makes its #J# uncertain.
    const jammed = steps.replace('- {type: latency, ms: 300, on: {times: 1000}}', '- {type: latency, ms: 300, on: {times: 1000}}\n      - {type: note-jam, on: {command: B}}');
    expect(jammed).not.toBe(steps);
    expect(floorOf(jammed, 1, undefined, 'complete').waitsMs).toBe(600);
    // Mixed: a sale is #C# or #B#, neither certain.
    expect(floorOf(steps, 1, undefined, 'mixed').waitsMs).toBe(600);
    // Tickets: the POS sends no frame; unknown integration: nothing is certain.
    expect(floorOf(steps, 1, undefined, 'tickets').waitsMs).toBe(0);
    expect(floorOf(steps, 1, undefined, null).waitsMs).toBe(0);
    // A trigger on #C# delays nothing a complete POS must send; one on #J# delays the end of each sale.
    const onJ = `
- setup:
    faults:
      - {type: latency, ms: 300, on: {command: J, times: 10}}
- action: startup
- action: sale
  amount: 990
  wait: false
- customer: {insert: [1000], after: 200ms}
- expect: {outcome: {outcome: completed}}
`;
    expect(floorOf(onJ, 1, undefined, 'complete').waitsMs).toBe(500);
    expect(floorOf(onJ, 1, undefined, 'mixed').waitsMs).toBe(200);
    // On every command, a small budget may go to the polls sent while the customer pays (their
    // delays overlap the customer's wait) or to a `#?#` before the `#I#`: nothing is certain then.
    const smallBudget = onJ.replace('on: {command: J, times: 10}', 'on: {times: 3}');
    expect(smallBudget).not.toBe(onJ);
    expect(floorOf(smallBudget, 1, undefined, 'complete').waitsMs).toBe(200);
    // A budget no item can use up (3 × 300 ms short of the 120 s item timeout above; 1000 × 300
    // ms past it) makes it certain: the #I#, the poll that reads the money, the #J#.
    expect(floorOf(onJ.replace('on: {command: J, times: 10}', 'on: {times: 1000}'), 1, undefined, 'complete').waitsMs).toBe(200 + 300 + 300 + 300);
    const onC = `
- setup:
    faults:
      - {type: latency, ms: 300, on: {command: C, times: 10}}
- action: startup
- action: sale
  amount: 990
`;
    expect(floorOf(onC, 1, undefined, 'complete').waitsMs).toBe(0);
    expect(floorOf(onC, 1, undefined, 'express').waitsMs).toBe(300);
    // A sale the item does not wait for may overlap the steps after it.
    const unwaited = `
- setup:
    faults:
      - {type: latency, ms: 300, on: {command: C}}
- action: sale
  amount: 990
  wait: false
- wait: 1s
`;
    expect(floorOf(unwaited, 1, undefined, 'express').waitsMs).toBe(1000);
    // One whose outcome a later check reads is waited for all the same: its reply comes after
    // the steps between (the customer pays, the cashier cancels), so the delay follows them.
    const readByName = `${unwaited.replace('  wait: false', '  wait: false\n  name: s')}- expect: {outcome: {outcome: completed}, of: s}\n`;
    expect(floorOf(readByName, 1, undefined, 'express').waitsMs).toBe(1300);
    const readAsLast = `${unwaited}- expect: {outcome: {outcome: completed}}\n`;
    expect(floorOf(readAsLast, 1, undefined, 'express').waitsMs).toBe(1300);
    // Without `of`, a check reads the last action before it: here the cancel, not the sale.
    const readOther = `${unwaited}- action: cancel\n- expect: {outcome: {outcome: cancelled}}\n`;
    expect(floorOf(readOther, 1, undefined, 'express').waitsMs).toBe(1000);
  });

  it('keeps the cold start and the automatic customer under faults that only delay replies', () => {
    const floor = floorOf(
      `
- setup:
    customer: {mode: auto, pay: [1000]}
    faults:
      - {type: split, at: [3], on: {command: I}}
      - {type: split, at: [8], on: {command: C}}
- action: startup
- action: sale
  amount: 1000
`,
      0.01,
      WITH_INIT,
    );
    expect(floor.machineMs).toBeCloseTo((8000 + 1000 + 1500) * 0.01, 6);
  });

  it('counts the pause of a split once per reply it must cut, as a latency is counted', () => {
    const steps = `
- setup:
    faults:
      - {type: split, at: [3], on: {command: I}}
      - {type: split, at: [8], on: {command: C, times: 2}}
- action: startup
- action: sale
  amount: 990
- action: sale
  amount: 500
`;
    // #I# and both #C# replies are cut (a reply shorter than the offset is cut in its middle).
    expect(itemFloorWith(steps, { splitPauseMs: 40 }).waitsMs).toBe(3 * 40);
    // The connector's pause unknown: nothing.
    expect(floorOf(steps).waitsMs).toBe(0);
    // A chance, a later nth, a command a complete POS need not wait on: nothing.
    expect(itemFloorWith(steps.replaceAll('times: 2}', 'times: 2, probability: 0.5}').replace('command: I}', 'command: I, nth: 2}'), { splitPauseMs: 40 }).waitsMs).toBe(0);
    expect(itemFloorWith(steps, { splitPauseMs: 40 }, 'complete').waitsMs).toBe(40);
    // Complete: the sale's #J# (a trigger on #J# is never used up by the polls).
    const onJ = `
- setup:
    faults:
      - {type: split, at: [3], on: {command: J, times: 2}}
- action: sale
  amount: 990
  wait: false
- customer: {insert: [1000], after: 200ms}
- expect: {outcome: {outcome: completed}}
`;
    expect(itemFloorWith(onJ, { splitPauseMs: 40 }, 'complete').waitsMs).toBe(200 + 40);
  });

  it('counts the latency on the command a customer waits for (whenSends) in a complete sale, once', () => {
    const steps = `
- setup:
    customer: {mode: manual}
    faults:
      - {type: latency, ms: 1500, on: {command: Q, times: 1000}}
- action: sale
  name: sale
  amount: 990
  wait: false
- customer: {insert: [1000], after: 300ms, within: 30s}
- customer: {insert: [50], whenSends: "#Q#", within: 30s}
- expect: {outcome: {outcome: completed}, of: sale}
`;
    // The POS sends #J# only once the #Q# that let the customer act is answered.
    expect(floorOf(steps, 1, undefined, 'complete').waitsMs).toBe(300 + 1500);
    // The note (1.5 s at scale 1) goes through the validator during that reply's 1.5 s.
    expect(floorOf(steps, 1, MACHINE, 'complete').machineMs).toBe(0);
    // Express: the POS sends nothing while its #C# is pending; a fault that may be used up, a
    // trigger on another command, nothing waiting for the sale: nothing.
    expect(floorOf(steps, 1, undefined, 'express').waitsMs).toBe(300);
    expect(floorOf(steps.replace('times: 1000', 'times: 5'), 1, undefined, 'complete').waitsMs).toBe(300);
    expect(floorOf(steps.replace('whenSends: "#Q#"', 'whenSends: "#T#"'), 1, undefined, 'complete').waitsMs).toBe(300);
    // A trigger whose reply the sale already counts (#J#) is not counted twice.
    const onJ = steps.replace('command: Q', 'command: J').replace('whenSends: "#Q#"', 'whenSends: "#J#"');
    expect(floorOf(onJ, 1, undefined, 'complete').waitsMs).toBe(300 + 1500);
    expect(floorOf(steps.replace('- expect: {outcome: {outcome: completed}, of: sale}\n', ''), 1, undefined, 'complete').waitsMs).toBe(300);
  });

  it('counts the cold start after a restart that must fire before a later waited action', () => {
    const steps = `
- setup:
    customer: {mode: auto, pay: [1000]}
- action: startup
- fault: {type: restart, on: {command: C}}
- action: sale
  name: sale1
  amount: 1000
- expect: {sends: "#I#", afterReply: "#ER:ILLEGAL#...", since: sale1, within: 30s}
- action: sale
  name: sale2
  amount: 1000
`;
    // The start-up's cold start, then the one after the restart (the customer is left out: the
    // restart may end a sale before it pays).
    expect(floorOf(steps, 0.01, WITH_INIT).machineMs).toBeCloseTo(80 + 80, 6);
    // Complete: the restart fires on the sale's #B#.
    expect(floorOf(steps.replace('command: C', 'command: B'), 0.01, WITH_INIT, 'complete').machineMs).toBeCloseTo(80 + 80, 6);
    for (const [variant, why] of [
      [steps.replace('command: C}', 'command: C, after: "40%"}'), 'may fire after the sale ended'],
      [steps.replace('command: C}', 'command: C, probability: 0.5}'), 'a chance'],
      [steps.replace('command: C', 'command: P'), 'a command the sale does not send'],
      [steps.replace('- action: sale\n  name: sale2\n  amount: 1000\n', ''), 'nothing needs the connector afterwards'],
      [steps.replace('- action: sale\n  name: sale2', '- wait: 1s\n- action: sale\n  name: sale2'), 'the new #I# may overlap the wait'],
    ] as const) {
      expect(floorOf(variant, 0.01, WITH_INIT).machineMs, why).toBeCloseTo(80, 6);
    }
  });

  it('counts the cold start of the first start-up the item waits for, scaled', () => {
    const plain = floorOf(
      `
- action: startup
- action: startup
`,
      0.01,
      WITH_INIT,
    );
    // Only the first #I# after the runner's reset is a cold start.
    expect(plain.machineMs).toBeCloseTo(80, 6);
    // A latency fault on #I# adds to it.
    const slow = floorOf(
      `
- setup:
    faults:
      - {type: latency, ms: 300, on: {command: I}}
- action: startup
`,
      0.01,
      WITH_INIT,
    );
    expect(slow.floorMs).toBeCloseTo(380, 6);
    // A fault that may answer #I# itself, an action not waited for, a tickets POS, no duration known: none.
    for (const [steps, integration, machine] of [
      ['- setup:\n    faults:\n      - {type: busy, on: {command: I}}\n- action: startup', 'express', WITH_INIT],
      ['- fault: {type: silence, for: 1s}\n- action: startup', 'express', WITH_INIT],
      ['- action: startup\n  wait: false', 'express', WITH_INIT],
      ['- action: startup', 'tickets', WITH_INIT],
      ['- action: startup', 'express', MACHINE],
    ] as const) {
      expect(floorOf(steps, 0.01, machine, integration).machineMs, steps).toBe(0);
    }
    // Unless a later check requires the start-up completed and the fault acts only before the
    // #I# runs or on its reply: the successful #I# then meets a machine still cold (COM-02).
    const busyThenCompleted = '- setup:\n    faults:\n      - {type: busy, on: {command: I}}\n- action: startup\n- expect: {outcome: {outcome: completed}}';
    expect(floorOf(busyThenCompleted, 0.01, WITH_INIT).machineMs).toBeCloseTo(80, 6);
    expect(floorOf(busyThenCompleted.replace('busy', 'disconnect'), 0.01, WITH_INIT).machineMs).toBeCloseTo(80, 6);
    // A fault that acts while the machine initialises, an uncertain outcome accepted, an
    // outcome read of another action: not certain.
    expect(floorOf(busyThenCompleted.replace('{type: busy, on: {command: I}}', '{type: power-off, on: {command: I}}'), 0.01, WITH_INIT).machineMs).toBe(0);
    expect(floorOf(busyThenCompleted.replace('{outcome: completed}}', '{outcome: completed}, acceptUncertain: true}'), 0.01, WITH_INIT).machineMs).toBe(0);
    expect(floorOf(busyThenCompleted.replace('- expect:', '- action: shutdown\n- expect:'), 0.01, WITH_INIT).machineMs).toBe(0);
    // A fault on another command leaves the cold start certain.
    expect(floorOf('- setup:\n    faults:\n      - {type: busy, on: {command: C}}\n- action: startup', 0.01, WITH_INIT).machineMs).toBeCloseTo(80, 6);
  });

  it('leaves out what a correct POS may avoid: a chance, a later nth, windows, other faults', () => {
    const floor = floorOf(`
- setup:
    faults:
      - {type: latency, ms: 300, on: {probability: 0.5}}
      - {type: latency, ms: 300, on: {nth: 2}}
      - {type: busy, for: 2s}
      - {type: silence, for: 2s}
- action: startup
- expect: {sends: "#I#", within: 30s}
`);
    expect(floor.floorMs).toBe(0);
  });
});

describe('runFloor', () => {
  it('adds up the items: the shipped express checklist declares its waits in four items', () => {
    const checklist = loadChecklist(join(CHECKLISTS_DIR, 'chapter7-express.yaml'));
    const floor = runFloor(checklist.items, { timeScale: 0.01, machine: MACHINE, integration: 'express' });
    expect(floor.items).toHaveLength(checklist.items.length);
    const byId = new Map(floor.items.map((item) => [item.id, item]));
    // EXP-08: customer inserts after 200 ms, cancels after 2 s.
    expect(byId.get('EXP-08')?.waitsMs).toBe(2200);
    // EXP-15: latency 300 ms on #I# and on #C# (the sale is started without waiting, but its
    // outcome is read after the customer paid), the customer after 2 s.
    expect(byId.get('EXP-15')?.waitsMs).toBe(2600);
    const total = floor.items.reduce((sum, item) => sum + item.floorMs, 0);
    expect(floor.floorMs).toBeCloseTo(total, 6);
    expect(floor.floorMs).toBeGreaterThan(2200 + 2600);
  });

  it('refuses a time scale that is not above 0', () => {
    expect(() => runFloor([], { timeScale: 0 })).toThrow(/timeScale must be a number above 0, got 0/);
  });
});

describe('the run summary line', () => {
  it('shows the floor and what the run added on top', () => {
    const line = floorLine({
      summary: { total: 1, pass: 1, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0, floorMs: 12_300 },
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:16.400Z',
    });
    expect(line).toBe('Floor: 12.3 s (the waits the checklist declares); the POS and the tool added 4.1 s');
  });

  it('speaks the run\'s language', () => {
    const result = {
      summary: { total: 1, pass: 1, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0, floorMs: 12_300 },
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:16.400Z',
    };
    expect(floorLine(result, 'fr')).toBe('Plancher : 12.3 s (les attentes que la checklist déclare) ; le TPV et l’outil ont ajouté 4.1 s');
    expect(floorLine(result, 'es')).toMatch(/^Mínimo: 12\.3 s/);
  });

  it('sets the floor against the items\' time added up when lanes ran them side by side', () => {
    const summary = { total: 2, pass: 2, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0, floorMs: 12_000 };
    const parallel = { summary, startedAt: '2026-01-01T10:00:00.000Z', finishedAt: '2026-01-01T10:00:08.000Z', items: [{ durationMs: 7_000 }, { durationMs: 8_500 }] };
    expect(floorLine(parallel)).toBe('Floor: 12.0 s (the waits the checklist declares); the items took 15.5 s in all, side by side in lanes: the POS and the tool added 3.5 s to them');
    expect(floorLine(parallel, 'fr')).toMatch(/^Plancher : 12\.0 s .* les points ont pris 15\.5 s en tout/);
    // One lane: the items take less than the run, and the wall clock is compared.
    const oneLane = { ...parallel, finishedAt: '2026-01-01T10:00:16.000Z' };
    expect(floorLine(oneLane)).toBe('Floor: 12.0 s (the waits the checklist declares); the POS and the tool added 4.0 s');
  });

  it('says nothing for a result without a floor (merged or older)', () => {
    const line = floorLine({
      summary: { total: 0, pass: 0, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0 },
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:00:01.000Z',
    });
    expect(line).toBeUndefined();
  });
});
