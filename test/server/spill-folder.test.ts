/**
 * Spill folders left by simulators that were killed outright (src/server/spill-folder.ts): the
 * next simulator that spills on the same host removes those whose process is gone, and only
 * those. Real processes give the pids: one that has exited, one still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOrphanedSpillFolders, spillFolderPrefix } from '../../src/server/spill-folder.js';
import { TranscriptLog } from '../../src/server/transcript-log.js';
import { tempDir } from '../helpers/temp.js';

let deadPid = 0;
let live: ChildProcess;

beforeAll(async () => {
  const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  deadPid = gone.pid ?? 0;
  await new Promise((resolve) => gone.on('exit', resolve));
  live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
});

afterAll(() => {
  live.kill('SIGKILL');
});

/** A folder as a simulator leaves it: the spill file inside. */
function leftFolder(base: string, name: string): string {
  const dir = join(base, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'transcript.jsonl'), '{"at":0,"conn":1,"dir":"in","data":"#I#"}\n');
  return dir;
}

describe('spill folders of killed simulators', () => {
  it('removes the folders of this host whose process is gone, and no other', () => {
    const base = tempDir('cashlogy-spill-sweep-');
    const prefix = spillFolderPrefix();
    const dead = leftFolder(base, `${prefix}${deadPid}-aB3dE9`);
    const running = leftFolder(base, `${prefix}${live.pid}-aB3dE9`);
    const mine = leftFolder(base, `${prefix}${process.pid}-aB3dE9`);
    const otherHost = leftFolder(base, `cashlogy-transcript-another-host-${deadPid}-aB3dE9`);
    const older = leftFolder(base, 'cashlogy-transcript-aB3dE9');
    const notOurs = leftFolder(base, `${prefix}${deadPid}-aB3dE9-more`);
    expect(removeOrphanedSpillFolders(base)).toEqual([`${prefix}${deadPid}-aB3dE9`]);
    expect(existsSync(dead)).toBe(false);
    for (const kept of [running, mine, otherHost, older, notOurs]) expect(existsSync(kept), kept).toBe(true);
  });

  it('happens when a transcript first spills, and its own folder carries its host and pid', () => {
    const base = tempDir('cashlogy-spill-sweep-');
    const prefix = spillFolderPrefix();
    const dead = leftFolder(base, `${prefix}${deadPid}-Zz9Yy8`);
    const log = new TranscriptLog(() => 0, { memoryEntries: 10, memoryBytes: 64 * 1024, tmpDir: base });
    for (let k = 0; k < 50; k++) log.frame('in', 1, '#T#');
    expect(existsSync(dead)).toBe(false);
    const own = readdirSync(base);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(new RegExp(`^${prefix.replace(/[.]/g, '\\.')}${process.pid}-[A-Za-z0-9]{6}$`));
    // Nothing was lost to the sweep: every entry reads back.
    expect(log.page(0, 100)).toHaveLength(50);
    log.close();
    expect(readdirSync(base)).toEqual([]);
  });
});
