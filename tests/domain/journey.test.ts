import { describe, expect, it } from 'vitest';
import { firstOpenPage, pagesOf, progressOf, readNumbersForm, readSectionForm } from '../../src/domain/journey.ts';
import { allItems, bestAnswers, instrument } from '../fixtures/instrument.ts';

const pages = pagesOf(instrument);
const firstSection = pages[0]!.kind === 'company' ? pages[0]!.section : null;

describe('pagesOf', () => {
  it('gives one page per company section, then per personal section, then the numbers page', () => {
    expect(pages.map((p) => p.kind)).toEqual([
      ...instrument.company.sections.map(() => 'company'),
      ...instrument.personal.sections.map(() => 'personal'),
      'numbers',
    ]);
    expect(pages.map((p) => p.number)).toEqual(pages.map((_, i) => i + 1));
  });
});

describe('progressOf and firstOpenPage', () => {
  it('counts answered items, not applicable included, in whole percent', () => {
    expect(progressOf(instrument, {})).toEqual({ answered: 0, total: allItems.length, percent: 0 });
    const all = bestAnswers();
    expect(progressOf(instrument, all).percent).toBe(100);
    const one = { [allItems[0]!.id]: 'na' };
    expect(progressOf(instrument, one)).toEqual({ answered: 1, total: allItems.length, percent: Math.floor(100 / allItems.length) });
  });

  it('points at the first page with an open question, or the numbers page when all are answered', () => {
    expect(firstOpenPage(instrument, {})).toBe(1);
    const all = { ...bestAnswers() } as Record<string, string>;
    expect(firstOpenPage(instrument, all)).toBe(pages.length);
    const lastSectionPage = pages.at(-2)!;
    if (lastSectionPage.kind === 'numbers') throw new Error('fixture has no sections');
    delete all[lastSectionPage.section.items[0]!.id];
    expect(firstOpenPage(instrument, all)).toBe(lastSectionPage.number);
  });
});

describe('readSectionForm', () => {
  const section = firstSection!;
  const valid = Object.fromEntries(section.items.map((i) => [i.id, bestAnswers()[i.id]!]));

  it('accepts a complete page and ignores the action button', () => {
    const read = readSectionForm(instrument, section, { ...valid, action: 'next' }, true);
    expect(read).toEqual({ values: valid, errors: {}, invalid: false });
  });

  it('flags missing answers only when moving on, and keeps the given ones', () => {
    const [first, ...rest] = section.items;
    const partial = { [first!.id]: valid[first!.id]! };
    const onNext = readSectionForm(instrument, section, partial, true);
    expect(onNext.invalid).toBe(false);
    expect(onNext.values).toEqual(partial);
    expect(Object.keys(onNext.errors).sort()).toEqual(rest.map((i) => i.id).sort());
    expect(readSectionForm(instrument, section, partial, false).errors).toEqual({});
  });

  it.each([
    ['an option the item does not have', (id: string) => ({ [id]: 'not-an-option' })],
    ['an item from another page', () => ({ 'no-such-item': 'a' })],
  ])('marks the page invalid for %s', (_name, extra) => {
    const id = section.items.find((i) => i.kind !== 'number')!.id;
    const read = readSectionForm(instrument, section, { ...valid, ...extra(id) }, false);
    expect(read.invalid).toBe(true);
    expect(Object.keys(read.errors)).toHaveLength(1);
  });
});

describe('readNumbersForm', () => {
  it('leaves blanks out and reads numbers with thousands separators and a % sign', () => {
    const read = readNumbersForm(instrument, { opportunities: '1,200', winRate: '25%', dealValue: '', action: 'finish' });
    expect(read.invalid).toBe(false);
    expect(read.values).toEqual({ opportunities: 1200, winRate: 25 });
  });

  it.each([
    ['a win rate above 100', { winRate: '140' }, 'winRate'],
    ['a negative deal value', { dealValue: '-5' }, 'dealValue'],
    ['text in a number field', { cycleDays: 'ninety' }, 'cycleDays'],
    ['an unknown field', { shoeSize: '44' }, 'shoeSize'],
  ])('refuses %s, naming the field', (_name, form, field) => {
    const read = readNumbersForm(instrument, form);
    expect(read.invalid).toBe(true);
    expect(Object.keys(read.errors)).toEqual([field]);
  });
});
