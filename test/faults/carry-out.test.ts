/**
 * What a delivery does to a connection (src/faults/carry-out.ts), on a recording target: the
 * simulator's session and the proxy's relay are both such a target.
 */
import { describe, expect, it } from 'vitest';
import { deliverLater, deliverNow, type DeliveryTarget, type OutgoingReply } from '../../src/faults/carry-out.js';
import type { Delivery } from '../../src/faults/engine-types.js';

class Recorder implements DeliveryTarget {
  readonly conn = 3;
  readonly splitPauseMs = 5;
  readonly log: string[] = [];
  open = true;
  stopped = false;
  /** Runs during the n-th wait (0-based), e.g. to close the connection mid-split. */
  duringWait: Record<number, () => void> = {};
  private waits = 0;

  async wait(ms: number): Promise<void> {
    this.log.push(`wait ${ms}`);
    this.duringWait[this.waits++]?.();
  }
  discarding(): boolean {
    return this.stopped;
  }
  writable(): boolean {
    return this.open;
  }
  writeReply(text: string): void {
    this.log.push(`write ${text}`);
  }
  recordReply(text: string, fault: string | undefined): void {
    this.log.push(`reply ${text}${fault ? ` (${fault})` : ''}`);
  }
  recordWritten(text: string, fault: string | undefined): void {
    this.log.push(`written ${text}${fault ? ` (${fault})` : ''}`);
  }
  recordEvent(kind: string, text: string, fault?: string): void {
    this.log.push(`${kind}: ${text}${fault ? ` (${fault})` : ''}`);
  }
  cutByFault(how: string): void {
    this.log.push(`cut ${how}`);
  }
}

const REPLY: OutgoingReply = { command: 'J', frame: '#0#2000#', shown: '#0#2000#', text: '#0#2000#', offset: 0 };
const delivery = (d: Omit<Delivery, 'faults'>): Delivery => ({ faults: ['f1'], ...d });

describe('carrying out a delivery', () => {
  it('writes and records a reply whole when nothing shapes it, and says so when the connection is gone', () => {
    const t = new Recorder();
    deliverNow(t, REPLY, undefined);
    t.open = false;
    deliverNow(t, { ...REPLY, shown: '#ER:BAD_DATA# ×3' }, undefined);
    t.stopped = true;
    deliverNow(t, REPLY, undefined);
    expect(t.log).toEqual(['write #0#2000#', 'reply #0#2000#', 'connection: reply #ER:BAD_DATA# ×3 to #J# not sent: connection 3 is closed']);
  });

  it('withholds a silenced reply, cuts instead of a dropped one, and records a replacement as sent', () => {
    const t = new Recorder();
    deliverNow(t, REPLY, delivery({ drop: 'silence' }));
    deliverNow(t, REPLY, delivery({ drop: 'reset' }));
    deliverNow(t, { ...REPLY, text: '#0#1#' }, delivery({ replaceWith: '#0#1#' }));
    expect(t.log).toEqual([
      'fault: reply #0#2000# to #J# withheld (silence) (f1)',
      'fault: connection 3 reset (RST) instead of the reply to #J# (f1)',
      'cut reset',
      'write #0#1#',
      'reply #0#1# (f1)',
    ]);
  });

  it('waits the latency, then writes the pieces of a split with a pause between, and records the reply once', async () => {
    const t = new Recorder();
    await deliverLater(t, REPLY, delivery({ delayMs: 300, splitAt: [3, 5] }));
    expect(t.log).toEqual(['wait 300', 'write #0#', 'wait 5', 'write 20', 'wait 5', 'write 00#', 'written #0#2000# (f1)']);
  });

  it('counts split and cut offsets from where the frame starts in relayed bytes', async () => {
    const relayed: OutgoingReply = { ...REPLY, text: '\r\n#0#2000#\r\n', offset: 2 };
    const split = new Recorder();
    await deliverLater(split, relayed, delivery({ splitAt: [3] }));
    expect(split.log).toEqual(['write \r\n#0#', 'wait 5', 'write 2000#\r\n', 'written \r\n#0#2000#\r\n (f1)']);
    const cut = new Recorder();
    await deliverLater(cut, relayed, delivery({ drop: 'disconnect', dropAfterBytes: 4 }));
    expect(cut.log).toEqual(['write \r\n#0#2', 'written \r\n#0#2 (f1)', 'wait 5', 'fault: connection 3 closed (FIN) after 4 bytes of the reply to #J# (f1)', 'cut disconnect']);
  });

  it('stops a split when the connection closes between pieces, and drops it after a reset', async () => {
    const closed = new Recorder();
    closed.duringWait[0] = () => (closed.open = false);
    await deliverLater(closed, REPLY, delivery({ splitAt: [3] }));
    expect(closed.log).toEqual(['write #0#', 'wait 5', 'connection: connection 3 closed after 3 bytes of the split reply to #J# (f1)']);
    const reset = new Recorder();
    reset.duringWait[0] = () => (reset.stopped = true);
    await deliverLater(reset, REPLY, delivery({ delayMs: 100 }));
    expect(reset.log).toEqual(['wait 100']);
  });
});
