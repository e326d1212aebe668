import { describeTrigger, triggerExtras, momentPhrase, defineFault, type NoOptions, noOptions } from '../definition.js';
import { STACKER_FULL_CODE } from '../device-codes.js';

export const stackerFull = defineFault<NoOptions>({
  info: {
    type: 'stacker-full',
    plane: 'domain',
    summary: 'The note stacker becomes full.',
    wireEffect: '#?# reports the stacker code; notes that must go to the stacker are refused until the stacker is emptied (#S#) or the operator clears it',
    options: [],
  },
  points: ['command', 'progress'],
  parseOptions: noOptions,
  validate: () => [],
  apply(_options, effects) {
    effects.fillStacker();
    effects.addDeviceError(STACKER_FULL_CODE, { blocking: false });
  },
  describe: (spec) => `fill the stacker ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity) => `the stacker became full ${momentPhrase(opportunity)}`,
});
