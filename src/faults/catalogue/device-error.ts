import { describeTrigger, triggerExtras, momentPhrase, defineFault, durationOption } from '../definition.js';

export const deviceError = defineFault<{ code: number; for?: number }>({
  info: {
    type: 'device-error',
    plane: 'domain',
    summary: 'The device raises an error code (protocol.md §8, e.g. 1110 "not enough coins").',
    wireEffect: '#?# lists the code until the operator clears it; the operation in progress fails with #ER:GENERIC#',
    options: [{ name: 'code', kind: 'code', min: 1, required: true, description: 'the device error code that #?# reports' }],
  },
  points: ['command', 'progress'],
  parseOptions: (spec) => {
    const ms = durationOption(spec, 'for');
    return { code: Math.round(Number(spec['code'])), ...(ms !== undefined ? { for: ms } : {}) };
  },
  validate: () => [],
  apply(options, effects) {
    if (!Number.isFinite(options.code)) return;
    const blocking = !effects.isWarningCode(options.code);
    effects.addDeviceError(options.code, { blocking, ...(options.for !== undefined ? { forMs: options.for } : {}) });
    if (blocking && effects.piece) effects.failOperation({ pieceWasGoingIn: effects.piece.phase === 'accept' });
  },
  describe: (spec) => `raise device error ${String(spec['code'])} ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `raised device error ${String(spec['code'])} ${momentPhrase(opportunity)}`,
});
