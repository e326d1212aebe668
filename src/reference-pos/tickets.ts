/**
 * The reference POS, Cashlogy Tickets mode: a correct micro-integration, written to be read and
 * copied. The POS and Azkoyen's CashlogyTickets exchange small JSON files in one shared folder
 * (CashlogyTickets: Herramientas → Carpetas → Peticiones; here CASHLOGY_TICKETS_DIR):
 *
 *   POS writes   <name>.azk   {"type": "venta"|"abono", "ticket": "…", "amount": <cents>, "till": "…"}
 *   machine      the customer pays on the machine's screen (sale) / the machine pays out (refund)
 *   answer       <name>.OK    sale {"ticket", "amount", "paid", "change"} · refund {"ticket", "amount", "dispensed"}
 *                <name>.NOK   {"ticket", "reason", "message", …money that moved all the same}
 *
 * The field names are the default tickets dialect of cashlogy-cert (docs/tickets.md); if you
 * hold Azkoyen's specification, change the words in TICKETS_WORDS and nothing else.
 *
 * Rules it follows, each of them a way file exchanges break in the field:
 * - a request is written under a temporary name, then renamed (a rename in one folder is atomic),
 *   so CashlogyTickets never reads half a request;
 * - every request has a name and a ticket number of its own, also across restarts of the POS
 *   (time to the millisecond plus a random part), so an answer can only be ours;
 * - it reads only the answer named after its own request, checks that the answer's ticket is
 *   its own, and never takes a file it did not ask for (an earlier day's answers stay where they are);
 * - it waits for the answer for a bounded time (the customer may take a while to pay); then it
 *   tells the cashier, withdraws its request if CashlogyTickets has not answered, books nothing
 *   and does not send the request again by itself;
 * - once it has read an answer it removes the answer and its own request: the folder holds only
 *   what is still in progress;
 * - what it books comes from the answer: a sale books paid − change; a `.NOK` books only the
 *   money that moved all the same (a short change), and its reason is shown to the cashier.
 */
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { access, constants, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POS_ACTIONS, type PosOutcome } from '../pos/types.js';
import { formatCents } from './money.js';
import { PosRequestError, type ActionBody } from './pos.js';

/** The words of the exchange (the default tickets dialect, docs/tickets.md). */
export const TICKETS_WORDS = {
  requestExtension: '.azk',
  okExtension: '.OK',
  nokExtension: '.NOK',
  types: { sale: 'venta', refund: 'abono' },
} as const;

/** Correct designs an integrator may choose; each one is certifiable (test/fleet/tickets.test.ts). */
export const TICKETS_DESIGNS = {
  /** How the POS learns the answer is there: look every `pollMs`, or an fs.watch with a slow poll behind it (a network share may send no events). */
  answerWait: ['poll', 'watch'],
  /** The temporary name a request is written under before the rename. */
  tempName: ['dot-prefix', 'part-suffix'],
} as const;

export interface TicketsDesign {
  answerWait: (typeof TICKETS_DESIGNS.answerWait)[number];
  tempName: (typeof TICKETS_DESIGNS.tempName)[number];
}

export const DEFAULT_TICKETS_DESIGN: TicketsDesign = { answerWait: 'poll', tempName: 'dot-prefix' };

export interface TicketsPosOptions {
  /** The shared requests folder (CASHLOGY_TICKETS_DIR). */
  dir: string;
  /** Till code written in every request. */
  tillCode?: string;
  /** Cashier written in every request (optional in the dialect). */
  user?: string;
  /**
   * How long the POS waits for an answer before it tells the cashier. It covers the customer
   * paying at the machine, so it is minutes, not seconds. Default 120 s.
   */
  answerTimeoutMs?: number;
  /** How often the folder is looked at while waiting. Default 100 ms (`watch`: the fallback poll is 1 s). */
  pollMs?: number;
  /** An answer that is not JSON yet (still being written) is read again; unchanged for this long, it is taken as damaged. Default 1 s. */
  answerSettleMs?: number;
  design?: Partial<TicketsDesign>;
  log?: (line: string) => void;
}

/** What CashlogyTickets answered, read from the answer file. */
export interface TicketsAnswer {
  ok: boolean;
  file: string;
  body: Record<string, unknown>;
}

