import { formatDuration } from '../../duration.js';
import { defineFault, forMs, ordinal, triggerExtras, type NoOptions, noOptions } from '../definition.js';

export const ticketsDown = defineFault<NoOptions>({
  info: {
    type: 'tickets-down',
    plane: 'tickets',
    summary: 'CashlogyTickets is not running: requests pile up in the folder, unread.',
    wireEffect: 'no answer file; requests stay in the folder unread until the fault is disarmed or `for` ends, then those still there are read and run in name order',
    options: [{ name: 'for', kind: 'duration', description: 'CashlogyTickets comes back after this long (wall clock); without it, when the fault is disarmed' }],
  },
  // It stops the program, which then reads nothing: it fires when a request file appears, before its type is known.
  points: ['connect'],
  parseOptions: noOptions,
  validate: () => [],
  windowMs: forMs,
  describe: (spec) => {
    const ms = forMs(spec);
    const nth = spec.on?.nth ?? 1;
    const when = nth > 1 ? `the ${ordinal(nth)} request file from now appears` : 'the next request file appears';
    return `stop CashlogyTickets when ${when}${ms !== undefined ? ` for ${formatDuration(ms)}` : ' until the fault is disarmed'}${triggerExtras(spec.on)}`;
  },
  sentence: () => 'CashlogyTickets is not running: requests stay in the folder unread',
});
