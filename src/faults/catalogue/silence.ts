import { describeTrigger, triggerExtras, forMs, forPhrase, windowSuffix, defineFault, type NoOptions, noOptions } from '../definition.js';

export const silence = defineFault<NoOptions>({
  info: {
    type: 'silence',
    plane: 'transport',
    summary: 'The connector reads the command and never answers.',
    wireEffect: 'no reply at all; the connection stays open (the POS must time out); with `for`, every reply during that time is withheld',
    options: [
      { name: 'for', kind: 'duration', description: 'withhold every reply for this long (wall clock); without it, one reply' },
    ],
  },
  points: ['reply'],
  parseOptions: noOptions,
  validate: () => [],
  toxic: { direction: 'to-pos', order: 4, shape: () => ({ drop: 'silence' }) },
  windowMs: forMs,
  describe: (spec) =>
    forPhrase(spec['for'])
      ? `withhold every reply${forPhrase(spec['for'])}, starting with the reply ${describeTrigger(spec.on, 'command', 'to')}${triggerExtras(spec.on)}`
      : `withhold the reply ${describeTrigger(spec.on, 'command', 'to')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity, context) =>
    `withheld the reply to #${opportunity.point === 'reply' ? opportunity.command : '?'}# (silence)${windowSuffix(context)}`,
});
