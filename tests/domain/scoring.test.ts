import { describe, expect, it } from 'vitest';
import { NOT_APPLICABLE, type Answers } from '../../src/domain/answers.ts';
import {
  companyCategory,
  companyItems,
  companyScores,
  curveScore,
  itemScore,
  personalCategory,
  personalItems,
  personalScores,
  revenuePotential,
  round2,
  scoreParticipant,
  type CompanyScores,
  type PersonalScores,
} from '../../src/domain/scoring.ts';
import { InstrumentSchema } from '../../src/domain/instrument.ts';
import {
  bestAnswers,
  companyItemList,
  instrument,
  instrumentData,
  item,
  itemScores,
  personalItemList,
  worstAnswers,
} from '../fixtures/instrument.ts';

describe('curveScore', () => {
  const rising = [
    { value: 0, score: 0 },
    { value: 4, score: 0.5 },
    { value: 10, score: 1 },
  ];
  const falling = [
    { value: 0, score: 1 },
    { value: 5, score: 1 },
    { value: 20, score: 0 },
  ];
  describe.each([
    { name: 'rising, below the first point', curve: rising, x: -5, score: 0 },
    { name: 'rising, at the first point', curve: rising, x: 0, score: 0 },
    { name: 'rising, between points', curve: rising, x: 2, score: 0.25 },
    { name: 'rising, at a middle point', curve: rising, x: 4, score: 0.5 },
    { name: 'rising, in the second segment', curve: rising, x: 7, score: 0.75 },
    { name: 'rising, at the last point', curve: rising, x: 10, score: 1 },
    { name: 'rising, above the last point', curve: rising, x: 1000, score: 1 },
    { name: 'falling, on the flat part', curve: falling, x: 3, score: 1 },
    { name: 'falling, between points', curve: falling, x: 11, score: 0.6 },
    { name: 'falling, past the end', curve: falling, x: 40, score: 0 },
  ])('$name (x = $x)', ({ curve, x, score }) => {
    it(`scores ${score}`, () => {
      expect(curveScore(curve, x)).toBeCloseTo(score, 12);
    });
  });
});

describe('itemScore', () => {
  describe.each([
    { id: 'c-plan', value: 'sa', score: 1 },
    { id: 'c-plan', value: 'a', score: 0.75 },
    { id: 'c-plan', value: 'sd', score: 0 },
    { id: 'c-qualify', value: 'mi', score: 0.5 },
    { id: 'c-review', value: 'rarely', score: 0.25 },
    // Reverse: a small share of stalled deals is best practice.
    { id: 'c-stalled', value: '0-25', score: 1 },
    { id: 'c-stalled', value: '25-50', score: 0.75 },
    { id: 'c-stalled', value: '50-75', score: 0.25 },
    { id: 'c-stalled', value: '75-100', score: 0 },
    { id: 'c-stage', value: 'discovery', score: 1 },
    { id: 'c-stage', value: 'negotiation', score: 0.25 },
    { id: 'c-coaching', value: '0', score: 0 },
    { id: 'c-coaching', value: '7', score: 0.75 },
    { id: 'c-coaching', value: '40', score: 1 },
    { id: 'p-admin', value: '11', score: 0.6 },
    { id: 'p-admin', value: '0', score: 1 },
  ])('$id = "$value"', ({ id, value, score }) => {
    it(`scores ${score}`, () => {
      expect(itemScore(instrument, item(id), value)).toBeCloseTo(score, 12);
    });
  });

  describe.each([
    { name: 'not applicable', id: 'c-plan', value: NOT_APPLICABLE },
    { name: 'unanswered', id: 'c-plan', value: undefined },
    { name: 'an option the item does not know', id: 'c-stage', value: 'sa' },
    { name: 'not a number on a number item', id: 'c-coaching', value: 'lots' },
  ])('$name', ({ id, value }) => {
    it('has no score', () => {
      expect(itemScore(instrument, item(id), value)).toBeNull();
    });
  });
});

