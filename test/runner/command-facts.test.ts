/**
 * The runner judges by command facts from the protocol's command table, not by its own lists:
 * which commands `#!#` interrupts (a bare `#0#` after it acknowledges the cancel) and which
 * open an acceptance the customer pays into.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, isInterruptible, opensAcceptance } from '../../src/protocol/commands.js';
import { isCancelAck } from '../../src/runner/patterns.js';

describe('command facts', () => {
  it('#!# interrupts the commands that wait for something physical, and #I#, #A#, #W#', () => {
    expect(COMMANDS.filter((c) => c.interruptible).map((c) => c.code).sort()).toEqual(['A', 'C', 'F', 'G', 'I', 'P', 'S', 'U', 'U2', 'V', 'V2', 'W']);
    expect(isInterruptible('C')).toBe(true);
    expect(isInterruptible('T')).toBe(false);
    expect(isInterruptible('NOPE')).toBe(false);
  });

  it('charges, no-screen sales and refills open an acceptance for the customer', () => {
    expect(COMMANDS.filter((c) => c.opensAcceptance).map((c) => c.code).sort()).toEqual(['A', 'B', 'C']);
    expect(opensAcceptance('P')).toBe(false);
  });

  it('a bare #0# after #!# acknowledges the cancel only when the pending command is interruptible', () => {
    expect(isCancelAck('#0#', true, '#C#1#1#990#0#0#0#0#0#1#0#0#')).toBe(true);
    expect(isCancelAck('#0#', true, '#T#')).toBe(false);
    expect(isCancelAck('#0#', true, undefined)).toBe(true);
    expect(isCancelAck('#0#', false, '#C#1#')).toBe(false);
    expect(isCancelAck('#WR:CANCEL#0#0#0#0#', true, '#C#1#')).toBe(false);
  });
});
