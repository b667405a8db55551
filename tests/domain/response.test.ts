import { describe, expect, it } from 'vitest';
import { NOT_APPLICABLE } from '../../src/domain/answers.ts';
import { itemsById, parseResponse } from '../../src/domain/response.ts';
import { bestAnswers, instrument, profile } from '../fixtures/instrument.ts';

function errorsOf(data: unknown): string[] {
  const result = parseResponse(instrument, data);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('parseResponse accepts', () => {
  it('a complete response', () => {
    const result = parseResponse(instrument, { profile: profile(), answers: bestAnswers() });
    expect(result).toEqual({ ok: true, response: { profile: profile(), answers: bestAnswers(), numbers: null } });
  });

  it('a partial response (the rest can follow later)', () => {
    const result = parseResponse(instrument, { profile: profile(), answers: { 'c-plan': 'a' } });
    expect(result.ok && result.response.answers).toEqual({ 'c-plan': 'a' });
  });

  it('numbers sent as JSON numbers, normalised to text', () => {
    const result = parseResponse(instrument, { profile: profile(), answers: { 'c-coaching': 7.5, 'p-admin': 12 } });
    expect(result.ok && result.response.answers).toEqual({ 'c-coaching': '7.5', 'p-admin': '12' });
  });

  it('not applicable where the item allows it', () => {
    const result = parseResponse(instrument, { profile: profile(), answers: { 'c-plan': NOT_APPLICABLE } });
    expect(result.ok && result.response.answers).toEqual({ 'c-plan': NOT_APPLICABLE });
  });

  it('"Your numbers" within range', () => {
    const numbers = { opportunities: 40, dealValue: 25_000, currency: 'EUR', winRate: 25, cycleDays: 90, stage1: 50 };
    const result = parseResponse(instrument, { profile: profile(), answers: {}, numbers });
    expect(result.ok && result.response.numbers).toEqual(numbers);
  });
});

describe('parseResponse rejects', () => {
  describe.each([
    {
      name: 'an unknown item id',
      data: { profile: profile(), answers: { 'c-plan': 'a', 'no-such-item': 'sa' } },
      parts: ['answers.no-such-item', 'no item "no-such-item"', 'test-v1'],
    },
    {
      name: 'an item id in the wrong case',
      data: { profile: profile(), answers: { 'C-PLAN': 'a' } },
      parts: ['answers.C-PLAN', 'no item "C-PLAN"'],
    },
    {
      name: 'an unknown option',
      data: { profile: profile(), answers: { 'c-stage': 'whatever' } },
      parts: ['answers.c-stage', 'Choose one of the answers listed'],
    },
    {
      name: 'an out-of-range number',
      data: { profile: profile(), answers: { 'c-coaching': 41 } },
      parts: ['answers.c-coaching', 'from 0 to 40'],
    },
    {
      name: 'N/A where it is not allowed',
      data: { profile: profile(), answers: { 'c-qualify': NOT_APPLICABLE } },
      parts: ['answers.c-qualify', 'Not applicable'],
    },
    {
      name: 'an answer that is not text or a number',
      data: { profile: profile(), answers: { 'c-plan': ['a'] } },
      parts: ['answers.c-plan'],
    },
    {
      name: 'a profile choice not in the list',
      data: { profile: profile({ industry: 'mining' }), answers: {} },
      parts: ['profile.industry', 'industry'],
    },
    {
      name: 'a missing profile field',
      data: { profile: { ...profile(), region: undefined }, answers: {} },
      parts: ['profile.region'],
    },
    {
      name: 'an unknown profile field',
      data: { profile: { ...profile(), shoeSize: '44' }, answers: {} },
      parts: ['profile', 'shoeSize'],
    },
    {
      name: 'a blank company name',
      data: { profile: profile({ company: '   ' }), answers: {} },
      parts: ['profile.company', 'Fill in “Company name”'],
    },
    {
      name: 'a company name that is too long',
      data: { profile: profile({ company: 'x'.repeat(121) }), answers: {} },
      parts: ['profile.company', '120'],
    },
    {
      name: 'a win rate above 100',
      data: { profile: profile(), answers: {}, numbers: { winRate: 101 } },
      parts: ['numbers.winRate', '100 or less'],
    },
    {
      name: 'a fractional count of opportunities',
      data: { profile: profile(), answers: {}, numbers: { opportunities: 2.5 } },
      parts: ['numbers.opportunities', 'whole number'],
    },
    {
      name: 'an unknown numbers field',
      data: { profile: profile(), answers: {}, numbers: { bonus: 3 } },
      parts: ['numbers', 'bonus'],
    },
    {
      name: 'a currency not offered',
      data: { profile: profile(), answers: {}, numbers: { currency: 'GBP' } },
      parts: ['numbers.currency', 'USD, EUR'],
    },
    {
      name: 'a number sent as text in "Your numbers"',
      data: { profile: profile(), answers: {}, numbers: { quota: '300000' } },
      parts: ['numbers.quota', 'enter a number'],
    },
    {
      name: 'an unknown top-level field',
      data: { profile: profile(), answers: {}, extra: true },
      parts: ['extra'],
    },
    { name: 'no answers object', data: { profile: profile() }, parts: ['answers'] },
    { name: 'not an object at all', data: 'hello', parts: ['response'] },
  ])('$name', ({ data, parts }) => {
    it(`with a message mentioning ${parts.join(', ')}`, () => {
      const errors = errorsOf(data);
      expect(errors.some((e) => parts.every((p) => e.includes(p))), errors.join('\n')).toBe(true);
    });
  });

  it('reports every bad answer, not only the first', () => {
    const errors = errorsOf({
      profile: profile({ motion: 'telepathy' }),
      answers: { 'c-plan': 'a', 'no-such-item': 'sa', 'c-coaching': '-3', 'c-stage': 'sa' },
    });
    expect(errors.filter((e) => e.startsWith('answers.'))).toHaveLength(3);
    expect(errors.some((e) => e.startsWith('profile.motion'))).toBe(true);
  });

  it('names an unknown item even when its id is "__proto__"', () => {
    const data: unknown = JSON.parse(`{"profile": ${JSON.stringify(profile())}, "answers": {"__proto__": "sa", "c-plan": "a"}}`);
    const errors = errorsOf(data);
    expect(errors.some((e) => e.includes('__proto__')), errors.join('\n')).toBe(true);
  });
});

describe('itemsById', () => {
  it('holds every company and personal item', () => {
    const byId = itemsById(instrument);
    expect(byId.size).toBe(10);
    expect(byId.get('p-admin')?.kind).toBe('number');
    expect(byId.get('c-stage')?.kind).toBe('choice');
    expect(byId.has('constructor')).toBe(false);
  });
});
