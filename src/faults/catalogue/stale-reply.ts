import { describeTrigger, triggerExtras, defineFault, type NoOptions, noOptions } from '../definition.js';

export const staleReply = defineFault<NoOptions>({
  info: {
    type: 'stale-reply',
    plane: 'transport',
    summary: 'The connector answers with the previous reply it sent on that connection.',
    wireEffect:
      'the POS reads the previous reply again instead of the real one (which is lost); it waits for a connection that already has a previous reply',
    options: [],
  },
  points: ['reply'],
  parseOptions: noOptions,
  validate: () => [],
  toxic: { direction: 'to-pos', order: 0, shape: (_options, _reply, previous) => (previous === undefined ? {} : { replaceWith: previous }) },
  accepts: (_spec, _opportunity, context) => context.previousReply !== undefined,
  describe: (spec) => `answer ${describeTrigger(spec.on, 'command', '')} with the previous reply on its connection${triggerExtras(spec.on)}`,
  sentence(_spec, opportunity, context) {
    const command = opportunity.point === 'reply' ? opportunity.command : '?';
    const stale = context.delivery?.replaceWith;
    return stale === undefined
      ? `answered #${command}# with the previous reply`
      : `answered #${command}# with the previous reply ${stale}${context.reply !== undefined ? ` instead of ${context.reply}` : ''}`;
  },
});
