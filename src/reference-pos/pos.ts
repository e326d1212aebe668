/**
 * The reference POS: a correct CashlogyConnector integration, written to be read and copied.
 *
 * Every POS action (docs/runner.md, Drivers: `startup`, `sale`, `refund`, `cancel`, `backoffice`,
 * `refill`, `close-day`, `shutdown`) becomes a short, ordered conversation with the
 * connector and ends in an outcome `{outcome, paid, change, owed, refunded, message}`.
 *
 *   integration  sale                         refund        refill        close-day
 *   express      #C# (connector screens)      —             #G#           #G#
 *   complete     #B# #Q#… #J# #P# (no screen) #P#           #A#2# #Q# #J# #T# #Y#
 *   mixed        express, plus the complete-integration command of each declared feature
 *
 * Rules it follows, each from protocol.md:
 * - one command at a time on one persistent connection (§2.7, §2.8): see connection.ts;
 * - `#I#` at start; `ER:BUSY` → `#Z#` → `#I#` (§3, §7.9);
 * - `ER:ILLEGAL` → re-initialise, then retry once, but a command that moves money only when
 *   the machine's totals prove nothing moved (§13.18);
 * - a lost connection during a charge or dispense is settled from the totals, never by
 *   sending the command again (§13.21);
 * - `WR:LEVEL` is a success with a notice, `WR:CANCEL` books nothing (§3, §13.15);
 * - net paid = auto + manual − returned (§5.3); amounts are integer cents (§6.1);
 * - no-screen change comes from the `#J#` reply, never the last `#Q#` (§13.9);
 * - a short dispense (`ER:GENERIC#<dispensed>`) tells the cashier what is still owed (§13.11).
 *
 * Where correct integrations differ (how a lost reply is settled, when `#?#` is read, the
 * Accept button, the socket model, framing, reply reading, polling period), `design`
 * picks one; designs.ts lists them and the defaults are described above.
 *
 * The building blocks (`command`, `moneyCommand`, `initialise`, totals, `#?#`) are in
 * session.ts. The protected methods are the seams where an integrator plugs in their own UI
 * or rules; the test fleet (test/fleet/) overrides them one at a time to reproduce real defects.
 */
import { CertError } from '../errors.js';
import { POS_ACTIONS, type IntegrationType, type PosOutcome } from '../pos/types.js';
import { delay } from './connection.js';
import { chargeMoney, createOperationNumbers, formatCents } from './money.js';
import { centsField, type Reply } from './replies.js';
import { ConnectorSession, isLinkFailure, type SessionOptions } from './session.js';

export type { MoneyResult } from './session.js';

/** What `dispense()` achieved. `uncertain`: its reply was lost and the `ask-cashier` design does not guess. */
export interface DispenseResult {
  dispensed: number;
  owed: number;
  notes: string[];
  uncertain?: boolean;
}

export interface ReferencePosOptions extends SessionOptions {
  integration: IntegrationType;
  /** For `mixed`: which complete-integration features it uses (`refund`, `no-screen-sale`…). */
  features?: readonly string[];
  /** Till code sent as `#C#` parameter 2. */
  tillCode?: string;
  /** How often `#?#` is polled while the customer pays in no-screen mode (S-HIT: 1 s). */
  errorPollIntervalMs?: number;
  /** Refill without a target amount ends after the inserted amount stays still this long. */
  refillSettleMs?: number;
  /** ... or when nothing at all was inserted for this long. */
  refillIdleMs?: number;
}

/** The JSON body of an action: `sale` and `refund` carry the amount in cents; `refill` may. */
export interface ActionBody {
  amount?: number;
}

/** The action request itself is wrong (unknown action, missing amount): the caller's fault. */
export class PosRequestError extends CertError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export class ReferencePos extends ConnectorSession {
  protected readonly integration: 'express' | 'complete' | 'mixed';
  protected readonly features: ReadonlySet<string>;
  protected readonly options: Required<Pick<ReferencePosOptions, 'tillCode' | 'errorPollIntervalMs' | 'refillSettleMs' | 'refillIdleMs'>>;
  protected readonly nextOperationNumber: () => string;
  /** The running sale, so that `cancel` can reach it. */
  protected sale: { cancelRequested: boolean; chargePending: boolean; done: Promise<PosOutcome> } | null = null;
  private actionTail: Promise<unknown> = Promise.resolve();

