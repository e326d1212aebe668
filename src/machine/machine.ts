/**
 * The Cashlogy machine and its connector as a pure reducer:
 *
 *   step(state, input, nowMs) → { state, outputs, timers }
 *
 *   frame ──► parse (BAD_DATA) ──► faults 'command' ──► gate ──► dispatch ──► reply
 *                                                 BUSY · ILLEGAL · GENERIC   │
 *        an operation's start (operations/<kind>.ts) ◄─────────────────────┤
 *        a query, a maintenance or a session command (queries.ts, …) ◄─────┘
 *   timer 'op' ──► the open operation's handler: the next piece, or it completes
 *   timer 'customer' ──► the automatic customer pays (control.ts)
 *   timer 'errors' ──► a fault's `for` window ends, the device error clears
 *   control inputs ──► control.ts (customer, operator, inventory, faults, reset)
 *
 * This file keeps only `step` and dispatch; every place that depends on the kind of operation
 * asks its handler (operations/index.ts). Domain faults come from the fault book in the state
 * (plain data, consulted at the 'command' and 'progress' points) and act through the effects
 * API (fault-effects.ts); transport faults never reach the model (the connection's chain
 * applies them). Money is conserved on every path: recyclers + stacker + dispensed + removed =
 * initial + inserted (see ledger). Choices where protocol.md is uncertain are listed in
 * docs/protocol-choices.md.
 */
import { BAD_DATA_REPLY, encodeReply, parseFrame, type ParsedCommand } from '../protocol/codec.js';
import type { MachineInput, StepResult } from './api.js';
import { removeErrors } from './active-errors.js';
import { Ctx, type CommandHandler } from './context.js';
import { autoCustomer, onArmFault, onClearErrors, onCustomer, onDisarmFault, onOperatorClose, onReset, onSetCustomer, onSetInventory, settleOperation } from './control.js';
import { applyFault } from './fault-effects.js';
import { gate } from './gate.js';
import { MAINTENANCE } from './maintenance.js';
import { handlerOf, OPERATIONS, operationStartedBy } from './operations/index.js';
import { QUERIES } from './queries.js';
import { SESSION_COMMANDS } from './session-commands.js';
import { connSetAdd, connSetRemove, type MachineState } from './state.js';

export { initialState, type InitialStateOptions } from './state.js';
export { cashTotal, denomination, levelWarning } from './inventory.js';

/** Commands that start no operation: the session, queries, maintenance, and those acting on an open operation (`#Q#`, `#J#`). */
const COMMANDS: Readonly<Record<string, CommandHandler>> = Object.assign(
  {},
  SESSION_COMMANDS,
  QUERIES,
  MAINTENANCE,
  ...Object.values(OPERATIONS).map((h) => h.commands ?? {}),
);

/** The step's context: its state shares every part with `prev` until the step changes it (context.ts). */
function newCtx(prev: MachineState, nowMs: number): Ctx {
  return new Ctx(prev, nowMs, applyFault);
}

export function step(prev: MachineState, input: MachineInput, nowMs: number): StepResult<MachineState> {
  const ctx = newCtx(prev, nowMs);
  switch (input.type) {
    case 'connect':
      ctx.s.conns = connSetAdd(ctx.s.conns, input.conn);
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
    case 'arm-fault':
      onArmFault(ctx, input.id, input.spec);
      break;
    case 'disarm-fault':
      onDisarmFault(ctx, input.id);
      break;
    case 'reset':
      return onReset(ctx, input.closeConnections !== false);
  }
  return { state: ctx.s, outputs: ctx.outputs, timers: ctx.timers };
}

function onDisconnect(ctx: Ctx, conn: number): void {
  const { s } = ctx;
  s.conns = connSetRemove(s.conns, conn);
  if (s.initConns.includes(conn)) s.initConns = s.initConns.filter((c) => c !== conn);
  const op = s.operation;
  if (op && op.conn === conn && handlerOf(op).blocking) {
    // protocol.md §2.9 "Response delayed!": the operation runs to its end; only the reply is lost.
    ctx.event('machine', `connection ${conn} closed during #${op.command}#: the operation completes, its reply will be dropped`, { conn });
  }
}

function onFrame(ctx: Ctx, conn: number, frame: string): void {
  const parsed = parseFrame(frame, { strict: ctx.s.dialect.strictParameters });
  if (!parsed.ok) {
    ctx.event('machine', `#ER:BAD_DATA#: ${parsed.problem}`, { conn });
    ctx.reply(conn, parsed.code ?? '', BAD_DATA_REPLY);
    return;
  }
  const cmd = parsed.command;
  const fired = ctx.consult({ point: 'command', conn, command: cmd.code, frame });
  let busy = false;
  for (const f of fired) busy = ctx.applyFault(f, conn, null).busy || busy;
  if (busy) return ctx.reply(conn, cmd.code, encodeReply('ER:BUSY'));
  const refusal = gate(ctx.s, conn, cmd);
  if (refusal !== null) return ctx.reply(conn, cmd.code, refusal);
  dispatch(ctx, conn, cmd);
}

function dispatch(ctx: Ctx, conn: number, cmd: ParsedCommand): void {
  const starts = operationStartedBy(cmd);
  if (starts) return starts.start(ctx, conn, cmd);
  const command = COMMANDS[cmd.code];
  if (command) return command(ctx, conn, cmd);
  // The command table and the handlers cover the same codes; reaching here is a bug worth seeing.
  ctx.event('machine', `no handler for #${cmd.code}#`, { conn });
  ctx.reply(conn, cmd.code, BAD_DATA_REPLY);
}

function onTimer(ctx: Ctx, id: string): void {
  const { s } = ctx;
  if (!(id in s.timers)) return; // stale: cleared or replaced since it was set
  ctx.timerFired(id);
  if (id === 'errors') {
    removeErrors(ctx, (e) => e.until !== null && e.until <= ctx.now, 'its time ran out');
    const op = s.operation;
    if (op) handlerOf(op).errorsCleared?.(ctx, op);
    return;
  }
  if (id === 'customer') return autoCustomer(ctx);
  if (id !== 'op') return;
  const op = s.operation;
  if (op) handlerOf(op).timer(ctx, op);
}

/**
 * What a reset does to the open operation, without the reset: the state just before the machine
 * returns to the profile's initial state (money conservation must hold there too).
 */
export function settleForReset(prev: MachineState, nowMs: number): { state: MachineState; summary: string | null } {
  const ctx = newCtx(prev, nowMs);
  const summary = settleOperation(ctx);
  return { state: ctx.s, summary };
}
