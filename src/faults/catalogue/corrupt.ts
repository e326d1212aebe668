import { describeTrigger, triggerExtras, defineFault } from '../definition.js';
import { damage } from '../transport.js';

export const corrupt = defineFault<{ with?: string; bytes: number }>({
  info: {
    type: 'corrupt',
    plane: 'transport',
    summary: 'The reply is garbled.',
    wireEffect: '`bytes` bytes of the reply are replaced by other printable characters chosen from the run\'s seed, or the whole reply is replaced by `with`',
    options: [
      { name: 'with', kind: 'string', description: 'send exactly this text instead of the reply' },
      { name: 'bytes', kind: 'integer', min: 1, default: 1, description: 'how many bytes to damage (when `with` is not given)' },
    ],
  },
  points: ['reply'],
  parseOptions: (spec) => ({ ...(typeof spec['with'] === 'string' ? { with: spec['with'] } : {}), bytes: Number(spec['bytes'] ?? 1) }),
  validate: () => [],
  toxic: {
    direction: 'to-pos',
    order: 1,
    shape: (options, reply, _previous, random) => ({ replaceWith: options.with ?? damage(reply, options.bytes, random) }),
  },
  describe(spec) {
    const target = describeTrigger(spec.on, 'command', 'to');
    if (typeof spec['with'] === 'string') return `replace the reply ${target} with ${JSON.stringify(spec['with'])}${triggerExtras(spec.on)}`;
    const bytes = Number(spec['bytes'] ?? 1);
    return `damage ${bytes} byte${bytes === 1 ? '' : 's'} of the reply ${target}${triggerExtras(spec.on)}`;
  },
  sentence(_spec, opportunity, context) {
    const command = opportunity.point === 'reply' ? opportunity.command : '?';
    const became = context.delivery?.replaceWith;
    if (became === undefined) return `corrupted the reply to #${command}#`;
    return context.reply !== undefined
      ? `corrupted the reply to #${command}#: ${context.reply} became ${became}`
      : `corrupted the reply to #${command}# into ${became}`;
  },
});
