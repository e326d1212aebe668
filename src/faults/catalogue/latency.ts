import { parseDuration, formatDuration } from '../../duration.js';
import { describeTrigger, triggerExtras, forMs, forPhrase, windowSuffix, defineFault } from '../definition.js';

export const latency = defineFault<{ ms: number; jitter: number }>({
  info: {
    type: 'latency',
    plane: 'transport',
    summary: 'Replies are delayed.',
    wireEffect: 'the reply arrives `ms` later (wall clock), ± `jitter` drawn from the run\'s seed',
    options: [
      { name: 'ms', kind: 'duration', default: 1000, description: 'delay before the reply is written (wall clock)' },
      { name: 'jitter', kind: 'duration', default: 0, description: 'add a seeded random amount in [-jitter, +jitter]' },
      { name: 'for', kind: 'duration', description: 'delay every reply for this long (wall clock); without it, one reply' },
    ],
  },
  points: ['reply'],
  parseOptions: (spec) => ({ ms: parseDuration(spec['ms']) ?? 0, jitter: parseDuration(spec['jitter']) ?? 0 }),
  validate: () => [],
  toxic: {
    direction: 'to-pos',
    order: 3,
    shape(options, _reply, _previous, random) {
      const offset = options.jitter > 0 ? Math.round((random.next() * 2 - 1) * options.jitter) : 0;
      return { delayMs: Math.max(0, options.ms + offset) };
    },
  },
  windowMs: forMs,
  describe(spec) {
    const ms = parseDuration(spec['ms']) ?? 0;
    const jitter = parseDuration(spec['jitter']) ?? 0;
    const amount = `${formatDuration(ms)}${jitter > 0 ? ` ± ${formatDuration(jitter)}` : ''}`;
    const window = forPhrase(spec['for']);
    const target = describeTrigger(spec.on, 'command', 'to');
    return window
      ? `add ${amount} of latency to every reply${window}, starting with the reply ${target}${triggerExtras(spec.on)}`
      : `add ${amount} of latency to the reply ${target}${triggerExtras(spec.on)}`;
  },
  sentence(_spec, opportunity, context) {
    const delay = context.delivery?.delayMs ?? 0;
    const command = opportunity.point === 'reply' ? opportunity.command : '?';
    return `delayed the reply to #${command}# by ${formatDuration(delay)}${windowSuffix(context)}`;
  },
});
