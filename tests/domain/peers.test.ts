import { describe, expect, it } from 'vitest';
import {
  choosePeerGroup,
  DEFAULT_MIN_GROUP,
  interpolate,
  peerGroupCandidates,
  peerRelative,
  quantile,
  quantilePosition,
  quartiles,
  relativeFromCounts,
  type PeerGroupKey,
} from '../../src/domain/peers.ts';

describe('peerRelative', () => {
  describe.each([
    { name: 'better than everyone', subject: 90, peers: [10, 20, 30, 40], expected: 100 },
    { name: 'worse than everyone', subject: 5, peers: [10, 20, 30, 40], expected: 0 },
    { name: 'in the middle', subject: 25, peers: [10, 20, 30, 40], expected: 50 },
    { name: 'ties are not better', subject: 50, peers: [40, 50, 50, 60], expected: 75 },
    { name: 'all tied', subject: 50, peers: [50, 50, 50], expected: 100 },
    { name: 'tied with the best', subject: 60, peers: [40, 50, 60, 60, 60], expected: 100 },
    { name: 'tied with the worst', subject: 40, peers: [40, 50, 60, 70], expected: 25 },
    { name: '30 % scored higher', subject: 70, peers: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], expected: 70 },
    { name: 'two-decimal ties', subject: 73.23, peers: [73.23, 73.22, 73.24], expected: 200 / 3 },
    { name: 'no peers', subject: 50, peers: [], expected: null },
  ])('$name', ({ subject, peers, expected }) => {
    it(`gives ${expected}`, () => {
      const got = peerRelative(subject, peers);
      if (expected === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(expected, 9);
    });
  });
});

describe('relativeFromCounts', () => {
  it.each([
    [7, 10, 70],
    [0, 10, 0],
    [10, 10, 100],
    [1, 3, 100 / 3],
  ])('%d not better of %d is %d', (notBetter, size, expected) => {
    expect(relativeFromCounts(notBetter, size)).toBeCloseTo(expected, 9);
  });

  it.each([0, -1])('has no figure for a group of %d', (size) => {
    expect(relativeFromCounts(0, size)).toBeNull();
  });
});

