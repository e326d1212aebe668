/**
 * Alternative CORRECT designs of the reference POS: choices a real integrator makes, each
 * backed by protocol.md, each certifiable. The shipped checklists must pass every one of
 * them; a checklist that fails one of them is tuned to a single client, not to the protocol.
 *
 * Pure data and parsing, no sockets, kept with the POS profile that names them: the profile
 * format (pos.yaml `driver.options`), the reference POS's process flags
 * (src/reference-pos/main.ts) and the matrix tests all read the same vocabulary from here.
 * The first value of each list is the default (the behaviour the reference POS always had).
 */

export const REFERENCE_DESIGNS = {
  /** After a lost reply to a money command: settle from the `#T#` totals, or book nothing and ask the cashier. */
  recovery: ['reconcile', 'ask-cashier'],
  /** Read `#?#` right after a device error, or at the start of the next operation. */
  errorCheck: ['immediate', 'next-operation'],
  /** One persistent socket, or a new socket for every command (§2.7). */
  connection: ['persistent', 'per-command'],
  /** The 7th `#C#` flag: the charge ends by itself, or when the customer presses Accept (§5.3). */
  acceptButton: ['off', 'on'],
  /** Bare frames, or frames followed by CR/LF (§2.4, §13.1). */
  lineEnd: ['none', 'crlf'],
  /** A reply is whole at its command's field count (S-HIT), or after a silence (S-RC) (§2.5). */
  replyRead: ['fields', 'idle'],
  /** Pause after each `#Q#` reply, in ms: observed clients poll every 200 ms to 2 s (§5.6). */
  pollIntervalMs: [200, 1000],
} as const;

export type DesignKey = keyof typeof REFERENCE_DESIGNS;

export interface ReferenceDesign {
  recovery: (typeof REFERENCE_DESIGNS.recovery)[number];
  errorCheck: (typeof REFERENCE_DESIGNS.errorCheck)[number];
  connection: (typeof REFERENCE_DESIGNS.connection)[number];
  acceptButton: (typeof REFERENCE_DESIGNS.acceptButton)[number];
  lineEnd: (typeof REFERENCE_DESIGNS.lineEnd)[number];
  replyRead: (typeof REFERENCE_DESIGNS.replyRead)[number];
  /** Any whole number of ms within POLL_INTERVAL_BOUNDS_MS; the list above is what a matrix samples. */
  pollIntervalMs: number;
}

export const DESIGN_KEYS = Object.keys(REFERENCE_DESIGNS) as DesignKey[];

/** The polling periods real clients use (§5.6): 200 ms after each reply (S-VAL, S-HIT) to 2 s (S-SCO). */
export const POLL_INTERVAL_BOUNDS_MS = { min: 200, max: 2_000 } as const;

export const DEFAULT_DESIGN: ReferenceDesign = {
  recovery: 'reconcile',
  errorCheck: 'immediate',
  connection: 'persistent',
  acceptButton: 'off',
  lineEnd: 'none',
  replyRead: 'fields',
  pollIntervalMs: 200,
};

/** `errorCheck` → `--error-check`. */
export function designFlag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The process flags that select `design` (only the keys it sets), for main.ts's argv. */
export function designFlags(design: Partial<ReferenceDesign>): string[] {
  return DESIGN_KEYS.flatMap((key) => (design[key] === undefined ? [] : [designFlag(key), String(design[key])]));
}

/**
 * Reads design values given as text or YAML scalars (`{recovery: 'ask-cashier'}`). Returns the
 * design and one problem per bad key, each naming the key (as `name(key)` spells it: a flag or
 * a YAML key), the value and what is allowed.
 */
export function parseDesign(
  raw: Readonly<Record<string, unknown>>,
  name: (key: string) => string = (key) => key,
): { design: Partial<ReferenceDesign>; problems: string[] } {
  const design: Partial<Record<DesignKey, string | number>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(DESIGN_KEYS as string[]).includes(key)) {
      problems.push(`unknown design switch ${name(key)}; known: ${DESIGN_KEYS.map(name).join(', ')}`);
      continue;
    }
    const k = key as DesignKey;
    if (k === 'pollIntervalMs') {
      const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
      const { min, max } = POLL_INTERVAL_BOUNDS_MS;
      if (!Number.isInteger(ms) || ms < min || ms > max) {
        problems.push(`${name(k)} must be a whole number of ms from ${min} to ${max} (the polling periods real clients use, protocol.md §5.6), got ${JSON.stringify(value)}`);
      } else {
        design[k] = ms;
      }
      continue;
    }
    const allowed = REFERENCE_DESIGNS[k] as readonly string[];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      problems.push(`${name(k)} must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
      continue;
    }
    design[k] = value;
  }
  return { design: design as Partial<ReferenceDesign>, problems };
}
