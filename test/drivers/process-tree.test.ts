/**
 * A stopped POS process tree leaves nothing behind in the runner: no process, and no timer that
 * would keep `cashlogy-cert run` alive after its report is written.
 */
import { describe, expect, it } from 'vitest';
import { liveProcessCount, spawnTree } from '../../src/drivers/process-tree.js';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('spawnTree', () => {
  it('stops a running POS and leaves no timer of its own behind', async () => {
    const before = timers();
    const tree = spawnTree([process.execPath, '-e', 'setInterval(() => {}, 1000)']);
    await tree.stop(2000);
    expect(liveProcessCount()).toBe(0);
    expect(timers()).toBe(before);
  });

  it('leaves no timer behind either when the POS had exited by itself', async () => {
    const before = timers();
    const tree = spawnTree([process.execPath, '-e', '0']);
    await tree.exited;
    await tree.stop(2000);
    expect(timers()).toBe(before);
  });
});