  constructor(options: ReferencePosOptions) {
    if (options.integration === 'tickets') {
      throw new PosRequestError('ReferencePos speaks the TCP protocol; a "tickets" integration is TicketsPos (tickets.ts)');
    }
    super(options);
    this.integration = options.integration;
    this.features = new Set(options.features ?? []);
    this.nextOperationNumber = createOperationNumbers(this.clock);
    this.options = {
      tillCode: options.tillCode ?? '1',
      errorPollIntervalMs: options.errorPollIntervalMs ?? 1_000,
      refillSettleMs: options.refillSettleMs ?? 1_500,
      refillIdleMs: options.refillIdleMs ?? 20_000,
    };
  }

  /** Which complete-integration command sets this POS uses (§4.2, §4.3). */
  protected uses(feature: 'no-screen-sale' | 'refund' | 'refill' | 'close-day' | 'error-polling'): boolean {
    return this.integration === 'complete' || this.features.has(feature);
  }

  /**
   * Runs one action. `cancel` runs at once (it must reach a running sale); the others run
   * one after another, like a cashier's screen.
   */
  perform(action: string, body: ActionBody = {}): Promise<PosOutcome> {
    if (action === 'cancel') return this.cancel();
    const run = this.actionTail.then(() => this.dispatch(action, body));
    this.actionTail = run.catch(() => undefined);
    return run;
  }

  /** Stops talking to the connector (without `#E#`: that is the `shutdown` action). */
  async close(): Promise<void> {
    await this.link.close();
  }

  protected dispatch(action: string, body: ActionBody): Promise<PosOutcome> {
    switch (action) {
      case 'startup':
        return this.startup();
      case 'sale':
        return this.runSale(requireAmount(action, body));
      case 'refund': {
        const amount = requireAmount(action, body);
        return this.afterErrorCheck(() => this.refund(amount));
      }
      case 'backoffice':
        return this.afterErrorCheck(() => this.backoffice());
      case 'refill': {
        const target = optionalAmount(action, body);
        return this.afterErrorCheck(() => this.refill(target));
      }
      case 'close-day':
        return this.afterErrorCheck(() => this.closeDay());
      case 'shutdown':
        return this.shutdown();
      default:
        throw new PosRequestError(`unknown action "${action}" (expected one of ${POS_ACTIONS.join(', ')})`);
    }
  }

  // ── when the device errors are read (`#?#`, §5.25) ────────────────────────────────────

  /** `immediate` design: read `#?#` right after an error reply, inside the same operation. */
  protected readsErrorsAtOnce(): boolean {
    return this.uses('error-polling') && this.design.errorCheck === 'immediate';
  }

  /**
   * `next-operation` design: never right after the error, but at the start of every operation
   * that uses the machine, so the cause of any earlier problem is shown before the machine is
   * used again. What it finds goes first in the operation's message.
   */
  protected async afterErrorCheck(operation: () => Promise<PosOutcome>): Promise<PosOutcome> {
    if (!this.uses('error-polling') || this.design.errorCheck !== 'next-operation') return operation();
    const found = await this.describeDeviceErrors();
    if (found !== undefined) this.log(`shown to the cashier before the operation: ${found}`);
    const outcome = await operation();
    if (found === undefined) return outcome;
    return { ...outcome, message: [`before this operation, ${found}`, outcome.message].filter(Boolean).join('; ') };
  }

  // ── startup and shutdown ──────────────────────────────────────────────────────────────

  protected async startup(): Promise<PosOutcome> {
    const reply = await this.initialise();
    if (!this.isSuccess(reply)) {
      return { outcome: 'failed', message: `the connector did not initialise: it answered ${reply.frame}` };
    }
    const notes = [`connector ready (protocol ${reply.fields[0] ?? '?'})`];
    if (this.uses('error-polling')) {
      const errors = await this.describeDeviceErrors();
      if (errors !== undefined) notes.push(errors);
    }
    return { outcome: 'completed', message: notes.join('; ') };
  }