describe('itemScore depends only on its arguments', () => {
  // Two instruments that share item objects but not scales: a copy with the
  // agreement scale scored the other way round. Parsed afresh so that no other
  // test has scored these items before.
  const base = InstrumentSchema.parse(instrumentData());
  const flipped = {
    ...base,
    scales: { ...base.scales, agreement: base.scales.agreement.map((o) => ({ ...o, score: 1 - o.score })) },
  };
  const plan = base.company.sections[0]!.items[0]!;

  it('scores with the scale of the instrument it is given, whatever was scored before', () => {
    expect(itemScore(base, plan, 'sa')).toBe(1);
    expect(itemScore(flipped, plan, 'sa')).toBe(0);
    expect(itemScore(base, plan, 'sa')).toBe(1);
  });
});

describe('companyItems and personalItems', () => {
  it('list the items in instrument order', () => {
    expect(companyItems(instrument).map((i) => i.id)).toEqual([
      'c-plan',
      'c-qualify',
      'c-review',
      'c-stalled',
      'c-stage',
      'c-coaching',
      'c-forecast',
    ]);
    expect(personalItems(instrument).map((i) => i.id)).toEqual(['p-prepare', 'p-follow-up', 'p-admin']);
  });
});

describe('scoreParticipant', () => {
  const mixed = {
    'c-plan': 'a', // 0.75
    'c-qualify': 'mi', // 0.5
    'c-review': NOT_APPLICABLE,
    'c-stalled': '0-25', // reverse: 1
    'c-stage': 'proposal', // 0.5
    'c-coaching': '7', // 0.75
    'c-forecast': 'd', // 0.25
    'p-prepare': 'sa', // 1
    'p-follow-up': 'sometimes', // 0.5
    'p-admin': '11', // 0.6
  };

  describe.each<{ name: string; answers: Answers; company: CompanyScores; personal: PersonalScores }>([
    {
      name: 'best answers everywhere',
      answers: bestAnswers(),
      company: { value: 100, number: 100, winRate: 100, cycle: 100, velocity: 100 },
      personal: { approach: 100, execution: 100, personal: 100 },
    },
    {
      name: 'worst answers everywhere',
      answers: worstAnswers(),
      company: { value: 0, number: 0, winRate: 0, cycle: 0, velocity: 0 },
      personal: { approach: 0, execution: 0, personal: 0 },
    },
    {
      // value (2×.75 + .5 + .25)/4; number (.5 + 2×.75)/3 with the N/A left out;
      // win rate (.75 + 2×.5 + 1 + .75)/5; cycle 3×1/3; velocity their mean.
      name: 'a mixed set with one N/A',
      answers: mixed,
      company: { value: 56.25, number: 66.67, winRate: 70, cycle: 100, velocity: 73.23 },
      personal: { approach: 86.67, execution: 53.33, personal: 70 },
    },
    {
      name: 'no answers',
      answers: {},
      company: { value: null, number: null, winRate: null, cycle: null, velocity: null },
      personal: { approach: null, execution: null, personal: null },
    },
    {
      // Only c-review answered: it weighs on number and cycle alone.
      name: 'a single company item',
      answers: { 'c-review': 'often' },
      company: { value: null, number: 75, winRate: null, cycle: 75, velocity: 75 },
      personal: { approach: null, execution: null, personal: null },
    },
    {
      name: 'a sub-index answered only with N/A',
      answers: { 'c-review': NOT_APPLICABLE, 'c-stalled': '25-50', 'p-prepare': NOT_APPLICABLE, 'p-follow-up': 'always' },
      company: { value: null, number: null, winRate: 75, cycle: 75, velocity: 75 },
      personal: { approach: null, execution: 100, personal: 100 },
    },
  ])('$name', ({ answers, company, personal }) => {
    const result = scoreParticipant(instrument, answers);
    it('gives the company sub-indices and the Velocity Index', () => {
      expect(result.company).toEqual(company);
    });
    it('gives approach, execution and the Personal Index', () => {
      expect(result.personal).toEqual(personal);
    });
  });

  it('keeps the item scores of answered items only', () => {
    const { itemScores: s } = scoreParticipant(instrument, mixed);
    expect(s.has('c-review')).toBe(false);
    expect(s.size).toBe(9);
    expect(s.get('c-stalled')).toBe(1);
    expect(s.get('p-admin')).toBeCloseTo(0.6, 12);
  });

  it('ignores answers to ids the instrument does not have', () => {
    const withStray = { ...mixed, 'no-such-item': 'sa' };
    expect(scoreParticipant(instrument, withStray)).toEqual(scoreParticipant(instrument, mixed));
  });

  it('counts a not-applicable answer the same as no answer, not as zero', () => {
    const na = scoreParticipant(instrument, { 'c-plan': 'sa', 'c-forecast': 'sa', 'c-stage': 'discovery' });
    const withNa = scoreParticipant(instrument, {
      'c-plan': 'sa',
      'c-forecast': 'sa',
      'c-stage': 'discovery',
      'c-review': NOT_APPLICABLE,
    });
    expect(withNa.company).toEqual(na.company);
    expect(withNa.company.number).toBe(100);
  });
});

