/**
 * The Cashlogy machine and its connector as a pure reducer:
 *
 *   step(state, input, nowMs) → { state, outputs, timers }
 *
 *   frame ──► parse (BAD_DATA) ──► faults 'command' ──► status rules ──► handler ──► reply
 *                                                     BUSY · ILLEGAL · GENERIC
 *   timer 'op' ──► next piece through the validator / out of a recycler (faults 'progress')
 *   timer 'customer' ──► the automatic customer pays
 *   timer 'errors' ──► a fault's `for` window ends, the device error clears
 *
 * Every reply goes through the fault engine's 'reply' point, which may attach a transport
 * Delivery. Money is conserved on every path: recyclers + stacker + dispensed + removed =
 * initial + inserted (see ledger). Choices where protocol.md is uncertain are listed in
 * docs/protocol-choices.md.
 */
import { CertError, InvalidInputError } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { FaultOpportunity, FiredFault } from '../faults/engine-types.js';
import type { CustomerConfig, InventoryCounts } from '../server/types.js';
import { BAD_DATA_REPLY, encodeReply, formatVpd, parseFrame, parseVpd, type FieldValue, type ParsedCommand } from '../protocol/codec.js';
import type { TranscriptEventKind } from '../protocol/transcript.js';
import type { DialectOptions, MachineInput, MachineOutput, StepResult, TimerRequest } from './api.js';
import { coveringCombination, planChange, type StockEntry } from './change.js';
import { errorDetail, isWarningCode, JAM_CODES, DOOR_CODES, POWER_OFF_CODE, STACKER_FULL_CODE, CHANGE_SHORT_CODE, MAINTENANCE_DUE_CODE } from './device-errors.js';
import { levelCode, stackerLevelCode, isLevelWarning } from './levels.js';
import { allDenominations, DEFAULT_DIALECT, formatMoney, type Denomination, type MachineProfile } from './profile.js';
import {
  cloneState,
  type AcceptOperation,
  type ChargeOperation,
  type DispenseOperation,
  type MachineState,
  type Move,
  type Operation,
  type ScreenOperation,
} from './state.js';

export interface InitialStateOptions {
  customer?: CustomerConfig;
  faults?: import('../faults/engine-types.js').FaultEngine | null;
  dialect?: Partial<DialectOptions>;
  /** Wall-clock ms per simulated ms (--time-scale). Default 1. */
  timeScale?: number;
}

const DEFAULT_CUSTOMER: CustomerConfig = { mode: 'manual' };

export function initialState(profile: MachineProfile, options: InitialStateOptions = {}): MachineState {
  const customer = normaliseCustomer(profile, options.customer ?? DEFAULT_CUSTOMER);
  const recyclers: Record<string, number> = {};
  const stacker: Record<string, number> = {};
  for (const d of allDenominations(profile)) {
    recyclers[String(d.value)] = d.recyclable ? d.initial : 0;
    stacker[String(d.value)] = d.stacked;
  }
  const state: MachineState = {
    profile,
    dialect: { ...DEFAULT_DIALECT, ...profile.dialect, ...(options.dialect ?? {}) },
    faults: options.faults ?? null,
    timeScale: options.timeScale ?? 1,
    initialCustomer: customer,
    customer: { ...customer },
    recyclers,
    stacker,
    ledger: { initial: 0, inserted: 0, dispensed: 0, removed: 0 },
    initialized: false,
    initConns: [],
    warm: false,
    restartPending: false,
    conns: [],
    operation: null,
    errors: [],
    stackerFull: false,
    maintenanceNotesLeft: profile.maintenance.notesLeft,
    lastReply: {},
    timers: {},
    nextOperationId: 1,
  };
  state.ledger.initial = cashTotal(state);
  return state;
}

/** Commands answered before `#I#` (everything else is `#ER:ILLEGAL#`). */
const BEFORE_INIT = new Set(['I', 'Z', 'E', '!']);
/** Commands answered while the machine is switched off (power-off fault). */
const WHILE_POWER_OFF = new Set(['?', 'Z', 'E', '!']);
/** Commands that may run while a `#B#`/`#A#2#` acceptance is open; others get `#ER:BUSY#`. */
const DURING_ACCEPTANCE = new Set(['Q', 'J', '!', 'Z', 'E', 'T', 'T2', 'Y', 'Y2', 'X', 'X2', 'GC', 'GC2', 'GI', 'GV', '?', 'W', 'INFO']);
/** Screens on which the operator may put cash in (add change, closure). */
const CASH_SCREENS = new Set(['G', 'H', 'F', 'A']);
/** Commands whose success may come back as WR:LEVEL (protocol.md §3). */
const LEVEL_REPLIES = new Set(['C', 'Q', 'J', 'P', 'Y', 'U', 'U2']);

/** One step's working context: the copied state, the time, and what the step says. */
class Ctx {
  readonly outputs: MachineOutput[] = [];
  readonly timers: TimerRequest[] = [];
  constructor(
    readonly s: MachineState,
    readonly now: number,
  ) {}

  get profile(): MachineProfile {
    return this.s.profile;
  }

  setTimer(id: string, atMs: number): void {
    this.s.timers[id] = atMs;
    this.timers.push({ type: 'set', id, atMs });
  }

  clearTimer(id: string): void {
    if (id in this.s.timers) {
      delete this.s.timers[id];
      this.timers.push({ type: 'clear', id });
    }
  }

  event(kind: TranscriptEventKind, text: string, extra: { conn?: number; fault?: string } = {}): void {
    this.outputs.push({ type: 'event', kind, text, ...extra });
  }

  money(cents: number): string {
    return formatMoney(this.s.profile, cents);
  }

  consult(opportunity: FaultOpportunity): FiredFault[] {
    const engine = this.s.faults;
    if (!engine) return [];
    const fired = engine.consult(opportunity, this.now);
    for (const f of fired) this.event('fault', f.sentence, { fault: f.id, ...(opportunity.point === 'progress' || opportunity.point === 'command' || opportunity.point === 'connect' || opportunity.point === 'reply' ? { conn: opportunity.conn } : {}) });
    return fired;
  }

  reply(conn: number, command: string, frame: string): void {
    const engine = this.s.faults;
    const key = String(conn);
    let delivery: ReturnType<NonNullable<typeof engine>['deliveryFor']>;
    if (engine && this.s.conns.includes(conn)) {
      const fired = this.consult({ point: 'reply', conn, command, frame });
      if (fired.length > 0) delivery = engine.deliveryFor(fired, frame, this.s.lastReply[key]);
    }
    this.s.lastReply[key] = frame;
    this.outputs.push({ type: 'reply', conn, command, frame, ...(delivery ? { delivery } : {}) });
  }
}

export function step(prev: MachineState, input: MachineInput, nowMs: number): StepResult<MachineState> {
  const ctx = new Ctx(cloneState(prev), nowMs);
  switch (input.type) {
    case 'connect':
      onConnect(ctx, input.conn);
      break;
    case 'disconnect':
      onDisconnect(ctx, input.conn);
      break;
    case 'frame':
      onFrame(ctx, input.conn, input.frame);
      break;
    case 'timer':
      onTimer(ctx, input.id);
      break;
    case 'customer':
      onCustomer(ctx, input);
      break;
    case 'operator':
      if (input.close) onOperatorClose(ctx);
      break;
    case 'set-inventory':
      onSetInventory(ctx, input.inventory);
      break;
    case 'set-customer':
      onSetCustomer(ctx, input.customer);
      break;
    case 'clear-errors':
      onClearErrors(ctx);
      break;
    case 'reset':
      return onReset(ctx, input.closeConnections !== false);
  }
  return { state: ctx.s, outputs: ctx.outputs, timers: ctx.timers };
}

// ─── connections ────────────────────────────────────────────────────────────────────────────

function onConnect(ctx: Ctx, conn: number): void {
  const { s } = ctx;
  if (!s.conns.includes(conn)) s.conns.push(conn);
  const fired = ctx.consult({ point: 'connect', conn });
  const refuse = fired.find((f) => f.type === 'refuse' || f.type === 'reset' || f.type === 'disconnect');
  if (refuse) {
    s.conns = s.conns.filter((c) => c !== conn);
    ctx.outputs.push({ type: 'close', conn, how: refuse.type === 'reset' ? 'reset' : 'disconnect' });
  }
}

