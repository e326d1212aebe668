import { describeTrigger, triggerExtras, momentPhrase, type FaultDefinition } from '../definition.js';

export const doorOpen: FaultDefinition = {
  info: {
    type: 'door-open',
    plane: 'domain',
    summary: 'The coin or note door of the machine opens.',
    wireEffect: '#?# reports 1130 (coin door) or 1131 (note door); cash operations fail until the door is closed (operator clears it)',
    options: [
      { name: 'door', kind: 'string', values: ['coin', 'note'], default: 'coin', description: 'which door opens' },
    ],
  },
  points: ['command', 'progress'],
  validate: () => [],
  describe: (spec) => `open the ${String(spec['door'] ?? 'coin')} door ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `the ${String(spec['door'] ?? 'coin')} door opened ${momentPhrase(opportunity)}`,
};
