import { describeTrigger, triggerExtras, momentPhrase, defineFault } from '../definition.js';
import { DOOR_CODES } from '../device-codes.js';

export const doorOpen = defineFault<{ door: 'coin' | 'note' }>({
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
  parseOptions: (spec) => ({ door: spec['door'] === 'note' ? 'note' : 'coin' }),
  validate: () => [],
  apply(options, effects) {
    effects.addDeviceError(DOOR_CODES[options.door], { blocking: true });
    if (effects.piece) effects.failOperation({ pieceWasGoingIn: effects.piece.phase === 'accept' });
  },
  describe: (spec) => `open the ${String(spec['door'] ?? 'coin')} door ${describeTrigger(spec.on, 'command')}${triggerExtras(spec.on)}`,
  sentence: (spec, opportunity) => `the ${String(spec['door'] ?? 'coin')} door opened ${momentPhrase(opportunity)}`,
});
