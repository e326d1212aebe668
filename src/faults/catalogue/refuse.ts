import { describeTrigger, forMs, forPhrase, windowSuffix, type FaultDefinition } from '../definition.js';

export const refuse: FaultDefinition = {
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
  validate: () => [],
  windowMs: forMs,
  describe: (spec) => `refuse ${forPhrase(spec['for']) ? `new connections${forPhrase(spec['for'])}, starting ` : 'a connection '}${describeTrigger(spec.on, 'connection')}`,
  sentence: (_spec, opportunity, context) => `refused connection ${opportunity.conn}${windowSuffix(context)}`,
};
