/**
 * The look-alike's view of the shared folder, as a pure reducer over directory listings:
 *
 *   observe(state, listing, nowMs) → { state, actions }
 *     a request appears       → tracked while it settles (or read at once by an eager reader)
 *     its size/mtime changes  → "written in place:" (the POS writes under the final name)
 *     unchanged for settleMs  → read, once; a name read before in this run → "reused name:"
 *     a request changes after it was read → a new request under a reused name
 *     an answer we wrote goes → "removed:" (the POS consumed it)
 *     anything else           → "ignored:" once, with why
 *
 * The adapter (src/server/tickets-watcher.ts) lists the folder when fs.watch says something
 * changed and on a polling timer (a network share may deliver no events), reads the files this
 * asks for and writes the answers. Time comes in as `nowMs` (wall-clock ms); nothing here reads a
 * clock or a file.
 */
import type { TicketsDialect } from './dialect.js';
import { isAnswerName, isRequestName } from './messages.js';

/** One directory entry as the adapter saw it. */
export interface FileSeen {
  name: string;
  isFile: boolean;
  size: number;
  mtimeMs: number;
  /** Inode (or file id): a file deleted and written again under the same name is a new file. */
  ino: number;
}

interface TrackedRequest {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly changedAt: number;
  /** Reported as written in place already (once per request). */
  readonly grew: boolean;
  /** Read (handed to the adapter) or left alone for good (stale after a reset, rejected). */
  readonly taken: boolean;
  /** Read at first sight (tickets-eager-read): what the POS writes on after that is the same request. */
  readonly eager?: boolean;
}

export interface FolderState {
  readonly requests: Readonly<Record<string, TrackedRequest>>;
  /** Names of requests read in this run, oldest first (bounded). */
  readonly history: readonly string[];
  /** Answers the look-alike wrote that are still in the folder, by name → inode. */
  readonly answers: Readonly<Record<string, number>>;
  /** Files reported as ignored, by name → identity, so each is reported once. */
  readonly ignored: Readonly<Record<string, string>>;
}

export interface FolderOptions {
  dialect: TicketsDialect;
  /** A request is read once its size and mtime have not changed for this long (wall-clock ms). */
  settleMs: number;
  /** Requests waiting to settle at most; more are ignored (and said so) until one goes. */
  maxPending: number;
  /** The look-alike's own temporary files (an answer being written). */
  isOwnTemp(name: string): boolean;
  /** Whether this newly seen request is read at once (the `tickets-eager-read` fault). */
  eager(name: string): boolean;
  /**
   * The answers (name → inode) already written when the listing began. Only these can be found
   * removed: an answer renamed into place while the folder was being listed is missing from the
   * listing without anyone having removed it, and is kept for the next look.
   */
  answersBeforeListing?: Readonly<Record<string, number>>;
}

export type FolderAction =
  | { type: 'read'; name: string; eager: boolean }
  | { type: 'event'; file: string; text: string };

/** Names remembered for "reused name:" and "ignored:" reports; the oldest are forgotten first. */
export const MAX_REMEMBERED_NAMES = 10_000;

export function newFolderState(): FolderState {
  return { requests: {}, history: [], answers: {}, ignored: {} };
}

