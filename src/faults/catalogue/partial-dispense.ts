import { commandPhrase } from '../commands.js';
import { describeTrigger, triggerExtras, euros, percent, defineFault } from '../definition.js';

export const partialDispense = defineFault<{ short: number }>({
  info: {
    type: 'partial-dispense',
    plane: 'domain',
    summary: 'A dispense (#P#, or the change of a #C#) comes out short.',
    wireEffect: 'the reply is #ER:GENERIC# with the amount that really came out; the missing amount stays in the machine',
    options: [{ name: 'short', kind: 'cents', min: 1, required: true, description: 'how much less comes out (cents)' }],
  },
  points: ['progress'],
  parseOptions: (spec) => ({ short: Math.max(1, Math.round(Number(spec['short']) || 0)) }),
  validate: () => [],
  apply: (options, effects) => effects.shortenDispense(options.short),
  accepts: (_spec, opportunity) => opportunity.point === 'progress' && opportunity.phase === 'dispense',
  describe(spec, money = euros) {
    return `make ${describeTrigger(spec.on, 'operation that dispenses', '')} come out ${money(Number(spec['short']))} short${triggerExtras(spec.on)}`;
  },
  sentence(spec, opportunity, context) {
    const short = context.money(Number(spec['short']));
    if (opportunity.point !== 'progress') return `made a dispense come out ${short} short`;
    return `made ${commandPhrase(opportunity.command)} come out ${short} short (at ${percent(opportunity.progress)} of the dispense)`;
  },
});