  /** `#E#` ends the session (§5.2), then the socket is closed. */
  protected async shutdown(): Promise<PosOutcome> {
    const reply = await this.command('E');
    await this.link.disconnect();
    return this.isSuccess(reply)
      ? { outcome: 'completed', message: 'session ended' }
      : { outcome: 'failed', message: `the connector answered ${reply.frame} to #E#; connection closed anyway` };
  }

  // ── sale ──────────────────────────────────────────────────────────────────────────────

  private runSale(amount: number): Promise<PosOutcome> {
    const state: NonNullable<ReferencePos['sale']> = { cancelRequested: false, chargePending: false, done: Promise.resolve({ outcome: 'failed' }) };
    this.sale = state;
    state.done = this.afterErrorCheck(() => (this.uses('no-screen-sale') ? this.noScreenSale(amount) : this.expressSale(amount))).finally(() => {
      if (this.sale === state) this.sale = null;
    });
    return state.done;
  }

  /** Express sale: the connector's payment screen does the whole customer interaction (§4.1). */
  protected async expressSale(amount: number): Promise<PosOutcome> {
    const sale = this.sale;
    const cancelledEarly: PosOutcome = { outcome: 'cancelled', paid: 0, change: 0, owed: 0, message: 'sale cancelled before the charge started' };
    if (sale?.cancelRequested) return cancelledEarly;
    const result = await this.moneyCommand('C', () => this.chargeParameters(this.nextOperationNumber(), amount), () => {
      if (sale?.cancelRequested) return false;
      if (sale) sale.chargePending = true;
      return true;
    });
    if (result.kind === 'aborted') return cancelledEarly;
    if (result.kind === 'interrupted') return this.settleInterruptedCharge(amount, result.moved, result.reason);
    const outcome = this.readCharge(amount, result.reply);
    if (result.reply.status.startsWith('ER:') && this.readsErrorsAtOnce()) {
      // The connector's screen shows the problem, but the cashier looks at the POS (§5.25).
      const errors = await this.describeDeviceErrors();
      if (errors !== undefined) outcome.message = `${outcome.message ?? ''}; ${errors}`;
    }
    return outcome;
  }

  /**
   * The eleven `#C#` parameters of manual v2.5 (§5.3), amount in integer cents: no second
   * screen, no Accept button (the charge ends by itself once paid; with the `acceptButton: on`
   * design, when the customer presses Accept, as the Odoo drivers do), no partial charge,
   * screen on top, no manual cents, no manual deposit.
   */
  protected chargeParameters(operation: string, amount: number): (string | number)[] {
    const accept = this.design.acceptButton === 'on' ? 1 : 0;
    return [operation, this.options.tillCode, amount, 0, 0, 0, accept, 0, 1, 0, 0];
  }

  /** What a `#C#` reply means for the sale (§3, §5.3). */
  protected readCharge(amount: number, reply: Reply): PosOutcome {
    const money = chargeMoney(reply);
    if (reply.status === 'WR:CANCEL') {
      // Cancelled on the connector screen or by #!#: book nothing. Anything the machine kept
      // (it should have returned everything) belongs to the customer.
      const kept = Math.max(0, money?.net ?? 0);
      return {
        outcome: 'cancelled',
        paid: 0,
        change: money?.returned ?? 0,
        owed: kept,
        message:
          kept > 0
            ? `sale cancelled; the machine kept ${formatCents(kept)}: give it back to the customer by hand`
            : 'sale cancelled; nothing booked',
      };
    }
    const moneyMoved = this.isSuccess(reply) || reply.status === 'ER:GENERIC';
    if (money === undefined || !moneyMoved) {
      return { outcome: 'failed', paid: 0, change: 0, owed: 0, message: `the connector refused the charge: ${reply.frame}` };
    }
    if (money.net < amount) {
      // Partial charges are off, so this is a failed sale: nothing booked, hand back what it kept.
      const kept = Math.max(0, money.net);
      return {
        outcome: 'failed',
        paid: 0,
        change: money.returned,
        owed: kept,
        message: `charge incomplete (${reply.frame}): only ${formatCents(money.net)} of ${formatCents(amount)} collected; nothing booked${kept > 0 ? `, give ${formatCents(kept)} back to the customer` : ''}`,
      };
    }
    // Paid. Change the machine could not give (low float, §13.11) is owed by hand.
    const owed = money.net - amount;
    const notes = [`paid ${formatCents(amount)}, change ${formatCents(money.returned)}`];
    if (owed > 0) notes.push(`the machine could not give all the change: give the customer ${formatCents(owed)} by hand`);
    notes.push(...this.statusNotes(reply));
    return { outcome: 'completed', paid: amount, change: money.returned, owed, message: notes.join('; ') };
  }

