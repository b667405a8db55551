import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorAfterDeletion, mayShow, mayShowQuantiles, othersThanReader, publishedCounts, publishedMembers } from '../../src/domain/anonymity.ts';

describe('the anonymity rule', () => {
  describe.each([
    { count: 4, readerIncluded: false, k: 5, shown: false, needed: 1 },
    { count: 5, readerIncluded: false, k: 5, shown: true, needed: 0 },
    // The reader can subtract their own answers, so they need k others.
    { count: 5, readerIncluded: true, k: 5, shown: false, needed: 1 },
    { count: 6, readerIncluded: true, k: 5, shown: true, needed: 0 },
    { count: 1, readerIncluded: true, k: 5, shown: false, needed: 5 },
    { count: 0, readerIncluded: false, k: 3, shown: false, needed: 3 },
  ])('$count contributors, reader among them: $readerIncluded, k = $k', ({ count, readerIncluded, k, shown, needed }) => {
    it(shown ? 'may be shown' : 'may not be shown', () => {
      expect(mayShow({ count, readerIncluded }, k)).toBe(shown);
      expect(Math.max(0, k - othersThanReader({ count, readerIncluded }))).toBe(needed);
    });
  });

  it('shows a figure only with k others than the reader', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.boolean(), fc.integer({ min: 1, max: 50 }), (count, readerIncluded, k) => {
        const c = { count: Math.max(count, readerIncluded ? 1 : 0), readerIncluded };
        expect(mayShow(c, k)).toBe(othersThanReader(c) >= k);
        // One more contributor never hides a figure that was shown.
        if (mayShow(c, k)) expect(mayShow({ ...c, count: c.count + 1 }, k)).toBe(true);
      }),
    );
  });
});

describe('publishedMembers: company figures grow in steps of k', () => {
  it.each([
    [0, 0],
    [5, 0],
    [6, 6],
    [10, 6],
    [11, 11],
    [15, 11],
    [16, 16],
  ])('%i respondents publish the first %i (k = 5)', (count, published) => {
    expect(publishedMembers(count, 5)).toBe(published);
  });

  it('never lets one newcomer change the published set, and leaves every member k others', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 2, max: 20 }), (count, k) => {
        const now = publishedMembers(count, k);
        const next = publishedMembers(count + 1, k);
        expect(now).toBeLessThanOrEqual(count);
        // An update adds at least k people at once (or nobody), so a difference is never one person's answers.
        if (next !== now) expect(next - now === k || now === 0).toBe(true);
        if (now > 0) expect(mayShow({ count: now, readerIncluded: true }, k)).toBe(true);
      }),
    );
  });
});

describe('publishedMembers after a deletion', () => {
  it('waits for k + 1 respondents beyond those who stay, then grows in steps of k again', () => {
    // Six were published, one deleted: five stay, and the figures need eleven before they show again.
    const floor = floorAfterDeletion(6, 5);
    expect(floor).toBe(11);
    expect(publishedMembers(10, 5, floor)).toBe(0);
    expect(publishedMembers(11, 5, floor)).toBe(11);
    expect(publishedMembers(15, 5, floor)).toBe(11);
    expect(publishedMembers(16, 5, floor)).toBe(16);
  });
});

describe('quantiles and counts as published', () => {
  it('needs 2k values for quantiles', () => {
    expect(mayShowQuantiles(9, 5)).toBe(false);
    expect(mayShowQuantiles(10, 5)).toBe(true);
  });

  it('empties bands of fewer than k and says so', () => {
    expect(publishedCounts([0, 3, 7, 5, 1], 5)).toEqual({ counts: [0, 0, 7, 5, 0], emptied: true });
    expect(publishedCounts([0, 6, 7], 5)).toEqual({ counts: [0, 6, 7], emptied: false });
  });
});
