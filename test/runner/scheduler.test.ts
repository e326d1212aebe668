import { describe, expect, it } from 'vitest';
import { pickNext, unmetDependency, WorkQueue, type Finished } from '../../src/runner/scheduler.js';
import { item } from './helpers.js';

const a = item('A', []);
const b = item('B', [], { dependsOn: ['A'] });
const c = item('C', []);
const d = item('D', [], { dependsOn: ['X'] });

describe('pickNext', () => {
  it('takes the first item whose selected dependencies are done, and leaves the rest in order', () => {
    const pick = pickNext([b, a, c], new Set(), new Set(['A', 'B', 'C']));
    expect(pick.kind).toBe('run');
    if (pick.kind !== 'run') return;
    expect(pick.item.id).toBe('A');
    expect(pick.queue.map((i) => i.id)).toEqual(['B', 'C']);
  });

  it('waits while every queued item depends on one still running', () => {
    expect(pickNext([b], new Set(), new Set(['A', 'B']))).toEqual({ kind: 'wait' });
    expect(pickNext([b], new Set(['A']), new Set(['A', 'B']))).toMatchObject({ kind: 'run', item: { id: 'B' }, queue: [] });
  });

  it('a dependency outside the selection does not hold an item back', () => {
    expect(pickNext([d], new Set(), new Set(['D']))).toMatchObject({ kind: 'run', item: { id: 'D' } });
  });

  it('says done on an empty queue, and never changes the queue it was given', () => {
    expect(pickNext([], new Set(), new Set())).toEqual({ kind: 'done' });
    const queue = [a, c];
    pickNext(queue, new Set(), new Set(['A', 'C']));
    expect(queue.map((i) => i.id)).toEqual(['A', 'C']);
  });
});

describe('unmetDependency', () => {
  const finished = (table: Record<string, Finished>) => (id: string) => table[id];
  it('names the first dependency that ran and was not met', () => {
    const x = item('X', [], { dependsOn: ['A', 'C'] });
    expect(unmetDependency(x, finished({ A: { verdict: 'pass', skippedForDependency: false }, C: { verdict: 'fail', skippedForDependency: false } }))).toEqual({ id: 'C', verdict: 'fail' });
    expect(unmetDependency(x, finished({ A: { verdict: 'pass', skippedForDependency: false } }))).toBeUndefined();
    expect(unmetDependency(x, finished({ A: { verdict: 'skipped', skippedForDependency: true } }))).toEqual({ id: 'A', verdict: 'skipped' });
  });
});

describe('WorkQueue', () => {
  it('a lane waiting for a dependency wakes when it finishes; the run stopping ends every wait', async () => {
    const controller = new AbortController();
    const queue = new WorkQueue([a, b], controller.signal);
    expect((await queue.take())?.id).toBe('A');
    const waiting = queue.take();
    queue.finish('A');
    expect((await waiting)?.id).toBe('B');
    expect(await queue.take()).toBeUndefined();

    const stopped = new WorkQueue([a, b], controller.signal);
    await stopped.take();
    const blocked = stopped.take();
    controller.abort();
    stopped.notify();
    expect(await blocked).toBeUndefined();
  });
});
