import { describe, expect, it } from 'vitest';
import type { ChecklistItem } from '../../src/checklist/types.js';
import { parseShard, selectItems, unknownIds } from '../../src/runner/selection.js';

const item = (id: string, dependsOn: string[] = [], tags: string[] = []): ChecklistItem =>
  ({ id, dependsOn, tags, appliesTo: { integrations: [], features: [] }, steps: [] }) as unknown as ChecklistItem;

const items = ['EXP-05', 'EXP-01', 'EXP-03', 'EXP-02', 'EXP-04', 'EXP-06', 'EXP-07'].map((id) => item(id, [], id < 'EXP-04' ? ['sale'] : []));

describe('selection', () => {
  it('--shard splits deterministically, every item exactly once', () => {
    const shards = [1, 2, 3].map((index) => selectItems(items, { shard: { index, count: 3 } }).map((i) => i.id));
    expect(shards).toEqual([['EXP-01', 'EXP-04', 'EXP-07'], ['EXP-05', 'EXP-02'], ['EXP-03', 'EXP-06']]);
    expect(shards.flat().sort()).toEqual(items.map((i) => i.id).sort());
    // Independent of the order of the file.
    const again = selectItems([...items].reverse(), { shard: { index: 1, count: 3 } }).map((i) => i.id).sort();
    expect(again).toEqual(['EXP-01', 'EXP-04', 'EXP-07']);
  });

  it('--only and --tag filter', () => {
    expect(selectItems(items, { only: ['exp-04', 'EXP-01'] }).map((i) => i.id)).toEqual(['EXP-01', 'EXP-04']);
    expect(selectItems(items, { tags: ['sale'] }).map((i) => i.id)).toEqual(['EXP-01', 'EXP-03', 'EXP-02']);
    expect(unknownIds(items, ['EXP-01', 'EXP-99'])).toEqual(['EXP-99']);
  });

  it('parses --shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('0/4')).toBeUndefined();
    expect(parseShard('5/4')).toBeUndefined();
    expect(parseShard('x')).toBeUndefined();
  });
});
