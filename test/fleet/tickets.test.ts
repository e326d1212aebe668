/**
 * The Cashlogy Tickets checklist has teeth and is not tuned to one POS: tickets-micro, run by the
 * real runner against the real simulator and its CashlogyTickets look-alike on real folders,
 * passes the tickets reference POS in every correct design (in-process, and as a child process
 * behind the http driver with CASHLOGY_TICKETS_DIR, exit 0), and fails each defective tickets
 * variant of test/fleet/variants.ts on the required items named for it (exit 4), with a message
 * that names the defect.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePosCommand } from '../../src/drivers/reference.js';
import { TICKETS_DESIGNS, TicketsPos, type TicketsDesign } from '../../src/reference-pos/tickets.js';
import type { RunResult } from '../../src/runner/result.js';
import { runVerdict } from '../../src/runner/verdict.js';
import { certifyTickets, checklist, explain, notPassing, requiredProblems } from './certify.js';
import { ticketsFleetTable } from './table.js';
import { TICKETS_FLEET, type TicketsVariant } from './variants.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The POS gives up on a silent CashlogyTickets quickly here; the shipped default is minutes. */
const FAST = { answerTimeoutMs: 3_000 };

const DESIGNS: TicketsDesign[] = [
  { answerWait: 'poll', tempName: 'dot-prefix' },
  { answerWait: 'watch', tempName: 'part-suffix' },
];

describe.concurrent('every correct tickets design passes every item of tickets-micro', () => {
  it('the designs cover every value of every switch', () => {
    for (const [key, values] of Object.entries(TICKETS_DESIGNS)) {
      expect(new Set(DESIGNS.map((d) => d[key as keyof TicketsDesign]))).toEqual(new Set(values));
    }
  });

  it.for(DESIGNS)('answerWait=$answerWait tempName=$tempName', { timeout: 120_000 }, async (design, { expect }) => {
    const { items, verdict } = await certifyTickets((o) => new TicketsPos(o), { pos: { ...FAST, design } });
    expect(items.filter((i) => i.level === 'required' && i.verdict === 'pass').length).toBeGreaterThanOrEqual(10);
    expect(requiredProblems(items)).toEqual([]);
    expect(notPassing(items)).toEqual([]);
    expect(items.filter((i) => i.verdict === 'error').map(explain)).toEqual([]);
    expect(verdict).toBe('pass');
  });
});

describe('the reference POS as a process, driven like a vendor POS', () => {
  it('`run --pos` on a tickets profile: the checklist by default, CASHLOGY_TICKETS_DIR to the POS, exit 0', async () => {
    const cwd = tempDir('cashlogy-tickets-run-');
    const start = [...referencePosCommand('tickets', ['refund']), '--answer-timeout-ms', '3000', '--quiet'];
    writeFileSync(
      join(cwd, 'pos.yaml'),
      [
        'name: Tickets reference',
        'version: "1.0"',
        'company: cashlogy-cert tests',
        'email: tests@example.invalid',
        'integration: tickets',
        'features: [refund]',
        'driver:',
        '  type: reference',
        `  start: ${JSON.stringify(start)}`,
        '',
      ].join('\n'),
    );
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), 'run', '--pos', 'pos.yaml', '--time-scale', '0.01', '--ci', '--lang', 'en'], {
        cwd,
        env: { ...process.env, NO_COLOR: '1', LC_ALL: 'en_US.UTF-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let o = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (o += c));
      child.stderr.resume();
      child.on('close', (c) => resolve({ code: c, stdout: o }));
    });
    const runs = readdirSync(join(cwd, 'cashlogy-reports'));
    const result = JSON.parse(readFileSync(join(cwd, 'cashlogy-reports', runs[0] as string, 'result.json'), 'utf8')) as RunResult;
    expect(result.items.filter((i) => i.level === 'required' && i.verdict !== 'pass').map((i) => `${i.id} ${i.verdict}: ${i.reason}`), stdout).toEqual([]);
    expect(result).toMatchObject({ checklist: { id: 'tickets-micro' }, verdict: 'pass' });
    expect(code).toBe(0);
    // The requests went through files the look-alike read, named in the transcript.
    const sale = result.items.find((i) => i.id === 'TIX-01');
    expect(sale?.transcript.some((e) => e.dir === 'in' && typeof e.file === 'string' && e.file.endsWith('.azk'))).toBe(true);
    expect(sale?.transcript.some((e) => e.dir === 'out' && typeof e.file === 'string' && e.file.endsWith('.OK'))).toBe(true);
    // The reports show each file by name before its content, and the look-alike's file events.
    const reportDir = join(cwd, 'cashlogy-reports', runs[0] as string);
    const text = readFileSync(join(reportDir, 'transcripts', 'TIX-01.log'), 'utf8');
    expect(text).toMatch(/pos-[^ ]+\.azk \{"type":"venta"/);
    expect(text).toMatch(/pos-[^ ]+\.OK \{"ticket"/);
    const manual = readFileSync(join(reportDir, 'manual.en.md'), 'utf8');
    expect(manual).toContain('Herramientas → Carpetas → Peticiones');
    expect(manual).toMatch(/Exchange your POS performed during the run \(item TIX-01/);
  }, 180_000);
});

type Case = [name: string, variant: TicketsVariant];
const cases: Case[] = TICKETS_FLEET.map((v): Case => [v.name, v]);

describe.concurrent('every defective tickets variant fails the required items named for it', () => {
  it.for<Case>(cases)('%s', { timeout: 90_000 }, async ([, variant], { expect }) => {
    const { items, verdict } = await certifyTickets((o) => variant.create(o), { only: variant.caughtBy, pos: FAST });
    const summary = items.map(explain).join('\n');
    const caught = items.filter((i) => i.level === 'required' && i.verdict === 'fail');
    expect(caught.map((i) => i.id).sort(), `variant "${variant.name}" (${variant.defect}) slipped through:\n${summary}`).toEqual([...variant.caughtBy].sort());
    expect(runVerdict(items)).toBe('fail');
    expect(verdict).toBe('fail');
    expect(items.filter((i) => i.verdict === 'error').map(explain), 'an item errored instead of failing').toEqual([]);
    const texts = caught.flatMap((i) => [i.reason ?? '', ...i.checks.filter((c) => c.status === 'failed').map((c) => `${c.message ?? ''} ${c.actual}`)]);
    expect(texts.some((t) => variant.message.test(t)), `no failure message names the defect (${variant.message}):\n${summary}`).toBe(true);
  });
});

describe('tickets-micro and the fleet', () => {
  it('every required item is expected to catch at least one tickets variant', async () => {
    const list = await checklist('tickets-micro');
    const covered = new Set(TICKETS_FLEET.flatMap((v) => v.caughtBy));
    const required = list.items.filter((i) => i.level === 'required').map((i) => i.id);
    expect(required.length).toBeGreaterThanOrEqual(10);
    expect(required.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('docs/runner.md prints the tickets variant → catching items table as it is', () => {
    expect(readFileSync(join(ROOT, 'docs/runner.md'), 'utf8')).toContain(ticketsFleetTable(TICKETS_FLEET));
  });
});
