/** Maintenance commands: the preventive-maintenance counter (`#W#`), coins to zero (`#K#`), incidents resolved (`#RI#`). */
import { encodeReply } from '../protocol/codec.js';
import { removeErrors } from './active-errors.js';
import type { CommandHandler } from './context.js';
import { MAINTENANCE_DUE_CODE } from './device-errors.js';
import { cashTotal, sum } from './inventory.js';

export const MAINTENANCE: Readonly<Record<string, CommandHandler>> = {
  W: (ctx, conn, cmd) => {
    const { s } = ctx;
    const action = Number(cmd.params[0] ?? '0') || 0;
    if (action === 0) return ctx.reply(conn, cmd.code, encodeReply('0', [s.maintenanceNotesLeft]));
    s.maintenanceNotesLeft = s.profile.maintenance.notesBetweenService;
    if (action === 2) removeErrors(ctx, (e) => e.code === MAINTENANCE_DUE_CODE || e.code === 1565, 'maintenance recorded (#W#2#)');
    return ctx.reply(conn, cmd.code, encodeReply('0'));
  },
  K: (ctx, conn, cmd) => {
    const { s } = ctx;
    const before = sum(s.recyclers);
    let coins = 0;
    const recyclers = ctx.own('recyclers');
    for (const d of s.profile.coins) {
      const key = String(d.value);
      coins += (recyclers[key] ?? 0) * d.value;
      recyclers[key] = 0;
    }
    ctx.own('ledger').removed += coins;
    ctx.event('machine', `coins set to zero (#K#): ${ctx.money(coins)} taken out by the operator`, { conn });
    return ctx.reply(conn, cmd.code, encodeReply('0', [before, sum(s.recyclers)]));
  },
  RI: (ctx, conn, cmd) => {
    const total = cashTotal(ctx.s);
    removeErrors(ctx, (e) => e.code === 1002 || e.code === 1014, 'incidents resolved (#RI#)');
    return ctx.reply(conn, cmd.code, encodeReply('0', [total, total, 0, 0, 0, 0]));
  },
};
