import { describe, expect, it } from 'vitest';
import { bandOf, bandProblems } from '../../src/domain/bands.ts';
import type { Band } from '../../src/domain/instrument.ts';
import { instrument } from '../fixtures/instrument.ts';

const band = (min: number, max: number, label: string): Band => ({ min, max, label, summary: `${label} band.` });

describe('bandOf on the company categories', () => {
  describe.each([
    { score: 0, label: 'At risk' },
    { score: 39.99, label: 'At risk' },
    { score: 40, label: 'Developing' },
    { score: 54.99, label: 'Developing' },
    { score: 55, label: 'Core performer' },
    { score: 70, label: 'High performer' },
    { score: 84.99, label: 'High performer' },
    { score: 85, label: 'Elite' },
    { score: 99.99, label: 'Elite' },
    { score: 100, label: 'Elite' },
    { score: -3, label: 'At risk' },
    { score: 104, label: 'Elite' },
  ])('score $score', ({ score, label }) => {
    it(`falls in "${label}"`, () => {
      expect(bandOf(instrument.categories.company, score).label).toBe(label);
    });
  });
});

describe('bandOf on the personal categories and potential', () => {
  it.each([
    [0, 'Rookie'],
    [40, 'Apprentice'],
    [69.99, 'Contender'],
    [70, 'Closer'],
    [85, 'Ace'],
    [100, 'Ace'],
  ])('personal %d is %s', (score, label) => {
    expect(bandOf(instrument.categories.personal, score).label).toBe(label);
  });

  it.each([
    [0, 'Major'],
    [39.99, 'Major'],
    [40, 'Significant'],
    [55, 'Moderate'],
    [69.99, 'Moderate'],
    [70, 'Minimal'],
    [100, 'Minimal'],
  ])('potential %d is %s', (score, label) => {
    expect(bandOf(instrument.potential, score).label).toBe(label);
  });
});

describe('bandOf', () => {
  it('does not depend on the order the bands are listed in', () => {
    const reversed = [...instrument.categories.company].reverse();
    for (const score of [0, 39.99, 40, 84.99, 85, 100]) {
      expect(bandOf(reversed, score)).toEqual(bandOf(instrument.categories.company, score));
    }
  });

  it('throws for a score that falls in a gap', () => {
    expect(() => bandOf([band(0, 40, 'low'), band(50, 100, 'high')], 45)).toThrow(/45/);
  });

  it('throws for a score that is not a number', () => {
    expect(() => bandOf(instrument.categories.company, Number.NaN)).toThrow();
  });
});

describe('bandProblems', () => {
  describe.each([
    { name: 'sound bands', bands: [band(0, 50, 'low'), band(50, 100, 'high')], problems: [] as RegExp[] },
    { name: 'sound bands listed out of order', bands: [band(50, 100, 'high'), band(0, 50, 'low')], problems: [] },
    { name: 'no bands', bands: [], problems: [/no bands/] },
    { name: 'a gap', bands: [band(0, 40, 'low'), band(45, 100, 'high')], problems: [/gap between 40 and 45/] },
    { name: 'an overlap', bands: [band(0, 60, 'low'), band(50, 100, 'high')], problems: [/"low" and "high" overlap/] },
    { name: 'not starting at 0', bands: [band(10, 50, 'low'), band(50, 100, 'high')], problems: [/starts at 10, not 0/] },
    { name: 'not ending at 100', bands: [band(0, 50, 'low'), band(50, 90, 'high')], problems: [/ends at 90, not 100/] },
    { name: 'an empty band', bands: [band(0, 50, 'low'), band(50, 50, 'flat'), band(50, 100, 'high')], problems: [/"flat" runs from 50 to 50/] },
    {
      name: 'a gap and an overlap',
      bands: [band(0, 30, 'a'), band(35, 70, 'b'), band(60, 100, 'c')],
      problems: [/gap between 30 and 35/, /"b" and "c" overlap/],
    },
  ])('$name', ({ bands, problems }) => {
    it(`reports ${problems.length} problem(s)`, () => {
      const got = bandProblems(bands);
      expect(got).toHaveLength(problems.length);
      for (const p of problems) expect(got.some((g) => p.test(g))).toBe(true);
    });
  });

  it('finds nothing wrong with the fixture bands', () => {
    expect(bandProblems(instrument.categories.company)).toEqual([]);
    expect(bandProblems(instrument.categories.personal)).toEqual([]);
    expect(bandProblems(instrument.potential)).toEqual([]);
  });
});
