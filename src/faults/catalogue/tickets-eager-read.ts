import { defineFault, ordinal, triggerExtras, type NoOptions, noOptions } from '../definition.js';

export const ticketsEagerRead = defineFault<NoOptions>({
  info: {
    type: 'tickets-eager-read',
    plane: 'tickets',
    summary: 'CashlogyTickets reads a request as soon as it appears, as a naive folder watcher would.',
    wireEffect: 'a request written in several pieces is read with what is there at first sight (usually .NOK bad-request); one written under a temporary name and renamed is read whole',
    options: [],
  },
  // It acts before the request is read, when its type is not known yet: `nth` counts request files as they appear.
  points: ['connect'],
  parseOptions: noOptions,
  validate: () => [],
  describe: (spec) => {
    const nth = spec.on?.nth ?? 1;
    return `read ${nth > 1 ? `the ${ordinal(nth)} request file from now` : 'the next request file'} at first sight, without waiting for it to be complete${triggerExtras(spec.on)}`;
  },
  sentence: () => 'read a request as soon as it appeared, without waiting for it to be complete',
});
