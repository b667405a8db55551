import { describe, expect, it } from 'vitest';
import { allowsNotApplicable, checkAnswer, NOT_APPLICABLE, optionsOf } from '../../src/domain/answers.ts';
import { instrument, item } from '../fixtures/instrument.ts';

describe('checkAnswer accepts', () => {
  describe.each([
    { id: 'c-plan', raw: 'sa', value: 'sa' },
    { id: 'c-plan', raw: 'sd', value: 'sd' },
    { id: 'c-plan', raw: '  a  ', value: 'a' },
    { id: 'c-plan', raw: NOT_APPLICABLE, value: NOT_APPLICABLE },
    { id: 'c-qualify', raw: 'es', value: 'es' },
    { id: 'c-review', raw: 'often', value: 'often' },
    { id: 'c-review', raw: NOT_APPLICABLE, value: NOT_APPLICABLE },
    { id: 'c-stalled', raw: '75-100', value: '75-100' },
    { id: 'c-stage', raw: 'discovery', value: 'discovery' },
    { id: 'c-coaching', raw: '0', value: '0' },
    { id: 'c-coaching', raw: '40', value: '40' },
    { id: 'c-coaching', raw: '3.5', value: '3.5' },
    { id: 'c-coaching', raw: '07.50', value: '7.5' },
    { id: 'p-admin', raw: '12', value: '12' },
    { id: 'p-admin', raw: '12.0', value: '12' },
    { id: 'p-prepare', raw: NOT_APPLICABLE, value: NOT_APPLICABLE },
  ])('$id: "$raw"', ({ id, raw, value }) => {
    it(`as "${value}"`, () => {
      expect(checkAnswer(instrument, item(id), raw)).toEqual({ ok: true, value });
    });
  });
});

describe('checkAnswer rejects', () => {
  describe.each([
    { name: 'an empty answer', id: 'c-plan', raw: '', message: /Choose an answer/ },
    { name: 'a blank answer', id: 'c-plan', raw: '   ', message: /Choose an answer/ },
    { name: 'an unknown option', id: 'c-plan', raw: 'maybe', message: /Choose one of the answers listed/ },
    { name: 'an option of another scale', id: 'c-plan', raw: 'es', message: /Choose one of the answers listed/ },
    { name: 'an option of another item', id: 'c-stage', raw: 'sa', message: /Choose one of the answers listed/ },
    { name: 'an option id in the wrong case', id: 'c-stage', raw: 'Discovery', message: /Choose one of the answers listed/ },
    { name: 'N/A on an importance item', id: 'c-qualify', raw: NOT_APPLICABLE, message: /"Not applicable" is not an answer/ },
    { name: 'N/A on a percent band', id: 'c-stalled', raw: NOT_APPLICABLE, message: /"Not applicable" is not an answer/ },
    { name: 'N/A on a choice', id: 'c-stage', raw: NOT_APPLICABLE, message: /"Not applicable" is not an answer/ },
    { name: 'N/A on a number', id: 'c-coaching', raw: NOT_APPLICABLE, message: /"Not applicable" is not an answer/ },
    { name: 'N/A where the agreement item turns it off', id: 'c-forecast', raw: NOT_APPLICABLE, message: /"Not applicable" is not an answer/ },
    { name: 'a number above the maximum', id: 'c-coaching', raw: '40.5', message: /from 0 to 40/ },
    { name: 'a number below the minimum', id: 'c-coaching', raw: '-1', message: /from 0 to 40/ },
    { name: 'a huge number', id: 'p-admin', raw: '1000000', message: /from 0 to 40/ },
    { name: 'text for a number', id: 'c-coaching', raw: 'ten', message: /Enter a number/ },
    { name: 'a number with a unit', id: 'c-coaching', raw: '5h', message: /Enter a number/ },
    { name: 'a decimal comma', id: 'c-coaching', raw: '3,5', message: /Enter a number/ },
    { name: 'exponent notation', id: 'c-coaching', raw: '1e1', message: /Enter a number/ },
    { name: 'Infinity', id: 'c-coaching', raw: 'Infinity', message: /Enter a number/ },
    { name: 'a decimal on a whole-number item', id: 'p-admin', raw: '2.5', message: /whole number/ },
  ])('$name', ({ id, raw, message }) => {
    it(`("${raw}" on ${id})`, () => {
      const result = checkAnswer(instrument, item(id), raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    });
  });
});

describe('allowsNotApplicable', () => {
  it.each([
    ['c-plan', true],
    ['c-forecast', false],
    ['c-qualify', false],
    ['c-review', true],
    ['c-stalled', false],
    ['c-stage', false],
    ['c-coaching', false],
    ['p-prepare', true],
  ])('%s: %s', (id, allowed) => {
    expect(allowsNotApplicable(item(id))).toBe(allowed);
  });
});

describe('optionsOf', () => {
  it('takes scale items’ options from the scale and choice items’ from the item', () => {
    expect(optionsOf(instrument, item('c-plan'))).toBe(instrument.scales.agreement);
    expect(optionsOf(instrument, item('c-stalled'))).toBe(instrument.scales.percentBand);
    expect(optionsOf(instrument, item('c-stage')).map((o) => o.id)).toEqual(['discovery', 'proposal', 'negotiation', 'closing']);
    expect(optionsOf(instrument, item('c-coaching'))).toEqual([]);
  });
});
