import { formatDuration, parseDuration } from '../../duration.js';
import { defineFault } from '../definition.js';
import { requestFile, ticketCommandProblems, ticketTarget } from './tickets-trigger.js';

export const ticketsSlow = defineFault<{ ms: number }>({
  info: {
    type: 'tickets-slow',
    plane: 'tickets',
    summary: 'CashlogyTickets writes its answer late.',
    wireEffect: 'the machine runs the request at once; the .OK/.NOK answer file appears `ms` later (wall clock)',
    options: [{ name: 'ms', kind: 'duration', default: 5000, description: 'delay before the answer file is written (wall clock)' }],
  },
  points: ['command'],
  parseOptions: (spec) => ({ ms: parseDuration(spec['ms']) ?? 0 }),
  validate: ticketCommandProblems,
  describe: (spec) => `write the answer to ${ticketTarget(spec.on)} ${formatDuration(parseDuration(spec['ms']) ?? 0)} late`,
  sentence: (spec, opportunity) => `will write the answer to ${requestFile(opportunity)} ${formatDuration(parseDuration(spec['ms']) ?? 0)} late`,
});
