/**
 * Note and coin jams share everything but the kind of piece, so both catalogue entries
 * (catalogue/note-jam.ts, catalogue/coin-jam.ts) are built here.
 */
import { commandPhrase } from './commands.js';
import {
  defineFault,
  describeTrigger,
  durationOption,
  triggerExtras,
  euros,
  forPhrase,
  percent,
  type FaultDefinition,
} from './definition.js';
import { JAM_CODES } from './device-codes.js';

export interface JamOptions {
  /** The jam clears by itself after this many simulated ms. */
  for?: number;
  denomination?: number;
  during: 'any' | 'accept' | 'dispense';
}

export function jamDefinition(kind: 'note' | 'coin'): FaultDefinition<JamOptions> {
  const type = kind === 'note' ? 'note-jam' : 'coin-jam';
  return defineFault<JamOptions>({
    info: {
      type,
      plane: 'domain',
      summary: `A ${kind} jams while cash is accepted or dispensed.`,
      wireEffect:
        `the operation stops at the jammed ${kind}; its reply is #ER:GENERIC# with the money that really moved; ` +
        `#?# lists the jam code until the operator clears it (or \`for\` ends)`,
      options: [
        {
          name: 'for',
          kind: 'duration',
          description: 'the jam clears by itself after this long (machine time, follows --time-scale); without it the operator clears it',
        },
        { name: 'denomination', kind: 'cents', min: 1, description: `jam only when a ${kind} of this value (cents) moves` },
        {
          name: 'during',
          kind: 'string',
          values: ['any', 'accept', 'dispense'],
          default: 'any',
          description: 'jam only while cash goes in (accept) or comes out (dispense)',
        },
      ],
    },
    points: ['progress'],
    parseOptions: (spec) => {
      const ms = durationOption(spec, 'for');
      const during = spec['during'];
      return {
        ...(ms !== undefined ? { for: ms } : {}),
        ...(typeof spec['denomination'] === 'number' ? { denomination: spec['denomination'] } : {}),
        during: during === 'accept' || during === 'dispense' ? during : 'any',
      };
    },
    validate: () => [],
    apply(options, effects) {
      const piece = effects.piece;
      effects.addDeviceError(JAM_CODES[type], {
        blocking: true,
        ...(options.for !== undefined ? { forMs: options.for } : {}),
        ...(piece ? { denomination: piece.value } : {}),
      });
      if (!piece) return;
      const where = piece.phase === 'accept' ? 'in the validator (it goes back to the customer once cleared)' : 'in the recycler (it stays in the machine)';
      effects.event(`${effects.money(piece.value)} ${piece.isNote ? 'note' : 'coin'} jammed ${where}`);
      effects.failOperation({ pieceWasGoingIn: piece.phase === 'accept' });
    },
    accepts(spec, opportunity) {
      if (opportunity.point !== 'progress') return false;
      if (opportunity.isNote !== (kind === 'note')) return false;
      if (spec['denomination'] !== undefined && spec['denomination'] !== opportunity.denomination) return false;
      const during = spec['during'] ?? 'any';
      return during === 'any' || during === opportunity.phase;
    },
    describe(spec, money = euros) {
      const piece = typeof spec['denomination'] === 'number' ? `a ${money(spec['denomination'])} ${kind}` : `a ${kind}`;
      const during = spec['during'] === 'accept' ? ' going in' : spec['during'] === 'dispense' ? ' coming out' : '';
      const clears = spec['for'] !== undefined ? `; it clears by itself after${forPhrase(spec['for']).replace(' for', '')}` : '; the operator clears it';
      return `jam ${piece}${during} ${describeTrigger(spec.on, `operation that moves a ${kind}`)}${triggerExtras(spec.on)}${clears}`;
    },
    sentence(spec, opportunity, context) {
      if (opportunity.point !== 'progress') return `jammed a ${kind}`;
      const clears = spec['for'] !== undefined ? `; it clears by itself after${forPhrase(spec['for']).replace(' for', '')}` : '; the operator must clear it';
      const moving = opportunity.phase === 'accept' ? 'going in' : 'coming out';
      return `jammed a ${context.money(opportunity.denomination)} ${kind} ${moving} at ${percent(opportunity.progress)} of ${commandPhrase(opportunity.command)}${clears}`;
    },
  });
}