function onDisconnect(ctx: Ctx, conn: number): void {
  const { s } = ctx;
  s.conns = s.conns.filter((c) => c !== conn);
  s.initConns = s.initConns.filter((c) => c !== conn);
  delete s.lastReply[String(conn)];
  if (s.operation && s.operation.conn === conn && s.operation.kind !== 'accept') {
    // protocol.md §2.9 "Response delayed!": the operation runs to its end; only the reply is lost.
    ctx.event('machine', `connection ${conn} closed during #${s.operation.command}#: the operation completes, its reply will be dropped`, { conn });
  }
}

// ─── frames ─────────────────────────────────────────────────────────────────────────────────

function onFrame(ctx: Ctx, conn: number, frame: string): void {
  const { s } = ctx;
  const parsed = parseFrame(frame, { strict: s.dialect.strictParameters });
  if (!parsed.ok) {
    ctx.event('machine', `#ER:BAD_DATA#: ${parsed.problem}`, { conn });
    ctx.reply(conn, parsed.code ?? '', BAD_DATA_REPLY);
    return;
  }
  const cmd = parsed.command;
  const code = cmd.code;
  const fired = ctx.consult({ point: 'command', conn, command: code, frame });
  let busy = false;
  for (const f of fired) {
    if (f.type === 'busy') busy = true;
    else applyDomainFault(ctx, f, null);
  }
  if (busy) return ctx.reply(conn, code, encodeReply('ER:BUSY'));
  if (s.restartPending && code !== 'I') return ctx.reply(conn, code, encodeReply('ER:ILLEGAL'));
  const op = s.operation;
  if (op && op.kind !== 'accept' && code !== '!') return ctx.reply(conn, code, encodeReply('ER:BUSY'));
  if (hasError(s, POWER_OFF_CODE)) {
    // The connector is up and can still say why nothing works; #I# is needed once power is back.
    if (code === '?') return handleCommand(ctx, conn, cmd);
    if (!WHILE_POWER_OFF.has(code)) return ctx.reply(conn, code, genericFailure(code));
  }
  if (!isInitialized(s, conn) && !BEFORE_INIT.has(code)) return ctx.reply(conn, code, encodeReply('ER:ILLEGAL'));
  if (op && op.kind === 'accept' && !DURING_ACCEPTANCE.has(code)) return ctx.reply(conn, code, encodeReply('ER:BUSY'));
  if (cmd.spec.movesMoney && blockingError(s)) return ctx.reply(conn, code, genericFailure(code));
  handleCommand(ctx, conn, cmd);
}

function isInitialized(s: MachineState, conn: number): boolean {
  return s.dialect.initPerConnection ? s.initConns.includes(conn) : s.initialized;
}

/** The failure reply of a command that could not touch the cash: all amount fields present, all zero. */
function genericFailure(code: string): string {
  if (code === 'C') return encodeReply('ER:GENERIC', [0, 0, 0, 0]);
  if (code === 'P') return encodeReply('ER:GENERIC', [0, 0]);
  if (code === 'Q' || code === 'J' || code === 'V' || code === 'V2' || code === 'S') return encodeReply('ER:GENERIC', [0]);
  return encodeReply('ER:GENERIC');
}

function okOrLevel(s: MachineState, code: string): string {
  return LEVEL_REPLIES.has(code) && levelWarning(s) ? 'WR:LEVEL' : '0';
}

function handleCommand(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const p = cmd.params;
  const num = (i: number) => Number(p[i] ?? '0') || 0;
  const code = cmd.code;
  switch (code) {
    case 'I':
      return startInit(ctx, conn);
    case 'E':
      closeAcceptance(ctx, 'the session ended (#E#)');
      if (s.dialect.initPerConnection) s.initConns = s.initConns.filter((c) => c !== conn);
      else s.initialized = false;
      return ctx.reply(conn, code, encodeReply('0'));
    case 'Z':
      closeAcceptance(ctx, 'reset (#Z#)');
      s.initialized = false;
      s.initConns = [];
      ctx.event('machine', 'connector reset (#Z#): #I# needed again', { conn });
      return ctx.reply(conn, code, encodeReply('0'));
    case '!':
      return cancelFromPos(ctx, conn);
    case 'C':
      return startCharge(ctx, conn, cmd);
    case 'B':
      return startAcceptance(ctx, conn, 'B');
    case 'A':
      if (num(0) === 2) return startAcceptance(ctx, conn, 'A');
      return startScreen(ctx, conn, 'A');
    case 'Q':
    case 'J': {
      const open = s.operation;
      if (!open || open.kind !== 'accept') return ctx.reply(conn, code, encodeReply('ER:ILLEGAL'));
      if (code === 'Q') return ctx.reply(conn, code, encodeReply(open.jammed ? 'ER:GENERIC' : okOrLevel(s, code), [open.inserted]));
      finishIntakeNow(ctx, open);
      s.operation = null;
      ctx.clearTimer('op');
      ctx.clearTimer('customer');
      ctx.event('machine', `acceptance closed (#J#): ${ctx.money(open.inserted)} accepted`, { conn });
      return ctx.reply(conn, code, encodeReply(open.jammed ? 'ER:GENERIC' : okOrLevel(s, code), [open.inserted]));
    }
    case 'P': {
      const amount = num(0);
      const onlyCoins = p[3] === '1';
      const plan = planChange(amount, stock(s, onlyCoins ? 'coins' : 'all'));
      if (plan.total < amount) {
        ctx.event('machine', `cannot pay ${ctx.money(amount)}${onlyCoins ? ' in coins' : ''}: only ${ctx.money(plan.total)} can be made from the recyclers`, { conn });
        addError(ctx, CHANGE_SHORT_CODE, 'not enough change');
      }
      return startDispense(ctx, conn, 'P', amount, plan.pieces.map((value) => ({ value, to: 'exit' as const })), [], plan.total < amount, onlyCoins);
    }
    case 'U':
    case 'U2':
      return startDispenseByDenomination(ctx, conn, cmd);
    case 'V':
    case 'V2':
      return startEmptying(ctx, conn, cmd);
    case 'S':
    case 'F':
    case 'G':
    case 'D':
    case 'H':
    case 'R':
    case 'M':
    case 'N':
    case 'O':
    case 'L':
      return startScreen(ctx, conn, code);
    case 'T':
      return ctx.reply(conn, code, encodeReply('0', [sum(s.recyclers), sum(s.stacker)]));
    case 'T2':
      return ctx.reply(conn, code, encodeReply('0', [sum(s.recyclers), 0, sum(s.stacker), 0]));
    case 'Y':
      return ctx.reply(conn, code, encodeReply(okOrLevel(s, code), [countsVpd(s, s.recyclers), countsVpd(s, s.stacker)]));
    case 'Y2':
      return ctx.reply(conn, code, encodeReply('0', [countsVpd(s, s.recyclers), countsVpd(s, null), countsVpd(s, s.stacker), countsVpd(s, null)]));
    case 'X':
    case 'X2': {
      const value = num(0);
      const d = denomination(s.profile, value);
      if (!d) {
        ctx.event('machine', `#ER:BAD_DATA#: ${value} is not a denomination of ${s.profile.name}`, { conn });
        return ctx.reply(conn, code, BAD_DATA_REPLY);
      }
      const key = String(value);
      const fields = code === 'X' ? [s.recyclers[key] ?? 0, s.stacker[key] ?? 0] : [s.recyclers[key] ?? 0, 0, s.stacker[key] ?? 0, 0];
      return ctx.reply(conn, code, encodeReply('0', fields));
    }
    case 'GC':
      return ctx.reply(conn, code, encodeReply('0', [levelsVpd(s)]));
    case 'GC2':
      return ctx.reply(conn, code, encodeReply('0', [levelsVpd(s), percentagesVpd(s)]));
    case 'GI': {
      const cap = (d: Denomination) => [d.value, d.recyclable ? 3 : 1] as const;
      return ctx.reply(conn, code, encodeReply('0', [s.profile.serial, formatVpd(s.profile.coins.map(cap), s.profile.notes.map(cap))]));
    }
    case 'GV':
      return ctx.reply(conn, code, encodeReply('0', [versionsJson(s, cmd.given === 0 ? 'ALL' : (p[0] ?? 'ALL'))]));
    case 'W': {
      const action = num(0);
      if (action === 0) return ctx.reply(conn, code, encodeReply('0', [s.maintenanceNotesLeft]));
      s.maintenanceNotesLeft = s.profile.maintenance.notesBetweenService;
      if (action === 2) removeErrors(ctx, (e) => e.code === MAINTENANCE_DUE_CODE || e.code === 1565, 'maintenance recorded (#W#2#)');
      return ctx.reply(conn, code, encodeReply('0'));
    }
    case 'K': {
      const before = sum(s.recyclers);
      let coins = 0;
      for (const d of s.profile.coins) {
        const key = String(d.value);
        coins += (s.recyclers[key] ?? 0) * d.value;
        s.recyclers[key] = 0;
      }
      s.ledger.removed += coins;
      ctx.event('machine', `coins set to zero (#K#): ${ctx.money(coins)} taken out by the operator`, { conn });
      return ctx.reply(conn, code, encodeReply('0', [before, sum(s.recyclers)]));
    }
    case 'RI': {
      const total = cashTotal(s);
      removeErrors(ctx, (e) => e.code === 1002 || e.code === 1014, 'incidents resolved (#RI#)');
      return ctx.reply(conn, code, encodeReply('0', [total, total, 0, 0, 0, 0]));
    }
    case 'INFO':
      return ctx.reply(conn, code, encodeReply('0', [infoJson(s)]));
    case '?': {
      if (cmd.given === 0) return ctx.reply(conn, code, encodeReply('0', [s.errors.map((e) => e.code).join(',')]));
      if (p[0] === 'SHOW') return startScreen(ctx, conn, '?');
      const codes = (p[0] ?? '') === '' ? [] : (p[0] ?? '').split(',').map(Number);
      const relative = p[1] === '1';
      return ctx.reply(conn, code, encodeReply('0', codes.map((c) => errorDetail(c, relative))));
    }
  }
  // The command table and this switch cover the same codes; reaching here is a bug worth seeing.
  ctx.event('machine', `no handler for #${code}#`, { conn });
  ctx.reply(conn, code, BAD_DATA_REPLY);
}

