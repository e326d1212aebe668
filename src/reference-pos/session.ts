/**
 * The connector session under the reference POS: the building blocks every action uses.
 *
 *   initialise()      #I#, with #Z# + #I# when the connector is busy (§3, §7.9)
 *   command()         a command that cannot move money: retried after ER:ILLEGAL or a lost connection
 *   moneyCommand()    a command that can move money: settled from the machine's totals, never resent blindly
 *   totals()          #T#: total cash in the machine, the ground truth after a lost reply (§13.21)
 *   describeDeviceErrors()  #?# and its details, for the cashier (§5.25)
 *
 * Everything is protected so an integrator (or the test fleet) can change one piece.
 */
import { CashlogyConnection, ConnectionLostError, ReplyTimeoutError, delay, type ConnectionOptions } from './connection.js';
import { DEFAULT_DESIGN, type ReferenceDesign } from '../pos/reference-designs.js';
import { centsField, isSuccess as isSuccessReply, type Reply } from './replies.js';

export interface SessionOptions {
  host: string;
  port: number;
  connection?: Omit<ConnectionOptions, 'host' | 'port' | 'log'>;
  /**
   * Which correct design to follow where real integrations differ (designs.ts). Its
   * connection switches become `connection` options unless those set them explicitly.
   */
  design?: Partial<ReferenceDesign>;
  /** Pause between polls (`#Q#`, or `#T#` while the connector is busy). S-VAL, S-HIT: 200 ms. `design.pollIntervalMs` wins. */
  pollIntervalMs?: number;
  /** Upper bound for waiting until a busy connector is free again (after a lost reply). */
  busyWaitMs?: number;
  /** The POS's own log (traffic, decisions). Silent by default. */
  log?: (line: string) => void;
  /** Wall clock; injectable for tests. */
  now?: () => number;
}

/** What a command that can move money ended in. */
export type MoneyResult =
  | { kind: 'reply'; reply: Reply }
  /** `mayStart` said no (e.g. the sale was cancelled meanwhile): nothing was sent. */
  | { kind: 'aborted' }
  /**
   * The reply was lost (connection closed, timeout) or the connector restarted under it.
   * `moved` is how the machine's total cash changed meanwhile (+ in, − out), read once the
   * connector was free again; `undefined` when it could not be read.
   */
  | { kind: 'interrupted'; moved: number | undefined; reason: string };

export class ConnectorSession {
  protected readonly link: CashlogyConnection;
  protected readonly log: (line: string) => void;
  protected readonly clock: () => number;
  protected readonly pollIntervalMs: number;
  protected readonly busyWaitMs: number;
  protected readonly design: Readonly<ReferenceDesign>;

  constructor(options: SessionOptions) {
    this.log = options.log ?? (() => {});
    this.clock = options.now ?? Date.now;
    this.design = { ...DEFAULT_DESIGN, pollIntervalMs: options.pollIntervalMs ?? DEFAULT_DESIGN.pollIntervalMs, ...stripUndefined(options.design ?? {}) };
    this.pollIntervalMs = this.design.pollIntervalMs;
    this.busyWaitMs = options.busyWaitMs ?? 300_000;
    this.link = this.createConnection({
      perCommand: this.design.connection === 'per-command',
      lineEnd: this.design.lineEnd,
      replyRead: this.design.replyRead,
      ...options.connection,
      host: options.host,
      port: options.port,
      log: this.log,
    });
  }

  /** Seam for the transport (the fleet swaps in a connection with one defect). */
  protected createConnection(options: ConnectionOptions): CashlogyConnection {
    return new CashlogyConnection(options);
  }

  /** `0` and `WR:LEVEL` are successes: WR:LEVEL only warns about a cash level (§3, §13.15). */
  protected isSuccess(reply: Reply): boolean {
    return isSuccessReply(reply);
  }

  /**
   * `#I#`, recovering from `ER:BUSY` (an operation left hanging, §3) with `#Z#` and a new
   * `#I#`, as S-VB and S-HIT do (§7.9). A few rounds, then give up and say so.
   */
  protected async initialise(): Promise<Reply> {
    let reply = await this.link.send('I');
    for (let round = 0; reply.status === 'ER:BUSY' && round < 3; round++) {
      this.log('connector busy at initialisation: resetting it (#Z#) and initialising again');
      await this.link.send('Z');
      reply = await this.link.send('I');
    }
    return reply;
  }

  /**
   * A command that cannot move money: on `ER:ILLEGAL` (connector restarted, §3) re-initialise
   * and send it once more; on a lost connection, reconnect and send it once more.
   */
  protected async command(code: string, params: readonly (string | number)[] = []): Promise<Reply> {
    let reply: Reply;
    try {
      reply = await this.link.send(code, params);
    } catch (err) {
      if (!isLinkFailure(err)) throw err;
      this.log(`${err.message}: sending ${code} again on a new connection`);
      reply = await this.link.send(code, params);
    }
    if (reply.status !== 'ER:ILLEGAL' || code === 'I') return reply;
    this.log(`#${code}# answered ER:ILLEGAL: the connector restarted; initialising again (§13.18)`);
    const init = await this.initialise();
    if (!this.isSuccess(init)) return reply;
    return this.link.send(code, params);
  }

