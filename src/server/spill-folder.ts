/**
 * The transcript's private spill folder in the temporary directory, named after this host and
 * this process (`cashlogy-transcript-<host>-<pid>-XXXXXX`). A simulator removes its folder on
 * clear and close, but one killed outright (SIGKILL, the OOM killer, a CI job cancelled) cannot:
 * the next one that spills on the same host removes the folders of processes that are gone.
 * Folders of another host (a temporary directory shared between containers), of a live process,
 * or without an owner in their name are left alone. A reused pid only delays a removal.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'cashlogy-transcript-';

/** Temporary directories already swept by this process. */
const swept = new Set<string>();

/** This host's part of a folder name: letters, digits, dots and hyphens only. */
function hostPart(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
}

/** `cashlogy-transcript-<this host>-`: what every spill folder of this host is named after. */
export function spillFolderPrefix(): string {
  return `${PREFIX}${hostPart()}-`;
}

/** Makes this process's spill folder in `tmpBase`, first removing those left by dead processes of this host. */
export function makeSpillFolder(tmpBase: string): string {
  const host = hostPart();
  if (!swept.has(tmpBase)) {
    swept.add(tmpBase);
    removeOrphanedSpillFolders(tmpBase, host);
  }
  return mkdtempSync(join(tmpBase, `${PREFIX}${host}-${process.pid}-`));
}

/** Removes `cashlogy-transcript-<host>-<pid>-*` folders whose process no longer runs. Returns their names. */
export function removeOrphanedSpillFolders(tmpBase: string, host = hostPart()): string[] {
  const mine = `${PREFIX}${host}-`;
  let names: string[];
  try {
    names = readdirSync(tmpBase);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(mine)) continue;
    // `<pid>-` and mkdtemp's six characters, nothing else: another host's longer name never matches.
    const pid = Number(/^(\d+)-[A-Za-z0-9]{6}$/.exec(name.slice(mine.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(tmpBase, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Someone else's to remove (permissions): the spill does not depend on it.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
