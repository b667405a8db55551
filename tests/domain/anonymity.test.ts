import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contributorsStillNeeded, mayShow, othersThanReader } from '../../src/domain/anonymity.ts';

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
      expect(contributorsStillNeeded({ count, readerIncluded }, k)).toBe(needed);
    });
  });

  it('shows a figure exactly when no more contributors are needed, and only with k others than the reader', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.boolean(), fc.integer({ min: 1, max: 50 }), (count, readerIncluded, k) => {
        const c = { count: Math.max(count, readerIncluded ? 1 : 0), readerIncluded };
        expect(mayShow(c, k)).toBe(contributorsStillNeeded(c, k) === 0);
        if (mayShow(c, k)) expect(othersThanReader(c)).toBeGreaterThanOrEqual(k);
        // One more contributor never hides a figure that was shown.
        if (mayShow(c, k)) expect(mayShow({ ...c, count: c.count + 1 }, k)).toBe(true);
      }),
    );
  });
});
