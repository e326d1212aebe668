/**
 * A tickets run's lane: a fresh folder per lane, handed to the POS and to the simulator's
 * CashlogyTickets look-alike, emptied before every item (what one item left there never reaches
 * the next) and removed when the run ends. A TCP run gets no folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosProfile } from '../../src/pos/types.js';
import { runChecklist } from '../../src/runner/run.js';

const item = (id: string, setup: string) => `
  - id: ${id}
    title: {fr: "titre", en: "title", es: "título"}
    description: {fr: "d", en: "d", es: "d"}
    ref: "1"
    level: required
    catches: {fr: "c", en: "c", es: "c"}
    steps:
${setup}      - action: startup
      - expect: {outcome: {outcome: completed}}`;

const CHECKLIST = parseChecklist(
  `id: lane
version: "1"
title: {fr: "t", en: "t", es: "t"}
source: s
integrations: [tickets, express]
items:${item('L-1', '      - setup: {ticketsFiles: {"left-by-item-1.OK": {ticket: X}}}\n')}${item('L-2', '')}`,
  'lane.yaml',
);

const profile = (integration: 'tickets' | 'express'): PosProfile => ({
  name: 'p',
  version: '1',
  company: 'c',
  email: 'e@example.invalid',
  integration,
  features: [],
  driver: { type: 'reference', inProcess: true },
});

/** A POS whose start-up reports the folder it was given and what is in it. */
function folderReporter(seen: { dir: string | undefined; listings: string[][] }) {
  return inProcessDriver((target) => {
    seen.dir = target.ticketsDir;
    return {
      perform: async () => {
        seen.listings.push(target.ticketsDir === undefined ? [] : readdirSync(target.ticketsDir).sort());
        return { outcome: 'completed' as const };
      },
      close: () => undefined,
    };
  });
}

describe('the tickets folder of a lane', () => {
  it('is fresh, given to the POS, emptied before each item and removed at the end', async () => {
    const seen = { dir: undefined as string | undefined, listings: [] as string[][] };
    const result = await runChecklist({ checklist: CHECKLIST, pos: profile('tickets'), seed: 1, timeScale: 0.01, lang: 'en', ci: true, jobs: 1, driverFactory: () => folderReporter(seen) });
    expect(result.items.map((i) => `${i.id} ${i.verdict}`)).toEqual(['L-1 pass', 'L-2 pass']);
    expect(seen.dir).toMatch(/cashlogy-tickets-/);
    // Item 1 saw the file its setup wrote; item 2 started from an empty folder.
    expect(seen.listings).toEqual([['left-by-item-1.OK'], []]);
    expect(existsSync(seen.dir as string)).toBe(false);
  }, 60_000);

  it('a TCP POS gets none', async () => {
    const seen = { dir: 'unset' as string | undefined, listings: [] as string[][] };
    const only = { ...CHECKLIST, items: CHECKLIST.items.filter((i) => i.id === 'L-2') };
    await runChecklist({ checklist: only, pos: profile('express'), seed: 1, timeScale: 0.01, lang: 'en', ci: true, jobs: 1, driverFactory: () => folderReporter(seen) });
    expect(seen.dir).toBeUndefined();
  }, 60_000);

  it('ticketsFiles without a tickets folder stops the item with an error that says why', async () => {
    const seen = { dir: undefined as string | undefined, listings: [] as string[][] };
    const only = { ...CHECKLIST, items: CHECKLIST.items.filter((i) => i.id === 'L-1') };
    const result = await runChecklist({ checklist: only, pos: profile('express'), seed: 1, timeScale: 0.01, lang: 'en', ci: true, jobs: 1, driverFactory: () => folderReporter(seen) });
    expect(result.items[0]?.verdict).toBe('error');
    expect(result.items[0]?.reason).toContain('ticketsFiles needs a tickets integration');
  }, 60_000);
});