  /** Notices that go with a successful reply. */
  protected statusNotes(reply: Reply): string[] {
    if (reply.status === 'WR:LEVEL') return ['notice: a cash level is near empty or near full (WR:LEVEL)'];
    if (reply.status === 'ER:GENERIC') return [`the connector reported a device problem (${reply.frame})`];
    return [];
  }

  /**
   * The charge's reply never came (§13.21). The machine knows what happened: once it is free
   * again, the change in its totals is what the customer left in it.
   */
  protected settleInterruptedCharge(amount: number, moved: number | undefined, reason: string): PosOutcome {
    if (this.design.recovery === 'ask-cashier') return this.askCashierAboutCharge(amount, moved, reason);
    if (moved === undefined) {
      return {
        outcome: 'failed',
        paid: 0,
        owed: 0,
        uncertain: true,
        message: `${reason}; the machine's totals could not be read, so whether the customer paid is unknown: check the connector before charging again`,
      };
    }
    if (moved >= amount) {
      const owed = moved - amount;
      return {
        outcome: 'completed',
        paid: amount,
        owed,
        message: `${reason}; the machine's totals show the charge went through: booked ${formatCents(amount)}${owed > 0 ? `; give the customer ${formatCents(owed)} by hand` : ''}`,
      };
    }
    return {
      outcome: 'failed',
      paid: 0,
      owed: Math.max(0, moved),
      message:
        moved > 0
          ? `${reason}; only ${formatCents(moved)} reached the machine: nothing booked, give it back to the customer`
          : `${reason}; the machine's totals show nothing was collected: nothing booked`,
    };
  }

  /**
   * The `ask-cashier` design: the charge's reply is lost, so the POS books nothing and never
   * charges again by itself; it tells the cashier what the machine's totals suggest and what
   * to check. The cashier, who saw the customer pay or not, settles the sale.
   */
  protected askCashierAboutCharge(amount: number, moved: number | undefined, reason: string): PosOutcome {
    const check = 'check the connector (its screen and its totals) before charging again';
    const guess =
      moved === undefined
        ? `the machine's totals could not be read, so whether the customer paid ${formatCents(amount)} is unknown`
        : moved >= amount
          ? `the customer probably paid ${formatCents(amount)} (the machine's cash went up by ${formatCents(moved)})`
          : moved > 0
            ? `the customer probably paid only part of ${formatCents(amount)} (the machine's cash went up by ${formatCents(moved)})`
            : `the customer probably did not pay (the machine's cash did not go up)`;
    return { outcome: 'failed', paid: 0, uncertain: true, message: `${reason}; sale not booked: ${guess}: ${check}` };
  }

