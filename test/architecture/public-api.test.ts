/**
 * The library's export list is a contract (docs/README.template.md, "The library API"; extend it, never break it). A name that
 * disappears breaks a vendor's build; a name that appears becomes something to keep. Either
 * way this list changes with it, on purpose.
 */
import { describe, expect, it } from 'vitest';

const EXPORTS = [
  // errors
  'CertError',
  'InvalidInputError',
  'RuntimeError',
  'SimulatorError',
  'UsageError',
  // the pure wire layer
  'BAD_DATA_REPLY',
  'DEFAULT_MAX_FRAME_BYTES',
  'commandSpec',
  'createFramer',
  'decodeReply',
  'encodeCommand',
  'encodeReply',
  'formatVpd',
  'isCommandCode',
  'parseFrame',
  'parseVpd',
  'statusMeaning',
  // the machine model and the simulator
  'createMachineHarness',
  'loadMachineProfile',
  'startSimulator',
  // faults
  'listFaultInfo',
  'validateFaultSpec',
  // checklists and POS profiles
  'LANGS',
  'applicability',
  'loadChecklist',
  'loadPosProfile',
  'orderItems',
  'parseChecklist',
  'parsePosProfile',
  'referencePosProfile',
  'resolveChecklist',
  // the runner and the drivers
  'DRIVERS',
  'createDriver',
  'inProcessDriver',
  'runChecklist',
  // reports and the bundle
  'REPORTERS',
  'getReporter',
  'loadResult',
  'parseResult',
  'planBundle',
  'verifyBundle',
  'writeBundle',
  // replay
  'parseRecording',
  'replayWithPos',
  'startReplay',
  // the reference POS
  'CashlogyConnection',
  'ConnectorSession',
  'ReferencePos',
  'createReferencePos',
  'startHookServer',
];

describe('the public API (src/index.ts)', () => {
  it('exports exactly the pinned names', async () => {
    const api = await import('../../src/index.js');
    expect(Object.keys(api).sort()).toEqual([...EXPORTS].sort());
  });

  it('exports no name twice in the pinned list', () => {
    expect(new Set(EXPORTS).size).toBe(EXPORTS.length);
  });

  it('the pure core works from the package entry alone: frame, parse, drive the machine', async () => {
    const api = await import('../../src/index.js');
    const framer = api.createFramer();
    const frames = framer.push('#I##Q#').filter((item) => item.type === 'frame');
    expect(frames.map((f) => (f as { frame: string }).frame)).toEqual(['#I#', '#Q#']);
    const parsed = api.parseFrame('#C#1#1#990#1#15360#0#0#0#1#0#0#', { strict: true });
    expect(parsed.ok).toBe(true);
    const machine = api.createMachineHarness(api.loadMachineProfile('eur-pos1500'));
    machine.frame(1, '#I#');
    machine.runUntilIdle();
    expect(machine.replies(1)[0]).toMatch(/^#0#/);
  });
});
