/**
 * The defective fleet: each variant is the reference POS with ONE realistic defect taken from
 * a real client (protocol.md §13, the checklist items' `catches`). The reference POS stays
 * free of defect switches; every defect lives here as an override of one seam.
 *
 * `caughtBy` names the required checklist items expected to fail for the variant, per
 * integration; `defect` must match the failing check's message (the check names the defect).
 */
import { CashlogyConnection, type ConnectionOptions } from '../../src/reference-pos/connection.js';
import { encodeCommand, type Reply } from '../../src/reference-pos/replies.js';
import { ReferencePos, type MoneyResult, type ReferencePosOptions } from '../../src/reference-pos/pos.js';
import { chargeMoney } from '../../src/reference-pos/money.js';
import type { PosOutcome } from '../../src/pos/types.js';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TicketsPos, TICKETS_WORDS, type NoAnswer, type TicketsAnswer, type TicketsPosOptions } from '../../src/reference-pos/tickets.js';

export interface Variant {
  name: string;
  /** The defect in one sentence, and the real client it comes from. */
  defect: string;
  /** Required items that must fail, by the integration the variant is run as. */
  caughtBy: Partial<Record<'express' | 'complete' | 'mixed', string[]>>;
  /** The failing check's message names the defect. */
  message: RegExp;
  create(options: ReferencePosOptions): ReferencePos;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ── start-up and shutdown ────────────────────────────────────────────────────────────────

/** Relies on an earlier session and never sends `#I#` at start (S-HC sends #I# once, ever). */
class NeverInitialises extends ReferencePos {
  protected override async startup(): Promise<PosOutcome> {
    return { outcome: 'completed', message: 'assumed ready' };
  }
}

/** Gives up when `#I#` answers ER:BUSY instead of `#Z#` + `#I#` (§13.16). */
class NoBusyRecovery extends ReferencePos {
  protected override initialise(): Promise<Reply> {
    return this.link.send('I');
  }
}

/** Closes the socket without `#E#` (pywebdriver's keep-alive never sends it, §13.19). */
class NeverSendsEnd extends ReferencePos {
  protected override async shutdown(): Promise<PosOutcome> {
    await this.link.disconnect();
    return { outcome: 'completed', message: 'closed' };
  }
}

// ── the charge frame ─────────────────────────────────────────────────────────────────────

/** Sends euros, `#C#…#12.50#…` (S-HC, §13.12). */
class SendsEuros extends ReferencePos {
  protected override chargeParameters(operation: string, amount: number): (string | number)[] {
    return [operation, this.options.tillCode, (amount / 100).toFixed(2), 0, 0, 0, 0, 0, 1, 0, 0];
  }
}

/** pywebdriver/Druidoo's ten-parameter `#C#<op>#1#<amt>#15#15#1#1#1#0#0#` (§5.3, §13.12). */
class TenParameterCharge extends ReferencePos {
  protected override chargeParameters(operation: string, amount: number): (string | number)[] {
    return [operation, 1, amount, 15, 15, 1, 1, 1, 0, 0];
  }
}

/** The same operation number for every sale (many clients hard-code `1`; S-VB's clock collides, §13.13). */
class ReusesOperationNumber extends ReferencePos {
  protected override chargeParameters(_operation: string, amount: number): (string | number)[] {
    return super.chargeParameters('1', amount);
  }
}

/** S-QF's fifteen-flag `#G#` (self-protection and mismatch buttons of a later manual, §5.4). */
class BackofficeFifteenFlags extends ReferencePos {
  protected override async backoffice(): Promise<PosOutcome> {
    const reply = await this.link.send('G', [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0]);
    return this.isSuccess(reply) ? { outcome: 'completed' } : { outcome: 'failed', message: reply.frame };
  }
}

// ── reading the charge reply ─────────────────────────────────────────────────────────────

/**
 * Checks `status == 0` wherever money is settled, so WR:LEVEL counts as an error (the Odoo
 * 2016 JS only looked for one status, §13.15). Like most clients, it still shows the `#Q#`
 * amount whatever the status.
 */
class IgnoresLevelWarning extends ReferencePos {
  protected override isSuccess(reply: Reply): boolean {
    return reply.command === 'Q' ? super.isSuccess(reply) : reply.status === '0';
  }
}

/** Books the gross amount inserted, not the net (OCA via pywebdriver, §13.14). */
class BooksInserted extends ReferencePos {
  protected override readCharge(amount: number, reply: Reply): PosOutcome {
    const outcome = super.readCharge(amount, reply);
    const money = chargeMoney(reply);
    return outcome.outcome === 'completed' && money ? { ...outcome, paid: money.auto + money.manual } : outcome;
  }
}

/** Reads the amount fields without looking at the status: a WR:CANCEL sale is booked (§3). */
class BooksCancelledSale extends ReferencePos {
  protected override readCharge(amount: number, reply: Reply): PosOutcome {
    if (reply.status !== 'WR:CANCEL') return super.readCharge(amount, reply);
    const money = chargeMoney(reply);
    return { outcome: 'completed', paid: amount, change: money?.returned ?? 0, owed: 0, message: 'paid' };
  }
}

/** Assumes the machine always gives all the change (OCA only warns, §13.11): owed is always 0. */
class AssumesFullChange extends ReferencePos {
  protected override readCharge(amount: number, reply: Reply): PosOutcome {
    const outcome = super.readCharge(amount, reply);
    return outcome.outcome === 'completed' ? { ...outcome, owed: 0 } : outcome;
  }
  protected override async dispense(amount: number): Promise<{ dispensed: number; owed: number; notes: string[] }> {
    await super.dispense(amount);
    return { dispensed: amount, owed: 0, notes: [] };
  }
}

// ── recovery ─────────────────────────────────────────────────────────────────────────────

/** After a jam (`ER:GENERIC` to `#C#`) sends the charge again by itself (S-VB offers to resend, §13.16). */
class ResendsAfterJam extends ReferencePos {
  protected override async moneyCommand(code: string, params: () => (string | number)[], mayStart?: () => boolean): Promise<MoneyResult> {
    const result = await super.moneyCommand(code, params, mayStart);
    if (code === 'C' && result.kind === 'reply' && result.reply.status === 'ER:GENERIC') {
      return { kind: 'reply', reply: await this.link.send(code, params()) };
    }
    return result;
  }
}

/** After a lost reply, reconnects and sends the same money command again (§13.18, §13.21). */
class ResendsAfterDisconnect extends ReferencePos {
  protected override async moneyCommand(code: string, params: () => (string | number)[], mayStart?: () => boolean): Promise<MoneyResult> {
    if (mayStart && !mayStart()) return { kind: 'aborted' };
    const frame = params();
    try {
      return { kind: 'reply', reply: await this.link.send(code, frame) };
    } catch {
      // "The connection dropped, the command never happened": resend it on a new connection.
      return { kind: 'reply', reply: await this.link.send(code, frame) };
    }
  }
}

/** Never re-initialises after ER:ILLEGAL (§13.18): every command fails until the POS restarts. */
class NoReinitOnIllegal extends ReferencePos {
  protected override command(code: string, params: readonly (string | number)[] = []): Promise<Reply> {
    return this.link.send(code, params);
  }
  protected override async moneyCommand(code: string, params: () => (string | number)[], mayStart?: () => boolean): Promise<MoneyResult> {
    if (mayStart && !mayStart()) return { kind: 'aborted' };
    return { kind: 'reply', reply: await this.link.send(code, params()) };
  }
}

// ── transport ────────────────────────────────────────────────────────────────────────────

/** Reads the socket once and takes whatever arrived as the whole reply (S-ODOO, S-VAL, S-VB, §13.2). */
class SingleReadConnection extends CashlogyConnection {
  protected override examineBuffer(): void {
    if (this.pending === null || this.buffer === '') return;
    const frame = this.buffer;
    this.buffer = '';
    this.resolvePending(frame);
  }
}
class SingleRead extends ReferencePos {
  protected override createConnection(options: ConnectionOptions): CashlogyConnection {
    return new SingleReadConnection(options);
  }
}

/** A connection that can also write a frame straight to the socket, outside the queue. */
class LeakyConnection extends CashlogyConnection {
  writeNow(frame: string): void {
    this.writeFrame(frame);
  }
}

/** Sends a `#T#` heartbeat on a timer, also while `#C#` is running (S-VAL/S-IAR heartbeats, §13.19). */
class HeartbeatDuringCharge extends ReferencePos {
  protected override createConnection(options: ConnectionOptions): CashlogyConnection {
    return new LeakyConnection(options);
  }
  protected override async expressSale(amount: number): Promise<PosOutcome> {
    const timer = setInterval(() => (this.link as LeakyConnection).writeNow(encodeCommand('T')), 250);
    try {
      return await super.expressSale(amount);
    } finally {
      clearInterval(timer);
    }
  }
}

/** Polls `#Q#` on a fixed timer whether or not the previous reply arrived (S-QF, §13.6). */
class TimerPolling extends ReferencePos {
  protected override createConnection(options: ConnectionOptions): CashlogyConnection {
    return new LeakyConnection(options);
  }
  protected override async collectUntil(amount: number): Promise<string[]> {
    const timer = setInterval(() => {
      if (this.link.busy) (this.link as LeakyConnection).writeNow(encodeCommand('Q'));
    }, 150);
    try {
      return await super.collectUntil(amount);
    } finally {
      clearInterval(timer);
    }
  }
}

// ── no-screen sale ───────────────────────────────────────────────────────────────────────

/** Never closes acceptance with `#J#`: books the `#Q#` amount and leaves the inlet open. */
class NeverClosesAcceptance extends ReferencePos {
  private lastSeen = 0;
  protected override async collectUntil(amount: number): Promise<string[]> {
    for (;;) {
      const reply = await this.command('Q');
      this.lastSeen = Number(reply.fields[0] ?? 0);
      if (this.lastSeen >= amount || this.sale?.cancelRequested) return [];
      await delay(this.pollIntervalMs);
    }
  }
  protected override async stopAcceptance(): Promise<number | undefined> {
    return this.lastSeen;
  }
}

/** Ported from Express: expects the machine to give change by itself and never sends `#P#`. */
class ForgetsChange extends ReferencePos {
  protected override async dispense(amount: number): Promise<{ dispensed: number; owed: number; notes: string[] }> {
    return { dispensed: amount, owed: 0, notes: [] };
  }
}

/** pywebdriver's short forms `#B#0#` and three-parameter `#P#<cents>#0#0#` (§13.12, §14). */
class ShortForms extends ReferencePos {
  protected override command(code: string, params: readonly (string | number)[] = []): Promise<Reply> {
    return super.command(code, code === 'B' ? [0] : params);
  }
  protected override moneyCommand(code: string, params: () => (string | number)[], mayStart?: () => boolean): Promise<MoneyResult> {
    return super.moneyCommand(code, code === 'P' ? () => params().slice(0, 3) : params, mayStart);
  }
}

/** Computes change from the last `#Q#` instead of the `#J#` reply (older S-VAL, §13.8–13.9). */
class ChangeFromLastQ extends ReferencePos {
  private lastQ = 0;
  protected override command(code: string, params: readonly (string | number)[] = []): Promise<Reply> {
    return super.command(code, params).then((reply) => {
      if (code === 'Q' && this.isSuccess(reply)) this.lastQ = Number(reply.fields[0] ?? 0);
      return reply;
    });
  }
  protected override changeDue(_inserted: number, amount: number): number {
    return this.lastQ - amount;
  }
}

/** No-screen cancel that stops acceptance but never gives the money back (§4.2). */
class CancelKeepsMoney extends ReferencePos {
  protected override async dispense(amount: number): Promise<{ dispensed: number; owed: number; notes: string[] }> {
    if (this.sale?.cancelRequested) return { dispensed: 0, owed: 0, notes: [] };
    return super.dispense(amount);
  }
}

/** Never reads the device errors with `#?#`: the cashier only sees "error" (§5.25). */
class NoErrorPolling extends ReferencePos {
  protected override uses(feature: 'no-screen-sale' | 'refund' | 'refill' | 'close-day' | 'error-polling'): boolean {
    return feature === 'error-polling' ? false : super.uses(feature);
  }
}

/** Refunds in euros, `#P#12.50#…` (S-HC's euros bug, §6.1). */
class RefundInEuros extends ReferencePos {
  protected override moneyCommand(code: string, params: () => (string | number)[], mayStart?: () => boolean): Promise<MoneyResult> {
    if (code !== 'P') return super.moneyCommand(code, params, mayStart);
    return super.moneyCommand(code, () => {
      const [cents, ...rest] = params();
      return [(Number(cents) / 100).toFixed(2), ...rest];
    }, mayStart);
  }
}

/** Refills with the sale acceptance `#B#` (pywebdriver: "I don't know the difference", §5.9). */
class RefillWithSaleAcceptance extends ReferencePos {
  protected override async refill(target: number | undefined): Promise<PosOutcome> {
    await this.command('B', [0, 0, 0]);
    let seen = 0;
    const started = Date.now();
    while ((target === undefined || seen < target) && Date.now() - started < 10_000) {
      seen = Number((await this.command('Q')).fields[0] ?? 0);
      await delay(this.pollIntervalMs);
    }
    const closed = await this.command('J');
    return { outcome: 'completed', message: `refilled ${closed.fields[0] ?? seen}` };
  }
}

/**
 * After a lost `#C#` reply, reports a plain failed sale: no `uncertain`, nothing for the cashier
 * to check, while the customer's money is in the machine (the sale is lost, §13.21).
 */
class PlainFailedAfterLostReply extends ReferencePos {
  protected override settleInterruptedCharge(): PosOutcome {
    return { outcome: 'failed', paid: 0, change: 0, owed: 0, message: 'communication error' };
  }
}

/**
 * Sends a refund down the payment path: opens acceptance (`#B#`) and polls `#Q#` for the refund
 * amount as if the customer had to pay it (a sale screen reused for refunds). The machine waits
 * for money nobody inserts, and the POS hangs.
 */
class RefundThroughPaymentPath extends ReferencePos {
  protected override async refund(amount: number): Promise<PosOutcome> {
    await this.command('B', [0, 0, 0]);
    for (;;) {
      const seen = Number((await this.command('Q')).fields[0] ?? 0);
      if (seen >= amount) break;
      await delay(this.pollIntervalMs);
    }
    await this.command('J');
    return { outcome: 'completed', refunded: amount };
  }
}

function variant(
  name: string,
  Pos: new (options: ReferencePosOptions) => ReferencePos,
  defect: string,
  caughtBy: Variant['caughtBy'],
  message: RegExp,
): Variant {
  return { name, defect, caughtBy, message, create: (options) => new Pos(options) };
}

export const FLEET: Variant[] = [
  variant('never-initialises', NeverInitialises, 'never sends #I# at start', { express: ['EXP-01'], complete: ['COM-01'] }, /did not send #I# at start-up/),
  variant('no-busy-recovery', NoBusyRecovery, 'gives up on #ER:BUSY# at start instead of #Z# + #I#', { express: ['EXP-02'], complete: ['COM-02'] }, /did not reset with #Z#/),
  variant('never-sends-end', NeverSendsEnd, 'closes without #E#', { express: ['EXP-17'], complete: ['COM-19'] }, /did not send #E#/),
  variant('sends-euros', SendsEuros, 'charges in euros (#C#…#12.50#…)', { express: ['EXP-03', 'EXP-05'] }, /never sent the charge|integer cents/),
  variant('ten-parameter-charge', TenParameterCharge, 'ten-parameter #C#', { express: ['EXP-05'] }, /11 parameters/),
  variant('reuses-operation-number', ReusesOperationNumber, 'same operation number for every sale', { express: ['EXP-06'] }, /reused the operation number/),
  variant('backoffice-fifteen-flags', BackofficeFifteenFlags, '#G# with 15 flags', { express: ['EXP-16'] }, /13 flags/),
  variant('ignores-level-warning', IgnoresLevelWarning, 'treats WR:LEVEL as an error', { express: ['EXP-07'], complete: ['COM-08'] }, /WR:LEVEL/),
  variant('books-inserted', BooksInserted, 'books the gross amount inserted', { express: ['EXP-04'] }, /gross amount inserted|booked paid/),
  variant('books-cancelled-sale', BooksCancelledSale, 'books a WR:CANCEL sale', { express: ['EXP-08'] }, /booked a sale the customer cancelled|WR:CANCEL/),
  variant('assumes-full-change', AssumesFullChange, 'owed always 0 after a short change or dispense', { express: ['EXP-09', 'EXP-10'], complete: ['COM-09', 'COM-10', 'COM-13'], mixed: ['COM-13'] }, /still owed|owed/),
  variant('resends-after-jam', ResendsAfterJam, 'resends #C# after ER:GENERIC', { express: ['EXP-11'] }, /resent the charge/),
  variant('resends-after-disconnect', ResendsAfterDisconnect, 'resends the money command after a lost reply', { express: ['EXP-12'], complete: ['COM-15'] }, /again after the disconnect|charged more than once|twice/),
  variant('no-reinit-on-illegal', NoReinitOnIllegal, 'does not re-initialise after ER:ILLEGAL', { express: ['EXP-13'], complete: ['COM-16'] }, /did not send #I# after/),
  variant('single-read', SingleRead, 'reads the socket once (split replies)', { express: ['EXP-14'], complete: ['COM-17'] }, /two TCP segments|split reply/),
  variant('heartbeat-during-charge', HeartbeatDuringCharge, '#T# heartbeat while #C# runs', { express: ['EXP-15'] }, /while another one was still unanswered/),
  variant('timer-polling', TimerPolling, '#Q# on a fixed timer', { complete: ['COM-18'] }, /while another one was still unanswered/),
  variant('never-closes-acceptance', NeverClosesAcceptance, 'never sends #J#', { complete: ['COM-03'] }, /did not open \(#B#\), poll \(#Q#\) and close \(#J#\)/),
  variant('forgets-change', ForgetsChange, 'never dispenses change in no-screen mode', { complete: ['COM-04'] }, /change/),
  variant('short-forms', ShortForms, '#B#0# and three-parameter #P#', { complete: ['COM-05'] }, /3-parameter #B#|4 parameters/),
  variant('change-from-last-q', ChangeFromLastQ, 'change from the last #Q#, not #J#', { complete: ['COM-06'] }, /last #Q#/),
  variant('cancel-keeps-money', CancelKeepsMoney, 'no-screen cancel without #P#', { complete: ['COM-07'] }, /give the 5.00 € inserted back|machine kept/),
  variant('no-error-polling', NoErrorPolling, 'never queries #?#', { complete: ['COM-11'] }, /#\?#/),
  variant('refund-in-euros', RefundInEuros, 'refunds in euros (#P#12.50#…)', { complete: ['COM-12'], mixed: ['COM-12'] }, /integer cents|refund/),
  variant('plain-failed-after-lost-reply', PlainFailedAfterLostReply, 'a plain "failed" after a lost #C# reply with the money in the machine', { express: ['EXP-12'] }, /lost a sale/),
  variant('refund-through-payment-path', RefundThroughPaymentPath, 'a refund sent through #B#/#Q# instead of #P#', { complete: ['COM-12'], mixed: ['COM-12'] }, /did not dispense the refund with #P#/),
  variant('refill-with-sale-acceptance', RefillWithSaleAcceptance, 'refills with #B#', { complete: ['COM-14'], mixed: ['COM-14'] }, /#A#2#|#B#/),
];

// ── Cashlogy Tickets (file exchange) ─────────────────────────────────────────────────────

/** A defective tickets POS: the tickets reference POS (src/reference-pos/tickets.ts) with one defect. */
export interface TicketsVariant {
  name: string;
  defect: string;
  /** Required items of tickets-micro that must fail. */
  caughtBy: string[];
  message: RegExp;
  create(options: TicketsPosOptions): TicketsPos;
}

/** Writes `<name>.azk` directly, in three pieces, as a plain `fs.write` loop over a slow stream would. */
class NonAtomicWrite extends TicketsPos {
  protected override async writeRequest(file: string, text: string): Promise<void> {
    const handle = await open(join(this.dir, file), 'w');
    try {
      const third = Math.ceil(text.length / 3);
      for (let i = 0; i < text.length; i += third) {
        await handle.write(text.slice(i, i + third));
        await handle.sync();
        await delay(60);
      }
    } finally {
      await handle.close();
    }
  }
}

/** Every request is `venta.azk` / `abono.azk` (a fixed name per type), as naive samples do. */
class ReusedFileName extends TicketsPos {
  private kind = 'venta';
  protected override async sale(amount: number): Promise<PosOutcome> {
    this.kind = TICKETS_WORDS.types.sale;
    return super.sale(amount);
  }
  protected override async refund(amount: number): Promise<PosOutcome> {
    this.kind = TICKETS_WORDS.types.refund;
    return super.refund(amount);
  }
  protected override newRequest(): { name: string; ticket: string } {
    return { name: this.kind, ticket: super.newRequest().ticket };
  }
}

/** Any answer file means "paid": it never looks at .OK versus .NOK. */
class BooksOnNok extends TicketsPos {
  protected override bookSale(amount: number): PosOutcome {
    return { outcome: 'completed', paid: amount, change: 0, owed: 0, message: 'paid' };
  }
}

/** Books the `paid` of the .OK (what the customer inserted) instead of paid − change. */
class BooksGrossPaid extends TicketsPos {
  protected override bookSale(amount: number, answer: TicketsAnswer): PosOutcome {
    const booked = super.bookSale(amount, answer);
    return answer.ok ? { ...booked, paid: Number(answer.body['paid']) } : booked;
  }
}

/** Sends a refund as a sale request with the amount, as if the machine knew which way the money goes. */
class RefundAsSale extends TicketsPos {
  protected override async refund(amount: number): Promise<PosOutcome> {
    const { name, ticket } = this.newRequest();
    const got = await this.exchange(name, { type: TICKETS_WORDS.types.sale, ticket, amount, till: '1' });
    if ('kind' in got) return this.noAnswer(got, 'refund', amount, ticket);
    return { outcome: 'completed', refunded: amount, owed: 0 };
  }
}

/** Waits for the answer as long as it takes. */
class NoTimeout extends TicketsPos {
  protected override waitForAnswer(name: string, ticket: string): Promise<TicketsAnswer | NoAnswer> {
    return super.waitForAnswer(name, ticket, Number.POSITIVE_INFINITY);
  }
}

/** Reads its answer and leaves it (and its request) in the folder. */
class NeverCleansUp extends TicketsPos {
  protected override async consume(): Promise<void> {}
}

/** Takes the first answer file that is in the folder, whoever it belongs to. */
class ReadsStaleAnswer extends TicketsPos {
  protected override async waitForAnswer(_name: string, _ticket: string, deadline: number): Promise<TicketsAnswer | NoAnswer> {
    while (Date.now() < deadline) {
      const names = (await readdir(this.dir)).sort();
      const file = names.find((n) => n.endsWith(TICKETS_WORDS.okExtension) || n.endsWith(TICKETS_WORDS.nokExtension));
      if (file !== undefined) {
        try {
          const body = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as Record<string, unknown>;
          return { ok: file.endsWith(TICKETS_WORDS.okExtension), file, body };
        } catch {
          // being written: look again
        }
      }
      await delay(50);
    }
    return { kind: 'timeout' };
  }
}

/** No answer in time: writes the same sale again under a new name, keeping the first one. */
class ResendsWithoutAnswer extends TicketsPos {
  protected override async exchange(name: string, request: Record<string, unknown>): Promise<TicketsAnswer | NoAnswer> {
    const file = `${name}${TICKETS_WORDS.requestExtension}`;
    await this.writeRequest(file, JSON.stringify(request));
    const first = await this.waitForAnswer(name, String(request['ticket']), Date.now() + this.options.answerTimeoutMs);
    if (!('kind' in first)) return first;
    const again = `${name}-retry`;
    await this.writeRequest(`${again}${TICKETS_WORDS.requestExtension}`, JSON.stringify(request));
    const second = await this.waitForAnswer(again, String(request['ticket']), Date.now() + this.options.answerTimeoutMs);
    if (!('kind' in second)) await rm(join(this.dir, second.file), { force: true });
    return second;
  }
}

function ticketsVariant(name: string, Pos: new (options: TicketsPosOptions) => TicketsPos, defect: string, caughtBy: string[], message: RegExp): TicketsVariant {
  return { name, defect, caughtBy, message, create: (options) => new Pos(options) };
}

export const TICKETS_FLEET: TicketsVariant[] = [
  ticketsVariant('tickets-books-gross-paid', BooksGrossPaid, 'books what the customer inserted (.OK paid) instead of paid − change', ['TIX-01'], /did not book the sale from the \.OK/),
  ticketsVariant('tickets-refund-as-sale', RefundAsSale, 'sends a refund as a sale request (venta)', ['TIX-02'], /never read a refund request/),
  ticketsVariant('tickets-non-atomic-write', NonAtomicWrite, 'writes <name>.azk in place, in pieces', ['TIX-06'], /wrote its request in place/),
  ticketsVariant('tickets-reused-file-name', ReusedFileName, 'the same request file name for every sale', ['TIX-07'], /reused a request file name/),
  ticketsVariant('tickets-books-on-nok', BooksOnNok, 'books any answer, .NOK included, as a paid sale', ['TIX-03', 'TIX-04', 'TIX-05'], /booked a sale CashlogyTickets|refused|owed/),
  ticketsVariant('tickets-no-timeout', NoTimeout, 'waits for an answer forever', ['TIX-09'], /never answered|never ended/),
  ticketsVariant('tickets-never-cleans-up', NeverCleansUp, 'leaves the answers it read in the folder', ['TIX-10'], /never removed the answer/),
  ticketsVariant('tickets-reads-stale-answer', ReadsStaleAnswer, 'takes the first answer file in the folder, a stale one included', ['TIX-08'], /stale answer/),
  ticketsVariant('tickets-resends-without-answer', ResendsWithoutAnswer, 'sends the request again when no answer comes', ['TIX-09'], /left its unanswered request in the folder, or sent it again/),
];
