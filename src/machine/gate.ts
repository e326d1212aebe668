/**
 * Which commands the machine takes now, in the order a real connector checks (protocol.md §2,
 * docs/protocol-choices.md): a restart pending, an operation that blocks, power, `#I#`, an open
 * acceptance, device errors. Returns the refusal to send, or null to handle the command.
 */
import { encodeReply, type ParsedCommand } from '../protocol/codec.js';
import { blockingError, hasError } from './active-errors.js';
import { POWER_OFF_CODE } from './device-errors.js';
import { handlerOf } from './operations/index.js';
import type { MachineState } from './state.js';

/** Commands answered before `#I#` (everything else is `#ER:ILLEGAL#`). */
const BEFORE_INIT = new Set(['I', 'Z', 'E', '!']);
/** Commands answered while the machine is switched off (power-off fault). */
const WHILE_POWER_OFF = new Set(['?', 'Z', 'E', '!']);

export function gate(s: MachineState, conn: number, cmd: ParsedCommand): string | null {
  const code = cmd.code;
  if (s.restartPending && code !== 'I') return encodeReply('ER:ILLEGAL');
  const op = s.operation;
  const handler = op ? handlerOf(op) : undefined;
  if (handler?.blocking && code !== '!') return encodeReply('ER:BUSY');
  if (hasError(s, POWER_OFF_CODE)) {
    // The connector is up and can still say why nothing works; #I# is needed once power is back.
    if (code === '?') return null;
    if (!WHILE_POWER_OFF.has(code)) return genericFailure(code);
  }
  if (!isInitialized(s, conn) && !BEFORE_INIT.has(code)) return encodeReply('ER:ILLEGAL');
  if (handler && !handler.blocking && !(handler.admits?.has(code) ?? false)) return encodeReply('ER:BUSY');
  if (cmd.spec.movesMoney && blockingError(s)) return genericFailure(code);
  return null;
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
