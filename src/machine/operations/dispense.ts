/**
 * `#P#` (pay an amount), `#U#`/`#U2#` (pay given denominations) and `#V#`/`#V2#` (empty the
 * recyclers): pieces leave the recyclers one by one, to the exit or into the stacker.
 */
import { BAD_DATA_REPLY, encodeReply, formatVpd, parseDenominations, type FieldValue, type ParsedCommand } from '../../protocol/codec.js';
import { addError } from '../active-errors.js';
import { planChange } from '../change.js';
import type { Ctx } from '../context.js';
import { CHANGE_SHORT_CODE } from '../device-errors.js';
import { denomination, okOrLevel, payOutNow, stock } from '../inventory.js';
import { movePiece, scheduleNextPiece, shortenDispense } from '../payout.js';
import { allDenominations, type Denomination } from '../profile.js';
import type { Move, OperationBase } from '../state.js';
import { endOperation, operationBase } from './common.js';
import type { OperationHandler } from './handler.js';

export interface DispenseOperation extends OperationBase {
  kind: 'dispense';
  /** Cents the command asked to move (progress denominator). */
  requested: number;
  plan: Move[];
  /** Cents paid out of the machine. */
  paid: number;
  /** Cents moved from the recyclers to the stacker. */
  toStacker: number;
  /** Pieces moved per denomination. */
  moved: Record<string, number>;
  /** For `#U#`/`#U2#`: the denominations asked for, to echo in the reply. */
  asked: Array<[number, number]>;
  short: boolean;
  failed: boolean;
  /** `#P#` with the only-coins flag. */
  coinsOnly?: boolean;
}

const COMMANDS = new Set(['P', 'U', 'U2', 'V', 'V2']);

export const dispense: OperationHandler<DispenseOperation> = {
  blocking: true,
  autoCustomer: false,
  starts: (cmd) => COMMANDS.has(cmd.code),
  start(ctx, conn, cmd) {
    if (cmd.code === 'P') return startPay(ctx, conn, cmd);
    if (cmd.code === 'U' || cmd.code === 'U2') return startByDenomination(ctx, conn, cmd);
    return startEmptying(ctx, conn, cmd);
  },
  timer(ctx, op) {
    if (movePiece(ctx, op)) nextPiece(ctx, op);
  },
  cancel(ctx, op, conn) {
    op.cancelAcks.push(conn);
    op.plan = [];
    ctx.clearTimer('op');
    finishDispense(ctx, op, true);
  },
  fail(ctx, op) {
    op.failed = true;
    op.plan = [];
    finishDispense(ctx, op, false);
  },
  settle(ctx, op, name) {
    const rest = payOutNow(ctx, op.plan);
    const what = [`paid out the remaining ${ctx.money(rest.out)}`];
    if (rest.toStacker > 0) what.push(`moved ${ctx.money(rest.toStacker)} to the stacker`);
    return { head: `ended the open ${name}`, what };
  },
  view: (op) => ({ command: op.command, conn: op.conn, amount: op.requested, dispensed: op.paid, waitingFor: null, phase: 'dispensing', remaining: op.plan.length }),
  takesCash: () => false,
  shorten: shortenDispense,
};

function startPay(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const p = cmd.params;
  const amount = Number(p[0] ?? '0') || 0;
  const onlyCoins = p[3] === '1';
  const plan = planChange(amount, stock(s, onlyCoins ? 'coins' : 'all'));
  if (plan.total < amount) {
    ctx.event('machine', `cannot pay ${ctx.money(amount)}${onlyCoins ? ' in coins' : ''}: only ${ctx.money(plan.total)} can be made from the recyclers`, { conn });
    addError(ctx, CHANGE_SHORT_CODE, 'not enough change');
  }
  startDispense(ctx, conn, 'P', amount, plan.pieces.map((value) => ({ value, to: 'exit' as const })), [], plan.total < amount, onlyCoins);
}

function startDispense(
  ctx: Ctx,
  conn: number,
  command: string,
  requested: number,
  plan: Move[],
  asked: Array<[number, number]>,
  short: boolean,
  coinsOnly = false,
): void {
  const op: DispenseOperation = {
    kind: 'dispense',
    ...operationBase(ctx, conn, command),
    requested,
    plan,
    paid: 0,
    toStacker: 0,
    moved: {},
    asked,
    short,
    failed: false,
    coinsOnly,
  };
  ctx.s.operation = op;
  ctx.event('machine', `#${command}# started: ${plan.length} piece${plan.length === 1 ? '' : 's'} to move (${ctx.money(requested)} asked)`, { conn });
  nextPiece(ctx, op);
}

