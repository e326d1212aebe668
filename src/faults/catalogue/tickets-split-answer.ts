import { formatDuration, parseDuration } from '../../duration.js';
import { defineFault, type SpecProblem } from '../definition.js';
import { requestFile, ticketCommandProblems, ticketTarget } from './tickets-trigger.js';

export const ticketsSplitAnswer = defineFault<{ pieces: number; pause: number }>({
  info: {
    type: 'tickets-split-answer',
    plane: 'tickets',
    summary: 'CashlogyTickets writes its answer in pieces, under the final name.',
    wireEffect: 'the .OK/.NOK file appears with the first piece of the answer and grows, `pause` apart, until it is whole',
    options: [
      { name: 'pieces', kind: 'integer', min: 2, default: 3, description: 'how many writes the answer takes' },
      { name: 'pause', kind: 'duration', default: 300, description: 'wall-clock pause between two writes' },
    ],
  },
  points: ['command'],
  parseOptions: (spec) => ({ pieces: Number(spec['pieces'] ?? 3), pause: parseDuration(spec['pause']) ?? 300 }),
  validate: (spec): SpecProblem[] => {
    const problems = ticketCommandProblems(spec);
    if (Number(spec['pieces']) > 64) problems.push({ segments: ['pieces'], message: `at most 64 pieces, got ${String(spec['pieces'])}` });
    return problems;
  },
  describe: (spec) => `write the answer to ${ticketTarget(spec.on)} in ${String(spec['pieces'] ?? 3)} pieces, ${formatDuration(parseDuration(spec['pause']) ?? 300)} apart`,
  sentence: (spec, opportunity) => `will write the answer to ${requestFile(opportunity)} in ${String(spec['pieces'] ?? 3)} pieces`,
});
