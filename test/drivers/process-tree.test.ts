/**
 * A stopped POS process tree leaves nothing behind in the runner: no process, and no timer that
 * would keep `cashlogy-cert run` alive after its report is written. Looked at in a fresh Node
 * process, where no test runner's own timers come and go.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TSX = import.meta.resolve('tsx');
const MODULE = join(import.meta.dirname, '..', '..', 'src', 'drivers', 'process-tree.ts');

/** Starts a POS with `posScript`, stops it, and reports the live processes and active resources left. */
function afterStop(posScript: string, waitForExit: boolean): { live: number; resources: string[] } {
  const script = `
    const { liveProcessCount, spawnTree } = await import(${JSON.stringify(MODULE)});
    const tree = spawnTree([process.execPath, '-e', ${JSON.stringify(posScript)}]);
    ${waitForExit ? 'await tree.exited;' : ''}
    await tree.stop(2000);
    console.log(JSON.stringify({ live: liveProcessCount(), resources: process.getActiveResourcesInfo() }));
  `;
  const run = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { live: number; resources: string[] };
}

describe('spawnTree', () => {
  it('stops a running POS and leaves no timer of its own behind', () => {
    const left = afterStop('setInterval(() => {}, 1000)', false);
    expect(left.live).toBe(0);
    expect(left.resources.filter((r) => r === 'Timeout')).toEqual([]);
  });

  it('leaves no timer behind either when the POS had exited by itself', () => {
    const left = afterStop('0', true);
    expect(left.live).toBe(0);
    expect(left.resources.filter((r) => r === 'Timeout')).toEqual([]);
  });
});
