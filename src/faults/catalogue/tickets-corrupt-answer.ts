import { defineFault } from '../definition.js';
import { requestFile, ticketCommandProblems, ticketTarget } from './tickets-trigger.js';

export const ticketsCorruptAnswer = defineFault<{ with?: string }>({
  info: {
    type: 'tickets-corrupt-answer',
    plane: 'tickets',
    summary: 'CashlogyTickets writes a garbled answer file.',
    wireEffect: 'the machine runs the request; its answer file holds `with`, or the first half of the real answer (not JSON)',
    options: [{ name: 'with', kind: 'string', description: 'write exactly this text as the answer' }],
  },
  points: ['command'],
  parseOptions: (spec) => (typeof spec['with'] === 'string' ? { with: spec['with'] } : {}),
  validate: ticketCommandProblems,
  describe: (spec) => `garble the answer to ${ticketTarget(spec.on)}`,
  sentence: (_spec, opportunity) => `will garble the answer to ${requestFile(opportunity)}`,
});

/** The garbled answer: `with`, or the first half of the real one (never valid JSON). */
export function corruptAnswer(answer: string, options: { with?: string }): string {
  return options.with ?? answer.slice(0, Math.max(1, Math.floor(answer.length / 2)));
}
