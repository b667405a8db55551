import { describe, expect, it } from 'vitest';
import { actionKind, firstActions, itemWeight, KEEP_AT_LEAST, STOP_AT_MOST } from '../../src/domain/actions.ts';
import { companyItem, instrument, itemScores } from '../fixtures/instrument.ts';

// Fixture item weights (sum over the four sub-indices), in instrument order:
// c-plan 3, c-qualify 2, c-review 2, c-stalled 4, c-stage 2, c-coaching 3, c-forecast 1.

describe('actionKind', () => {
  describe.each([
    { score: 0, kind: 'stop' },
    { score: 0.25, kind: 'stop' },
    { score: 0.2500001, kind: 'change' },
    { score: 0.5, kind: 'change' },
    { score: 0.7499999, kind: 'change' },
    { score: 0.75, kind: 'keep' },
    { score: 1, kind: 'keep' },
  ])('score $score', ({ score, kind }) => {
    it(`is ${kind}`, () => {
      expect(actionKind(score)).toBe(kind);
    });
  });

  it('uses the thresholds of the spec', () => {
    expect(STOP_AT_MOST).toBe(0.25);
    expect(KEEP_AT_LEAST).toBe(0.75);
  });
});

describe('itemWeight', () => {
  it.each([
    ['c-plan', 3],
    ['c-stalled', 4],
    ['c-forecast', 1],
  ])('%s weighs %d', (id, weight) => {
    expect(itemWeight(companyItem(id))).toBe(weight);
  });
});

type Expected = { id: string; kind: 'keep' | 'change' | 'stop'; priority: number };

describe('firstActions', () => {
  describe.each<{ name: string; scores: Record<string, number>; count?: number; expected: Expected[] }>([
    {
      // Improvements by weight × (1 − score): plan 3, review 1.5, coaching 1.2, qualify 1;
      // then the best keep by weight × score: stalled 4.
      name: 'stops and changes first, ranked by weight × distance from ideal, then keeps',
      scores: { 'c-plan': 0, 'c-qualify': 0.5, 'c-review': 0.25, 'c-stalled': 1, 'c-stage': 0.75, 'c-coaching': 0.6, 'c-forecast': 0.9 },
      expected: [
        { id: 'c-plan', kind: 'stop', priority: 3 },
        { id: 'c-review', kind: 'stop', priority: 1.5 },
        { id: 'c-coaching', kind: 'change', priority: 1.2 },
        { id: 'c-qualify', kind: 'change', priority: 1 },
        { id: 'c-stalled', kind: 'keep', priority: 4 },
      ],
    },
    {
      name: 'a heavy change outranks a light stop',
      scores: { 'c-plan': 0.5, 'c-forecast': 0 },
      expected: [
        { id: 'c-plan', kind: 'change', priority: 1.5 },
        { id: 'c-forecast', kind: 'stop', priority: 1 },
      ],
    },
    {
      name: 'keeps fill up to five, ranked by weight × score',
      scores: { 'c-plan': 1, 'c-qualify': 0.75, 'c-review': 1, 'c-stalled': 0.75, 'c-stage': 0.9, 'c-coaching': 0.5, 'c-forecast': 1 },
      expected: [
        { id: 'c-coaching', kind: 'change', priority: 1.5 },
        { id: 'c-plan', kind: 'keep', priority: 3 },
        { id: 'c-stalled', kind: 'keep', priority: 3 },
        { id: 'c-review', kind: 'keep', priority: 2 },
        { id: 'c-stage', kind: 'keep', priority: 1.8 },
      ],
    },
    {
      name: 'more than five improvements leave no room for keeps',
      scores: { 'c-plan': 0, 'c-qualify': 0, 'c-review': 0, 'c-stalled': 0.5, 'c-stage': 0.5, 'c-coaching': 0.5, 'c-forecast': 1 },
      // plan 3; then qualify, review and stalled tie at 2 in instrument order; coaching 1.5.
      expected: [
        { id: 'c-plan', kind: 'stop', priority: 3 },
        { id: 'c-qualify', kind: 'stop', priority: 2 },
        { id: 'c-review', kind: 'stop', priority: 2 },
        { id: 'c-stalled', kind: 'change', priority: 2 },
        { id: 'c-coaching', kind: 'change', priority: 1.5 },
      ],
    },
    {
      // Every priority is 1: instrument order decides.
      name: 'ties keep instrument order',
      scores: { 'c-forecast': 0, 'c-stage': 0.5, 'c-review': 0.5, 'c-qualify': 0.5 },
      expected: [
        { id: 'c-qualify', kind: 'change', priority: 1 },
        { id: 'c-review', kind: 'change', priority: 1 },
        { id: 'c-stage', kind: 'change', priority: 1 },
        { id: 'c-forecast', kind: 'stop', priority: 1 },
      ],
    },
    {
      name: 'tied keeps keep instrument order too',
      scores: { 'c-stage': 1, 'c-review': 1, 'c-qualify': 1 },
      expected: [
        { id: 'c-qualify', kind: 'keep', priority: 2 },
        { id: 'c-review', kind: 'keep', priority: 2 },
        { id: 'c-stage', kind: 'keep', priority: 2 },
      ],
    },
    {
      name: 'fewer than five answered gives fewer actions',
      scores: { 'c-stalled': 0.5 },
      expected: [{ id: 'c-stalled', kind: 'change', priority: 2 }],
    },
    { name: 'nothing answered', scores: {}, expected: [] },
    {
      name: 'personal items are not company actions',
      scores: { 'p-prepare': 0, 'p-admin': 0 },
      expected: [],
    },
    {
      name: 'a custom count',
      count: 2,
      scores: { 'c-plan': 0, 'c-qualify': 0.5, 'c-review': 0.25, 'c-stalled': 1 },
      expected: [
        { id: 'c-plan', kind: 'stop', priority: 3 },
        { id: 'c-review', kind: 'stop', priority: 1.5 },
      ],
    },
  ])('$name', ({ scores, count, expected }) => {
    it('lists the expected actions in order', () => {
      const actions = firstActions(instrument, itemScores(scores), count);
      expect(actions.map((a) => a.item.id)).toEqual(expected.map((e) => e.id));
      expect(actions.map((a) => a.kind)).toEqual(expected.map((e) => e.kind));
      actions.forEach((a, i) => {
        expect(a.priority).toBeCloseTo(expected[i]!.priority, 9);
        expect(a.score).toBe(scores[a.item.id]);
      });
    });
  });

  it('does not depend on the order the scores arrive in', () => {
    const entries = Object.entries({ 'c-forecast': 0, 'c-stage': 0.5, 'c-review': 0.5, 'c-qualify': 0.5, 'c-plan': 1, 'c-stalled': 0.75 });
    const forward = firstActions(instrument, new Map(entries));
    const backward = firstActions(instrument, new Map([...entries].reverse()));
    expect(backward).toEqual(forward);
    expect(forward.map((a) => a.item.id)).toEqual(['c-qualify', 'c-review', 'c-stage', 'c-forecast', 'c-plan']);
  });

  it('never lists more than five by default, and no item twice', () => {
    const all = { 'c-plan': 0.1, 'c-qualify': 0.2, 'c-review': 0.3, 'c-stalled': 0.4, 'c-stage': 0.6, 'c-coaching': 0.8, 'c-forecast': 0.9 };
    const actions = firstActions(instrument, itemScores(all));
    expect(actions).toHaveLength(5);
    expect(new Set(actions.map((a) => a.item.id)).size).toBe(5);
  });
});