// ─── initialisation ─────────────────────────────────────────────────────────────────────────

function startInit(ctx: Ctx, conn: number): void {
  const { s } = ctx;
  const cold = !s.warm;
  const duration = cold ? s.profile.durations.initColdMs : s.profile.durations.initWarmMs;
  s.operation = { kind: 'init', id: s.nextOperationId++, conn, command: 'I', startedAt: ctx.now, cancelAcks: [], cold };
  ctx.event('machine', `initialising (${cold ? 'cold' : 'warm'} start, ${Math.round(duration)} ms)`, { conn });
  ctx.setTimer('op', ctx.now + duration);
}

function completeInit(ctx: Ctx): void {
  const { s } = ctx;
  const op = s.operation;
  if (!op || op.kind !== 'init') return;
  s.operation = null;
  s.warm = true;
  s.restartPending = false;
  s.initialized = true;
  if (!s.initConns.includes(op.conn)) s.initConns.push(op.conn);
  ctx.event('machine', 'initialised', { conn: op.conn });
  ctx.reply(op.conn, 'I', encodeReply('0', [s.dialect.version]));
  sendCancelAcks(ctx, op.cancelAcks);
}

// ─── charge (#C#) ───────────────────────────────────────────────────────────────────────────

function startCharge(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const p = cmd.params;
  const op: ChargeOperation = {
    kind: 'charge',
    id: s.nextOperationId++,
    conn,
    command: 'C',
    startedAt: ctx.now,
    cancelAcks: [],
    amount: Number(p[2]),
    acceptButton: p[6] === '1',
    partialAllowed: p[7] === '1',
    phase: 'accepting',
    inserted: 0,
    intake: [],
    confirmRequested: false,
    acceptWhenCovered: false,
    due: 0,
    plan: [],
    paid: 0,
    failed: false,
  };
  s.operation = op;
  ctx.event('machine', `charge of ${ctx.money(op.amount)} started (operation ${JSON.stringify(p[0])}, till ${JSON.stringify(p[1])})`, { conn });
  scheduleCustomer(ctx);
  checkCharge(ctx, op);
}

/** After every validated piece and every Accept press: is the charge complete? */
function checkCharge(ctx: Ctx, op: ChargeOperation): void {
  if (op.phase !== 'accepting' && op.phase !== 'confirming') return;
  const reached = op.inserted >= op.amount;
  if (reached && !op.acceptButton) {
    returnIntake(ctx, op, 'the amount is reached');
    return startPaying(ctx, op, op.inserted - op.amount);
  }
  if (reached) op.phase = 'confirming';
  if (reached && op.acceptWhenCovered && !op.confirmRequested && op.intake.length === 0) {
    // A person presses Accept once the screen shows the whole amount paid, never to settle for
    // a partial payment (partialAllowed only makes an explicit Accept with less valid).
    op.acceptWhenCovered = false;
    op.confirmRequested = true;
    ctx.event('customer', `customer pressed Accept: ${ctx.money(op.inserted)} inserted covers ${ctx.money(op.amount)}`, { conn: op.conn });
  }
  if (op.confirmRequested && op.intake.length === 0) {
    op.confirmRequested = false;
    if (reached) return startPaying(ctx, op, op.inserted - op.amount);
    if (op.partialAllowed) {
      ctx.event('machine', `partial charge accepted: ${ctx.money(op.inserted)} of ${ctx.money(op.amount)}`, { conn: op.conn });
      return startPaying(ctx, op, 0);
    }
    ctx.event('customer', `Accept pressed with ${ctx.money(op.inserted)} of ${ctx.money(op.amount)}: ignored (partial charge not allowed)`, { conn: op.conn });
  }
  scheduleIntake(ctx, op);
}

function startPaying(ctx: Ctx, op: ChargeOperation, change: number): void {
  const { s } = ctx;
  ctx.clearTimer('customer');
  op.phase = 'paying';
  op.due = change;
  const plan = planChange(change, stock(s, 'all'));
  if (plan.total < change) {
    ctx.event('machine', `cannot give all the change: ${ctx.money(change - plan.total)} missing in the recyclers`, { conn: op.conn });
    addError(ctx, CHANGE_SHORT_CODE, 'not enough change');
  }
  op.plan = plan.pieces.map((value) => ({ value, to: 'exit' }));
  nextDispense(ctx, op);
}

function startRefund(ctx: Ctx, op: ChargeOperation, who: string): void {
  const { s } = ctx;
  ctx.clearTimer('customer');
  ctx.clearTimer('op');
  returnIntake(ctx, op, 'the charge was cancelled');
  op.phase = 'refunding';
  op.due = op.inserted;
  const plan = planChange(op.inserted, stock(s, 'all'));
  ctx.event('machine', `charge cancelled by ${who}: returning ${ctx.money(op.inserted)}`, { conn: op.conn });
  if (plan.total < op.inserted) addError(ctx, CHANGE_SHORT_CODE, 'not enough cash to refund');
  op.plan = plan.pieces.map((value) => ({ value, to: 'exit' }));
  nextDispense(ctx, op);
}

function finishCharge(ctx: Ctx, op: ChargeOperation): void {
  const { s } = ctx;
  let status: string;
  if (op.failed) status = 'ER:GENERIC';
  else if (op.phase === 'refunding') status = op.paid < op.due ? 'ER:GENERIC' : 'WR:CANCEL';
  else status = op.paid < op.due ? 'ER:GENERIC' : okOrLevel(s, 'C');
  ctx.event('machine', `charge finished (${status}): ${ctx.money(op.inserted)} in, ${ctx.money(op.paid)} out`, { conn: op.conn });
  endOperation(ctx, op, encodeReply(status, [op.inserted, op.paid, 0, 0]));
}

// ─── acceptance (#B#, #A#2#) ────────────────────────────────────────────────────────────────

function startAcceptance(ctx: Ctx, conn: number, command: 'B' | 'A'): void {
  const { s } = ctx;
  const op: AcceptOperation = { kind: 'accept', id: s.nextOperationId++, conn, command, startedAt: ctx.now, cancelAcks: [], inserted: 0, intake: [], jammed: false };
  s.operation = op;
  ctx.event('machine', command === 'B' ? 'acceptance opened for a sale (#B#)' : 'acceptance opened for a refill (#A#2#)', { conn });
  ctx.reply(conn, command, encodeReply('0'));
  scheduleCustomer(ctx);
}

