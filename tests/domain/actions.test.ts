import { describe, expect, it } from 'vitest';
import { actionKind, firstActions, KEEP_AT_LEAST, STOP_AT_MOST } from '../../src/domain/actions.ts';
import { instrument, itemScores } from '../fixtures/instrument.ts';

// Fixture item weights (value, number, winRate, cycle) and actors, in instrument order:
// c-plan 2 0 1 0 team, c-qualify 0 0 2 0 team, c-review 0 1 0 1 leader, c-stalled 0 0 1 3 team,
// c-stage 1 1 0 0 team, c-coaching 0 2 1 0 leader, c-forecast 1 0 0 0 leader.

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

const factors = (value: number | null, number: number | null, winRate: number | null, cycle: number | null) => ({ value, number, winRate, cycle, velocity: null });
const even = factors(50, 50, 50, 50);

describe('firstActions', () => {
  it('ranks an improvement by how much it lifts each factor, weighted by how weak that factor is', () => {
    // c-plan weighs value 2 and winRate 1; c-forecast value 1. Answered weight: value 3, winRate 1.
    // c-plan at 0 lifts value by 100·2/3 and winRate by 100; weaknesses are 80 and 100:
    //   66.67 × 80 + 100 × 100 = 15333.33. c-forecast at 0.5 lifts value by 100·0.5/3 = 16.67: × 80 = 1333.33.
    const actions = firstActions(instrument, itemScores({ 'c-plan': 0, 'c-forecast': 0.5 }), factors(20, null, 0, null));
    expect(actions.map((a) => [a.item.id, a.kind])).toEqual([
      ['c-plan', 'stop'],
      ['c-forecast', 'change'],
    ]);
    expect(actions[0]!.priority).toBeCloseTo(15333.333, 2);
    expect(actions[1]!.priority).toBeCloseTo(1333.333, 2);
  });

  it('puts the weakest factor first even when another item is further from ideal', () => {
    // c-qualify (winRate 2) at 0.5 against c-review (number 1, cycle 1) at 0.25; winRate is the weak factor.
    const scores = itemScores({ 'c-qualify': 0.5, 'c-review': 0.25 });
    expect(firstActions(instrument, scores, factors(90, 90, 30, 90)).map((a) => a.item.id)).toEqual(['c-qualify', 'c-review']);
    expect(firstActions(instrument, scores, factors(90, 30, 90, 30)).map((a) => a.item.id)).toEqual(['c-review', 'c-qualify']);
  });

  it('lists stops and changes before keeps, and keeps by weight × score', () => {
    const scores = { 'c-plan': 1, 'c-qualify': 0.75, 'c-review': 1, 'c-stalled': 0.75, 'c-stage': 0.9, 'c-coaching': 0.5, 'c-forecast': 1 };
    const actions = firstActions(instrument, itemScores(scores), even);
    // Keeps: plan 3 × 1, stalled 4 × 0.75, review 2, stage 1.8, qualify 1.5, forecast 1.
    expect(actions.map((a) => [a.item.id, a.kind])).toEqual([
      ['c-coaching', 'change'],
      ['c-plan', 'keep'],
      ['c-stalled', 'keep'],
      ['c-review', 'keep'],
      ['c-stage', 'keep'],
    ]);
  });

  it('gives a strong response only keeps', () => {
    const scores = { 'c-plan': 1, 'c-qualify': 0.75, 'c-review': 1, 'c-stalled': 0.75, 'c-stage': 0.9, 'c-coaching': 0.8, 'c-forecast': 1 };
    expect(firstActions(instrument, itemScores(scores), factors(90, 90, 90, 90)).every((a) => a.kind === 'keep')).toBe(true);
  });

  it('says each action as the behaviour the item advises for its kind, never the practice name alone', () => {
    const actions = firstActions(instrument, itemScores({ 'c-plan': 0, 'c-qualify': 0.5, 'c-stalled': 1 }), even);
    for (const a of actions) expect(a.sentence).toBe(a.item.advice[a.kind]);
    expect(actions.find((a) => a.kind === 'stop')!.sentence).toMatch(/^Stop /);
    expect(actions.find((a) => a.kind === 'keep')!.sentence).toMatch(/^Keep /);
  });

  it('gives a seller only actions a seller can take', () => {
    const all = { 'c-plan': 0, 'c-qualify': 0, 'c-review': 0, 'c-stalled': 0, 'c-stage': 0, 'c-coaching': 0, 'c-forecast': 0 };
    const seller = firstActions(instrument, itemScores(all), even, 'seller');
    expect(seller.map((a) => a.item.id).sort()).toEqual(['c-plan', 'c-qualify', 'c-stage', 'c-stalled']);
    expect(seller.every((a) => a.item.actor === 'team')).toBe(true);
    expect(firstActions(instrument, itemScores(all), even, 'leader').some((a) => a.item.actor === 'leader')).toBe(true);
  });

  it('keeps instrument order on ties', () => {
    const tied = firstActions(instrument, itemScores({ 'c-stage': 1, 'c-review': 1, 'c-qualify': 1 }), even);
    expect(tied.map((a) => a.item.id)).toEqual(['c-qualify', 'c-review', 'c-stage']);
  });

  it('leaves out personal items and unanswered ones', () => {
    expect(firstActions(instrument, itemScores({ 'p-prepare': 0, 'p-admin': 0 }), even)).toEqual([]);
    expect(firstActions(instrument, itemScores({}), even)).toEqual([]);
  });

  it('honours a custom count', () => {
    expect(firstActions(instrument, itemScores({ 'c-plan': 0, 'c-qualify': 0.5, 'c-review': 0.25, 'c-stalled': 1 }), even, 'leader', 2)).toHaveLength(2);
  });

  it('does not depend on the order the scores arrive in', () => {
    const entries = Object.entries({ 'c-forecast': 0, 'c-stage': 0.5, 'c-review': 0.5, 'c-qualify': 0.5, 'c-plan': 1, 'c-stalled': 0.75 });
    const forward = firstActions(instrument, new Map(entries), even);
    const backward = firstActions(instrument, new Map([...entries].reverse()), even);
    expect(backward).toEqual(forward);
  });

  it('never lists more than five by default, and no item twice', () => {
    const all = { 'c-plan': 0.1, 'c-qualify': 0.2, 'c-review': 0.3, 'c-stalled': 0.4, 'c-stage': 0.6, 'c-coaching': 0.8, 'c-forecast': 0.9 };
    const actions = firstActions(instrument, itemScores(all), even);
    expect(actions).toHaveLength(5);
    expect(new Set(actions.map((a) => a.item.id)).size).toBe(5);
  });
});
