/**
 * The look-alike's folder decisions as a pure reducer on a virtual clock: listings in, reads and
 * events out. No folder, no timer.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_DIALECT } from '../../src/tickets/dialect.js';
import { leaveStale, newFolderState, noteAnswer, observe, type FileSeen, type FolderAction, type FolderState } from '../../src/tickets/folder.js';

const options = (eager: (name: string) => boolean = () => false, maxPending = 64) => ({
  dialect: DEFAULT_TICKETS_DIALECT,
  settleMs: 100,
  maxPending,
  isOwnTemp: (name: string) => name.startsWith('.cashlogy-tickets-'),
  eager,
});
const file = (name: string, size: number, ino = 1, mtimeMs = size): FileSeen => ({ name, isFile: true, size, mtimeMs, ino });

function run(steps: [number, FileSeen[]][], opts = options()): { state: FolderState; actions: FolderAction[][] } {
  let state = newFolderState();
  const actions: FolderAction[][] = [];
  for (const [now, listing] of steps) {
    const result = observe(state, listing, now, opts);
    state = result.state;
    actions.push(result.actions);
  }
  return { state, actions };
}

describe('observe', () => {
  it('reads a request once it has been stable for the settle time, and only once', () => {
    const { actions } = run([
      [0, [file('a.azk', 40)]],
      [50, [file('a.azk', 40)]],
      [100, [file('a.azk', 40)]],
      [300, [file('a.azk', 40)]],
    ]);
    expect(actions).toEqual([[], [], [{ type: 'read', name: 'a.azk', eager: false }], []]);
  });

  it('says a request grew while it was watched, and waits for it to settle again', () => {
    const { actions } = run([
      [0, [file('a.azk', 10)]],
      [60, [file('a.azk', 25)]],
      [120, [file('a.azk', 40)]],
      [200, [file('a.azk', 40)]],
      [220, [file('a.azk', 40)]],
    ]);
    expect(actions[1]).toEqual([{ type: 'event', file: 'a.azk', text: expect.stringMatching(/^written in place: a\.azk changed from 10 to 25 bytes/) as unknown }]);
    expect(actions[2]).toEqual([]);
    expect(actions[3]).toEqual([]);
    expect(actions[4]).toEqual([{ type: 'read', name: 'a.azk', eager: false }]);
  });

  it('reads at first sight when told to (eager), and does not read the rest of the same write again', () => {
    const { actions } = run(
      [
        [0, [file('a.azk', 10)]],
        [50, [file('a.azk', 40)]],
        [500, [file('a.azk', 40)]],
      ],
      options((name) => name === 'a.azk'),
    );
    expect(actions[0]).toEqual([{ type: 'read', name: 'a.azk', eager: true }]);
    expect(actions[1]?.map((a) => a.type)).toEqual(['event']);
    expect(actions[2]).toEqual([]);
  });

  it('treats a new file under a name read before as a new request with a reused name', () => {
    const { actions } = run([
      [0, [file('a.azk', 40, 1)]],
      [100, [file('a.azk', 40, 1)]],
      [150, []],
      [200, [file('a.azk', 30, 2)]],
      [300, [file('a.azk', 30, 2)]],
    ]);
    expect(actions[4]).toEqual([
      { type: 'event', file: 'a.azk', text: expect.stringMatching(/^reused name: a\.azk/) as unknown },
      { type: 'read', name: 'a.azk', eager: false },
    ]);
  });

  it('reports an answer it wrote once it is gone, ignored files once, and skips its own temporary files', () => {
    let state = noteAnswer(newFolderState(), 'a.OK', 7);
    const first = observe(state, [file('a.OK', 20, 7), file('notes.txt', 3), file('.cashlogy-tickets-1-1.tmp', 9), file('old.NOK', 5)], 0, options());
    expect(first.actions).toEqual([{ type: 'event', file: 'notes.txt', text: 'ignored: notes.txt: it is not a request (the extension is not .azk)' }]);
    state = first.state;
    const second = observe(state, [file('notes.txt', 3)], 10, options());
    expect(second.actions).toEqual([{ type: 'event', file: 'a.OK', text: 'removed: a.OK was removed from the folder (the POS consumed the answer)' }]);
    expect(observe(second.state, [file('notes.txt', 3)], 20, options()).actions).toEqual([]);
  });

  it('does not take an answer written while the folder was being listed for one the POS removed', () => {
    // The listing began before the answer's rename (it is not in it), the answer was noted meanwhile.
    const before = newFolderState();
    const written = noteAnswer(before, 'a.OK', 7);
    const racing = observe(written, [file('notes.txt', 3)], 0, { ...options(), answersBeforeListing: before.answers });
    expect(racing.actions.filter((a) => a.type === 'event' && a.text.startsWith('removed:'))).toEqual([]);
    // The next look, which began after it was written, judges it: still there, then gone.
    const present = observe(racing.state, [file('a.OK', 20, 7), file('notes.txt', 3)], 10, { ...options(), answersBeforeListing: racing.state.answers });
    expect(present.actions).toEqual([]);
    const gone = observe(present.state, [file('notes.txt', 3)], 20, { ...options(), answersBeforeListing: present.state.answers });
    expect(gone.actions).toEqual([{ type: 'event', file: 'a.OK', text: 'removed: a.OK was removed from the folder (the POS consumed the answer)' }]);
    // A new answer under an old answer's name (another inode) is not the old one's removal either.
    const renamed = observe(noteAnswer(gone.state, 'a.OK', 8), [], 30, { ...options(), answersBeforeListing: gone.state.answers });
    expect(renamed.actions).toEqual([]);
  });

  it('tracks at most maxPending requests at once, and says so for the others', () => {
    const { actions } = run([[0, [file('a.azk', 1), file('b.azk', 1), file('c.azk', 1)]]], options(() => false, 2));
    expect(actions[0]).toEqual([{ type: 'event', file: 'c.azk', text: expect.stringMatching(/^ignored: c\.azk: 2 requests are already waiting/) as unknown }]);
  });

  it('leaves the requests still settling at a reset unrun, and says so', () => {
    const { state } = run([
      [0, [file('a.azk', 1), file('read.azk', 5)]],
      [100, [file('a.azk', 2), file('read.azk', 5)]],
    ]);
    // b.azk was never seen (CashlogyTickets was down); read.azk was read and stays so.
    const now = [file('a.azk', 2), file('b.azk', 3), file('read.azk', 5)];
    const stale = leaveStale(state, now, 150, DEFAULT_TICKETS_DIALECT);
    expect(stale.actions).toEqual([
      { type: 'event', file: 'a.azk', text: 'ignored: a.azk was written before the reset; it is not run' },
      { type: 'event', file: 'b.azk', text: 'ignored: b.azk was written before the reset; it is not run' },
    ]);
    expect(observe(stale.state, now, 1000, options()).actions).toEqual([]);
  });
});
