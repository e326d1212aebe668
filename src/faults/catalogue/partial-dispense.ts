import { commandPhrase } from '../commands.js';
import { describeTrigger, triggerExtras, euros, percent, type FaultDefinition } from '../definition.js';

export const partialDispense: FaultDefinition = {
  info: {
    type: 'partial-dispense',
    plane: 'domain',
    summary: 'A dispense (#P#, or the change of a #C#) comes out short.',
    wireEffect: 'the reply is #ER:GENERIC# with the amount that really came out; the missing amount stays in the machine',
    options: [{ name: 'short', kind: 'cents', min: 1, required: true, description: 'how much less comes out (cents)' }],
  },
  points: ['progress'],
  validate: () => [],
  accepts: (_spec, opportunity) => opportunity.point === 'progress' && opportunity.phase === 'dispense',
  describe(spec, money = euros) {
    return `make ${describeTrigger(spec.on, 'operation that dispenses', '')} come out ${money(Number(spec['short']))} short${triggerExtras(spec.on)}`;
  },
  sentence(spec, opportunity, context) {
    const short = context.money(Number(spec['short']));
    if (opportunity.point !== 'progress') return `made a dispense come out ${short} short`;
    return `made ${commandPhrase(opportunity.command)} come out ${short} short (at ${percent(opportunity.progress)} of the dispense)`;
  },
};
