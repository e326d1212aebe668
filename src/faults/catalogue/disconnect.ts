import { cutPhrase, dropAt, midReplyOption } from '../transport.js';
import { describeTrigger, triggerExtras, defineFault } from '../definition.js';

export const disconnect = defineFault<{ midReply: number }>({
  info: {
    type: 'disconnect',
    plane: 'transport',
    summary: 'The connection closes instead of (or in the middle of) a reply.',
    wireEffect: 'the POS reads end-of-stream (FIN) where the reply should be, or after its first `midReply` bytes',
    options: [
      { name: 'midReply', kind: 'integer', min: 0, default: 0, description: 'send this many bytes of the reply before closing' },
    ],
  },
  points: ['reply'],
  parseOptions: midReplyOption,
  validate: () => [],
  toxic: { direction: 'to-pos', order: 5, shape: (options, reply) => dropAt('disconnect', options.midReply, reply) },
  describe: (spec) => `close the connection${cutPhrase(spec)} ${describeTrigger(spec.on, 'command', 'to')}${triggerExtras(spec.on)}`,
  sentence: (_spec, opportunity, context) => {
    const cut = context.delivery?.dropAfterBytes ?? 0;
    const command = opportunity.point === 'reply' ? `#${opportunity.command}#` : 'the command';
    return cut > 0
      ? `closed the connection after ${cut} bytes of the reply to ${command}`
      : `closed the connection instead of replying to ${command}`;
  },
});
