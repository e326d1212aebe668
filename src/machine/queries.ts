/**
 * Commands that only read the machine: totals (`#T#`), counts (`#Y#`, `#X#`), levels (`#GC#`),
 * identity and versions (`#GI#`, `#GV#`, `#INFO#`) and device errors (`#?#`). `#?#SHOW#` opens a
 * screen instead (operations/screen.ts).
 */
import { BAD_DATA_REPLY, encodeReply, formatVpd } from '../protocol/codec.js';
import type { CommandHandler } from './context.js';
import { errorDetail, JAM_CODES } from './device-errors.js';
import { denomination, okOrLevel, stackerNotes } from './inventory.js';
import { levelCode, stackerLevelCode } from './levels.js';
import type { Denomination } from './profile.js';
import type { MachineState } from './state.js';

export const QUERIES: Readonly<Record<string, CommandHandler>> = {
  T: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, totalsReply(ctx.total('recyclers'), ctx.total('stacker'))),
  T2: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply('0', [ctx.total('recyclers'), 0, ctx.total('stacker'), 0])),
  Y: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply(okOrLevel(ctx.s, cmd.code), [countsVpd(ctx.s, ctx.s.recyclers), countsVpd(ctx.s, ctx.s.stacker)])),
  Y2: (ctx, conn, cmd) => {
    const { s } = ctx;
    ctx.reply(conn, cmd.code, encodeReply('0', [countsVpd(s, s.recyclers), countsVpd(s, null), countsVpd(s, s.stacker), countsVpd(s, null)]));
  },
  X: countOf,
  X2: countOf,
  GC: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply('0', [levelsVpd(ctx.s)])),
  GC2: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply('0', [levelsVpd(ctx.s), percentagesVpd(ctx.s)])),
  GI: (ctx, conn, cmd) => {
    const { profile } = ctx;
    const cap = (d: Denomination) => [d.value, d.recyclable ? 3 : 1] as const;
    ctx.reply(conn, cmd.code, encodeReply('0', [profile.serial, formatVpd(profile.coins.map(cap), profile.notes.map(cap))]));
  },
  GV: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply('0', [versionsJson(ctx.s, cmd.given === 0 ? 'ALL' : (cmd.params[0] ?? 'ALL'))])),
  INFO: (ctx, conn, cmd) => ctx.reply(conn, cmd.code, encodeReply('0', [infoJson(ctx.s)])),
  '?': (ctx, conn, cmd) => {
    const p = cmd.params;
    if (cmd.given === 0) return ctx.reply(conn, cmd.code, encodeReply('0', [ctx.s.errors.map((e) => e.code).join(',')]));
    const codes = (p[0] ?? '') === '' ? [] : (p[0] ?? '').split(',').map(Number);
    const relative = p[1] === '1';
    return ctx.reply(conn, cmd.code, encodeReply('0', codes.map((c) => errorDetail(c, relative))));
  },
};

/**
 * `#0#<recyclers>#<stacker>#`, the same text object again while the totals stay the same: a POS
 * polls `#T#`, and a reply rebuilt each time is one more string to build, flatten for the socket
 * and keep in the transcript. A memo of a pure function: the step stays pure.
 */
function totalsReply(recyclers: number, stacker: number): string {
  if (recyclers !== lastTotals.recyclers || stacker !== lastTotals.stacker) {
    lastTotals = { recyclers, stacker, reply: encodeReply('0', [recyclers, stacker]) };
  }
  return lastTotals.reply;
}
let lastTotals = { recyclers: Number.NaN, stacker: Number.NaN, reply: '' };

/** `#X#`/`#X2#`: the pieces of one denomination in the recyclers and the stacker. */
function countOf(...[ctx, conn, cmd]: Parameters<CommandHandler>): void {
  const { s } = ctx;
  const code = cmd.code;
  const value = Number(cmd.params[0] ?? '0') || 0;
  const d = denomination(s.profile, value);
  if (!d) {
    ctx.event('machine', `#ER:BAD_DATA#: ${value} is not a denomination of ${s.profile.name}`, { conn });
    return ctx.reply(conn, code, BAD_DATA_REPLY);
  }
  const key = String(value);
  const fields = code === 'X' ? [s.recyclers[key] ?? 0, s.stacker[key] ?? 0] : [s.recyclers[key] ?? 0, 0, s.stacker[key] ?? 0, 0];
  ctx.reply(conn, code, encodeReply('0', fields));
}

function countsVpd(s: MachineState, counts: Record<string, number> | null): string {
  const entry = (d: Denomination) => [d.value, counts ? (counts[String(d.value)] ?? 0) : 0] as const;
  return formatVpd(s.profile.coins.map(entry), s.profile.notes.map(entry));
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
