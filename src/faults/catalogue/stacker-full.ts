import { describeTrigger, triggerExtras, momentPhrase, type FaultDefinition } from '../definition.js';

export const stackerFull: FaultDefinition = {
  info: {
    type: 'stacker-full',
    plane: 'domain',
    summary: 'The note stacker becomes full.',
    wireEffect: '#?# reports the stacker code; notes that must go to the stacker are refused until the stacker is emptied (#S#) or the operator clears it',
    options: [],
  },
  points: ['command', 'progress'],
  validate: () => [],
  describe: (spec) => `fill the stacker ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity) => `the stacker became full ${momentPhrase(opportunity)}`,
};
