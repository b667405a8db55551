import { describe, expect, it } from 'vitest';
import { choiceLabel, numbersSchema, profileChoices, profileSchema, roleGroup } from '../../src/domain/profile.ts';
import { instrument, profile } from '../fixtures/instrument.ts';

describe('roleGroup', () => {
  it.each([
    ['rep', 'seller'],
    ['manager', 'leader'],
    ['leader', 'leader'],
    ['executive', 'leader'],
    ['astronaut', 'seller'],
  ])('%s is a %s', (role, group) => {
    expect(roleGroup(instrument, role)).toBe(group);
  });
});

describe('profileSchema', () => {
  type Case = { name: string; edit: Record<string, string>; path: string };
  it('accepts a complete profile and trims the company name', () => {
    const parsed = profileSchema(instrument).safeParse(profile({ company: '  Northwind  ' }));
    expect(parsed.success && parsed.data.company).toBe('Northwind');
  });

  describe.each<Case>([
    { name: 'a role not in the list', edit: { role: 'intern' }, path: 'role' },
    { name: 'an employees band not in the list', edit: { employees: '1-10' }, path: 'employees' },
    { name: 'an empty company', edit: { company: '' }, path: 'company' },
    { name: 'a 121-character company', edit: { company: 'x'.repeat(121) }, path: 'company' },
  ])('$name', ({ edit, path }) => {
    it(`fails on ${path}`, () => {
      const parsed = profileSchema(instrument).safeParse(profile(edit));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
    });
  });
});

describe('numbersSchema', () => {
  const schema = numbersSchema(instrument);
  describe.each([
    { numbers: {}, ok: true },
    { numbers: { winRate: 0 }, ok: true },
    { numbers: { winRate: 100 }, ok: true },
    { numbers: { winRate: 37.5 }, ok: true },
    { numbers: { winRate: -1 }, ok: false },
    { numbers: { cycleDays: 0 }, ok: false },
    { numbers: { cycleDays: 30.5 }, ok: false },
    { numbers: { dealValue: 1234.56 }, ok: true },
    { numbers: { currency: 'USD' }, ok: true },
    { numbers: { currency: 'usd' }, ok: false },
    { numbers: { stage7: 50 }, ok: false },
  ])('$numbers', ({ numbers, ok }) => {
    it(ok ? 'is accepted' : 'is refused', () => {
      expect(schema.safeParse(numbers).success).toBe(ok);
    });
  });
});

describe('profileChoices and choiceLabel', () => {
  it('read the choices from the instrument', () => {
    expect(profileChoices(instrument, 'industry').map((o) => o.id)).toEqual(['software', 'manufacturing', 'other']);
    expect(profileChoices(instrument, 'company')).toEqual([]);
    expect(choiceLabel(instrument, 'employees', '1000-plus')).toBe('1,000 or more');
    expect(choiceLabel(instrument, 'employees', 'unknown')).toBe('unknown');
  });
});
