import { describe, expect, it } from 'vitest';
import { formattersFor } from '../../src/reporters/i18n.js';
import { localizeReason } from '../../src/reporters/reasons.js';

describe('item reasons in the report language', () => {
  const fr = formattersFor('fr');
  const es = formattersFor('es');

  it.each([
    ['every check passed', 'tous les contrôles ont réussi'],
    ['operator check: skipped in --ci (a person must confirm it)', 'contrôle par un opérateur : ignoré en mode CI (une personne doit le confirmer)'],
    ['depends on EXP-03, which ended fail', 'dépend de EXP-03, terminé avec le verdict « échec »'],
    ['depends on EXP-03, which was skipped', 'dépend de EXP-03, terminé avec le verdict « ignoré »'],
    ['applies to complete or mixed integrations only; the POS is express', "ne s'applique qu'aux intégrations complete or mixed ; le TPV est en express"],
  ])('fr: %s', (reason, expected) => {
    expect(localizeReason(reason, fr)).toBe(expected);
  });

  it('translates into Spanish too', () => {
    expect(localizeReason('every check passed, but the POS never sent the command under test', es)).toBe(
      'todas las comprobaciones han pasado, pero el TPV nunca envió el comando evaluado',
    );
  });

  it('keeps a check message naming a defect as written', () => {
    expect(localizeReason('the POS booked a cancelled sale', fr)).toBe('the POS booked a cancelled sale');
  });
});