  /**
   * A command that can move money (`#C#`, `#P#`…). The totals are read first; if the reply
   * is lost or the connector restarted under it, they are read again once the machine is
   * free, and the difference is what really happened. It is resent once only when the
   * connector refused it (`ER:ILLEGAL`) and the totals prove no cash moved.
   */
  protected async moneyCommand(
    code: string,
    params: () => (string | number)[],
    mayStart: () => boolean = () => true,
  ): Promise<MoneyResult> {
    const before = await this.totals();
    if (!mayStart()) return { kind: 'aborted' };
    let reply: Reply;
    try {
      reply = await this.link.send(code, params());
    } catch (err) {
      if (!isLinkFailure(err)) throw err;
      return this.design.recovery === 'ask-cashier' ? this.reconnectForCashier(before, err.message) : this.settleFromTotals(before, err.message);
    }
    if (reply.status !== 'ER:ILLEGAL') return { kind: 'reply', reply };
    this.log(`#${code}# answered ER:ILLEGAL: the connector restarted; initialising again (§13.18)`);
    const init = await this.initialise();
    if (!this.isSuccess(init)) return { kind: 'reply', reply };
    const after = await this.totalsWhenFree();
    if (before === undefined || after === undefined || after !== before) {
      return { kind: 'interrupted', moved: before === undefined || after === undefined ? undefined : after - before, reason: 'the connector restarted during the operation' };
    }
    this.log(`nothing moved while the connector restarted: sending #${code}# once more`);
    return { kind: 'reply', reply: await this.link.send(code, params()) };
  }

  protected async settleFromTotals(before: number | undefined, reason: string): Promise<MoneyResult> {
    this.log(`${reason}: reconnecting to find out from the machine what happened`);
    const after = await this.totalsWhenFree();
    return { kind: 'interrupted', moved: before === undefined || after === undefined ? undefined : after - before, reason };
  }

  /**
   * The `ask-cashier` recovery: the POS does not decide from the totals what happened, the
   * cashier does. It waits until the connector is free (the customer may still be paying:
   * `#I#` would only answer `ER:BUSY`, and `#Z#` could abort the payment), then initialises
   * again so that the next operation starts from a known state. The money command is never
   * sent again. `moved` is read only to tell the cashier what probably happened.
   */
  protected async reconnectForCashier(before: number | undefined, reason: string): Promise<MoneyResult> {
    this.log(`${reason}: reconnecting and initialising again; the cashier decides what happened`);
    const after = await this.totalsWhenFree();
    try {
      const init = await this.initialise();
      if (!this.isSuccess(init)) this.log(`#I# after the lost reply answered ${init.frame}`);
    } catch (err) {
      if (!isLinkFailure(err)) throw err;
      this.log(`#I# after the lost reply got no answer (${err.message})`);
    }
    return { kind: 'interrupted', moved: before === undefined || after === undefined ? undefined : after - before, reason };
  }

  /** Total cash in the machine, recyclers + stacker (`#T#`, §5.14); `undefined` if unreadable. */
  protected async totals(): Promise<number | undefined> {
    return this.readTotals(await this.command('T'));
  }

  private readTotals(reply: Reply): number | undefined {
    if (!this.isSuccess(reply)) return undefined;
    const recyclers = centsField(reply, 0);
    const stacker = centsField(reply, 1);
    return recyclers === undefined || stacker === undefined ? undefined : recyclers + stacker;
  }

  /**
   * Totals once the connector is free: after a lost reply the interrupted operation may still
   * be running (the customer is still paying) and every command answers `ER:BUSY`.
   */
  protected async totalsWhenFree(): Promise<number | undefined> {
    const deadline = this.clock() + this.busyWaitMs;
    for (;;) {
      try {
        const reply = await this.command('T');
        if (reply.status !== 'ER:BUSY') return this.readTotals(reply);
      } catch (err) {
        if (!isLinkFailure(err)) throw err;
      }
      if (this.clock() > deadline) return undefined;
      await delay(this.pollIntervalMs);
    }
  }

  /**
   * `#?#` lists the active device errors; `#?#<codes>#0#` gives their texts (§5.25). A POS
   * shows them to the cashier instead of a bare "error". `undefined` when there are none.
   */
  protected async describeDeviceErrors(): Promise<string | undefined> {
    const list = await this.command('?');
    if (!this.isSuccess(list)) return undefined;
    const codes = (list.fields[0] ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    if (codes.length === 0) return undefined;
    const details = await this.command('?', [codes.join(','), 0]);
    const texts = this.isSuccess(details)
      ? details.fields.map((detail) => {
          const [code, type, title, message] = detail.split('|');
          return `${code ?? '?'} ${type === '0' ? 'warning' : 'error'}: ${[title, message].filter(Boolean).join(' — ')}`;
        })
      : codes;
    return `device errors: ${texts.join('; ')}`;
  }
}

export function isLinkFailure(err: unknown): err is ConnectionLostError | ReplyTimeoutError {
  return err instanceof ConnectionLostError || err instanceof ReplyTimeoutError;
}

function stripUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