describe('companyScores and personalScores from item scores', () => {
  it('weigh each item by its weight on the sub-index', () => {
    // c-stalled weighs 3 on cycle, c-review 1: (3×0 + 1×1) / 4.
    const s = companyScores(instrument, itemScores({ 'c-stalled': 0, 'c-review': 1 }));
    expect(s.cycle).toBe(25);
    expect(s.winRate).toBe(0);
    expect(s.number).toBe(100);
    expect(s.value).toBeNull();
    expect(s.velocity).toBe(round2((25 + 0 + 100) / 3));
  });

  it('ignore personal items for the company and company items for the person', () => {
    expect(companyScores(instrument, itemScores({ 'p-prepare': 1 })).velocity).toBeNull();
    expect(personalScores(instrument, itemScores({ 'c-plan': 1 })).personal).toBeNull();
  });

  it('round to two decimals', () => {
    // value: (2×1 + 1×0) / 3 = 66.666…
    const s = companyScores(instrument, itemScores({ 'c-plan': 1, 'c-forecast': 0 }));
    expect(s.value).toBe(66.67);
  });
});

describe('round2', () => {
  it.each([
    [66.666, 66.67],
    [0.004, 0],
    [100, 100],
    [12.345678, 12.35],
  ])('%d → %d', (x, expected) => {
    expect(round2(x)).toBe(expected);
  });
});

describe('categories', () => {
  describe.each([
    { score: 0, company: 'At risk', personal: 'Rookie', potential: 'Major' },
    { score: 39.99, company: 'At risk', personal: 'Rookie', potential: 'Major' },
    { score: 40, company: 'Developing', personal: 'Apprentice', potential: 'Significant' },
    { score: 55, company: 'Core performer', personal: 'Contender', potential: 'Moderate' },
    { score: 70, company: 'High performer', personal: 'Closer', potential: 'Minimal' },
    { score: 73.23, company: 'High performer', personal: 'Closer', potential: 'Minimal' },
    { score: 84.99, company: 'High performer', personal: 'Closer', potential: 'Minimal' },
    { score: 85, company: 'Elite', personal: 'Ace', potential: 'Minimal' },
    { score: 100, company: 'Elite', personal: 'Ace', potential: 'Minimal' },
  ])('score $score', ({ score, company, personal, potential }) => {
    it(`is ${company} / ${personal} with ${potential} potential`, () => {
      expect(companyCategory(instrument, score).label).toBe(company);
      expect(personalCategory(instrument, score).label).toBe(personal);
      expect(revenuePotential(instrument, score).label).toBe(potential);
    });
  });
});

describe('fixture sanity', () => {
  it('has every kind of item and weight on every sub-index', () => {
    const kinds = new Set(companyItemList.map((i) => i.kind));
    expect([...kinds].sort()).toEqual(['agreement', 'choice', 'frequency', 'importance', 'number', 'percentBand']);
    for (const key of ['value', 'number', 'winRate', 'cycle'] as const) {
      expect(companyItemList.some((i) => i.weights[key] > 0)).toBe(true);
    }
    for (const key of ['approach', 'execution'] as const) {
      expect(personalItemList.some((i) => i.weights[key] > 0)).toBe(true);
    }
  });
});
