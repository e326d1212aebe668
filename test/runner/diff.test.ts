/**
 * Re-certification diff: a defective and a corrected reference POS, run by the real runner on
 * the real simulator, and what `diffRuns`, `cashlogy-cert diff` and the HTML baseline section
 * make of the two results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChecklist } from '../../src/checklist/load.js';
import { inProcessDriver } from '../../src/drivers/in-process.js';
import type { PosProfile } from '../../src/pos/types.js';
import { ReferencePos, type ReferencePosOptions } from '../../src/reference-pos/pos.js';
import { renderHtml } from '../../src/reporters/html.js';
import { diffRuns, firstDivergence, type RunDiff } from '../../src/runner/diff.js';
import type { RunResult } from '../../src/runner/result.js';
import { runChecklist } from '../../src/runner/run.js';
import { runVerdict, summarize } from '../../src/runner/verdict.js';
import { FLEET } from '../fleet/variants.js';
import { runMain } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const CHECKLIST = fileURLToPath(new URL('../../checklists/chapter7-express.yaml', import.meta.url));
/** Charges in euros ("#C#…#9.90#…"): EXP-03 and EXP-05 fail, EXP-01 (start-up) does not involve a charge. */
const VARIANT = FLEET.find((v) => v.name === 'sends-euros')!;
const ONLY = ['EXP-01', 'EXP-03', 'EXP-05'];

const pos: PosProfile = {
  name: 'diff POS',
  version: '1.0.0',
  company: 'cashlogy-cert tests',
  email: 'tests@example.invalid',
  integration: 'express',
  features: [],
  driver: { type: 'reference', inProcess: true },
};

function runOne(id: string, create: (o: ReferencePosOptions) => ReferencePos): Promise<RunResult> {
  return runChecklist({
    checklist: loadChecklist(CHECKLIST),
    pos,
    seed: 11,
    timeScale: 0.01,
    lang: 'en',
    ci: true,
    only: [id],
    driverFactory: () =>
      inProcessDriver((target) =>
        create({ host: target.host, port: target.port, integration: 'express', features: [], pollIntervalMs: 50, connection: { shortReplyIdleMs: 150, damagedReplyIdleMs: 1_000 } }),
      ),
  });
}

/** Each item on a POS and simulator of its own, as on a fresh till, then one result of them all. */
async function certify(create: (o: ReferencePosOptions) => ReferencePos): Promise<RunResult> {
  const runs = await Promise.all(ONLY.map((id) => runOne(id, create)));
  const items = runs.flatMap((r) => r.items);
  return { ...(runs[0] as RunResult), items, verdict: runVerdict(items), summary: summarize(items) };
}

const cli = (args: string[]) => runMain(args);

const frames = (r: RunResult, id: string) => r.items.find((i) => i.id === id)!.transcript.filter((t) => t.dir !== 'event');

