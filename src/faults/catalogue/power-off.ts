import { describeTrigger, triggerExtras, forPhrase, momentPhrase, type FaultDefinition } from '../definition.js';

export const powerOff: FaultDefinition = {
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
  validate: () => [],
  describe: (spec) => `switch the machine off${forPhrase(spec['for'])} ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `the machine switched off ${momentPhrase(opportunity)}${forPhrase(spec['for'])}`,
};
