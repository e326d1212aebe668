/**
 * What the tickets faults share: where they fire and how their trigger reads. They belong to the
 * CashlogyTickets look-alike (plane `tickets`), which consults them when it reads a request
 * (point `command`, the command being `venta` or `abono`, the frame the request's file name) or,
 * for tickets-eager-read, when a request file first appears (point `connect`).
 */
import { TICKET_COMMANDS } from '../../tickets/dialect.js';
import { ordinal, triggerExtras, type SpecProblem } from '../definition.js';
import type { FaultOpportunity } from '../engine-types.js';
import type { FaultSpec, FaultTrigger } from '../spec.js';

const WORDS: Record<string, string> = { venta: 'sale request (venta)', abono: 'refund request (abono)' };

/** "the next tickets request", "the 2nd refund request (abono) or a later one", plus probability and times. */
export function ticketTarget(on: FaultTrigger | undefined, noun = 'tickets request'): string {
  const what = on?.command !== undefined ? (WORDS[on.command] ?? `#${on.command}#`) : noun;
  const nth = on?.nth ?? 1;
  return `${nth > 1 ? `the ${ordinal(nth)} ${what} or a later one` : `the next ${what}`}${triggerExtras(on)}`;
}

/** The request file a tickets fault fired on. */
export function requestFile(opportunity: FaultOpportunity): string {
  return opportunity.point === 'command' ? opportunity.frame : 'a request';
}

/** A tickets fault's trigger names a tickets request, not a connector command. */
export function ticketCommandProblems(spec: FaultSpec): SpecProblem[] {
  const command = spec.on?.command;
  if (command === undefined || (TICKET_COMMANDS as readonly string[]).includes(command)) return [];
  return [
    {
      segments: ['on', 'command'],
      message: `${spec.type} acts on tickets requests, not on the connector command "${command}"`,
      hint: `write ${TICKET_COMMANDS.map((c) => `command: ${c}`).join(' or ')} (sale or refund), or leave it out`,
    },
  ];
}
