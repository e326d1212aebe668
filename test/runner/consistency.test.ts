import { describe, expect, it } from 'vitest';
import type { PosOutcome } from '../../src/pos/types.js';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { consistencyChecks, type ActionSpan } from '../../src/runner/consistency.js';

const pos = (data: string, conn = 1): TranscriptEntry => ({ at: 0, conn, dir: 'in', data });
const cx = (data: string, conn = 1): TranscriptEntry => ({ at: 0, conn, dir: 'out', data });
const span = (action: ActionSpan['action'], outcome: PosOutcome, entries: TranscriptEntry[]): ActionSpan => ({ action, label: action, outcome, startIndex: 0, endIndex: entries.length });
const judge = (entries: TranscriptEntry[], action: ActionSpan['action'], outcome: PosOutcome) => consistencyChecks(entries, [span(action, outcome, entries)]);

const charge = '#C#1#1#990#1#15360#0#0#0#1#0#0#';

describe('outcome vs wire', () => {
  it('a correct express sale agrees', () => {
    const wire = [pos(charge), cx('#WR:LEVEL#2000#1010#0#0#')];
    const [c] = judge(wire, 'sale', { outcome: 'completed', paid: 990, change: 1010, owed: 0 });
    expect(c?.status).toBe('passed');
  });

  it('a sale booked although the connector answered WR:CANCEL fails, showing both sides', () => {
    const wire = [pos(charge), cx('#WR:CANCEL#0#0#0#0#')];
    const [c] = judge(wire, 'sale', { outcome: 'completed', paid: 990 });
    expect(c?.status).toBe('failed');
    expect(c?.message).toBe('the POS reported the sale completed (paid 990) but the connector answered #WR:CANCEL#0#0#0#0# to ' + charge);
    expect(c?.actual).toContain('POS: {"outcome":"completed","paid":990}');
    expect(c?.actual).toContain('#WR:CANCEL#0#0#0#0#');
  });

  it('booking the gross amount inserted fails', () => {
    const wire = [pos(charge), cx('#0#2000#1010#0#0#')];
    const [c] = judge(wire, 'sale', { outcome: 'completed', paid: 2000 });
    expect(c?.message).toContain('the POS booked paid 2000 but the connector kept 990');
  });

  it('wrong change fails', () => {
    const wire = [pos(charge), cx('#0#2000#1010#0#0#')];
    expect(judge(wire, 'sale', { outcome: 'completed', paid: 990, change: 0 })[0]?.message).toContain('believes 0 change');
  });

  it('a sale reported failed while the connector charged it fails', () => {
    const wire = [pos(charge), cx('#0#1000#10#0#0#')];
    expect(judge(wire, 'sale', { outcome: 'failed' })[0]?.message).toContain('completed the charge and kept 990');
  });

  it('a cancel ack is not taken for the charge reply', () => {
    const wire = [pos(charge), pos('#!#'), cx('#0#'), cx('#WR:CANCEL#500#500#0#0#')];
    expect(judge(wire, 'sale', { outcome: 'cancelled', paid: 0 })[0]?.status).toBe('passed');
    expect(judge(wire, 'sale', { outcome: 'completed', paid: 990 })[0]?.status).toBe('failed');
  });

  it('no-screen sale: paid + owed must equal inserted − dispensed', () => {
    const wire = [pos('#B#0#0#0#'), cx('#0#'), pos('#J#'), cx('#0#2000#'), pos('#P#1010#0#0#0#'), cx('#ER:GENERIC#1000#0#')];
    expect(judge(wire, 'sale', { outcome: 'completed', paid: 990, owed: 10 })[0]?.status).toBe('passed');
    expect(judge(wire, 'sale', { outcome: 'completed', paid: 990, owed: 0 })[0]?.message).toContain('the machine kept 1000');
  });

  it('a lost #P# reply leaves the wire inconclusive: no contradiction is claimed', () => {
    const wire = [pos('#B#0#0#0#'), cx('#0#'), pos('#J#'), cx('#0#2000#'), pos('#P#1010#0#0#0#'), pos('#T#', 2), cx('#0#41890#', 2)];
    expect(judge(wire, 'sale', { outcome: 'completed', paid: 990, change: 1010 })[0]?.status).toBe('passed');
  });

  it('a completed sale that never reached the connector fails', () => {
    expect(judge([pos('#T#'), cx('#0#100#')], 'sale', { outcome: 'completed', paid: 990 })[0]?.message).toContain('never charged it');
  });

  it('refunds: refunded must match what was dispensed', () => {
    const wire = [pos('#P#1250#0#0#0#'), cx('#0#1250#0#')];
    expect(judge(wire, 'refund', { outcome: 'completed', refunded: 1250 })[0]?.status).toBe('passed');
    expect(judge(wire, 'refund', { outcome: 'completed', refunded: 2000 })[0]?.status).toBe('failed');
    expect(judge([], 'refund', { outcome: 'completed', refunded: 100 })[0]?.message).toContain('never dispensed');
  });

  it('other actions and actions without an outcome are not judged', () => {
    expect(consistencyChecks([pos('#I#')], [{ action: 'startup', label: 'startup', startIndex: 0, endIndex: 1, outcome: { outcome: 'completed' } }])).toEqual([]);
    expect(consistencyChecks([pos(charge)], [{ action: 'sale', label: 'sale', startIndex: 0, endIndex: 1 }])).toEqual([]);
  });
});
