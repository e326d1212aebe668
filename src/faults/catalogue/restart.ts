import { describeTrigger, triggerExtras, momentPhrase, defineFault, type NoOptions, noOptions } from '../definition.js';

export const restart = defineFault<NoOptions>({
  info: {
    type: 'restart',
    plane: 'domain',
    summary: 'The connector restarts and forgets its initialisation.',
    wireEffect: 'every command answers #ER:ILLEGAL# until the next #I#; an operation in flight ends as the real connector would lose it, money accounted for',
    options: [],
  },
  points: ['command', 'progress'],
  parseOptions: noOptions,
  validate: () => [],
  apply: (_options, effects) => effects.restartConnector(),
  describe: (spec) => `restart the connector ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity) => `the connector restarted ${momentPhrase(opportunity)}`,
});