/** Why no answer could be used: nothing came in time, or what came cannot be read. */
export type NoAnswer = { kind: 'timeout' } | { kind: 'unreadable'; file: string; text: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TicketsPos {
  protected readonly dir: string;
  protected readonly options: Required<Omit<TicketsPosOptions, 'dir' | 'user' | 'design' | 'log'>> & Pick<TicketsPosOptions, 'user'>;
  protected readonly design: TicketsDesign;
  protected readonly log: (line: string) => void;
  private sequence = 0;
  /** Requests given up on: an answer that still comes is removed and reported at the next action. */
  protected readonly abandoned = new Set<string>();
  private actionTail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: TicketsPosOptions) {
    if (!options.dir) throw new PosRequestError('the tickets POS needs the shared requests folder (CASHLOGY_TICKETS_DIR)');
    this.dir = options.dir;
    this.options = {
      tillCode: options.tillCode ?? '1',
      answerTimeoutMs: options.answerTimeoutMs ?? 120_000,
      pollMs: options.pollMs ?? 100,
      answerSettleMs: options.answerSettleMs ?? 1_000,
      ...(options.user !== undefined ? { user: options.user } : {}),
    };
    this.design = { ...DEFAULT_TICKETS_DESIGN, ...options.design };
    this.log = options.log ?? (() => undefined);
  }

  /** One action at a time, like a cashier's screen. */
  perform(action: string, body: ActionBody = {}): Promise<PosOutcome> {
    const run = this.actionTail.then(() => this.dispatch(action, body));
    this.actionTail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  protected async dispatch(action: string, body: ActionBody): Promise<PosOutcome> {
    const late = await this.sweepAbandoned();
    const outcome = await this.act(action, body);
    return late.length ? { ...outcome, message: [...late, outcome.message].filter(Boolean).join('; ') } : outcome;
  }

  private act(action: string, body: ActionBody): Promise<PosOutcome> {
    switch (action) {
      case 'startup':
        return this.startup();
      case 'sale':
        return this.sale(amountOf(action, body));
      case 'refund':
        return this.refund(amountOf(action, body));
      case 'shutdown':
        return Promise.resolve({ outcome: 'completed', message: 'nothing to close: the tickets exchange has no session' });
      case 'cancel':
        // A request cannot be taken back once CashlogyTickets has read it: the customer cancels on the machine's screen.
        return Promise.resolve({ outcome: 'failed', message: 'a Cashlogy Tickets sale is cancelled on the machine screen, not from the POS' });
      case 'backoffice':
      case 'refill':
      case 'close-day':
        return Promise.resolve({ outcome: 'failed', message: `${action} is done in CashlogyTickets itself, not through the tickets folder` });
      default:
        throw new PosRequestError(`unknown action "${action}" (expected one of ${POS_ACTIONS.join(', ')})`);
    }
  }

  // ── startup ───────────────────────────────────────────────────────────────────────────

  /** The folder must exist and be writable; nothing is written to find out (CashlogyTickets watches it). */
  protected async startup(): Promise<PosOutcome> {
    try {
      await access(this.dir, constants.W_OK | constants.R_OK);
    } catch (err) {
      return { outcome: 'failed', message: `the tickets folder ${this.dir} cannot be used: ${(err as Error).message}` };
    }
    return { outcome: 'completed', message: `tickets folder ready: ${this.dir}` };
  }

  // ── sale and refund ───────────────────────────────────────────────────────────────────

  protected async sale(amount: number): Promise<PosOutcome> {
    const { name, ticket } = this.newRequest();
    const got = await this.exchange(name, { type: TICKETS_WORDS.types.sale, ticket, amount, till: this.options.tillCode, ...this.userField() });
    if ('kind' in got) return this.noAnswer(got, 'sale', amount, ticket);
    return this.bookSale(amount, got);
  }

  protected async refund(amount: number): Promise<PosOutcome> {
    const { name, ticket } = this.newRequest();
    const got = await this.exchange(name, { type: TICKETS_WORDS.types.refund, ticket, amount, till: this.options.tillCode, ...this.userField() });
    if ('kind' in got) return this.noAnswer(got, 'refund', amount, ticket);
    return this.bookRefund(amount, got);
  }

  private userField(): { user?: string } {
    return this.options.user !== undefined ? { user: this.options.user } : {};
  }

  /**
   * A name and a ticket number no other request of this POS has, even after a restart: the time
   * to the millisecond, a counter and a random part. The ticket goes into a `#C#`-like field on
   * the machine: letters, digits and "-" only, well under 64 characters.
   */
  protected newRequest(): { name: string; ticket: string } {
    const now = new Date();
    const stamp = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 17);
    this.sequence += 1;
    const ticket = `${this.options.tillCode}-${stamp}-${this.sequence}-${randomBytes(2).toString('hex')}`;
    return { name: `pos-${ticket}`, ticket };
  }

  /** Write the request, wait for its answer, clean up. */
  protected async exchange(name: string, request: Record<string, unknown>): Promise<TicketsAnswer | NoAnswer> {
    const requestFile = `${name}${TICKETS_WORDS.requestExtension}`;
    await this.writeRequest(requestFile, JSON.stringify(request));
    this.log(`wrote ${requestFile} ${JSON.stringify(request)}`);
    const got = await this.waitForAnswer(name, String(request['ticket']), Date.now() + this.options.answerTimeoutMs);
    if ('kind' in got) {
      if (got.kind === 'timeout') {
        // Withdraw the request, so a CashlogyTickets that comes back later does not run a sale the cashier gave up on.
        await rm(join(this.dir, requestFile), { force: true });
        this.abandoned.add(name);
      } else {
        await this.consume(got.file, requestFile);
      }
      return got;
    }
    await this.consume(got.file, requestFile);
    return got;
  }

  /** Atomic write: the full text under a temporary name that is not a request, then one rename. */
  protected async writeRequest(file: string, text: string): Promise<void> {
    const temp = this.design.tempName === 'dot-prefix' ? `.${file}.tmp` : `${file}.part`;
    await writeFile(join(this.dir, temp), text, 'utf8');
    await rename(join(this.dir, temp), join(this.dir, file));
  }

  /** The answer to our request, and nothing else: its own name, its own ticket. */
  protected async waitForAnswer(name: string, ticket: string, deadline: number): Promise<TicketsAnswer | NoAnswer> {
    const candidates = [`${name}${TICKETS_WORDS.okExtension}`, `${name}${TICKETS_WORDS.nokExtension}`];
    const wake = this.design.answerWait === 'watch' ? this.watchFolder() : undefined;
    const pause = this.design.answerWait === 'watch' ? Math.max(this.options.pollMs, 1_000) : this.options.pollMs;
    let damaged: { file: string; text: string; since: number } | undefined;
    try {
      while (!this.closed) {
        for (const file of candidates) {
          const text = await readFile(join(this.dir, file), 'utf8').catch(() => undefined);
          if (text === undefined) continue;
          const body = parseJson(text);
          if (body === undefined || body['ticket'] === undefined) {
            // Still being written, or damaged: read it again until it stays the same for a while.
            if (damaged?.file !== file || damaged.text !== text) damaged = { file, text, since: Date.now() };
            else if (Date.now() - damaged.since >= this.options.answerSettleMs) return { kind: 'unreadable', file, text };
            continue;
          }
          if (String(body['ticket']) !== ticket) {
            this.log(`${file} names ticket ${JSON.stringify(body['ticket'])}, not ours (${ticket}): left alone`);
            continue;
          }
          return { ok: file.endsWith(TICKETS_WORDS.okExtension), file, body };
        }
        const left = deadline - Date.now();
        if (left <= 0) return { kind: 'timeout' };
        await (wake ? wake.next(Math.min(pause, left)) : sleep(Math.min(damaged ? 50 : pause, left)));
      }
      return { kind: 'timeout' };
    } finally {
      wake?.close();
    }
  }

  /** fs.watch on the folder; `next(ms)` resolves on the next change or after `ms`. */
  private watchFolder(): { next(ms: number): Promise<void>; close(): void } {
    let waiter: (() => void) | undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.dir, () => waiter?.());
      watcher.on('error', () => undefined);
    } catch {
      // No change events here (some network shares): the poll alone finds the answer.
    }
    return {
      next: (ms) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          }
          waiter = done;
        }),
      close: () => watcher?.close(),
    };
  }

  /** The answer is booked: remove it and our request, so the folder holds only what is in progress. */
  protected async consume(answerFile: string, requestFile: string): Promise<void> {
    await rm(join(this.dir, answerFile), { force: true });
    await rm(join(this.dir, requestFile), { force: true });
  }

  /**
   * An answer to a request the POS gave up on may still come: it is removed, and the cashier is
   * told what it said (money may have moved after all).
   */
  private async sweepAbandoned(): Promise<string[]> {
    const notes: string[] = [];
    for (const name of [...this.abandoned]) {
      for (const ext of [TICKETS_WORDS.okExtension, TICKETS_WORDS.nokExtension]) {
        const file = `${name}${ext}`;
        const text = await readFile(join(this.dir, file), 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        await rm(join(this.dir, file), { force: true });
        this.abandoned.delete(name);
        notes.push(`a late answer came for an earlier request given up on (${file}: ${text.trim()}): check that sale or refund by hand`);
      }
    }
    return notes;
  }

  // ── what the answers mean ─────────────────────────────────────────────────────────────

  /** A sale books what the machine kept: paid − change. A `.NOK` books nothing, unless the customer paid all the same (short change). */
  protected bookSale(amount: number, answer: TicketsAnswer): PosOutcome {
    const paid = cents(answer.body['paid']);
    const change = cents(answer.body['change']);
    const kept = paid - change;
    if (answer.ok) {
      return { outcome: 'completed', paid: kept, change, owed: 0, message: `paid ${formatCents(kept)}, change ${formatCents(change)}` };
    }
    const reason = String(answer.body['reason'] ?? 'unknown');
    const why = `CashlogyTickets refused the sale (${reason}): ${String(answer.body['message'] ?? 'no message')}`;
    if (kept >= amount && kept > 0) {
      // The customer paid and the machine could not give all the change: the sale is paid, the rest is owed by hand.
      const owed = kept - amount;
      return { outcome: 'completed', paid: amount, change, owed, message: `${why}; the sale is paid${owed > 0 ? `: give the customer ${formatCents(owed)} by hand` : ''}` };
    }
    return {
      outcome: reason === 'cancelled' ? 'cancelled' : 'failed',
      paid: 0,
      change,
      owed: Math.max(0, kept),
      message: `${why}; nothing booked${kept > 0 ? `, give the customer ${formatCents(kept)} back by hand` : ''}`,
    };
  }

  /** A refund reports what the machine paid out; what it could not pay is owed by hand. */
  protected bookRefund(amount: number, answer: TicketsAnswer): PosOutcome {
    const dispensed = cents(answer.body['dispensed']);
    const owed = Math.max(0, amount - dispensed);
    if (answer.ok) {
      return {
        outcome: 'completed',
        refunded: amount,
        owed,
        message: owed > 0 ? `refunded ${formatCents(dispensed)} from the machine: give ${formatCents(owed)} by hand` : `refunded ${formatCents(amount)}`,
      };
    }
    const reason = String(answer.body['reason'] ?? 'unknown');
    const why = `CashlogyTickets refused the refund (${reason}): ${String(answer.body['message'] ?? 'no message')}`;
    if (dispensed > 0) return { outcome: 'completed', refunded: amount, owed, message: `${why}; give the customer the remaining ${formatCents(owed)} by hand` };
    return { outcome: reason === 'cancelled' ? 'cancelled' : 'failed', refunded: 0, owed: 0, message: `${why}; nothing refunded` };
  }

  /** No usable answer: book nothing, never send again by itself, tell the cashier what to check. */
  protected noAnswer(why: NoAnswer, kind: 'sale' | 'refund', amount: number, ticket: string): PosOutcome {
    const what = `${kind} ${ticket} of ${formatCents(amount)}`;
    const text =
      why.kind === 'timeout'
        ? `CashlogyTickets did not answer the ${what} within ${waited(this.options.answerTimeoutMs)} (is it running?); the request was withdrawn and nothing was booked: check the machine's screen before trying again`
        : `the answer ${why.file} to the ${what} cannot be read (${JSON.stringify(why.text.slice(0, 80))}); nothing was booked: check the machine's screen and totals`;
    return { outcome: 'failed', ...(kind === 'sale' ? { paid: 0 } : { refunded: 0 }), uncertain: true, message: text };
  }
}

function waited(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function amountOf(action: string, body: ActionBody): number {
  const amount = body.amount;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
    throw new PosRequestError(`${action} needs {"amount": <integer cents above 0>}, got ${JSON.stringify(amount)}`);
  }
  return amount;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Amounts are integer cents in the default dialect; anything else counts as nothing. */
function cents(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0;
}