function closeAcceptance(ctx: Ctx, why: string): void {
  const op = ctx.s.operation;
  if (!op || op.kind !== 'accept') return;
  returnIntake(ctx, op, why);
  ctx.s.operation = null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  ctx.event('machine', `acceptance closed, ${why}: ${ctx.money(op.inserted)} stays in the machine`, { conn: op.conn });
}

// ─── dispensing (#P# #U# #U2# #V# #V2#) ──────────────────────────────────────────────────────

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
  const { s } = ctx;
  const op: DispenseOperation = {
    kind: 'dispense',
    id: s.nextOperationId++,
    conn,
    command,
    startedAt: ctx.now,
    cancelAcks: [],
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
  s.operation = op;
  ctx.event('machine', `#${command}# started: ${plan.length} piece${plan.length === 1 ? '' : 's'} to move (${ctx.money(requested)} asked)`, { conn });
  nextDispense(ctx, op);
}

function startDispenseByDenomination(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const { s } = ctx;
  const code = cmd.code;
  const parsed = parseVpd(cmd.params[0] ?? '');
  if (!parsed.ok) return ctx.reply(conn, code, BAD_DATA_REPLY);
  const destination = code === 'U2' ? Number(cmd.params[1]) : cmd.params[1] === '1' ? 1 : 0;
  if (destination === 2) {
    ctx.event('machine', `#ER:BAD_DATA#: ${s.profile.name} has no safe`, { conn });
    return ctx.reply(conn, code, BAD_DATA_REPLY);
  }
  const asked: Array<[number, number]> = [];
  for (const [list, isNote] of [
    [parsed.vpd.coins, false],
    [parsed.vpd.notes, true],
  ] as const) {
    for (const [value, qty] of list) {
      const d = denomination(s.profile, value);
      if (!d || d.isNote !== isNote) {
        ctx.event('machine', `#ER:BAD_DATA#: ${value} is not a ${isNote ? 'note' : 'coin'} of ${s.profile.name}`, { conn });
        return ctx.reply(conn, code, BAD_DATA_REPLY);
      }
      asked.push([value, qty]);
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
      const parsed = parseVpd(p[2] ?? '');
      if (!parsed.ok) return ctx.reply(conn, code, BAD_DATA_REPLY);
      only = new Set([...parsed.vpd.coins, ...parsed.vpd.notes].map(([v]) => v));
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

function finishDispense(ctx: Ctx, op: DispenseOperation, cancelled: boolean): void {
  const { s } = ctx;
  const code = op.command;
  let status: string;
  if (op.failed) status = 'ER:GENERIC';
  else if (cancelled) status = 'WR:CANCEL';
  else if (code === 'P') status = op.short || op.paid < op.requested ? 'ER:GENERIC' : okOrLevel(s, code);
  else if (code === 'U' || code === 'U2') status = op.short ? 'WR:LEVEL' : okOrLevel(s, code);
  // #V#/#V2# (and #S#…): a short dispense is a partial one, reported as on #P# (protocol.md §3).
  else status = op.short ? 'ER:GENERIC' : '0';
  let fields: FieldValue[];
  if (code === 'P') fields = [op.paid, 0];
  else if (code === 'U' || code === 'U2') {
    const coins = op.asked.filter(([v]) => !denomination(s.profile, v)?.isNote).map(([v]) => [v, op.moved[String(v)] ?? 0] as const);
    const notes = op.asked.filter(([v]) => denomination(s.profile, v)?.isNote).map(([v]) => [v, op.moved[String(v)] ?? 0] as const);
    fields = [formatVpd(coins, notes)];
  } else fields = [op.paid + op.toStacker];
  ctx.event('machine', `#${code}# finished (${status}): ${ctx.money(op.paid)} paid out${op.toStacker ? `, ${ctx.money(op.toStacker)} moved to the stacker` : ''}`, { conn: op.conn });
  endOperation(ctx, op, encodeReply(status, fields));
}

function nextDispense(ctx: Ctx, op: ChargeOperation | DispenseOperation): void {
  const head = op.plan[0];
  if (!head) {
    ctx.clearTimer('op');
    if (op.kind === 'charge') finishCharge(ctx, op);
    else finishDispense(ctx, op, false);
    return;
  }
  const d = denomination(ctx.profile, head.value);
  ctx.setTimer('op', ctx.now + (d?.isNote ? ctx.profile.durations.noteDispenseMs : ctx.profile.durations.coinDispenseMs));
}

function completeDispensePiece(ctx: Ctx, op: ChargeOperation | DispenseOperation): void {
  const { s } = ctx;
  const head = op.plan[0];
  if (!head) return nextDispense(ctx, op);
  const isNote = denomination(s.profile, head.value)?.isNote ?? false;
  const due = op.kind === 'charge' ? op.due : op.requested;
  const moved = op.kind === 'charge' ? op.paid : op.paid + op.toStacker;
  const fired = ctx.consult({
    point: 'progress',
    conn: op.conn,
    command: op.command,
    phase: 'dispense',
    progress: due > 0 ? Math.min(1, moved / due) : 0,
    elapsedMs: ctx.now - op.startedAt,
    denomination: head.value,
    isNote,
  });
  for (const f of fired) {
    if (f.type === 'partial-dispense') {
      const short = Math.max(1, Math.round(Number(f.spec['short']) || 0));
      const budget = Math.max(0, due - short - moved);
      if (op.kind === 'charge' || op.command === 'P') {
        // Pay the shorter amount as well as the stock allows, so it comes out exactly `short` less when it can.
        const coinsOnly = op.kind === 'dispense' && op.coinsOnly === true;
        op.plan = planChange(budget, stock(s, coinsOnly ? 'coins' : 'all')).pieces.map((value) => ({ value, to: 'exit' as const }));
      } else trimPlan(op, budget - sumOf(op.plan.filter((m) => m.to === 'stacker')));
      if (op.kind === 'dispense') op.short = true;
      // What the new plan leaves out: exactly `short` when the stock can make it, more when not.
      const planned = moved + sumOf(op.plan);
      ctx.event('machine', `dispense comes out short by ${ctx.money(due - planned)} (${ctx.money(short)} asked)`, { conn: op.conn });
      continue;
    }
    const stopped = applyDomainFault(ctx, f, { op, value: head.value, isNote, phase: 'dispense' });
    if (stopped) return;
  }
  if (s.operation !== op && !isSameOperation(s.operation, op)) return;
  const move = op.plan.shift();
  if (move) {
    const key = String(move.value);
    const have = s.recyclers[key] ?? 0;
    if (have <= 0) {
      // The stock changed under the plan (PUT /inventory): the piece is simply not there.
      if (op.kind === 'dispense') op.short = true;
    } else {
      s.recyclers[key] = have - 1;
      if (move.to === 'exit') {
        s.ledger.dispensed += move.value;
        op.paid += move.value;
      } else {
        s.stacker[key] = (s.stacker[key] ?? 0) + 1;
        if (op.kind === 'dispense') op.toStacker += move.value;
      }
      if (op.kind === 'dispense') op.moved[key] = (op.moved[key] ?? 0) + 1;
    }
  }
  nextDispense(ctx, op);
}

function isSameOperation(a: Operation | null, b: Operation): boolean {
  return a !== null && a.id === b.id;
}

/** Cents a list of moves carries. */
function sumOf(moves: readonly Move[]): number {
  return moves.reduce((sum, m) => sum + m.value, 0);
}

/** Keep the largest remaining exit pieces that still fit in `budget` cents, and every stacker move (partial-dispense fault). */
function trimPlan(op: ChargeOperation | DispenseOperation, budget: number): void {
  const exits = op.plan.filter((m) => m.to === 'exit').sort((a, b) => b.value - a.value);
  const kept: Move[] = [];
  let left = budget;
  for (const m of exits) {
    if (m.value <= left) {
      kept.push(m);
      left -= m.value;
    }
  }
  op.plan = [...kept, ...op.plan.filter((m) => m.to === 'stacker')];
}

// ─── screens (#G#, #D#…, #S#, #F#, #A#1#, #?#SHOW#) ──────────────────────────────────────────

function startScreen(ctx: Ctx, conn: number, command: string): void {
  const { s } = ctx;
  const op: ScreenOperation = {
    kind: 'screen',
    id: s.nextOperationId++,
    conn,
    command,
    startedAt: ctx.now,
    cancelAcks: [],
    acceptsCash: CASH_SCREENS.has(command),
    inserted: 0,
    intake: [],
    before: cashTotal(s),
    beforeRecyclers: sum(s.recyclers),
  };
  s.operation = op;
  ctx.event('operator', `#${command === '?' ? '?#SHOW' : command}# screen open: waiting for the operator to close it`, { conn });
}

function closeScreen(ctx: Ctx, op: ScreenOperation, cancelled: boolean): void {
  const { s } = ctx;
  finishIntakeNow(ctx, op);
  const status = cancelled ? 'WR:CANCEL' : '0';
  let fields: FieldValue[];
  switch (op.command) {
    case 'S': {
      let removed = 0;
      if (!cancelled) {
        removed = sum(s.stacker);
        for (const key of Object.keys(s.stacker)) s.stacker[key] = 0;
        s.ledger.removed += removed;
        s.stackerFull = false;
        removeErrors(ctx, (e) => e.code === STACKER_FULL_CODE, 'stacker emptied');
        ctx.event('operator', `stacker removed and emptied: ${ctx.money(removed)}`, { conn: op.conn });
      }
      fields = [removed];
      break;
    }
    case 'F':
      fields = [op.beforeRecyclers, op.inserted, sum(s.recyclers)];
      break;
    case 'A':
      fields = [op.inserted];
      break;
    case '?':
      fields = [];
      break;
    default:
      fields = [op.before, cashTotal(s), op.inserted, 0, 0, 0];
  }
  endOperation(ctx, op, encodeReply(status, fields));
}

// ─── pieces going in ────────────────────────────────────────────────────────────────────────

type IntakeOperation = ChargeOperation | AcceptOperation | ScreenOperation;

function intakeOpen(op: Operation | null): op is IntakeOperation {
  if (!op) return false;
  if (op.kind === 'charge') return op.phase === 'accepting' || op.phase === 'confirming';
  if (op.kind === 'accept') return !op.jammed;
  if (op.kind === 'screen') return op.acceptsCash;
  return false;
}

function scheduleIntake(ctx: Ctx, op: IntakeOperation): void {
  if ('op' in ctx.s.timers) return;
  const head = op.intake[0];
  if (head === undefined) return;
  const d = denomination(ctx.profile, head);
  ctx.setTimer('op', ctx.now + (d?.isNote ? ctx.profile.durations.noteAcceptMs : ctx.profile.durations.coinAcceptMs));
}

function completeIntakePiece(ctx: Ctx, op: IntakeOperation): void {
  const { s } = ctx;
  const value = op.intake[0];
  if (value === undefined) return;
  const d = denomination(s.profile, value) as Denomination;
  const due = op.kind === 'charge' ? op.amount : 0;
  const fired = ctx.consult({
    point: 'progress',
    conn: op.conn,
    command: op.command,
    phase: 'accept',
    progress: due > 0 ? Math.min(1, op.inserted / due) : 0,
    elapsedMs: ctx.now - op.startedAt,
    denomination: value,
    isNote: d.isNote,
  });
  for (const f of fired) {
    if (applyDomainFault(ctx, f, { op, value, isNote: d.isNote, phase: 'accept' })) return;
  }
  if (!isSameOperation(s.operation, op)) return;
  op.intake.shift();
  storeInserted(ctx, op, d);
  if (op.kind === 'charge') checkCharge(ctx, op);
  else scheduleIntake(ctx, op);
}

/** A validated piece goes to its recycler, or the stacker, or back to the customer when neither has room. */
function storeInserted(ctx: Ctx, op: IntakeOperation, d: Denomination): void {
  const { s } = ctx;
  const key = String(d.value);
  let where: string;
  if (d.recyclable && (s.recyclers[key] ?? 0) < d.capacity) {
    s.recyclers[key] = (s.recyclers[key] ?? 0) + 1;
    where = 'recycler';
  } else if (!d.isNote) {
    s.stacker[key] = (s.stacker[key] ?? 0) + 1;
    where = 'cash box';
  } else if (!s.stackerFull && stackerNotes(s) < s.profile.stacker.capacity) {
    s.stacker[key] = (s.stacker[key] ?? 0) + 1;
    where = 'stacker';
  } else {
    ctx.event('machine', `${ctx.money(d.value)} note refused: the stacker is full; returned to the customer`, { conn: op.conn });
    return;
  }
  op.inserted += d.value;
  s.ledger.inserted += d.value;
  if (d.isNote && s.maintenanceNotesLeft > 0) {
    s.maintenanceNotesLeft -= 1;
    if (s.maintenanceNotesLeft === 0) addError(ctx, MAINTENANCE_DUE_CODE, 'maintenance counter', { blocking: false });
  }
  ctx.event('machine', `IN: ${ctx.money(d.value)} ${d.isNote ? 'note' : 'coin'} → ${where} (${ctx.money(op.inserted)} so far)`, { conn: op.conn });
}

/** `#J#` or an operator closing a screen: pieces still in the validator are taken at once. */
function finishIntakeNow(ctx: Ctx, op: IntakeOperation): void {
  ctx.clearTimer('op');
  while (op.intake.length > 0 && !('jammed' in op && op.jammed)) {
    const value = op.intake.shift() as number;
    const d = denomination(ctx.profile, value);
    if (d) storeInserted(ctx, op, d);
  }
  op.intake = [];
}

function returnIntake(ctx: Ctx, op: IntakeOperation, why: string): void {
  if (op.intake.length === 0) return;
  const total = op.intake.reduce((a, b) => a + b, 0);
  ctx.event('machine', `${ctx.money(total)} not taken (${why}): returned to the customer`, { conn: op.conn });
  op.intake = [];
  ctx.clearTimer('op');
}

// ─── customer and operator ──────────────────────────────────────────────────────────────────

function scheduleCustomer(ctx: Ctx): void {
  const { s } = ctx;
  if (s.customer.mode !== 'auto') return;
  const delay = s.customer.delayMs ?? s.profile.durations.customerDelayMs;
  ctx.setTimer('customer', ctx.now + delay);
}

function autoCustomer(ctx: Ctx): void {
  const { s } = ctx;
  const op = s.operation;
  if (!op || !intakeOpen(op) || op.kind === 'screen') return;
  const all = allDenominations(s.profile).map((d) => d.value);
  let pieces: number[];
  if (s.customer.pay && s.customer.pay.length > 0) pieces = [...s.customer.pay];
  else if (op.kind === 'charge') pieces = coveringCombination(op.amount - op.inserted - op.intake.reduce((a, b) => a + b, 0), all);
  else {
    ctx.event('customer', `automatic customer: #${op.command}# carries no amount and no "pay" list is set, so nothing is inserted`, { conn: op.conn });
    return;
  }
  insertPieces(ctx, op, pieces, 'automatic customer');
  if (op.kind === 'charge') {
    op.acceptWhenCovered = true;
    checkCharge(ctx, op);
  }
}

function insertPieces(ctx: Ctx, op: IntakeOperation, pieces: readonly number[], who: string, note = ''): void {
  if (pieces.length === 0) return;
  op.intake.push(...pieces);
  ctx.event('customer', `${who} inserted ${describePieces(ctx, pieces)}${note}`, { conn: op.conn });
  scheduleIntake(ctx, op);
}

function onCustomer(ctx: Ctx, input: Extract<MachineInput, { type: 'customer' }>): void {
  const { s } = ctx;
  const op = s.operation;
  if (input.insert && input.insert.length > 0) {
    const unknown = input.insert.filter((v) => !denomination(s.profile, v));
    if (unknown.length > 0) {
      throw new InvalidInputError(`unknown denomination${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for profile ${s.profile.name}`, [
        { severity: 'error', message: `not a denomination of ${s.profile.name}: ${unknown.join(', ')}`, hint: `use one of ${allDenominations(s.profile).map((d) => d.value).join(', ')} (cents)` },
      ]);
    }
    if (!intakeOpen(op)) throw nothingOpen('insert cash', op);
    const accept = input.accept !== false;
    const leavesButton = !accept && op.kind === 'charge' && op.acceptButton;
    insertPieces(ctx, op, input.insert, 'customer', leavesButton ? ' (and will not press Accept)' : '');
    // The last insert decides: an item that tests the Accept button opts out with accept: false.
    if (op.kind === 'charge') op.acceptWhenCovered = accept;
  }
  if (input.cancel) {
    const current = s.operation;
    if (!current || current.kind !== 'charge' || (current.phase !== 'accepting' && current.phase !== 'confirming')) throw nothingOpen('press Cancel', current);
    ctx.event('customer', 'customer pressed Cancel', { conn: current.conn });
    startRefund(ctx, current, 'the customer');
  }
  if (input.confirm) {
    const current = s.operation;
    if (!current || current.kind !== 'charge' || (current.phase !== 'accepting' && current.phase !== 'confirming')) throw nothingOpen('press Accept', current);
    ctx.event('customer', 'customer pressed Accept', { conn: current.conn });
    current.confirmRequested = true;
    checkCharge(ctx, current);
  }
}

function nothingOpen(action: string, op: Operation | null): CertError {
  const what = op ? `#${op.command}# is ${op.kind === 'charge' ? `${op.phase === 'refunding' ? 'refunding' : 'paying change'}` : op.kind === 'init' ? 'initialising' : 'not taking cash'}` : 'no operation is open';
  return new CertError('NOTHING_OPEN', `cannot ${action}: ${what}`);
}

function onOperatorClose(ctx: Ctx): void {
  const op = ctx.s.operation;
  if (!op || op.kind !== 'screen') throw nothingOpen('close a screen', op);
  ctx.event('operator', `operator closed the #${op.command === '?' ? '?#SHOW' : op.command}# screen`, { conn: op.conn });
  closeScreen(ctx, op, false);
}

function onSetCustomer(ctx: Ctx, customer: CustomerConfig): void {
  const { s } = ctx;
  s.customer = normaliseCustomer(s.profile, customer);
  ctx.event('control', `customer set to ${s.customer.mode}${s.customer.pay ? ` paying ${describePieces(ctx, s.customer.pay)}` : ''}`);
  ctx.clearTimer('customer');
  if (s.customer.mode === 'auto' && intakeOpen(s.operation) && s.operation.kind !== 'screen') scheduleCustomer(ctx);
}

function normaliseCustomer(profile: MachineProfile, customer: CustomerConfig): CustomerConfig {
  if (customer.mode !== 'auto' && customer.mode !== 'manual') {
    throw new InvalidInputError(`customer mode must be "auto" or "manual"`, [{ severity: 'error', message: `unknown customer mode ${JSON.stringify(customer.mode)}` }]);
  }
  if (customer.delayMs !== undefined && !(Number.isFinite(customer.delayMs) && customer.delayMs >= 0)) {
    throw new InvalidInputError('customer delayMs must be a non-negative number', [{ severity: 'error', message: `bad delayMs ${customer.delayMs}` }]);
  }
  if (customer.pay) {
    const unknown = customer.pay.filter((v) => !denomination(profile, v));
    if (unknown.length > 0) {
      throw new InvalidInputError(`customer pay list has values that are not denominations of ${profile.name}: ${unknown.join(', ')}`, [
        { severity: 'error', message: `not a denomination: ${unknown.join(', ')}` },
      ]);
    }
  }
  return { mode: customer.mode, ...(customer.pay ? { pay: [...customer.pay] } : {}), ...(customer.delayMs !== undefined ? { delayMs: customer.delayMs } : {}) };
}

// ─── cancel (#!#) ───────────────────────────────────────────────────────────────────────────

function cancelFromPos(ctx: Ctx, conn: number): void {
  const { s } = ctx;
  const op = s.operation;
  if (!op) return sendCancelAcks(ctx, [conn]);
  switch (op.kind) {
    case 'accept':
      // No-screen cancel: acceptance stops and #!# itself reports what went in (S-QF); the money stays.
      finishIntakeNow(ctx, op);
      s.operation = null;
      ctx.clearTimer('customer');
      ctx.event('machine', `acceptance cancelled (#!#): ${ctx.money(op.inserted)} stays in the machine`, { conn });
      return ctx.reply(conn, '!', encodeReply('WR:CANCEL', [op.inserted]));
    case 'charge':
      if (op.phase === 'accepting' || op.phase === 'confirming') {
        op.cancelAcks.push(conn);
        return startRefund(ctx, op, 'the POS (#!#)');
      }
      return sendCancelAcks(ctx, [conn]);
    case 'dispense':
      op.cancelAcks.push(conn);
      op.plan = [];
      ctx.clearTimer('op');
      return finishDispense(ctx, op, true);
    case 'screen':
      op.cancelAcks.push(conn);
      return closeScreen(ctx, op, true);
    case 'init':
      return sendCancelAcks(ctx, [conn]);
  }
}

function sendCancelAcks(ctx: Ctx, conns: readonly number[]): void {
  if (ctx.s.dialect.cancelReply !== 'ack') return;
  for (const c of conns) ctx.reply(c, '!', encodeReply('0'));
}

/** The operation replies and ends; `#!#` acknowledgements follow its reply. */
function endOperation(ctx: Ctx, op: Operation, frame: string): void {
  const { s } = ctx;
  if (isSameOperation(s.operation, op)) s.operation = null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  ctx.reply(op.conn, op.command, frame);
  sendCancelAcks(ctx, op.cancelAcks);
}

// ─── faults ─────────────────────────────────────────────────────────────────────────────────

interface PieceContext {
  op: Operation;
  value: number;
  isNote: boolean;
  phase: 'accept' | 'dispense';
}

/** Apply a domain fault; returns true when it stopped the operation in progress. */
function applyDomainFault(ctx: Ctx, f: FiredFault, piece: PieceContext | null): boolean {
  const { s } = ctx;
  const forMs = parseDuration(f.spec['for']);
  const until = forMs !== undefined ? ctx.now + forMs : null;
  switch (f.type) {
    case 'note-jam':
    case 'coin-jam': {
      const code = JAM_CODES[f.type];
      addError(ctx, code, f.id, { blocking: true, until, ...(piece ? { denomination: piece.value } : {}) });
      if (piece) {
        ctx.event('machine', `${ctx.money(piece.value)} ${piece.isNote ? 'note' : 'coin'} jammed ${piece.phase === 'accept' ? 'in the validator (it goes back to the customer once cleared)' : 'in the recycler (it stays in the machine)'}`, { conn: piece.op.conn });
        failOperation(ctx, piece.phase === 'accept');
        return true;
      }
      return false;
    }
    case 'partial-dispense':
      return false;
    case 'stacker-full':
      s.stackerFull = true;
      addError(ctx, STACKER_FULL_CODE, f.id, { blocking: false, until: null });
      return false;
    case 'door-open': {
      const door = f.spec['door'] === 'note' ? 'note' : 'coin';
      addError(ctx, DOOR_CODES[door], f.id, { blocking: true, until });
      if (piece) {
        failOperation(ctx, piece.phase === 'accept');
        return true;
      }
      return false;
    }
    case 'device-error': {
      const code = Math.round(Number(f.spec['code']));
      if (!Number.isFinite(code)) return false;
      const blocking = !isWarningCode(code);
      addError(ctx, code, f.id, { blocking, until });
      if (blocking && piece) {
        failOperation(ctx, piece.phase === 'accept');
        return true;
      }
      return false;
    }
    case 'power-off':
      addError(ctx, POWER_OFF_CODE, f.id, { blocking: true, until });
      s.warm = false;
      s.initialized = false;
      s.initConns = [];
      if (s.operation && s.operation.kind !== 'screen') {
        failOperation(ctx, true);
        return true;
      }
      return false;
    case 'restart':
      restartConnector(ctx);
      return piece !== null;
    default:
      // Transport faults (and busy) are applied elsewhere: the session and onFrame.
      return false;
  }
}

/** The operation stops where it is; the reply tells the money that really moved. */
function failOperation(ctx: Ctx, pieceWasGoingIn: boolean): void {
  const { s } = ctx;
  const op = s.operation;
  if (!op) return;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  switch (op.kind) {
    case 'charge':
      op.failed = true;
      if (op.phase === 'accepting' || op.phase === 'confirming') {
        if (pieceWasGoingIn) op.intake.shift();
        returnIntake(ctx, op, 'the machine stopped');
      }
      op.plan = [];
      return finishCharge(ctx, op);
    case 'dispense':
      op.failed = true;
      op.plan = [];
      return finishDispense(ctx, op, false);
    case 'accept':
      if (pieceWasGoingIn) op.intake.shift();
      returnIntake(ctx, op, 'the inlet jammed');
      op.jammed = true;
      return;
    case 'screen':
      if (pieceWasGoingIn) op.intake.shift();
      returnIntake(ctx, op, 'the inlet jammed');
      return;
    case 'init':
      return endOperation(ctx, op, encodeReply('ER:GENERIC'));
  }
}

/** The connector process restarts: it forgets #I#, and the reply of an operation in flight is lost. */
function restartConnector(ctx: Ctx): void {
  const { s } = ctx;
  const op = s.operation;
  if (op) {
    if (op.kind === 'charge' || op.kind === 'accept' || op.kind === 'screen') {
      returnIntake(ctx, op, 'the connector restarted');
      if (op.kind === 'screen') finishIntakeNow(ctx, op);
    }
    const inserted = 'inserted' in op ? op.inserted : 0;
    const paid = 'paid' in op ? op.paid : 0;
    ctx.event('machine', `connector restarted during #${op.command}#: its reply is lost (${ctx.money(inserted)} went in, ${ctx.money(paid)} came out and stay accounted)`, { conn: op.conn });
    s.operation = null;
  }
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  s.initialized = false;
  s.initConns = [];
  s.warm = false;
  s.restartPending = true;
}

function addError(ctx: Ctx, code: number, source: string, options: { blocking?: boolean; until?: number | null; denomination?: number } = {}): void {
  const { s } = ctx;
  const existing = s.errors.find((e) => e.code === code);
  const blocking = options.blocking ?? !isWarningCode(code);
  const until = options.until ?? null;
  if (existing) {
    existing.blocking = existing.blocking || blocking;
    existing.until = existing.until === null || until === null ? null : Math.max(existing.until, until);
    existing.source = source;
  } else {
    s.errors.push({ code, blocking, until, source, ...(options.denomination !== undefined ? { denomination: options.denomination } : {}) });
    ctx.event('machine', `device ${blocking ? 'error' : 'warning'} ${code} active`);
  }
  scheduleErrorTimer(ctx);
}

function removeErrors(ctx: Ctx, predicate: (e: MachineState['errors'][number]) => boolean, why: string): void {
  const { s } = ctx;
  const removed = s.errors.filter(predicate);
  if (removed.length === 0) return;
  s.errors = s.errors.filter((e) => !predicate(e));
  if (removed.some((e) => e.code === STACKER_FULL_CODE)) s.stackerFull = false;
  ctx.event('machine', `device error${removed.length > 1 ? 's' : ''} ${removed.map((e) => e.code).join(', ')} cleared (${why})`);
  scheduleErrorTimer(ctx);
}

function scheduleErrorTimer(ctx: Ctx): void {
  const next = ctx.s.errors.reduce<number | null>((min, e) => (e.until !== null && (min === null || e.until < min) ? e.until : min), null);
  if (next === null) ctx.clearTimer('errors');
  else if (ctx.s.timers['errors'] !== next) ctx.setTimer('errors', next);
}

function hasError(s: MachineState, code: number): boolean {
  return s.errors.some((e) => e.code === code);
}

function blockingError(s: MachineState): boolean {
  return s.errors.some((e) => e.blocking);
}

function onClearErrors(ctx: Ctx): void {
  const { s } = ctx;
  s.stackerFull = false;
  if (s.errors.length === 0) {
    ctx.event('operator', 'operator cleared errors: none were active');
    return;
  }
  removeErrors(ctx, () => true, 'the operator cleared them');
  const op = s.operation;
  if (op && op.kind === 'accept' && op.jammed) op.jammed = false;
}

// ─── timers ─────────────────────────────────────────────────────────────────────────────────

function onTimer(ctx: Ctx, id: string): void {
  const { s } = ctx;
  if (!(id in s.timers)) return; // stale: cleared or replaced since it was set
  delete s.timers[id];
  if (id === 'errors') {
    removeErrors(ctx, (e) => e.until !== null && e.until <= ctx.now, 'its time ran out');
    const op = s.operation;
    if (op && op.kind === 'accept' && op.jammed && !blockingError(s)) op.jammed = false;
    return;
  }
  if (id === 'customer') return autoCustomer(ctx);
  if (id !== 'op') return;
  const op = s.operation;
  if (!op) return;
  switch (op.kind) {
    case 'init':
      return completeInit(ctx);
    case 'charge':
      if (op.phase === 'accepting' || op.phase === 'confirming') return completeIntakePiece(ctx, op);
      return completeDispensePiece(ctx, op);
    case 'dispense':
      return completeDispensePiece(ctx, op);
    case 'accept':
    case 'screen':
      return completeIntakePiece(ctx, op);
  }
}

// ─── control ────────────────────────────────────────────────────────────────────────────────

function onSetInventory(ctx: Ctx, inventory: Partial<InventoryCounts>): void {
  const { s } = ctx;
  const problems: Array<{ path: string; message: string }> = [];
  const updates: Array<['recyclers' | 'stacker', string, number]> = [];
  for (const place of ['recyclers', 'stacker'] as const) {
    const counts = inventory[place];
    if (counts === undefined) continue;
    if (typeof counts !== 'object' || counts === null) {
      problems.push({ path: place, message: 'must be an object of denomination → count' });
      continue;
    }
    for (const [key, count] of Object.entries(counts)) {
      const path = `${place}.${key}`;
      const d = denomination(s.profile, Number(key));
      if (!d || String(d.value) !== key) problems.push({ path, message: `not a denomination of ${s.profile.name}` });
      else if (!Number.isSafeInteger(count) || count < 0) problems.push({ path, message: `count must be a non-negative integer, got ${JSON.stringify(count)}` });
      // 0 is what GET /state shows for a denomination the recyclers cannot hold: setting it back is no change.
      else if (place === 'recyclers' && !d.recyclable && count > 0) problems.push({ path, message: `${ctx.money(d.value)} ${d.isNote ? 'notes' : 'coins'} are not recycled by ${s.profile.name}` });
      else if (place === 'recyclers' && count > d.capacity) problems.push({ path, message: `${count} is above the recycler capacity ${d.capacity}` });
      else updates.push([place, key, count]);
    }
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      `invalid inventory: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ severity: 'error' as const, path: p.path, message: p.message })),
    );
  }
  const before = cashTotal(s);
  for (const [place, key, count] of updates) s[place][key] = count;
  // Setting counts is not a cash movement: the baseline moves with it, so conservation still holds.
  s.ledger.initial += cashTotal(s) - before;
  ctx.event('control', `inventory set: ${updates.map(([place, key, count]) => `${place} ${ctx.money(Number(key))} × ${count}`).join(', ')}`);
}

/**
 * A reset isolates what comes next from what came before: connections are closed (a POS that
 * hung cannot carry a half-read reply into the next test; with `closeAll` false the healthy
 * ones stay and only the one whose operation is ended goes, its reply will never come), the
 * open operation ends with its money accounted for, and the machine is back to the profile's
 * initial state. The only output event is one sentence saying what was done.
 */
function onReset(ctx: Ctx, closeAll: boolean): StepResult<MachineState> {
  const old = ctx.s;
  const owner = old.operation?.conn;
  const ended = settleOperation(ctx);
  const fresh = initialState(old.profile, { customer: old.initialCustomer, faults: old.faults, dialect: old.dialect, timeScale: old.timeScale });
  const closed = closeAll ? old.conns : old.conns.filter((c) => c === owner);
  fresh.conns = old.conns.filter((c) => !closed.includes(c));
  const done: string[] = [];
  if (closed.length === 1) done.push(`closed connection ${closed[0]}`);
  else if (closed.length > 1) done.push(`closed ${closed.length} connections (${closed.join(', ')})`);
  if (ended) done.push(ended);
  const idle = `${old.conns.length > closed.length ? 'connections kept' : 'no connection was open'} and no operation was running`;
  const text = `reset: ${done.length > 0 ? done.join('; ') : idle}; machine back to the profile's initial state`;
  const outputs: MachineOutput[] = [{ type: 'event', kind: 'control', text }, ...closed.map((conn): MachineOutput => ({ type: 'close', conn, how: 'disconnect' }))];
  const timers: TimerRequest[] = [...ctx.timers, ...Object.keys(old.timers).map((id): TimerRequest => ({ type: 'clear', id }))];
  return { state: fresh, outputs, timers };
}

/**
 * Ends the open operation at once, with no reply (its connection is being closed), and with the
 * money accounted for as the operation's own rules say: a charge still taking cash pays back
 * what went in (as on Cancel); change or a refund being paid, and a dispense, finish at once (as
 * when the client disconnects, protocol.md §2.9); cash put into an acceptance or a screen stays.
 * Pieces still in the validator were never taken and go back to the customer.
 * Returns what it did, for the reset sentence, or null when nothing was open.
 */
function settleOperation(ctx: Ctx): string | null {
  const { s } = ctx;
  const op = s.operation;
  if (!op) return null;
  ctx.clearTimer('op');
  ctx.clearTimer('customer');
  s.operation = null;
  const name = `#${op.command === '?' ? '?#SHOW' : op.command}#`;
  const what: string[] = [];
  switch (op.kind) {
    case 'init':
      return `ended the ${name} in progress`;
    case 'charge':
      if (op.phase === 'accepting' || op.phase === 'confirming') {
        if (op.inserted === 0) what.push('nothing had been inserted');
        else {
          const back = payOutNow(s, planChange(op.inserted, stock(s, 'all')).pieces.map((value): Move => ({ value, to: 'exit' })));
          what.push(`returned ${ctx.money(back.out)}`);
          if (back.out < op.inserted) what.push(`${ctx.money(op.inserted - back.out)} could not be made from the recyclers and stays in the machine`);
        }
      } else {
        const rest = payOutNow(s, op.plan);
        what.push(`${op.phase === 'refunding' ? 'returned' : 'paid out'} the remaining ${ctx.money(rest.out)}`);
      }
      break;
    case 'dispense': {
      const rest = payOutNow(s, op.plan);
      what.push(`paid out the remaining ${ctx.money(rest.out)}`);
      if (rest.toStacker > 0) what.push(`moved ${ctx.money(rest.toStacker)} to the stacker`);
      break;
    }
    case 'accept':
    case 'screen':
      if (op.kind === 'accept' || op.inserted > 0) what.push(`${ctx.money(op.inserted)} inserted stays in the machine`);
      break;
  }
  const unvalidated = 'intake' in op ? op.intake.reduce((a, b) => a + b, 0) : 0;
  if (unvalidated > 0) what.push(`${ctx.money(unvalidated)} still in the validator went back to the customer`);
  const head = op.kind === 'screen' ? `closed the open ${name} screen` : `ended the open ${name}`;
  return what.length > 0 ? `${head} (${what.join('; ')})` : head;
}

/** Moves pieces out of the recyclers at once, each as far as the stock allows. */
function payOutNow(s: MachineState, moves: readonly Move[]): { out: number; toStacker: number } {
  let out = 0;
  let toStacker = 0;
  for (const move of moves) {
    const key = String(move.value);
    const have = s.recyclers[key] ?? 0;
    if (have <= 0) continue;
    s.recyclers[key] = have - 1;
    if (move.to === 'exit') {
      s.ledger.dispensed += move.value;
      out += move.value;
    } else {
      s.stacker[key] = (s.stacker[key] ?? 0) + 1;
      toStacker += move.value;
    }
  }
  return { out, toStacker };
}

/**
 * What a reset does to the open operation, without the reset: the state just before the machine
 * returns to the profile's initial state (money conservation must hold there too).
 */
export function settleForReset(prev: MachineState, nowMs: number): { state: MachineState; summary: string | null } {
  const ctx = new Ctx(cloneState(prev), nowMs);
  const summary = settleOperation(ctx);
  return { state: ctx.s, summary };
}

// ─── inventory helpers ──────────────────────────────────────────────────────────────────────

export function denomination(profile: MachineProfile, value: number): Denomination | undefined {
  return profile.coins.find((d) => d.value === value) ?? profile.notes.find((d) => d.value === value);
}

function stock(s: MachineState, which: 'all' | 'coins'): StockEntry[] {
  const list = which === 'coins' ? s.profile.coins : allDenominations(s.profile);
  return list.filter((d) => d.recyclable).map((d) => ({ value: d.value, count: s.recyclers[String(d.value)] ?? 0 }));
}

function sum(counts: Record<string, number>): number {
  return Object.entries(counts).reduce((total, [key, count]) => total + Number(key) * count, 0);
}

export function cashTotal(s: MachineState): number {
  return sum(s.recyclers) + sum(s.stacker);
}

function stackerNotes(s: MachineState): number {
  return s.profile.notes.reduce((n, d) => n + (s.stacker[String(d.value)] ?? 0), 0);
}

function countsVpd(s: MachineState, counts: Record<string, number> | null): string {
  const entry = (d: Denomination) => [d.value, counts ? (counts[String(d.value)] ?? 0) : 0] as const;
  return formatVpd(s.profile.coins.map(entry), s.profile.notes.map(entry));
}

export function levelWarning(s: MachineState): boolean {
  for (const d of allDenominations(s.profile)) {
    if (d.recyclable && isLevelWarning(levelCode(d, s.recyclers[String(d.value)] ?? 0))) return true;
  }
  return isLevelWarning(stackerLevelCode(s.profile, stackerNotes(s), s.stackerFull));
}

function denominationLevel(s: MachineState, d: Denomination): number {
  const jammed = s.errors.some((e) => e.denomination === d.value && (e.code === JAM_CODES['note-jam'] || e.code === JAM_CODES['coin-jam']));
  return jammed ? 31 : levelCode(d, s.recyclers[String(d.value)] ?? 0);
}

function levelsVpd(s: MachineState): string {
  const recyclable = (list: Denomination[]) => list.filter((d) => d.recyclable).map((d) => [d.value, denominationLevel(s, d)] as const);
  const notes: Array<readonly [number | string, number]> = [...recyclable(s.profile.notes), ['STACKER', stackerLevelCode(s.profile, stackerNotes(s), s.stackerFull)]];
  return formatVpd(recyclable(s.profile.coins), notes);
}

function percentagesVpd(s: MachineState): string {
  const pct = (count: number, capacity: number) => (capacity > 0 ? Math.min(100, Math.round((count * 100) / capacity)) : 0);
  const entry = (d: Denomination) => [d.value, pct(s.recyclers[String(d.value)] ?? 0, d.capacity)] as const;
  const stackerPct = s.stackerFull ? 100 : pct(stackerNotes(s), s.profile.stacker.capacity);
  return formatVpd(s.profile.coins.filter((d) => d.recyclable).map(entry), [...s.profile.notes.filter((d) => d.recyclable).map(entry), ['STACKER', stackerPct]]);
}

function versionsJson(s: MachineState, section: string): string {
  const general = { model: s.profile.model, serial: s.profile.serial, currency: s.profile.currency.code, profile: s.profile.name };
  const software = { connector: '2.5.0.136', protocol: s.dialect.version, simulator: 'cashlogy-cert' };
  const hardware = { model: s.profile.model, noteRecycler: 'simulated', coinRecycler: 'simulated' };
  const all = { general, software, hardware };
  const pick = section === 'GENERAL' ? general : section === 'SOFTWARE' ? software : section === 'HARDWARE' ? hardware : all;
  return JSON.stringify(pick).replace(/#/g, '');
}

function infoJson(s: MachineState): string {
  return JSON.stringify({
    errors: s.errors.map((e) => e.code),
    maintenanceNotesLeft: s.maintenanceNotesLeft,
    stacker: { notes: stackerNotes(s), capacity: s.profile.stacker.capacity, full: s.stackerFull },
  });
}

function describePieces(ctx: Ctx, pieces: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const p of pieces) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([value, n]) => `${n} × ${ctx.money(value)}`)
    .join(', ');
}
