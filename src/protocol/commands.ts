/**
 * The command table of the CashlogyConnector protocol (protocol.md §5): every code the
 * simulator understands, its parameters by position, the parameter counts a strict and a
 * lenient connector accept, and the data fields of its success reply.
 *
 * Lenient counts exist because a widely deployed driver (pywebdriver, behind Odoo's POS) sends
 * `#B#0#`, a three-parameter `#P#` and a ten-parameter `#C#` to real connectors in production
 * (protocol.md §16.2). Missing trailing parameters then read as "0".
 */

/** How one parameter is checked. */
export type ParamKind =
  /** 0 or 1. */
  | 'flag'
  /** A non-negative integer (coordinates, screen modes, actions). */
  | 'int'
  /** A non-negative amount in minor units: digits only, no sign, no decimal point (§6.1). */
  | 'cents'
  /** Free text (operation number, till code): anything but `#`, at most 64 characters. */
  | 'text'
  /** A denomination list `coins;notes` (§6.2); the lenient reading also takes one side without `;`. */
  | 'vpd'
  /** Denominations to act on: plain values or `value:count`, with or without `;` (`#V2#`, §5.13). */
  | 'values'
  /** A comma-separated list of integer error codes (may be empty). */
  | 'codes'
  /** One of `values`. */
  | 'word';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** An empty field is accepted (`#V#1##`, `#V2#2##…`) and reads as the default. */
  allowEmpty?: boolean;
  /** For `word` and restricted `int` parameters: the accepted values. */
  values?: readonly string[];
}

export interface CommandSpec {
  /** The code between the first two `#` ("C", "GC2", "!"). */
  code: string;
  /** One line for help texts and the README. */
  summary: string;
  params: readonly ParamSpec[];
  /** Parameter counts the strict reading accepts. */
  counts: readonly number[];
  /** Smallest count the lenient (default) reading accepts; missing trailing parameters read as "0". */
  lenientMin?: number;
  /** Replies only when a physical or operator action ends (protocol.md §5 "Blocking"). */
  blocking: boolean;
  /** Moves cash in or out: refused with `#ER:GENERIC#` while a blocking device error is active. */
  movesMoney: boolean;
  /** Data fields of the success reply, after the status. */
  reply: readonly string[];
  /**
   * `#!#` interrupts it (protocol.md §5.26): a bare `#0#` after a `#!#` then acknowledges the
   * cancel instead of answering the command. Commands that end on their own never set it.
   */
  interruptible?: true;
  /** Opens an acceptance the customer pays into (a charge, a no-screen sale, a refill). */
  opensAcceptance?: true;
}

const flag = (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, kind: 'flag', ...extra });
const int = (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, kind: 'int', ...extra });
const SCREEN_MODE = ['0', '1', '2'] as const;
const BACKOFFICE_REPLY = ['before', 'after', 'inserted', 'withdrawn', 'notDispensed', 'consolidated'] as const;

function screen(code: string, summary: string): CommandSpec {
  return {
    code,
    summary,
    params: [flag('onTop')],
    counts: [1],
    blocking: true,
    movesMoney: false,
    reply: BACKOFFICE_REPLY,
  };
}