export function observe(state: FolderState, listing: readonly FileSeen[], nowMs: number, options: FolderOptions): { state: FolderState; actions: FolderAction[] } {
  const { dialect } = options;
  const actions: FolderAction[] = [];
  const requests: Record<string, TrackedRequest> = {};
  let history = state.history;
  const answers: Record<string, number> = {};
  const ignored: Record<string, string> = {};
  const present = new Set(listing.map((f) => f.name));
  let pending = Object.values(state.requests).filter((r) => !r.taken).length;

  const take = (name: string, file: FileSeen, eager: boolean, grew: boolean) => {
    if (history.includes(name)) {
      actions.push({ type: 'event', file: name, text: `reused name: ${name} has the name of an earlier request of this run; its answer replaces the earlier answer's file name` });
    }
    history = remember(history, name);
    actions.push({ type: 'read', name, eager });
    requests[name] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, changedAt: nowMs, grew, taken: true, ...(eager ? { eager } : {}) };
  };

  for (const file of [...listing].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const { name } = file;
    if (options.isOwnTemp(name)) continue;
    if (file.isFile && isRequestName(name, dialect)) {
      const known = state.requests[name];
      const same = known !== undefined && known.ino === file.ino && known.size === file.size && known.mtimeMs === file.mtimeMs;
      if (known !== undefined && known.taken) {
        if (same) {
          requests[name] = known;
          continue;
        }
        if (known.eager === true && known.ino === file.ino) {
          // Read too early: the rest of the same write arrives now.
          if (!known.grew) {
            actions.push({ type: 'event', file: name, text: `written in place: ${name} changed from ${known.size} to ${file.size} bytes after it was read; a POS should write a request under a temporary name and rename it` });
          }
          requests[name] = { ...known, size: file.size, mtimeMs: file.mtimeMs, changedAt: nowMs, grew: true };
          continue;
        }
        // Changed after it was read: the POS wrote a new request under the same name.
      } else if (known !== undefined) {
        if (!same) {
          const sizeChanged = known.size !== file.size;
          if (!known.grew && known.ino === file.ino) {
            actions.push({
              type: 'event',
              file: name,
              text: `written in place: ${name} changed${sizeChanged ? ` from ${known.size} to ${file.size} bytes` : ''} while the look-alike was watching it; a POS should write a request under a temporary name and rename it`,
            });
          }
          requests[name] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, changedAt: nowMs, grew: known.grew || known.ino === file.ino, taken: false };
          continue;
        }
        if (nowMs - known.changedAt >= options.settleMs) {
          pending -= 1;
          take(name, file, false, known.grew);
        } else {
          requests[name] = known;
        }
        continue;
      }
      // A new request (or a new file under a name read before).
      if (options.eager(name)) {
        take(name, file, true, false);
        continue;
      }
      if (pending >= options.maxPending) {
        const identity = `${file.ino}:${file.size}:${file.mtimeMs}`;
        if (state.ignored[name] !== identity) {
          actions.push({ type: 'event', file: name, text: `ignored: ${name}: ${options.maxPending} requests are already waiting to be read; it is looked at again once one of them is read` });
        }
        ignored[name] = identity;
        continue;
      }
      pending += 1;
      requests[name] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, changedAt: nowMs, grew: false, taken: false };
      continue;
    }
    if (file.isFile && isAnswerName(name, dialect) && state.answers[name] !== undefined) {
      answers[name] = state.answers[name] as number;
      continue;
    }
    if (isAnswerName(name, dialect) && file.isFile) continue; // someone else's answer (an earlier run): not ours to judge
    const identity = `${file.ino}:${file.isFile ? 'file' : 'dir'}`;
    if (state.ignored[name] !== identity) {
      const why = file.isFile ? `it is not a request (the extension is not ${dialect.requestExtension})` : 'it is a folder';
      actions.push({ type: 'event', file: name, text: `ignored: ${name}: ${why}` });
    }
    ignored[name] = identity;
  }

  for (const [name, ino] of Object.entries(state.answers)) {
    if (present.has(name)) continue;
    const before = options.answersBeforeListing;
    if (before !== undefined && before[name] !== ino) {
      answers[name] = ino;
      continue;
    }
    actions.push({ type: 'event', file: name, text: `removed: ${name} was removed from the folder (the POS consumed the answer)` });
  }
  return { state: { requests, history, answers, ignored: bound(ignored) }, actions };
}

/** The look-alike wrote this answer (inode as it saw it after the rename). */
export function noteAnswer(state: FolderState, name: string, ino: number): FolderState {
  return { ...state, answers: { ...state.answers, [name]: ino } };
}

/**
 * After a reset: the requests in the folder that were not read (still settling, or never seen
 * while CashlogyTickets was down) are left alone for good, since they belong to what came
 * before, and said so; what was read stays read. `listing`: the folder as it is now.
 */
export function leaveStale(state: FolderState, listing: readonly FileSeen[], nowMs: number, dialect: TicketsDialect): { state: FolderState; actions: FolderAction[] } {
  const actions: FolderAction[] = [];
  const requests: Record<string, TrackedRequest> = {};
  for (const [name, r] of Object.entries(state.requests)) requests[name] = { ...r, taken: true };
  for (const file of listing) {
    if (!file.isFile || !isRequestName(file.name, dialect)) continue;
    const known = state.requests[file.name];
    if (known?.taken === true && known.ino === file.ino && known.size === file.size && known.mtimeMs === file.mtimeMs) continue;
    actions.push({ type: 'event', file: file.name, text: `ignored: ${file.name} was written before the reset; it is not run` });
    requests[file.name] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, changedAt: nowMs, grew: false, taken: true };
  }
  return { state: { ...state, requests }, actions };
}

function remember(history: readonly string[], name: string): string[] {
  const next = [...history.filter((n) => n !== name), name];
  return next.length > MAX_REMEMBERED_NAMES ? next.slice(next.length - MAX_REMEMBERED_NAMES) : next;
}

function bound<V>(record: Record<string, V>): Record<string, V> {
  const keys = Object.keys(record);
  if (keys.length <= MAX_REMEMBERED_NAMES) return record;
  return Object.fromEntries(keys.slice(keys.length - MAX_REMEMBERED_NAMES).map((k) => [k, record[k] as V]));
}