describe('quartiles', () => {
  // Expected values from numpy.quantile (its default is type 7, as R's).
  describe.each([
    { values: [1, 2, 3, 4], q1: 1.75, median: 2.5, q3: 3.25 },
    { values: [1, 2, 3, 4, 5], q1: 2, median: 3, q3: 4 },
    { values: [7], q1: 7, median: 7, q3: 7 },
    { values: [3, 1, 2], q1: 1.5, median: 2, q3: 2.5 },
    { values: [10, 20], q1: 12.5, median: 15, q3: 17.5 },
    { values: [1, 3, 3, 6, 7, 8, 9], q1: 3, median: 6, q3: 7.5 },
    { values: [6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49], q1: 25.5, median: 40, q3: 42.5 },
    { values: [2.5, -1, 0, 10, 4, 4], q1: 0.625, median: 3.25, q3: 4 },
  ])('$values', ({ values, q1, median, q3 }) => {
    it('matches numpy type 7', () => {
      const q = quartiles(values)!;
      expect(q.n).toBe(values.length);
      expect(q.min).toBe(Math.min(...values));
      expect(q.max).toBe(Math.max(...values));
      expect(q.q1).toBeCloseTo(q1, 12);
      expect(q.median).toBeCloseTo(median, 12);
      expect(q.q3).toBeCloseTo(q3, 12);
    });
  });

  it('has nothing for an empty list', () => {
    expect(quartiles([])).toBeNull();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    quartiles(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('sorts numbers as numbers, not as text', () => {
    expect(quartiles([100, 9, 20])!.median).toBe(20);
  });
});

describe('quantile', () => {
  it.each([
    [[1, 2, 3, 4], 0.9, 3.7],
    [[1, 2, 3, 4, 5], 0.9, 4.6],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 1, 4],
    [[10, 20], 0.5, 15],
  ])('%j at %d is %d', (sorted, p, expected) => {
    expect(quantile(sorted, p)).toBeCloseTo(expected, 12);
  });

  it('throws for an empty group', () => {
    expect(() => quantilePosition(0, 0.5)).toThrow(/empty/);
  });

  it('locates the rank to interpolate from', () => {
    expect(quantilePosition(5, 0.25)).toEqual({ lo: 1, hi: 2, frac: 0 });
    expect(quantilePosition(4, 0.25)).toEqual({ lo: 0, hi: 1, frac: 0.75 });
    expect(quantilePosition(4, 1)).toEqual({ lo: 3, hi: 3, frac: 0 });
    expect(interpolate(10, 20, 0.25)).toBe(12.5);
  });
});

describe('peerGroupCandidates', () => {
  it('lists industry × employees, industry, employees, everyone, most specific first', () => {
    expect(peerGroupCandidates({ industry: 'software', employees: '50-999' })).toEqual([
      { id: 'industry+employees', where: { industry: 'software', employees: '50-999' } },
      { id: 'industry', where: { industry: 'software' } },
      { id: 'employees', where: { employees: '50-999' } },
      { id: 'everyone', where: {} },
    ]);
  });
});

describe('choosePeerGroup', () => {
  const candidates = peerGroupCandidates({ industry: 'software', employees: '50-999' });
  type Sizes = Record<PeerGroupKey['id'], number>;
  const sizes = (s: Sizes) => (g: PeerGroupKey) => s[g.id];

  describe.each([
    { name: 'the narrowest group is big enough', s: { 'industry+employees': 5, industry: 10, employees: 20, everyone: 100 }, k: 5, chosen: 'industry+employees', size: 5 },
    { name: 'falls back to the industry', s: { 'industry+employees': 4, industry: 5, employees: 20, everyone: 100 }, k: 5, chosen: 'industry', size: 5 },
    { name: 'falls back to the employees band', s: { 'industry+employees': 1, industry: 4, employees: 9, everyone: 100 }, k: 5, chosen: 'employees', size: 9 },
    { name: 'falls back to everyone', s: { 'industry+employees': 0, industry: 2, employees: 4, everyone: 5 }, k: 5, chosen: 'everyone', size: 5 },
    { name: 'nobody is shown below k', s: { 'industry+employees': 0, industry: 1, employees: 3, everyone: 4 }, k: 5, chosen: null, size: 0 },
    { name: 'a larger k', s: { 'industry+employees': 9, industry: 10, employees: 20, everyone: 100 }, k: 10, chosen: 'industry', size: 10 },
    { name: 'a k of 1', s: { 'industry+employees': 1, industry: 10, employees: 20, everyone: 100 }, k: 1, chosen: 'industry+employees', size: 1 },
  ])('$name', ({ s, k, chosen, size }) => {
    it(`chooses ${chosen}`, () => {
      const got = choosePeerGroup(candidates, sizes(s), k);
      if (chosen === null) {
        expect(got).toBeNull();
      } else {
        expect(got?.id).toBe(chosen);
        expect(got?.size).toBe(size);
        expect(got?.where).toEqual(candidates.find((c) => c.id === chosen)!.where);
      }
    });
  });

  it('uses k = 5 by default', () => {
    expect(DEFAULT_MIN_GROUP).toBe(5);
    const s = { 'industry+employees': 4, industry: 5, employees: 0, everyone: 0 };
    expect(choosePeerGroup(candidates, sizes(s))?.id).toBe('industry');
  });

  it('asks for sizes most specific first and stops at the first big enough', () => {
    const asked: string[] = [];
    const s = { 'industry+employees': 2, industry: 7, employees: 50, everyone: 90 };
    choosePeerGroup(candidates, (g) => {
      asked.push(g.id);
      return s[g.id];
    });
    expect(asked).toEqual(['industry+employees', 'industry']);
  });
});