export const COMMANDS: readonly CommandSpec[] = [
  { code: 'I', summary: 'initialise', params: [], counts: [0], blocking: true, movesMoney: false, reply: ['version'], interruptible: true },
  { code: 'E', summary: 'end the session', params: [], counts: [0], blocking: false, movesMoney: false, reply: [] },
  {
    code: 'C',
    summary: 'charge with the connector screens (Express)',
    params: [
      { name: 'operation', kind: 'text' },
      { name: 'till', kind: 'text' },
      { name: 'amount', kind: 'cents' },
      flag('secondScreen'),
      int('screenX'),
      int('screenY'),
      flag('acceptButton'),
      flag('partialCharge'),
      flag('onTop'),
      flag('manualCents'),
      flag('manualDeposit'),
    ],
    counts: [11],
    lenientMin: 10,
    blocking: true,
    movesMoney: true,
    reply: ['auto', 'returned', 'manual', 'added'],
    interruptible: true,
    opensAcceptance: true,
  },
  {
    code: 'G',
    summary: 'open the backoffice menu (Express)',
    params: [
      flag('status'),
      flag('addChange'),
      flag('addChangeManualCent'),
      flag('withdrawCash'),
      flag('collectStacker'),
      flag('completeEmptying'),
      flag('giveChange'),
      flag('closure'),
      flag('viewLogs'),
      flag('coinsToZero'),
      flag('statistics'),
      flag('onTop'),
      flag('maintenance'),
      int('resolveSelfProtection'),
      flag('resolveMismatch'),
    ],
    counts: [13, 15],
    lenientMin: 13,
    blocking: true,
    movesMoney: false,
    reply: BACKOFFICE_REPLY,
    interruptible: true,
  },
  {
    code: 'B',
    summary: 'start accepting cash (no-screen sale)',
    params: [int('onTop'), int('screenX'), int('screenY')],
    counts: [3],
    lenientMin: 1,
    blocking: false,
    movesMoney: true,
    reply: [],
    opensAcceptance: true,
  },
  { code: 'Q', summary: 'amount accepted so far', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['amount'] },
  { code: 'J', summary: 'stop accepting, final amount', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['amount'] },
  {
    code: 'P',
    summary: 'dispense an amount',
    params: [{ name: 'amount', kind: 'cents' }, flag('onTop'), flag('showScreen'), flag('onlyCoins')],
    counts: [4],
    lenientMin: 3,
    blocking: true,
    movesMoney: true,
    reply: ['dispensed', 'added'],
    interruptible: true,
  },
  { code: '!', summary: 'cancel the current operation', params: [], counts: [0], blocking: false, movesMoney: false, reply: [] },
  {
    code: 'A',
    summary: 'add change (refill); 2 = no screen, then #Q#/#J#',
    params: [int('screenMode', { values: SCREEN_MODE })],
    counts: [1],
    blocking: false,
    movesMoney: true,
    reply: [],
    interruptible: true,
    opensAcceptance: true,
  },
  {
    code: 'U',
    summary: 'dispense by denomination',
    params: [{ name: 'denominations', kind: 'vpd' }, flag('notesToStacker'), flag('onTop'), flag('showScreen')],
    counts: [4],
    lenientMin: 1,
    blocking: true,
    movesMoney: true,
    reply: ['dispensed'],
    interruptible: true,
  },
  {
    code: 'U2',
    summary: 'dispense by denomination to a destination (0 exit, 1 stacker, 2 safe)',
    params: [{ name: 'denominations', kind: 'vpd' }, int('destination', { values: ['0', '1', '2'] }), flag('onTop'), flag('showScreen')],
    counts: [4],
    lenientMin: 2,
    blocking: true,
    movesMoney: true,
    reply: ['dispensed'],
    interruptible: true,
  },
  {
    code: 'S',
    summary: 'collect (remove) the stacker',
    params: [int('screenMode', { values: SCREEN_MODE })],
    counts: [1],
    blocking: true,
    movesMoney: false,
    reply: ['removed'],
    interruptible: true,
  },
  {
    code: 'F',
    summary: 'closure / cash float wizard',
    params: [flag('onTop')],
    counts: [1],
    blocking: true,
    movesMoney: false,
    reply: ['before', 'added', 'remaining'],
    interruptible: true,
  },
  {
    code: 'V',
    summary: 'complete emptying',
    params: [
      int('screenMode', { values: SCREEN_MODE }),
      flag('notesToStacker', { allowEmpty: true }),
      flag('coinsToExit', { allowEmpty: true }),
    ],
    counts: [3],
    lenientMin: 1,
    blocking: true,
    movesMoney: true,
    reply: ['emptied'],
    interruptible: true,
  },
  {
    code: 'V2',
    summary: 'complete emptying, extended (destination 1 stacker, 2 safe)',
    params: [
      int('screenMode', { values: SCREEN_MODE }),
      flag('onlyCoins', { allowEmpty: true }),
      { name: 'denominations', kind: 'values', allowEmpty: true },
      int('destination', { values: ['1', '2'], allowEmpty: true }),
    ],
    counts: [4],
    blocking: true,
    movesMoney: true,
    reply: ['emptied'],
    interruptible: true,
  },
  { code: 'T', summary: 'total cash', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['recyclers', 'stacker'] },
  {
    code: 'T2',
    summary: 'total cash per location',
    params: [],
    counts: [0],
    blocking: false,
    movesMoney: false,
    reply: ['recyclers', 'nonReturnable', 'stacker', 'safe'],
  },
  { code: 'Y', summary: 'quantity of every denomination', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['recyclers', 'stacker'] },
  {
    code: 'Y2',
    summary: 'quantity of every denomination per location',
    params: [],
    counts: [0],
    blocking: false,
    movesMoney: false,
    reply: ['recyclers', 'nonReturnable', 'stacker', 'safe'],
  },
  {
    code: 'X',
    summary: 'quantity of one denomination',
    params: [{ name: 'value', kind: 'cents' }],
    counts: [1],
    blocking: false,
    movesMoney: false,
    reply: ['recyclers', 'stacker'],
  },
  {
    code: 'X2',
    summary: 'quantity of one denomination per location',
    params: [{ name: 'value', kind: 'cents' }],
    counts: [1],
    blocking: false,
    movesMoney: false,
    reply: ['recyclers', 'nonReturnable', 'stacker', 'safe'],
  },
  { code: 'GC', summary: 'level state per denomination', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['levels'] },
  {
    code: 'GC2',
    summary: 'level state and fill percentage per denomination',
    params: [],
    counts: [0],
    blocking: false,
    movesMoney: false,
    reply: ['levels', 'percentages'],
  },
  { code: 'GI', summary: 'serial number and capabilities', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['serial', 'capabilities'] },
  {
    code: 'GV',
    summary: 'versions (JSON)',
    params: [{ name: 'section', kind: 'word', values: ['GENERAL', 'SOFTWARE', 'HARDWARE', 'ALL'] }],
    counts: [0, 1],
    blocking: false,
    movesMoney: false,
    reply: ['json'],
  },
  {
    code: 'W',
    summary: 'maintenance without screens (0 query, 1 reset counter, 2 record maintenance)',
    params: [int('action', { values: ['0', '1', '2'] })],
    counts: [1],
    blocking: false,
    movesMoney: false,
    reply: ['notesLeft'],
    interruptible: true,
  },
  {
    code: 'K',
    summary: 'set coins to zero',
    params: [int('screenMode', { values: SCREEN_MODE })],
    counts: [1],
    blocking: false,
    movesMoney: false,
    reply: ['before', 'after'],
  },
  {
    code: 'RI',
    summary: 'resolve incidents (self-protection, accounting mismatch)',
    params: [int('selfProtection'), int('accountingMismatch'), int('screenMode', { values: SCREEN_MODE })],
    counts: [3],
    blocking: false,
    movesMoney: false,
    reply: ['before', 'after', 'in', 'out', 'pending', 'mismatch'],
  },
  { code: 'INFO', summary: 'problem-solving information', params: [], counts: [0], blocking: false, movesMoney: false, reply: ['info'] },
  {
    code: '?',
    summary: 'device errors: #?# codes, #?#<codes>#<relativePaths># details, #?#SHOW# error screen',
    params: [{ name: 'codes', kind: 'codes' }, flag('relativePaths')],
    counts: [0, 1, 2],
    blocking: false,
    movesMoney: false,
    reply: ['codes'],
  },
  { code: 'Z', summary: 'reset (needs #I# again)', params: [], counts: [0], blocking: false, movesMoney: false, reply: [] },
  screen('D', 'status screen'),
  screen('H', 'give change screen'),
  screen('R', 'withdraw cash screen'),
  screen('M', 'absolute statistics screen'),
  screen('N', 'relative statistics screen'),
  screen('O', 'maintenance screen'),
  screen('L', 'logs screen'),
];

const BY_CODE = new Map(COMMANDS.map((c) => [c.code, c]));

/** Every command code the simulator knows, as written between the first two `#`. */
export const COMMAND_CODES: readonly string[] = COMMANDS.map((c) => c.code);

/** The longest command code ("INFO"): the framer needs no more lookahead than this. */
export const MAX_CODE_LENGTH = Math.max(...COMMAND_CODES.map((c) => c.length));

export function commandSpec(code: string): CommandSpec | undefined {
  return BY_CODE.get(code);
}

export function isCommandCode(code: string): boolean {
  return BY_CODE.has(code);
}

/** Whether `#!#` interrupts this command (protocol.md §5.26); unknown codes are not. */
export function isInterruptible(code: string): boolean {
  return BY_CODE.get(code)?.interruptible === true;
}

/** Whether this command opens an acceptance the customer pays into. */
export function opensAcceptance(code: string): boolean {
  return BY_CODE.get(code)?.opensAcceptance === true;
}
