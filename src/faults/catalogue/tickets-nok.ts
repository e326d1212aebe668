import { NOK_REASONS } from '../../tickets/dialect.js';
import { defineFault } from '../definition.js';
import { requestFile, ticketCommandProblems, ticketTarget } from './tickets-trigger.js';

export const ticketsNok = defineFault<{ reason: string; message?: string }>({
  info: {
    type: 'tickets-nok',
    plane: 'tickets',
    summary: 'CashlogyTickets refuses a request with a .NOK and a given reason, without running it.',
    wireEffect: 'a .NOK answer with `reason` (and `message`); no money moves',
    options: [
      { name: 'reason', kind: 'string', values: NOK_REASONS, default: 'device-error', description: 'the reason code of the .NOK' },
      { name: 'message', kind: 'string', description: 'the text of the .NOK (default: a sentence for the reason)' },
    ],
  },
  points: ['command'],
  parseOptions: (spec) => ({ reason: String(spec['reason'] ?? 'device-error'), ...(typeof spec['message'] === 'string' ? { message: spec['message'] } : {}) }),
  validate: ticketCommandProblems,
  describe: (spec) => `answer ${ticketTarget(spec.on)} with a .NOK ${String(spec['reason'] ?? 'device-error')}`,
  sentence: (spec, opportunity) => `answered ${requestFile(opportunity)} with a .NOK ${String(spec['reason'] ?? 'device-error')} without running it`,
});
