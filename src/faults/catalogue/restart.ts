import { describeTrigger, triggerExtras, momentPhrase, type FaultDefinition } from '../definition.js';

export const restart: FaultDefinition = {
  info: {
    type: 'restart',
    plane: 'domain',
    summary: 'The connector restarts and forgets its initialisation.',
    wireEffect: 'every command answers #ER:ILLEGAL# until the next #I#; an operation in flight ends as the real connector would lose it, money accounted for',
    options: [],
  },
  points: ['command', 'progress'],
  validate: () => [],
  describe: (spec) => `restart the connector ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity) => `the connector restarted ${momentPhrase(opportunity)}`,
};