  /**
   * No-screen sale (manual 6.4.3, §4.2): open acceptance, poll `#Q#` to show the amount,
   * `#J#` once it covers the sale, give change with `#P#`.
   */
  protected async noScreenSale(amount: number): Promise<PosOutcome> {
    const before = await this.totals();
    const opened = await this.command('B', [0, 0, 0]);
    if (!this.isSuccess(opened)) return { outcome: 'failed', paid: 0, change: 0, owed: 0, message: `acceptance did not open: ${opened.frame}` };

    const problems = await this.collectUntil(amount);
    const inserted = await this.stopAcceptance(before);
    if (inserted === undefined) {
      return { outcome: 'failed', paid: 0, change: 0, owed: 0, message: 'acceptance ended but the amount inserted could not be read; check the connector' };
    }

    const cancelled = this.sale?.cancelRequested === true;
    if (cancelled || inserted < amount) {
      // No-screen cancel: the machine keeps the money until the POS dispenses it (§4.2, §7.5).
      const back: DispenseResult = inserted > 0 ? await this.dispense(inserted) : { dispensed: 0, owed: 0, notes: [] };
      if (back.uncertain) {
        return {
          outcome: cancelled ? 'cancelled' : 'failed',
          paid: 0,
          uncertain: true,
          message: [`${cancelled ? 'sale cancelled' : 'sale not paid'}; nothing booked; giving back the ${formatCents(inserted)} inserted`, ...back.notes, ...problems].join('; '),
        };
      }
      return {
        outcome: cancelled ? 'cancelled' : 'failed',
        paid: 0,
        change: back.dispensed,
        owed: back.owed,
        message: [cancelled ? 'sale cancelled; nothing booked' : 'sale not paid; nothing booked', inserted > 0 ? `returned ${formatCents(back.dispensed)}` : '', ...back.notes, ...problems]
          .filter(Boolean)
          .join('; '),
      };
    }

    const due = this.changeDue(inserted, amount);
    const out: DispenseResult = due > 0 ? await this.dispense(due) : { dispensed: 0, owed: 0, notes: [] };
    if (out.uncertain) {
      return {
        outcome: 'failed',
        paid: 0,
        uncertain: true,
        message: [
          `the customer inserted ${formatCents(inserted)} for ${formatCents(amount)}; sale not booked: the change of ${formatCents(due)} may or may not have come out`,
          ...out.notes,
          ...problems,
        ].join('; '),
      };
    }
    return {
      outcome: 'completed',
      paid: amount,
      change: out.dispensed,
      owed: out.owed,
      message: [`paid ${formatCents(amount)}, change ${formatCents(out.dispensed)}`, ...out.notes, ...problems].join('; '),
    };
  }

  /** Change from the `#J#` amount (§13.9): coins can land between the last `#Q#` and `#J#`. */
  protected changeDue(inserted: number, amount: number): number {
    return inserted - amount;
  }

  /**
   * Polls `#Q#` (200 ms after each reply, never on a fixed timer: §5.6, §13.6) until the
   * amount is covered or the sale is cancelled; polls `#?#` now and then to show device
   * problems (jams) to the cashier. Returns the problems seen.
   */
  protected async collectUntil(amount: number): Promise<string[]> {
    const problems: string[] = [];
    let lastErrorPoll = this.clock();
    for (;;) {
      if (this.sale?.cancelRequested) return problems;
      const reply = await this.command('Q');
      const seen = this.isSuccess(reply) ? centsField(reply, 0) : undefined;
      if (seen !== undefined && seen >= amount) return problems;
      if (!this.isSuccess(reply) && reply.status !== 'ER:GENERIC') {
        // Not a device problem the cashier can clear (that is ER:GENERIC): the acceptance is
        // gone, e.g. the connector restarted. Stop and settle with what #J# or the totals say.
        problems.push(`acceptance interrupted: #Q# answered ${reply.frame}`);
        return problems;
      }
      const errorPollDue = this.clock() - lastErrorPoll >= this.options.errorPollIntervalMs;
      if (this.readsErrorsAtOnce() && (reply.status.startsWith('ER:') || errorPollDue)) {
        lastErrorPoll = this.clock();
        const errors = await this.describeDeviceErrors();
        if (errors !== undefined && !problems.includes(errors)) {
          problems.push(errors);
          this.log(`shown to the cashier: ${errors}`);
        }
      }
      await delay(this.pollIntervalMs);
    }
  }

  /**
   * `#J#` closes acceptance and gives the final amount (§5.7). If its reply is lost, the
   * machine's totals since `before` tell the same thing.
   */
  protected async stopAcceptance(before: number | undefined): Promise<number | undefined> {
    try {
      const reply = await this.command('J');
      const inserted = this.isSuccess(reply) ? centsField(reply, 0) : undefined;
      if (inserted !== undefined) return inserted;
      this.log(`#J# answered ${reply.frame}: reading the totals instead`);
    } catch (err) {
      if (!isLinkFailure(err)) throw err;
      this.log(`${(err as Error).message}: reading the totals instead`);
    }
    const after = await this.totalsWhenFree();
    return before === undefined || after === undefined ? undefined : after - before;
  }

