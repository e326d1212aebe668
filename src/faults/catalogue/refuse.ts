import { describeTrigger, triggerExtras, forMs, forPhrase, windowSuffix, defineFault, type NoOptions, noOptions } from '../definition.js';

export const refuse = defineFault<NoOptions>({
  info: {
    type: 'refuse',
    plane: 'transport',
    summary: 'New connections are refused (closed as soon as they are accepted).',
    wireEffect: 'the POS connects and is reset at once (no byte is read); with `for`, every connection during that time is',
    options: [
      { name: 'for', kind: 'duration', description: 'refuse every new connection for this long (wall clock); without it, one connection' },
    ],
  },
  points: ['connect'],
  parseOptions: noOptions,
  validate: () => [],
  toxic: { direction: 'to-machine', order: 0 },
  windowMs: forMs,
  describe: (spec) =>
    forPhrase(spec['for'])
      ? `refuse every new connection${forPhrase(spec['for'])}, starting with ${describeTrigger(spec.on, 'connection', '')}${triggerExtras(spec.on)}`
      : `refuse ${describeTrigger(spec.on, 'connection', '')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity, context) => `refused connection ${opportunity.conn}${windowSuffix(context)}`,
});
