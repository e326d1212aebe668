/**
 * `cashlogy-cert merge`: three shards of the shipped checklist, each run by its own
 * `cashlogy-cert run` process, merge into one complete, verifiable bundle whose items judge
 * exactly like a single unsharded run with the same seed. Parts that do not belong together
 * are refused, naming what differs and where.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runMain, type Ran } from '../helpers/cli.js';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import type { Checklist } from '../../src/checklist/types.js';
import { loadResult } from '../../src/reporters/load-result.js';
import { MergeConflictError, mergeResults, type MergePart } from '../../src/runner/merge.js';
import type { ItemResult, RunResult } from '../../src/runner/result.js';
import { tempDir } from '../helpers/temp.js';

const cli = (args: string[], cwd: string): Promise<Ran> => runCli(args, { cwd });
const inProcess = (args: string[], cwd: string): Promise<Ran> => runMain(args, { cwd });

const RUN = ['run', '--time-scale', '0.02', '--ci', '--seed', '5', '--quiet'];
const judged = (items: readonly ItemResult[]) =>
  Object.fromEntries(items.map((i) => [i.id, { verdict: i.verdict, checks: i.checks.map((c) => `${c.kind}:${c.status}`) }]));

describe('merging three shards run in separate processes', () => {
  let cwd: string;
  let single: RunResult;
  let shards: RunResult[];

  beforeAll(async () => {
    cwd = tempDir('cashlogy-merge-');
    const runs = await Promise.all([
      ...[1, 2, 3].map((i) => cli([...RUN, '--shard', `${i}/3`, '--out', `reports/shard-${i}`], cwd)),
      cli([...RUN, '--out', 'single'], cwd),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    shards = [1, 2, 3].map((i) => loadResult(join(cwd, 'reports', `shard-${i}`, 'result.json')));
    single = loadResult(join(cwd, 'single', 'result.json'));
  }, 180_000);

  it('each shard alone is incomplete', () => {
    for (const shard of shards) {
      expect(shard.complete).toBe(false);
      expect(shard.items.length).toBeLessThan(single.items.length);
    }
  });

  it('merges into one complete bundle that verifies as a submission and judges like the unsharded run', async () => {
    const merged = await cli(['merge', 'reports/shard-1', 'reports/shard-2/result.json', 'reports/shard-3', '--out', 'merged'], cwd);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('(shards 1/3, 2/3, 3/3)');
    const result = loadResult(join(cwd, 'merged', 'result.json'));
    expect(result.complete).toBe(true);
    expect(result.selection).toEqual({ merged: ['1/3', '2/3', '3/3'] });
    expect(result.selection?.shard).toBeUndefined();
    expect(result.seed).toBe(5);
    // Same items, same order (the checklist's), same verdicts and check statuses as one run.
    expect(result.items.map((i) => i.id)).toEqual(single.items.map((i) => i.id));
    expect(judged(result.items)).toEqual(judged(single.items));
    expect(result.verdict).toBe(single.verdict);
    expect(result.summary).toEqual(single.summary);

    const verify = await cli(['verify', 'merged', '--submission'], cwd);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  }, 120_000);

  it('a missing shard leaves the merged run incomplete and names it', async () => {
    const ran = await inProcess(['merge', 'reports/shard-1', 'reports/shard-3', '--out', 'partial', '--json'], cwd);
    expect(ran.code).toBe(0);
    const summary = JSON.parse(ran.stdout) as { complete: boolean; missingShards: string[]; merged: string[] };
    expect(summary).toMatchObject({ complete: false, missingShards: ['2/3'], merged: ['1/3', '3/3'] });
    expect(ran.stderr).toContain('missing shard: 2/3');
    expect(ran.stderr).toMatch(/INCOMPLETE: .*missing: /);
    const result = loadResult(join(cwd, 'partial', 'result.json'));
    expect(result.complete).toBe(false);
    const missing = result.coverage?.missing.map((m) => m.id) ?? [];
    const inShard2 = shards[1]!.items.filter((i) => i.level === 'required' && i.verdict !== 'not-applicable').map((i) => i.id);
    expect(missing.sort()).toEqual([...inShard2].sort());
    const verify = await inProcess(['verify', 'partial', '--submission'], cwd);
    expect(verify.code).toBe(4);
  });

  it('refuses overlapping shards, naming the shard and both files', async () => {
    cpSync(join(cwd, 'reports', 'shard-1'), join(cwd, 'copy-of-1'), { recursive: true });
    const ran = await inProcess(['merge', 'reports/shard-1', 'copy-of-1', '--out', 'overlap'], cwd);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('error: shard 1/3 is in both reports/shard-1 and copy-of-1: the parts overlap\n');
  });

  it('refuses a part run with another seed or checklist, naming the field, both values and both files', async () => {
    const alter = (name: string, change: (r: RunResult) => void) => {
      const r = structuredClone(shards[1]!);
      change(r);
      writeFileSync(join(cwd, name), JSON.stringify(r));
    };
    alter('seed-6.json', (r) => (r.seed = 6));
    alter('other-checklist.json', (r) => (r.checklist.sha256 = 'f'.repeat(64)));
    const seed = await inProcess(['merge', 'reports/shard-1', 'seed-6.json', '--out', 'x'], cwd);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/^error: seed differs: 5 in reports\/shard-1, 6 in seed-6\.json/);
    expect(seed.stderr).toMatch(/; run every shard with the same --seed$/m);
    const checklist = await inProcess(['merge', 'reports/shard-1', 'other-checklist.json', '--out', 'x'], cwd);
    expect(checklist.code).toBe(2);
    expect(checklist.stderr).toContain(`checklist.sha256 differs: "${shards[0]!.checklist.sha256}" in reports/shard-1, "${'f'.repeat(64)}" in other-checklist.json`);
  });

  it('usage errors exit 1: no --out, a part that does not exist, --out onto a part', async () => {
    const noOut = await inProcess(['merge', 'reports/shard-1'], cwd);
    expect([noOut.code, noOut.stderr]).toEqual([1, 'error: merge needs --out <dir>: the folder for the merged result and bundle\n']);
    const missing = await inProcess(['merge', 'reports/shard-9', '--out', 'x'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no result at reports/shard-9');
    const onto = await inProcess(['merge', 'reports/shard-1', 'reports/shard-2', '--out', 'reports/shard-2'], cwd);
    expect(onto.code).toBe(1);
    expect(onto.stderr).toContain('is the folder of the part reports/shard-2');
  });
});

describe('mergeResults on crafted results', () => {
  const item = (id: string, verdict: ItemResult['verdict'], level: ItemResult['level'] = 'required') =>
    ({ id, title: id, titles: { fr: id, en: id, es: id }, level, verdict, checks: [], transcript: [], actions: [], operatorAnswers: [], faults: [], tags: [], durationMs: 0 }) as unknown as ItemResult;
  const part = (file: string, shard: string | undefined, items: ItemResult[], patch: Partial<RunResult> = {}): MergePart => ({
    file,
    result: {
      schemaVersion: 1,
      tool: { name: 'cashlogy-cert', version: '1.0.0' },
      checklist: { id: 'c', version: '1', sha256: 'abc' },
      pos: { name: 'P', version: '2', integration: 'express' },
      seed: 3,
      timeScale: 1,
      lang: 'en',
      ci: true,
      profile: 'eur-pos1500',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      verdict: 'pass',
      complete: false,
      ...(shard ? { selection: { shard } } : {}),
      summary: { total: 0, pass: 0, fail: 0, error: 0, partial: 0, notApplicable: 0, skipped: 0, requiredFailed: 0 },
      items,
      ...patch,
    },
  });
  const checklist = {
    sha256: 'abc',
    items: ['A', 'B', 'C', 'D'].map((id) => ({ id, level: 'required' as const, appliesTo: { integrations: [], features: [] }, dependsOn: id === 'A' ? ['D'] : [] })),
  } as unknown as Checklist;

  it('recomputes verdict and summary over the whole checklist, in the order of one run', () => {
    const { result, missingShards, coverage } = mergeResults(
      [part('b.json', '2/2', [item('B', 'fail'), item('D', 'pass')]), part('a.json', '1/2', [item('A', 'pass'), item('C', 'pass')])],
      { checklist },
    );
    // D first: A depends on it, as select.ts orders a single run.
    expect(result.items.map((i) => i.id)).toEqual(['B', 'C', 'D', 'A']);
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatchObject({ total: 4, pass: 3, fail: 1, requiredFailed: 1 });
    expect(result.complete).toBe(true);
    expect(coverage.missing).toEqual([]);
    expect(missingShards).toEqual([]);
    expect(result.selection).toEqual({ merged: ['1/2', '2/2'] });
    expect(result.startedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('names the missing shards and the required items they held', () => {
    const { result, missingShards } = mergeResults([part('a.json', '1/3', [item('A', 'pass')]), part('c.json', '3/3', [item('C', 'pass')])], { checklist });
    expect(missingShards).toEqual(['2/3']);
    expect(result.complete).toBe(false);
    expect(result.coverage?.missing.map((m) => m.id)).toEqual(['B', 'D']);
  });

  it('refuses an item in two parts, naming it and both files', () => {
    const run = () => mergeResults([part('x.json', undefined, [item('A', 'pass')]), part('y.json', undefined, [item('A', 'fail')])]);
    expect(run).toThrow(MergeConflictError);
    expect(run).toThrow('item A is in both x.json and y.json (pass in x.json, fail in y.json): the parts overlap');
  });

  it('refuses parts of different splits, tool versions or POS profiles', () => {
    expect(() => mergeResults([part('a.json', '1/2', [item('A', 'pass')]), part('b.json', '2/3', [item('B', 'pass')])])).toThrow(
      'the parts split the checklist differently: 2 shards in a.json, 3 in b.json (shard 2/3)',
    );
    const other = (patch: Partial<RunResult>) => () => mergeResults([part('a.json', '1/2', [item('A', 'pass')]), part('b.json', '2/2', [item('B', 'pass')], patch)]);
    expect(other({ tool: { name: 'cashlogy-cert', version: '1.0.1' } })).toThrow(/^tool\.version differs: "1\.0\.0" in a\.json, "1\.0\.1" in b\.json/);
    expect(other({ pos: { name: 'P', version: '3', integration: 'express' } })).toThrow(/^pos\.version differs: "2" in a\.json, "3" in b\.json/);
    // The profile's sha256 is compared when the parts record it (a part from an older version may not).
    const withSha = (sha256: string) => ({ pos: { name: 'P', version: '2', integration: 'express', sha256 } as RunResult['pos'] });
    const a = part('a.json', '1/2', [item('A', 'pass')], withSha('beef'));
    expect(mergeResults([a, part('b.json', '2/2', [item('B', 'pass')])]).result.items).toHaveLength(2);
    const error = (() => {
      try {
        mergeResults([a, part('b.json', '2/2', [item('B', 'pass')], withSha('cafe'))]);
      } catch (err) {
        return err as MergeConflictError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MergeConflictError);
    expect(error?.field).toBe('pos.sha256');
    expect(exitCodeForError(error)).toBe(2);
    expect(error?.message).toMatch(/^pos\.sha256 differs: "beef" in a\.json, "cafe" in b\.json/);
  });

  it('refuses a checklist other than the one the parts ran', () => {
    expect(() => mergeResults([part('a.json', '1/1', [item('A', 'pass')])], { checklist: { ...checklist, sha256: 'other' } })).toThrow(
      'the checklist given has sha256 other, but a.json ran abc',
    );
  });
});