  /**
   * `#P#<cents>#0#0#0#` (§5.8): no screen, notes and coins. A short dispense answers
   * `ER:GENERIC#<dispensed>`; the rest is owed by hand (§13.11).
   */
  protected async dispense(amount: number): Promise<DispenseResult> {
    const result = await this.moneyCommand('P', () => [amount, 0, 0, 0]);
    let dispensed: number;
    const notes: string[] = [];
    if (result.kind === 'interrupted' && this.design.recovery === 'ask-cashier') {
      // Nothing is assumed to have come out, and nothing is owed by hand yet: the cashier
      // looks at the tray and the connector first, so the customer is not paid twice.
      const seen = result.moved === undefined ? '' : ` (the machine's cash changed by ${formatCents(result.moved)})`;
      notes.push(`${result.reason}; whether the ${formatCents(amount)} came out is unknown${seen}: check the tray and the connector before paying anything by hand`);
      return { dispensed: 0, owed: 0, notes, uncertain: true };
    }
    if (result.kind === 'aborted') {
      dispensed = 0;
    } else if (result.kind === 'interrupted') {
      dispensed = result.moved === undefined ? 0 : Math.max(0, -result.moved);
      notes.push(
        result.moved === undefined
          ? `${result.reason}; what came out could not be checked`
          : `${result.reason}; the machine's totals show ${formatCents(dispensed)} came out`,
      );
    } else {
      const reply = result.reply;
      const reported = centsField(reply, 0);
      dispensed = this.isSuccess(reply) ? (reported ?? amount) : reply.status === 'ER:GENERIC' ? (reported ?? 0) : 0;
      dispensed = Math.min(dispensed, amount);
      notes.push(...this.statusNotes(reply).filter((note) => !note.startsWith('the connector reported')));
      if (!this.isSuccess(reply)) {
        notes.push(`dispensing failed (${reply.frame})`);
        if (this.readsErrorsAtOnce()) {
          const errors = await this.describeDeviceErrors();
          if (errors !== undefined) notes.push(errors);
        }
      }
    }
    const owed = amount - dispensed;
    if (owed > 0) notes.push(`the machine gave ${formatCents(dispensed)} of ${formatCents(amount)}: give the customer ${formatCents(owed)} by hand`);
    return { dispensed, owed, notes };
  }

  // ── cancel ────────────────────────────────────────────────────────────────────────────

  /**
   * Cancels the running sale. Express: `#!#` while `#C#` is pending, the charge then answers
   * `WR:CANCEL` (§5.26). No-screen: the sale loop stops acceptance and gives everything back.
   * Resolves once the sale has settled, saying whether it was cancelled.
   */
  protected async cancel(): Promise<PosOutcome> {
    const sale = this.sale;
    if (sale === null) return { outcome: 'failed', message: 'no sale in progress: nothing to cancel' };
    sale.cancelRequested = true;
    if (sale.chargePending && this.link.busy) await this.link.cancel();
    const result = await sale.done.catch((err: unknown) => ({ outcome: 'failed' as const, message: String(err) }));
    return result.outcome === 'cancelled'
      ? { outcome: 'cancelled', message: 'sale cancelled' }
      : { outcome: 'failed', message: `the sale was not cancelled (it ended ${result.outcome}: ${result.message ?? ''})` };
  }

  // ── refund, backoffice, refill, close of day ──────────────────────────────────────────

  protected async refund(amount: number): Promise<PosOutcome> {
    if (!this.uses('refund')) {
      return {
        outcome: 'failed',
        refunded: 0,
        message: 'refunds need the complete integration or the "refund" feature (#P#); Express has no refund command',
      };
    }
    const out = await this.dispense(amount);
    if (out.uncertain) {
      return { outcome: 'failed', refunded: 0, uncertain: true, message: [`refund of ${formatCents(amount)} not booked`, ...out.notes].join('; ') };
    }
    return {
      outcome: out.dispensed > 0 || out.owed === 0 ? 'completed' : 'failed',
      refunded: out.dispensed,
      owed: out.owed,
      message: [`refunded ${formatCents(out.dispensed)}`, ...out.notes].join('; '),
    };
  }

