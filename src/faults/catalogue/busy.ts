import { describeTrigger, triggerExtras, forMs, forPhrase, momentPhrase, windowSuffix, defineFault, type NoOptions, noOptions } from '../definition.js';

export const busy = defineFault<NoOptions>({
  info: {
    type: 'busy',
    plane: 'domain',
    summary: 'The connector answers that it is busy.',
    wireEffect: 'the command gets #ER:BUSY#; with `for`, every command during that time does',
    options: [
      {
        name: 'for',
        kind: 'duration',
        description: 'keep answering #ER:BUSY# for this long (wall clock); without it, one command',
      },
    ],
  },
  points: ['command'],
  parseOptions: noOptions,
  validate: () => [],
  apply: (_options, effects) => effects.answerBusy(),
  windowMs: forMs,
  describe: (spec) =>
    `answer #ER:BUSY# ${describeTrigger(spec.on, 'command', 'to')}${forPhrase(spec['for']) ? `, then to every command${forPhrase(spec['for'])}` : ''}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity, context) => `answered #ER:BUSY# ${momentPhrase(opportunity)}${windowSuffix(context)}`,
});
