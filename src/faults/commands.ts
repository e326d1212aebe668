/**
 * Command codes a fault trigger may name (`on: {command: C}`), with the words used in fault
 * sentences. The codec's table (src/protocol/commands.ts) is the authority on which codes
 * exist; this file only adds the words.
 */
import { COMMAND_CODES } from '../protocol/commands.js';

const COMMAND_NAMES: Record<string, string> = {
  I: 'initialisation',
  E: 'end of session',
  C: 'charge',
  G: 'backoffice',
  B: 'acceptance',
  Q: 'amount query',
  J: 'end of acceptance',
  P: 'dispense',
  A: 'refill',
  U: 'dispense by denomination',
  S: 'stacker collection',
  F: 'closure',
  V: 'complete emptying',
  T: 'totals query',
  Y: 'quantities query',
  X: 'denomination query',
  GC: 'level query',
  GI: 'machine information query',
  GV: 'versions query',
  W: 'maintenance',
  D: 'status screen',
  H: 'give-change screen',
  R: 'withdrawal screen',
  M: 'statistics screen',
  N: 'relative statistics screen',
  O: 'maintenance screen',
  L: 'logs screen',
  K: 'set coins to zero',
  RI: 'incident resolution',
  INFO: 'information query',
  '?': 'error query',
  '!': 'cancel',
  Z: 'reset',
  T2: 'extended totals query',
  X2: 'extended denomination query',
  Y2: 'extended quantities query',
  GC2: 'extended level query',
  U2: 'extended dispense by denomination',
  V2: 'extended complete emptying',
};

export const FAULT_COMMAND_CODES: readonly string[] = COMMAND_CODES;

/** Codes that have words for sentences (a test keeps this in step with the codec's table). */
export const NAMED_COMMAND_CODES: readonly string[] = Object.keys(COMMAND_NAMES);

/** "C" → "the charge (#C#)"; unknown codes are shown as frames. */
export function commandPhrase(code: string): string {
  const name = COMMAND_NAMES[code];
  return name === undefined ? `#${code}#` : `the ${name} (#${code}#)`;
}

/**
 * "#C#", "c", " C " → "C". Returns the text unchanged (trimmed, without #) when it is not a
 * known code, so that the caller can report it with a suggestion.
 */
export function normalizeCommandCode(text: string): string {
  const bare = text.trim().replace(/^#+/, '').replace(/#+$/, '');
  if (FAULT_COMMAND_CODES.includes(bare)) return bare;
  const upper = bare.toUpperCase();
  return FAULT_COMMAND_CODES.includes(upper) ? upper : bare;
}