  /** The connector's backoffice menu (§5.4): the 13 flags of v2.5, "set coins to zero" hidden as in the real log. */
  protected async backoffice(): Promise<PosOutcome> {
    const result = await this.moneyCommand('G', () => [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]);
    if (result.kind === 'aborted') return { outcome: 'failed', message: 'backoffice not opened' };
    if (result.kind === 'interrupted') {
      return {
        outcome: 'failed',
        message: `${result.reason}; the backoffice session's result is unknown${movedNote(result.moved)}`,
        ...(this.design.recovery === 'ask-cashier' ? { uncertain: true } : {}),
      };
    }
    const reply = result.reply;
    if (!this.isSuccess(reply)) return { outcome: 'failed', message: `the backoffice did not open: ${reply.frame}` };
    const [before, after, inserted, withdrawn] = [0, 1, 2, 3].map((i) => centsField(reply, i) ?? 0);
    return {
      outcome: 'completed',
      message: [
        `backoffice closed: cash ${formatCents(before ?? 0)} → ${formatCents(after ?? 0)}, in ${formatCents(inserted ?? 0)}, out ${formatCents(withdrawn ?? 0)}`,
        ...this.statusNotes(reply),
      ].join('; '),
    };
  }

  /**
   * Top up the change float. Complete: `#A#2#` opens acceptance without a screen, `#Q#`
   * shows the amount, `#J#` ends it (§5.9, §7.6). Express: the backoffice menu.
   */
  protected async refill(target: number | undefined): Promise<PosOutcome> {
    if (!this.uses('refill')) return this.backoffice();
    const opened = await this.command('A', [2]);
    if (!this.isSuccess(opened)) return { outcome: 'failed', message: `refill did not start: ${opened.frame}` };
    let seen = 0;
    let changedAt = this.clock();
    for (;;) {
      const reply = await this.command('Q');
      const now = centsField(reply, 0);
      if (this.isSuccess(reply) && now !== undefined && now !== seen) {
        seen = now;
        changedAt = this.clock();
      }
      if (target !== undefined && seen >= target) break;
      const quietFor = this.clock() - changedAt;
      // Without a target the operator is done once the amount stops moving.
      if (target === undefined && seen > 0 && quietFor >= this.options.refillSettleMs) break;
      if (quietFor >= this.options.refillIdleMs) break;
      await delay(this.pollIntervalMs);
    }
    const closed = await this.command('J');
    const added = this.isSuccess(closed) ? (centsField(closed, 0) ?? seen) : seen;
    return { outcome: 'completed', added, message: `float topped up by ${formatCents(added)}${this.statusNotes(closed).map((n) => `; ${n}`).join('')}` };
  }

  /**
   * Close of day. Complete: read the totals (`#T#`) and the count per denomination (`#Y#`)
   * for the Z report (§5.14, §5.15). Express: the backoffice menu, whose closure screen
   * does it.
   */
  protected async closeDay(): Promise<PosOutcome> {
    if (!this.uses('close-day')) return this.backoffice();
    const totals = await this.command('T');
    const counts = await this.command('Y');
    if (!this.isSuccess(totals) || !this.isSuccess(counts)) {
      return { outcome: 'failed', message: `could not read the day's cash: ${totals.frame} ${counts.frame}` };
    }
    const recyclers = centsField(totals, 0) ?? 0;
    const stacker = centsField(totals, 1) ?? 0;
    return {
      outcome: 'completed',
      cash: recyclers + stacker,
      message: `cash in the machine ${formatCents(recyclers + stacker)} (recyclers ${formatCents(recyclers)}, stacker ${formatCents(stacker)}); counts ${counts.fields.join(' | ')}`,
    };
  }
}

function movedNote(moved: number | undefined): string {
  return moved === undefined || moved === 0 ? '' : ` (the machine's cash changed by ${formatCents(moved)})`;
}

function requireAmount(action: string, body: ActionBody): number {
  const amount = optionalAmount(action, body);
  if (amount === undefined) throw new PosRequestError(`action "${action}" needs {"amount": <integer cents>}`);
  return amount;
}

function optionalAmount(action: string, body: ActionBody): number | undefined {
  const amount = body.amount;
  if (amount === undefined || amount === null) return undefined;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
    throw new PosRequestError(`action "${action}": amount must be a positive integer number of cents, got ${JSON.stringify(amount)}`);
  }
  return amount;
}

