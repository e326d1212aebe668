/**
 * The CashlogyTickets look-alike's folder adapter: it watches the shared requests folder, reads a
 * request once it is complete, runs it on the shared machine model as one more client of the
 * connector (a sale ≈ `#C#`, a refund ≈ `#P#`, on an internal connection that has no socket) and
 * writes the `.OK`/`.NOK` answer next to it, atomically (a temporary name, then a rename).
 *
 *   fs.watch event ─┐
 *   polling timer ──┴─► scan: readdir + stat ──► observe() (src/tickets/folder.ts) ──► read / events
 *                                                 read ──► parseRequest ──► queue ──► machine
 *                                                 machine reply ──► readReply ──► answer file
 *
 * Both fs.watch and polling: a folder on a network share may deliver no change events. The
 * decisions (when a request is complete, what a reply means, what the answer says) are pure and
 * live in src/tickets/; this file does the I/O, the timers and the faults of plane `tickets`.
 * It writes only its answers and its own temporary files; a file the POS wrote is never deleted
 * or rewritten.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { armFault, consult, disarmFault, faultStatuses, newFaultBook, resetFaultBook, type FaultBook } from '../faults/book.js';
import { corruptAnswer } from '../faults/catalogue/tickets-corrupt-answer.js';
import type { FiredFault } from '../faults/engine-types.js';
import type { FaultSpec, FaultStatus } from '../faults/spec.js';
import type { MachineInput } from '../machine/api.js';
import { parseDuration } from '../duration.js';
import { TICKET_COMMAND_OF, type NokReason, type TicketsDialect } from '../tickets/dialect.js';
import { asPartialOk, INIT_FRAME, machineFrame, readReply, type Money } from '../tickets/decide.js';
import { leaveStale, MAX_REMEMBERED_NAMES, newFolderState, noteAnswer, observe, type FileSeen, type FolderAction, type FolderState } from '../tickets/folder.js';
import { answerName, encodeAnswer, isRequestName, parseRequest, renderAnswer, type TicketOutcome, type TicketRequest } from '../tickets/messages.js';
import type { ConnectionSink, ReplyOutput } from './machine-host.js';
import type { TranscriptLog } from './transcript-log.js';
import type { SimulatorState } from './types.js';
import { Sleeps } from './sleeps.js';

/** What the look-alike needs from the machine host. */
export interface TicketsMachine {
  dispatch(input: MachineInput): void;
  view(): SimulatorState;
  attach(conn: number, sink: ConnectionSink): void;
  detach(conn: number): void;
}

export interface TicketsTuning {
  /** Wall-clock ms between two listings of the folder. Default: 500 × time scale, within 20…500. */
  pollMs?: number;
  /** A request is read once its size and mtime have not changed for this long (wall-clock ms). Default: 3 polls, at least 150. */
  settleMs?: number;
  /** false: no fs.watch, polling alone (a network share that delivers no events). Default true. */
  watch?: boolean;
}

export interface TicketsWatcherOptions extends TicketsTuning {
  dir: string;
  dialect: TicketsDialect;
  machine: TicketsMachine;
  /** The internal connection the look-alike's commands go to the machine on (0: no socket has it). */
  conn: number;
  transcript: TranscriptLog;
  money: Money;
  timeScale: number;
  seed: number;
  currency: string;
  wallNow: () => number;
}

/** Bounds (docs/tickets.md): requests waiting to settle, requests read and waiting for the machine, entries listed per scan. */
export const MAX_PENDING_REQUESTS = 64;
export const MAX_QUEUED_REQUESTS = 64;
export const MAX_FOLDER_ENTRIES = 10_000;
const TEMP_PATTERN = /^\.cashlogy-tickets-\d+-\d+\.tmp$/;

interface Queued {
  name: string;
  request: TicketRequest;
}

/** What `GET /tickets` and the web page show. */
export interface TicketsView {
  dir: string;
  mode: TicketsDialect['mode'];
  running: boolean;
  /** Requests in the folder not read yet (settling or held while CashlogyTickets is down). */
  pending: string[];
  /** Requests read and waiting for the machine, the one it runs first. */
  queued: { file: string; kind: 'sale' | 'refund'; ticket: string; amount: number }[];
  current: { file: string; kind: 'sale' | 'refund'; ticket: string; amount: number } | null;
  /** The latest answers written (newest last, at most 20). */
  answers: { file: string; at: number; data: string }[];
}