function startByDenomination(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const code = cmd.code;
  // The codec has checked the list for this dialect; a list without ";" is placed by value.
  const parsed = parseDenominations(cmd.params[0] ?? '', { separator: 'optional', counts: 'required' });
  if (!parsed.ok) return ctx.reply(conn, code, BAD_DATA_REPLY);
  const destination = code === 'U2' ? Number(cmd.params[1]) : cmd.params[1] === '1' ? 1 : 0;
  if (destination === 2) {
    ctx.event('machine', `#ER:BAD_DATA#: ${s.profile.name} has no safe`, { conn });
    return ctx.reply(conn, code, BAD_DATA_REPLY);
  }
  const asked: Array<[number, number]> = [];
  for (const [list, isNote] of [
    [parsed.list.coins, false],
    [parsed.list.notes, true],
    [parsed.list.unsided, undefined],
  ] as const) {
    for (const [value, qty] of list) {
      const d = denomination(s.profile, value);
      if (!d || (isNote !== undefined && d.isNote !== isNote)) {
        const what = isNote === undefined ? 'denomination' : isNote ? 'note' : 'coin';
        ctx.event('machine', `#ER:BAD_DATA#: ${value} is not a ${what} of ${s.profile.name}`, { conn });
        return ctx.reply(conn, code, BAD_DATA_REPLY);
      }
      asked.push([value, qty ?? 0]);
    }
  }
  const plan: Move[] = [];
  let short = false;
  let requested = 0;
  for (const [value, qty] of asked) {
    const d = denomination(s.profile, value) as Denomination;
    const take = Math.min(qty, s.recyclers[String(value)] ?? 0);
    if (take < qty) short = true;
    requested += value * qty;
    for (let k = 0; k < take; k++) plan.push({ value, to: d.isNote && destination === 1 ? 'stacker' : 'exit' });
  }
  startDispense(ctx, conn, code, requested, plan, asked, short);
}

function startEmptying(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const code = cmd.code;
  const p = cmd.params;
  let notesToStacker: boolean;
  let onlyCoins = false;
  let only: Set<number> | null = null;
  if (code === 'V') notesToStacker = p[1] === '1';
  else {
    onlyCoins = p[1] === '1';
    if ((p[2] ?? '') !== '' && p[2] !== '0') {
      // Plain values (S-HIT's `50,100,200`) or value:count pairs; a count does not limit the emptying.
      const parsed = parseDenominations(p[2] ?? '', { separator: 'optional', counts: 'optional' });
      if (!parsed.ok) return ctx.reply(conn, code, BAD_DATA_REPLY);
      const entries = [...parsed.list.coins, ...parsed.list.notes, ...parsed.list.unsided];
      const unknown = entries.map(([v]) => v).filter((v) => !denomination(s.profile, v));
      if (unknown.length > 0) {
        ctx.event('machine', `#ER:BAD_DATA#: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a denomination' : 'are not denominations'} of ${s.profile.name}`, { conn });
        return ctx.reply(conn, code, BAD_DATA_REPLY);
      }
      only = new Set(entries.map(([v]) => v));
    }
    if (p[3] === '2') {
      ctx.event('machine', `#ER:BAD_DATA#: ${s.profile.name} has no safe`, { conn });
      return ctx.reply(conn, code, BAD_DATA_REPLY);
    }
    notesToStacker = p[3] === '1';
  }
  const plan: Move[] = [];
  let requested = 0;
  for (const d of [...allDenominations(s.profile)].reverse()) {
    if (!d.recyclable || (onlyCoins && d.isNote) || (only && !only.has(d.value))) continue;
    const count = s.recyclers[String(d.value)] ?? 0;
    requested += count * d.value;
    for (let k = 0; k < count; k++) plan.push({ value: d.value, to: d.isNote && notesToStacker ? 'stacker' : 'exit' });
  }
  startDispense(ctx, conn, code, requested, plan, [], false);
}

function nextPiece(ctx: Ctx, op: DispenseOperation): void {
  if (!scheduleNextPiece(ctx, op)) finishDispense(ctx, op, false);
}

function finishDispense(ctx: Ctx, op: DispenseOperation, cancelled: boolean): void {
  const { s } = ctx;
  const code = op.command;
  let status: string;
  if (op.failed) status = 'ER:GENERIC';
  else if (cancelled) status = 'WR:CANCEL';
  else if (code === 'P') status = op.short || op.paid < op.requested ? 'ER:GENERIC' : okOrLevel(s, code);
  // #U2#'s WR:LEVEL means "some denomination could not be supplied" (S-HIT, §5.10): a full
  // dispense answers 0 even when a recycler is now low, unless the dialect reads it as #U#'s.
  else if (code === 'U2' && s.dialect.u2Level === 'short') status = op.short ? 'WR:LEVEL' : '0';
  else if (code === 'U' || code === 'U2') status = op.short ? 'WR:LEVEL' : okOrLevel(s, code);
  // #V#/#V2# (and #S#…): a short dispense is a partial one, reported as on #P# (protocol.md §3).
  else status = op.short ? 'ER:GENERIC' : '0';
  let fields: FieldValue[];
  if (code === 'P') fields = [op.paid, 0];
  else if (code === 'U' || code === 'U2') {
    const moved = (value: number) => [value, op.moved[String(value)] ?? 0] as const;
    if (s.dialect.dispenseList === 'all') {
      // Every denomination, zeros included, as in #Y# and the connector's own Items= log (§6.2):
      // no side of the list is ever empty, so no client reads a coin of value "".
      fields = [formatVpd(s.profile.coins.map((d) => moved(d.value)), s.profile.notes.map((d) => moved(d.value)))];
    } else {
      const askedValues = [...new Set(op.asked.map(([v]) => v))];
      const coins = askedValues.filter((v) => !denomination(s.profile, v)?.isNote).map(moved);
      const notes = askedValues.filter((v) => denomination(s.profile, v)?.isNote).map(moved);
      fields = [formatVpd(coins, notes)];
    }
  } else fields = [op.paid + op.toStacker];
  ctx.event('machine', `#${code}# finished (${status}): ${ctx.money(op.paid)} paid out${op.toStacker ? `, ${ctx.money(op.toStacker)} moved to the stacker` : ''}`, { conn: op.conn });
  endOperation(ctx, op, encodeReply(status, fields));
}
