import { cutPhrase, dropAt, midReplyOption } from '../transport.js';
import { describeTrigger, triggerExtras, defineFault } from '../definition.js';

export const reset = defineFault<{ midReply: number }>({
  info: {
    type: 'reset',
    plane: 'transport',
    summary: 'The connection is reset (TCP RST) instead of (or in the middle of) a reply.',
    wireEffect: 'the POS gets ECONNRESET where the reply should be, or after its first `midReply` bytes',
    options: [
      { name: 'midReply', kind: 'integer', min: 0, default: 0, description: 'send this many bytes of the reply before the reset' },
    ],
  },
  points: ['reply'],
  parseOptions: midReplyOption,
  validate: () => [],
  toxic: { direction: 'to-pos', order: 6, shape: (options, reply) => dropAt('reset', options.midReply, reply) },
  describe: (spec) => `reset the connection (RST)${cutPhrase(spec)} ${describeTrigger(spec.on, 'command', 'to')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity, context) => {
    const cut = context.delivery?.dropAfterBytes ?? 0;
    const command = opportunity.point === 'reply' ? `#${opportunity.command}#` : 'the command';
    return cut > 0
      ? `reset the connection (RST) after ${cut} bytes of the reply to ${command}`
      : `reset the connection (RST) instead of replying to ${command}`;
  },
});
