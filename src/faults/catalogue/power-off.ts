import { describeTrigger, triggerExtras, forPhrase, momentPhrase, defineFault, durationOption } from '../definition.js';
import { POWER_OFF_CODE } from '../device-codes.js';

export const powerOff = defineFault<{ for?: number }>({
  info: {
    type: 'power-off',
    plane: 'domain',
    summary: 'The cash machine loses power (the connector stays up).',
    wireEffect: '#?# reports 1075 (machine switched off); cash operations fail with #ER:GENERIC# until power returns (`for`) or the operator clears it',
    options: [
      {
        name: 'for',
        kind: 'duration',
        description: 'power comes back after this long (machine time, follows --time-scale); without it the operator clears it',
      },
    ],
  },
  points: ['command', 'progress'],
  parseOptions: (spec) => {
    const ms = durationOption(spec, 'for');
    return ms !== undefined ? { for: ms } : {};
  },
  validate: () => [],
  apply(options, effects) {
    effects.addDeviceError(POWER_OFF_CODE, { blocking: true, ...(options.for !== undefined ? { forMs: options.for } : {}) });
    effects.switchOff();
    // A screen stays open: the operator can still close it once power is back.
    if (effects.operation !== null && effects.operation !== 'screen') effects.failOperation({ pieceWasGoingIn: true });
  },
  describe: (spec) => `switch the machine off${forPhrase(spec['for'])} ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `the machine switched off ${momentPhrase(opportunity)}${forPhrase(spec['for'])}`,
});