describe('diff of a defective and a corrected POS', () => {
  let defective: RunResult;
  let corrected: RunResult;
  let diff: RunDiff;
  let dir: string;

  beforeAll(async () => {
    [defective, corrected] = await Promise.all([certify((o) => VARIANT.create(o)), certify((o) => new ReferencePos(o))]);
    diff = diffRuns(defective, corrected);
    dir = tempDir('cashlogy-diff-');
    writeFileSync(join(dir, 'before.json'), JSON.stringify(defective));
    writeFileSync(join(dir, 'after.json'), JSON.stringify(corrected));
  }, 120_000);

  it('the two runs are what the test assumes: the defective one fails the charge items, the corrected one passes them', () => {
    const failed = defective.items.filter((i) => i.verdict === 'fail' || i.verdict === 'error').map((i) => i.id).sort();
    expect(failed).toEqual(['EXP-03', 'EXP-05']);
    expect(corrected.items.filter((i) => ONLY.includes(i.id)).map((i) => i.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  it('names the fixed items and nothing else', () => {
    expect(diff.changes.map((c) => [c.id, c.kind]).sort()).toEqual([
      ['EXP-03', 'fixed'],
      ['EXP-05', 'fixed'],
    ]);
    expect(diff.unchanged).toBe(1);
    expect(diff.requiredRegressed).toBe(false);
    for (const c of diff.changes) {
      expect(c.before?.verdict).toMatch(/^(fail|error)$/);
      expect(c.after?.verdict).toBe('pass');
    }
  });

  it('finds the first diverging frame of each: the charge, in euros before and in cents after', () => {
    for (const change of diff.changes) {
      const d = change.divergence!;
      expect(d.before?.dir).toBe('in');
      expect(d.before?.data).toMatch(/^#C#[^#]*#[^#]*#\d+\.\d\d#/);
      expect(d.after?.data).toMatch(/^#C#[^#]*#[^#]*#\d+#/);
      // Every frame before it is the same in both runs (data and direction; times differ).
      const before = frames(defective, change.id);
      const after = frames(corrected, change.id);
      for (let k = 0; k < d.frame - 1; k++) {
        expect([before[k]?.dir, before[k]?.data]).toEqual([after[k]?.dir, after[k]?.data]);
      }
      expect(before[d.frame - 1]?.data).toBe(d.before?.data);
      expect(after[d.frame - 1]?.data).toBe(d.after?.data);
    }
  });

  it('`cashlogy-cert diff` prints them and exits 0; swapped, the required items regressed and it exits 4', async () => {
    const fixed = await cli(['diff', join(dir, 'before.json'), join(dir, 'after.json')]);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/Fixed \(2\):\n {2}EXP-03 \[required\].*: fail → pass/);
    for (const change of diff.changes) {
      const d = change.divergence!;
      expect(fixed.stdout).toContain(`first diverging frame: #${d.frame}\n        before: POS → ${d.before?.data}\n        after:  POS → ${d.after?.data}`);
    }
    const regressed = await cli(['diff', join(dir, 'after.json'), join(dir, 'before.json'), '--json']);
    expect(regressed.code).toBe(4);
    const json = JSON.parse(regressed.stdout) as RunDiff;
    expect(json.requiredRegressed).toBe(true);
    expect(json.changes.filter((c) => c.kind === 'regressed').map((c) => c.id).sort()).toEqual(['EXP-03', 'EXP-05']);
  });

  it('`report --baseline` puts a "Changes since the baseline" section in the HTML', async () => {
    const out = join(dir, 'report');
    const ran = await cli(['report', join(dir, 'after.json'), '--baseline', join(dir, 'before.json'), '--format', 'html', '--lang', 'en', '--out', out]);
    expect(ran.code).toBe(0);
    const html = readFileSync(join(out, 'checklist.html'), 'utf8');
    const section = html.slice(html.indexOf('<section class="changes"'), html.indexOf('</section>', html.indexOf('<section class="changes"')));
    expect(section).toContain('Changes since the baseline');
    for (const change of diff.changes) {
      expect(section).toContain(`data-id="${change.id}" data-change="fixed"`);
      expect(section).toContain(`<code>POS → ${change.divergence?.before?.data}</code>`);
    }
    expect(section).not.toContain('data-id="EXP-01"');
    // Without a baseline there is no such section.
    expect(renderHtml({ result: corrected, lang: 'en' })).not.toContain('<section class="changes"');
  });
});

describe('diffRuns on crafted results', () => {
  const entry = (dir: 'in' | 'out' | 'event', data: string, at = 0, conn = 1) => ({ at, conn, dir, data });

  it('compares frames by direction and data only, ignoring times, connections and events', () => {
    const a = [entry('event', 'connected'), entry('in', '#I#', 5, 1), entry('out', '#0#', 9, 1), entry('in', '#C#1#', 20, 1)];
    const b = [entry('in', '#I#', 50, 3), entry('event', 'other'), entry('out', '#0#', 90, 3), entry('in', '#C#2#', 200, 3)];
    expect(firstDivergence(a, b)).toEqual({ frame: 3, before: { dir: 'in', data: '#C#1#' }, after: { dir: 'in', data: '#C#2#' } });
    expect(firstDivergence(a, a.map((e) => ({ ...e, at: e.at + 1000, conn: 7 })))).toBeUndefined();
    // One transcript ends first: the other's next frame is the divergence.
    expect(firstDivergence(a.slice(0, 3), a)).toEqual({ frame: 3, after: { dir: 'in', data: '#C#1#' } });
    // Same data, other direction.
    expect(firstDivergence([entry('in', '#0#')], [entry('out', '#0#')])?.frame).toBe(1);
  });

  it('sorts changes into fixed, regressed, changed reason, new and removed', () => {
    const item = (id: string, verdict: RunResult['items'][number]['verdict'], reason: string, level: 'required' | 'optional' = 'required') =>
      ({ id, title: id, level, verdict, reason, checks: [], transcript: [] }) as unknown as RunResult['items'][number];
    const run = (items: RunResult['items']) =>
      ({ checklist: { id: 'c', version: '1', sha256: 'x' }, pos: { name: 'p', version: '1' }, seed: 1, verdict: 'pass', finishedAt: '', items }) as unknown as RunResult;
    const before = run([item('A', 'fail', 'r'), item('B', 'pass', 'ok'), item('C', 'fail', 'old'), item('D', 'pass', 'ok'), item('E', 'pass', 'ok', 'optional'), item('F', 'pass', 'ok')]);
    const after = run([item('A', 'pass', 'ok'), item('B', 'error', 'boom'), item('C', 'fail', 'new'), item('E', 'fail', 'x', 'optional'), item('F', 'pass', 'ok'), item('G', 'pass', 'ok')]);
    const d = diffRuns(before, after);
    expect(d.changes.map((c) => `${c.id}:${c.kind}`)).toEqual(['A:fixed', 'B:regressed', 'C:changed', 'E:regressed', 'G:added', 'D:removed']);
    expect(d.unchanged).toBe(1);
    expect(d.requiredRegressed).toBe(true);
    // Only an optional regression: the gate stays open.
    const optionalOnly = diffRuns(before, run([...before.items.filter((i) => i.id !== 'E'), item('E', 'fail', 'x', 'optional')]));
    expect(optionalOnly.requiredRegressed).toBe(false);
    expect(optionalOnly.changes.map((c) => `${c.id}:${c.kind}`)).toEqual(['E:regressed']);
    expect(diffRuns(before, { ...after, seed: 2 }).notes.join(' ')).toMatch(/seeds differ \(1 before, 2 after\)/);
  });
});
