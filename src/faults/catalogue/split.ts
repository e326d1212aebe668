import { describeTrigger, triggerExtras, defineFault } from '../definition.js';
import { splitOffsets } from '../transport.js';

export const split = defineFault<{ at: number[] | 'middle' | 'every' }>({
  info: {
    type: 'split',
    plane: 'transport',
    summary: 'The reply is sent in pieces, with a short pause between them.',
    wireEffect: 'the POS receives the reply in several reads, cut at the given byte offsets (default: the middle; "every": one byte per read)',
    options: [
      {
        name: 'at',
        kind: 'offsets',
        default: 'middle',
        description: 'byte offsets where the reply is cut: a number, a list ([3, 7]), "3+7", "middle" or "every"',
      },
    ],
  },
  points: ['reply'],
  parseOptions: (spec) => ({ at: Array.isArray(spec['at']) ? spec['at'].filter((n): n is number => typeof n === 'number') : spec['at'] === 'every' ? 'every' : 'middle' }),
  validate: () => [],
  toxic: { direction: 'to-pos', order: 2, shape: (options, reply) => ({ splitAt: splitOffsets(options.at, reply.length) }) },
  describe(spec) {
    const at = spec['at'];
    const where = Array.isArray(at) ? `at byte${at.length > 1 ? 's' : ''} ${at.join(', ')}` : at === 'every' ? 'into single bytes' : 'in the middle';
    return `split the reply ${describeTrigger(spec.on, 'command', 'to')} ${where}${triggerExtras(spec.on)}`;
  },
  sentence(_spec, opportunity, context) {
    const offsets = context.delivery?.splitAt ?? [];
    const command = opportunity.point === 'reply' ? opportunity.command : '?';
    if (offsets.length === 0) return `could not split the reply to #${command}# (too short)`;
    if (context.reply !== undefined && offsets.length === context.reply.length - 1 && offsets.length > 2) {
      return `split the reply to #${command}# into single bytes`;
    }
    return `split the reply to #${command}# at byte${offsets.length > 1 ? 's' : ''} ${offsets.join(', ')}`;
  },
});
