/**
 * Reasons that quote the evidence: when the connector refused the frame
 * at stake, the failure says so, with the status's meaning from docs/protocol.md §3.
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/protocol/transcript.js';
import { ReferencePos } from '../../src/reference-pos/pos.js';
import type { PosOutcome } from '../../src/pos/types.js';
import { connectorRefusals, describeRefusals } from '../../src/runner/evidence.js';
import { certify } from '../fleet/certify.js';

const pos = (data: string, conn = 1): TranscriptEntry => ({ at: 0, conn, dir: 'in', data });
const cx = (data: string, conn = 1): TranscriptEntry => ({ at: 0, conn, dir: 'out', data });
const ev = (data: string, kind: TranscriptEntry['kind'] = 'machine', conn = 1): TranscriptEntry => ({ at: 0, conn, dir: 'event', kind, data });

describe('connectorRefusals', () => {
  it('quotes a refused frame with the meaning of its status and the connector\'s detail', () => {
    const entries = [pos('#I#'), cx('#0#2.01#'), pos('#G#'), ev('#ER:BAD_DATA#: #G# takes 13 or 15 parameters, got 0'), cx('#ER:BAD_DATA#')];
    const refusals = connectorRefusals(entries);
    expect(refusals).toEqual([{ command: '#G#', reply: '#ER:BAD_DATA#', explanation: 'malformed or invalid parameters: #G# takes 13 or 15 parameters, got 0' }]);
    expect(describeRefusals(refusals)).toBe(
      'the connector answered #ER:BAD_DATA# to #G# (malformed or invalid parameters: #G# takes 13 or 15 parameters, got 0; protocol.md §3)',
    );
  });
  it('says nothing when a fault made the connector refuse (the test\'s doing, not the POS\'s)', () => {
    const entries = [ev('armed fault f1: restart', 'control'), pos('#C#1#1#990#0#0#0#0#0#1#0#0#'), ev('restarted the connector', 'fault'), cx('#ER:ILLEGAL#')];
    expect(connectorRefusals(entries)).toEqual([]);
  });
  it('ignores statuses that are not a refusal of the frame', () => {
    expect(connectorRefusals([pos('#P#1010#0#0#0#'), cx('#ER:GENERIC#1000#0#')])).toEqual([]);
  });
});

/** Opens the backoffice with a bare `#G#`: the connector answers #ER:BAD_DATA#. */
class BareBackoffice extends ReferencePos {
  protected override async backoffice(): Promise<PosOutcome> {
    const reply = await this.link.send('G');
    return this.isSuccess(reply) ? { outcome: 'completed' } : { outcome: 'failed', message: reply.frame };
  }
}

describe('a real run', () => {
  it('a bare #G# fails EXP-16 with the connector\'s #ER:BAD_DATA# and why in the reason', async () => {
    const { items } = await certify('express', (o) => new BareBackoffice(o), { only: ['EXP-16'], pos: { pollIntervalMs: 50 } });
    const item = items.find((i) => i.id === 'EXP-16');
    expect(item?.verdict).toBe('fail');
    expect(item?.reason).toMatch(/the connector answered #ER:BAD_DATA# to #G# \(malformed or invalid parameters: .*#G#.*parameters.*; protocol\.md §3\)/);
  }, 60_000);
});