export class TicketsWatcher {
  private readonly o: TicketsWatcherOptions;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private folder: FolderState = newFolderState();
  private book: FaultBook;
  private readonly queue: Queued[] = [];
  private current: Queued | null = null;
  private waiter: ((reply: string | null) => void) | null = null;
  private down: { id: string; until?: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private fsWatcher: FSWatcher | undefined;
  private scanning = false;
  private rescan = false;
  private closed = false;
  private tempSeq = 0;
  /** Bumped by a reset: work started before it writes nothing after it. */
  private generation = 0;
  private folderError: string | undefined;
  /** Request files in the folder while CashlogyTickets is down: shown as pending, not read. */
  private held: string[] = [];
  private readonly tickets = new Map<string, string>();
  private readonly answers: TicketsView['answers'] = [];
  /** The pauses of a slow or split answer: a reset or close ends them, and the answer then writes nothing more. */
  private readonly sleeps = new Sleeps();

  constructor(options: TicketsWatcherOptions) {
    this.o = options;
    this.pollMs = options.pollMs ?? Math.min(500, Math.max(20, Math.round(500 * options.timeScale)));
    this.settleMs = options.settleMs ?? Math.max(150, 3 * this.pollMs);
    this.book = newFaultBook(options.seed, { currency: options.currency });
  }

  start(): void {
    this.o.machine.attach(this.o.conn, {
      reply: (output: ReplyOutput) => this.settle(output.frame),
      close: () => this.settle(null),
      isOpen: () => !this.closed,
    });
    // No `connect`: the internal connection is not one of the machine's client connections (a
    // reset's sentence and GET /state count sockets only); replies still reach it by its number.
    if (this.o.watch !== false) {
      try {
        this.fsWatcher = watch(this.o.dir, { persistent: false }, () => this.kick());
        this.fsWatcher.on('error', () => undefined);
      } catch {
        // Polling alone still works (a share that does not support watching).
      }
    }
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref?.();
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.sleeps.cancelAll();
    this.fsWatcher?.close();
    this.settle(null);
    this.o.machine.detach(this.o.conn);
  }

  // ─── faults (plane tickets) ────────────────────────────────────────────────────────────

  arm(id: string, spec: FaultSpec): void {
    this.book = armFault(this.book, spec, { id }).book;
  }

  disarm(id: string): boolean {
    const result = disarmFault(this.book, id);
    this.book = result.book;
    if (result.disarmed && this.down?.id === id) this.comeBack();
    return result.disarmed;
  }

  listFaults(): FaultStatus[] {
    return faultStatuses(this.book);
  }

  /** After the simulator's reset (transcript cleared, machine back to its profile): forget the work in hand, keep the folder's history. */
  reset(): void {
    this.generation += 1;
    this.book = resetFaultBook(this.book);
    this.down = null;
    this.held = [];
    this.sleeps.cancelAll();
    this.settle(null);
    for (const q of this.queue.splice(0)) this.fileEvent(q.name, `ignored: ${q.name} was read before the reset; it is not run`);
    if (this.current !== null) this.fileEvent(this.current.name, `ignored: the reset ended ${this.current.name}; no answer is written for it`);
    this.current = null;
    const stale = leaveStale(this.folder, this.listNow(), this.o.wallNow(), this.o.dialect);
    this.folder = stale.state;
    for (const action of stale.actions) if (action.type === 'event') this.fileEvent(action.file, action.text);
    this.answers.length = 0;
    this.kick();
  }

  view(): TicketsView {
    const pending = [
      ...new Set([
        ...Object.entries(this.folder.requests)
          .filter(([, r]) => !r.taken)
          .map(([name]) => name),
        ...this.held,
      ]),
    ].sort();
    const show = (q: Queued) => ({ file: q.name, kind: q.request.kind, ticket: q.request.ticket, amount: q.request.amount });
    return {
      dir: this.o.dir,
      mode: this.o.dialect.mode,
      running: this.down === null,
      pending,
      queued: this.queue.map(show),
      current: this.current === null ? null : show(this.current),
      answers: this.answers.map((a) => ({ ...a })),
    };
  }

  // ─── the folder ────────────────────────────────────────────────────────────────────────

  private kick(): void {
    if (this.closed) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    void this.scan()
      .catch((err: unknown) => this.o.transcript.event('machine', `CashlogyTickets look-alike: ${(err as Error).message}`))
      .finally(() => {
        this.scanning = false;
        if (this.rescan) {
          this.rescan = false;
          this.kick();
        }
      });
  }

  private async scan(): Promise<void> {
    if (this.down !== null) {
      if (this.down.until !== undefined && this.o.wallNow() >= this.down.until) {
        this.comeBack();
      } else {
        // Not running: nothing is read or answered; the page still shows what piles up.
        const seen = await this.list();
        if (seen !== undefined) this.held = seen.filter((f) => f.isFile && isRequestName(f.name, this.o.dialect) && this.folder.requests[f.name]?.taken !== true).map((f) => f.name);
        return;
      }
    }
    this.held = [];
    const answersBeforeListing = this.folder.answers;
    const listing = await this.list();
    if (listing === undefined || this.closed) return;
    const fired: FiredFault[] = [];
    const generation = this.generation;
    const result = observe(this.folder, listing, this.o.wallNow(), {
      dialect: this.o.dialect,
      settleMs: this.settleMs,
      maxPending: MAX_PENDING_REQUESTS,
      isOwnTemp: (name) => TEMP_PATTERN.test(name),
      answersBeforeListing,
      eager: () => {
        const now = consult(this.book, { point: 'connect', conn: 0 }, this.o.wallNow());
        this.book = now.book;
        fired.push(...now.fired);
        return now.fired.some((f) => f.type === 'tickets-eager-read');
      },
    });
    this.folder = result.state;
    for (const f of fired) this.o.transcript.event('fault', f.sentence, 0, f.id);
    const stop = fired.find((f) => f.type === 'tickets-down');
    for (const action of result.actions) await this.act(action, generation);
    if (stop !== undefined) {
      const ms = parseDuration(stop.spec['for']);
      this.down = { id: stop.id, ...(ms !== undefined ? { until: this.o.wallNow() + ms } : {}) };
    }
  }

  private comeBack(): void {
    if (this.down === null) return;
    this.o.transcript.event('fault', 'CashlogyTickets is running again: it reads the requests left in the folder', 0, this.down.id);
    this.down = null;
    this.kick();
  }

  /** The folder's request files now, synchronously: a reset must settle what is stale before anything else runs. */
  private listNow(): FileSeen[] {
    const seen: FileSeen[] = [];
    try {
      for (const entry of readdirSync(this.o.dir, { withFileTypes: true }).slice(0, MAX_FOLDER_ENTRIES)) {
        if (!entry.isFile() || !isRequestName(entry.name, this.o.dialect)) continue;
        try {
          const s = statSync(join(this.o.dir, entry.name));
          seen.push({ name: entry.name, isFile: true, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino });
        } catch {
          // gone meanwhile
        }
      }
    } catch {
      // The folder cannot be read: the next scan says so.
    }
    return seen;
  }

  private async list(): Promise<FileSeen[] | undefined> {
    let names: { name: string; isFile: boolean }[];
    try {
      const entries = await readdir(this.o.dir, { withFileTypes: true });
      names = entries.slice(0, MAX_FOLDER_ENTRIES).map((e) => ({ name: e.name, isFile: e.isFile() }));
      this.folderError = undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (this.folderError !== code) this.o.transcript.event('machine', `CashlogyTickets look-alike cannot read its folder ${this.o.dir}: ${code}`);
      this.folderError = code;
      return undefined;
    }
    const seen: FileSeen[] = [];
    for (const { name, isFile } of names) {
      try {
        const s = await stat(join(this.o.dir, name));
        seen.push({ name, isFile: isFile && s.isFile(), size: s.size, mtimeMs: s.mtimeMs, ino: s.ino });
      } catch {
        // Gone between the listing and the stat (a rename in progress): the next scan sees it.
      }
    }
    return seen;
  }

  private async act(action: FolderAction, generation: number): Promise<void> {
    if (action.type === 'event') {
      this.fileEvent(action.file, action.text);
      return;
    }
    const read = await this.readRequest(action.name);
    if (read === undefined || generation !== this.generation || this.closed) return;
    const parsed = parseRequest(read.bytes, this.o.dialect, read.size);
    const oversize = read.size > this.o.dialect.maxRequestBytes;
    this.o.transcript.file('in', action.name, oversize ? `${parsed.text.slice(0, 200)}… (${read.size} bytes, not read further)` : parsed.text);
    if (!parsed.ok) {
      this.fileEvent(action.name, `rejected: ${action.name}: ${parsed.message}`);
      await this.answer(action.name, { ok: false, ...(parsed.ticket !== undefined ? { ticket: parsed.ticket } : {}), reason: 'bad-request', message: parsed.message }, [], generation);
      return;
    }
    const { request } = parsed;
    const earlier = this.tickets.get(request.ticket);
    if (earlier !== undefined && earlier !== action.name) {
      this.fileEvent(action.name, `reused ticket: ${action.name} carries ticket ${request.ticket}, already used by ${earlier} in this run`);
    }
    if (this.tickets.size >= MAX_REMEMBERED_NAMES) this.tickets.delete(this.tickets.keys().next().value as string);
    this.tickets.set(request.ticket, action.name);
    if (this.queue.length >= MAX_QUEUED_REQUESTS) {
      const message = `${MAX_QUEUED_REQUESTS} requests are already waiting for the machine`;
      this.fileEvent(action.name, `rejected: ${action.name}: ${message}`);
      await this.answer(action.name, { ok: false, ticket: request.ticket, reason: 'busy', message, amount: request.amount }, [], generation);
      return;
    }
    this.queue.push({ name: action.name, request });
    this.runNext();
  }

  /** At most maxRequestBytes + 1 bytes: a larger file is refused without being held in memory. */
  private async readRequest(name: string): Promise<{ bytes: Uint8Array; size: number } | undefined> {
    const limit = this.o.dialect.maxRequestBytes + 1;
    let handle;
    try {
      handle = await open(join(this.o.dir, name), 'r');
      const buffer = Buffer.alloc(limit);
      let read = 0;
      while (read < limit) {
        const { bytesRead } = await handle.read(buffer, read, limit - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      const size = read === limit ? (await handle.stat()).size : read;
      return { bytes: buffer.subarray(0, read), size };
    } catch (err) {
      this.fileEvent(name, `ignored: ${name} could not be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return undefined;
    } finally {
      await handle?.close();
    }
  }

  // ─── the machine ───────────────────────────────────────────────────────────────────────

  private runNext(): void {
    if (this.current !== null || this.closed) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.current = next;
    const generation = this.generation;
    void this.run(next, generation)
      .catch((err: unknown) => this.o.transcript.event('machine', `CashlogyTickets look-alike failed on ${next.name}: ${(err as Error).message}`))
      .finally(() => {
        if (generation !== this.generation) return;
        this.current = null;
        this.runNext();
      });
  }

  private async run(item: Queued, generation: number): Promise<void> {
    const { name, request } = item;
    const command = TICKET_COMMAND_OF[request.kind];
    const now = consult(this.book, { point: 'command', conn: 0, command, frame: name }, this.o.wallNow());
    this.book = now.book;
    for (const f of now.fired) this.o.transcript.event('fault', f.sentence, 0, f.id);
    const nok = now.fired.find((f) => f.type === 'tickets-nok');
    if (nok !== undefined) {
      const reason = String(nok.spec['reason'] ?? 'device-error') as NokReason;
      const message = typeof nok.spec['message'] === 'string' ? nok.spec['message'] : DEFAULT_NOK_MESSAGES[reason];
      await this.answer(name, { ok: false, ticket: request.ticket, reason, message, amount: request.amount }, now.fired, generation);
      return;
    }
    let initTried = false;
    if (!this.o.machine.view().initialized) {
      initTried = true;
      if ((await this.send(INIT_FRAME)) === null) return;
    }
    for (;;) {
      const reply = await this.send(machineFrame(request));
      if (reply === null || generation !== this.generation) return;
      const reading = readReply(request, reply, this.o.machine.view().errors, this.o.money, initTried);
      if (reading.type === 'init-first') {
        initTried = true;
        if ((await this.send(INIT_FRAME)) === null) return;
        continue;
      }
      const outcome = this.o.dialect.partialRefund === 'ok' ? asPartialOk(reading.outcome) : reading.outcome;
      await this.answer(name, outcome, now.fired, generation);
      return;
    }
  }

  /** One frame to the machine on the internal connection; its reply, or null when the machine dropped the connection (reset) or the look-alike closed. */
  private send(frame: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.o.machine.dispatch({ type: 'frame', conn: this.o.conn, frame });
    });
  }

  private settle(reply: string | null): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(reply);
  }

  // ─── answers ───────────────────────────────────────────────────────────────────────────

  private async answer(requestName: string, outcome: TicketOutcome, fired: readonly FiredFault[], generation: number): Promise<void> {
    const dialect = this.o.dialect;
    const text = renderAnswer(outcome, dialect);
    const file = answerName(requestName, outcome.ok, dialect);
    if (dialect.mode === 'without-response') {
      this.fileEvent(requestName, `not answered: ${requestName}: the without-response mode writes no answer (${summary(outcome, this.o.money)})`);
      return;
    }
    const slow = fired.find((f) => f.type === 'tickets-slow');
    if (slow !== undefined) await this.sleeps.sleep(parseDuration(slow.spec['ms']) ?? 0);
    if (generation !== this.generation || this.closed) return;
    const corrupt = fired.find((f) => f.type === 'tickets-corrupt-answer');
    const content = corrupt !== undefined ? corruptAnswer(text, typeof corrupt.spec['with'] === 'string' ? { with: corrupt.spec['with'] } : {}) : text;
    const split = fired.find((f) => f.type === 'tickets-split-answer');
    const path = join(this.o.dir, file);
    const bytes = encodeAnswer(content, dialect);
    if (split !== undefined) {
      // As a program that writes under the final name: the file is there, and incomplete, for a while.
      const pieces = Math.max(2, Number(split.spec['pieces'] ?? 3));
      const pause = parseDuration(split.spec['pause']) ?? 300;
      const handle = await open(path, 'w');
      try {
        const size = Math.ceil(bytes.length / pieces);
        for (let at = 0; at < bytes.length; at += size) {
          if (at > 0) {
            await this.sleeps.sleep(pause);
            // A reset or close mid-answer: the rest is never written, as when the program stops.
            if (generation !== this.generation || this.closed) return;
          }
          await handle.write(bytes.subarray(at, Math.min(bytes.length, at + size)));
          await handle.sync().catch(() => undefined);
        }
      } finally {
        await handle.close();
      }
    } else {
      const temp = join(this.o.dir, `.cashlogy-tickets-${process.pid}-${++this.tempSeq}.tmp`);
      try {
        await writeFile(temp, bytes);
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        this.o.transcript.event('machine', `CashlogyTickets look-alike could not write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        return;
      }
    }
    const ino = (await stat(path).catch(() => undefined))?.ino ?? 0;
    this.folder = noteAnswer(this.folder, file, ino);
    const faultIds = [corrupt, split, slow].filter((f): f is FiredFault => f !== undefined).map((f) => f.id);
    this.o.transcript.file('out', file, content, faultIds.length > 0 ? faultIds.join(',') : undefined);
    this.answers.push({ file, at: this.o.transcript.elapsed(), data: content });
    if (this.answers.length > 20) this.answers.shift();
  }

  private fileEvent(file: string, text: string): void {
    this.o.transcript.file('event', file, text);
  }
}

const DEFAULT_NOK_MESSAGES: Record<NokReason, string> = {
  cancelled: 'the customer cancelled the operation',
  'not-enough-change': 'the machine has not enough change',
  'bad-request': 'the request was refused',
  busy: 'the machine is busy with another operation',
  'device-error': 'the machine reported a device error',
};

function summary(outcome: TicketOutcome, money: Money): string {
  if (!outcome.ok) return `${outcome.reason}: ${outcome.message}`;
  if (outcome.kind === 'sale') return `sale ${outcome.ticket} of ${money(outcome.amount)} paid: ${money(outcome.paid)} in, ${money(outcome.change)} change`;
  return `refund ${outcome.ticket} of ${money(outcome.amount)}: ${money(outcome.dispensed)} dispensed`;
}
