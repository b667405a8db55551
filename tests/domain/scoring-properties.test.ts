import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstActions } from '../../src/domain/actions.ts';
import { aggregateCompany, type Respondent } from '../../src/domain/aggregation.ts';
import { allowsNotApplicable, checkAnswer, NOT_APPLICABLE, type Answers } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { peerRelative, quantile, quartiles, relativeFromCounts } from '../../src/domain/peers.ts';
import { scoreParticipant } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { allItems, instrument, scoredAnswers, scoreOf, worstAnswer } from '../fixtures/instrument.ts';

const RUNS = { numRuns: 300 };

/** A scored answer to `item`: one of its options, or any number in its range. */
function scoredArb(item: Item): fc.Arbitrary<string> {
  if (item.kind !== 'number') return fc.constantFrom(...scoredAnswers(item));
  const numbers = item.integer
    ? fc.integer({ min: Math.ceil(item.min), max: Math.floor(item.max) }).map(String)
    : fc.integer({ min: Math.ceil(item.min * 100), max: Math.floor(item.max * 100) }).map((n) => String(n / 100));
  return fc.oneof(fc.constantFrom(...scoredAnswers(item)), numbers);
}

/** Any accepted answer, N/A included where allowed. */
function answerArb(item: Item): fc.Arbitrary<string> {
  return allowsNotApplicable(item) ? fc.oneof(scoredArb(item), fc.constant(NOT_APPLICABLE)) : scoredArb(item);
}

/** Answer sets over the fixture: each item answered, N/A or left out. */
const answersArb: fc.Arbitrary<Record<string, string>> = fc
  .tuple(...allItems.map((item) => fc.option(answerArb(item), { nil: undefined })))
  .map((values) => {
    const answers: Record<string, string> = {};
    values.forEach((v, i) => {
      if (v !== undefined) answers[allItems[i]!.id] = v;
    });
    return answers;
  });

const itemIndexArb = fc.integer({ min: 0, max: allItems.length - 1 });

function allScores(answers: Answers) {
  const { company, personal } = scoreParticipant(instrument, answers);
  return { ...company, ...personal };
}
type AllScores = ReturnType<typeof allScores>;
const SCORE_KEYS = ['value', 'number', 'winRate', 'cycle', 'velocity', 'approach', 'execution', 'personal'] as const;

function without(answers: Answers, id: string): Record<string, string> {
  const { [id]: _dropped, ...rest } = answers;
  return rest;
}

describe('scores over arbitrary answer sets', () => {
  it('are null or within [0, 100], and item scores within [0, 1]', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const result = scoreParticipant(instrument, answers);
        const scores = { ...result.company, ...result.personal };
        for (const key of SCORE_KEYS) {
          const s = scores[key];
          if (s !== null) {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(100);
          }
        }
        for (const s of result.itemScores.values()) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });

  it('are monotone: a higher-or-equal scoring answer to one item never lowers any index', () => {
    const arb = fc.tuple(answersArb, itemIndexArb).chain(([answers, i]) =>
      fc.tuple(fc.constant(answers), fc.constant(allItems[i]!), scoredArb(allItems[i]!), scoredArb(allItems[i]!)),
    );
    fc.assert(
      fc.property(arb, ([answers, item, a, b]) => {
        const [lo, hi] = scoreOf(item, a)! <= scoreOf(item, b)! ? [a, b] : [b, a];
        const low = allScores({ ...answers, [item.id]: lo });
        const high = allScores({ ...answers, [item.id]: hi });
        for (const key of SCORE_KEYS) {
          expect(high[key] === null, key).toBe(low[key] === null);
          if (high[key] !== null) expect(high[key]!, key).toBeGreaterThanOrEqual(low[key]!);
        }
      }),
      RUNS,
    );
  });

  it('are deterministic: the same answers, in any key order, give the same scores', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const first = scoreParticipant(instrument, answers);
        const again = scoreParticipant(instrument, structuredClone(answers));
        const reordered = scoreParticipant(instrument, Object.fromEntries(Object.entries(answers).reverse()));
        expect(again).toEqual(first);
        expect(reordered).toEqual(first);
      }),
      RUNS,
    );
  });

  it('treat not applicable exactly as leaving the item unanswered', () => {
    const naItems = allItems.filter(allowsNotApplicable);
    expect(naItems.length).toBeGreaterThanOrEqual(3);
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...naItems), (answers, item) => {
        const na = scoreParticipant(instrument, { ...answers, [item.id]: NOT_APPLICABLE });
        const left = scoreParticipant(instrument, without(answers, item.id));
        expect(na).toEqual(left);
      }),
      RUNS,
    );
  });

  it('never drop when an item is not applicable instead of answered with its worst option', () => {
    // Every worst option of the fixture scores 0, so leaving the item out of the
    // mean can only keep or raise it; N/A must not count as a zero.
    for (const item of allItems) expect(scoreOf(item, worstAnswer(item))).toBe(0);
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...allItems.filter(allowsNotApplicable)), (answers, item) => {
        const na: AllScores = allScores({ ...answers, [item.id]: NOT_APPLICABLE });
        const worst: AllScores = allScores({ ...answers, [item.id]: worstAnswer(item) });
        for (const key of SCORE_KEYS) {
          if (worst[key] === null) expect(na[key], key).toBeNull();
          else if (na[key] !== null) expect(na[key]!, key).toBeGreaterThanOrEqual(worst[key]!);
        }
      }),
      RUNS,
    );
  });

  it('accept only answers that checkAnswer accepts (the generators stay honest)', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        for (const [id, raw] of Object.entries(answers)) {
          expect(checkAnswer(instrument, allItems.find((i) => i.id === id)!, raw).ok, `${id} = ${raw}`).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('first actions over arbitrary answer sets', () => {
  it('put improvements before keeps, each in descending priority, and fill up to five', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const { itemScores, company } = scoreParticipant(instrument, answers);
        const actions = firstActions(instrument, itemScores, company);
        const answeredCompany = allItems.filter((i) => i.id.startsWith('c-') && itemScores.has(i.id)).length;
        expect(actions).toHaveLength(Math.min(5, answeredCompany));
        const firstKeep = actions.findIndex((a) => a.kind === 'keep');
        if (firstKeep >= 0) expect(actions.slice(firstKeep).every((a) => a.kind === 'keep')).toBe(true);
        for (let i = 1; i < actions.length; i++) {
          if ((actions[i]!.kind === 'keep') === (actions[i - 1]!.kind === 'keep')) {
            expect(actions[i]!.priority).toBeLessThanOrEqual(actions[i - 1]!.priority);
          }
        }
        expect(firstActions(instrument, new Map([...itemScores].reverse()), company)).toEqual(actions);
      }),
      RUNS,
    );
  });
});

describe('company aggregation over arbitrary respondents', () => {
  const respondentArb: fc.Arbitrary<Respondent> = fc
    .tuple(answersArb, fc.constantFrom('leader' as const, 'seller' as const))
    .map(([answers, roleGroup]) => ({ roleGroup, itemScores: scoreParticipant(instrument, answers).itemScores }));

  it('keeps scores within [0, 100], spreads within [0, 0.5] and sorted widest first', () => {
    fc.assert(
      fc.property(fc.array(respondentArb, { maxLength: 8 }), (respondents) => {
        const agg = aggregateCompany(instrument, respondents, { minGroup: 0, readerRoleGroup: null });
        for (const key of ['value', 'number', 'winRate', 'cycle', 'velocity'] as const) {
          const s = agg.scores[key];
          if (s !== null) expect(s >= 0 && s <= 100, `${key} = ${s}`).toBe(true);
        }
        agg.spreads.forEach((s, i) => {
          expect(s.n).toBeGreaterThanOrEqual(2);
          expect(s.spread).toBeGreaterThanOrEqual(0);
          expect(s.spread).toBeLessThanOrEqual(0.5 + 1e-12);
          if (i > 0) expect(s.spread).toBeLessThanOrEqual(agg.spreads[i - 1]!.spread);
        });
        expect(aggregateCompany(instrument, respondents, { minGroup: 0, readerRoleGroup: null })).toEqual(agg);
      }),
      { numRuns: 150 },
    );
  });

  it('gives a company of one its respondent’s own scores', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        const own = scoreParticipant(instrument, answers);
        const agg = aggregateCompany(instrument, [{ roleGroup: 'seller', itemScores: own.itemScores }], { minGroup: 0, readerRoleGroup: null });
        expect(agg.scores).toEqual(own.company);
      }),
      RUNS,
    );
  });
});

describe('peer statistics', () => {
  const scoreArb = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);

  /** How a database would count: sort once, then binary-search the last peer not above the subject. */
  function countNotBetter(subject: number, peers: readonly number[]): number {
    const sorted = [...peers].sort((a, b) => a - b);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= subject) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  it('peerRelative equals relativeFromCounts of a brute-force count, ties not better', () => {
    const arb = fc
      .array(scoreArb, { maxLength: 60 })
      .chain((peers) => fc.tuple(fc.constant(peers), peers.length ? fc.oneof(scoreArb, fc.constantFrom(...peers)) : scoreArb));
    fc.assert(
      fc.property(arb, ([peers, subject]) => {
        const expected = relativeFromCounts(countNotBetter(subject, peers), peers.length);
        expect(peerRelative(subject, peers)).toBe(expected);
        const better = peers.filter((p) => p > subject).length;
        if (peers.length) expect(expected).toBeCloseTo(100 - (100 * better) / peers.length, 9);
        else expect(expected).toBeNull();
      }),
      RUNS,
    );
  });

  it('peerRelative is within [0, 100] and never falls as the subject rises', () => {
    fc.assert(
      fc.property(fc.array(scoreArb, { minLength: 1, maxLength: 60 }), scoreArb, scoreArb, (peers, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rLo = peerRelative(lo, peers)!;
        const rHi = peerRelative(hi, peers)!;
        expect(rLo).toBeGreaterThanOrEqual(0);
        expect(rHi).toBeLessThanOrEqual(100);
        expect(rHi).toBeGreaterThanOrEqual(rLo);
        expect(peerRelative(Math.max(...peers), peers)).toBe(100);
      }),
      RUNS,
    );
  });

  it('quartiles are ordered min ≤ q1 ≤ median ≤ q3 ≤ max and ignore input order', () => {
    fc.assert(
      fc.property(fc.array(scoreArb, { minLength: 1, maxLength: 80 }), (values) => {
        const q = quartiles(values)!;
        expect(q.n).toBe(values.length);
        expect(q.min).toBe(Math.min(...values));
        expect(q.max).toBe(Math.max(...values));
        expect(q.min).toBeLessThanOrEqual(q.q1);
        expect(q.q1).toBeLessThanOrEqual(q.median);
        expect(q.median).toBeLessThanOrEqual(q.q3);
        expect(q.q3).toBeLessThanOrEqual(q.max);
        expect(quartiles([...values].reverse())).toEqual(q);
      }),
      RUNS,
    );
  });

  it('quantile never falls as p rises', () => {
    fc.assert(
      fc.property(
        fc.array(scoreArb, { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p1, p2) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          expect(quantile(sorted, hi)).toBeGreaterThanOrEqual(quantile(sorted, lo));
        },
      ),
      RUNS,
    );
  });
});

describe('the synthetic generator', () => {
  const seedArb = fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const a = createSyntheticGenerator(instrument, seed);
        const b = createSyntheticGenerator(instrument, seed);
        for (let i = 0; i < 5; i++) expect(b(i)).toEqual(a(i));
      }),
      { numRuns: 50 },
    );
  });

  it('only produces answers that checkAnswer accepts', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 100_000 }), (seed, index) => {
        const next = createSyntheticGenerator(instrument, seed);
        for (let i = 0; i < 5; i++) {
          const { answers } = next(index + i);
          for (const item of allItems) {
            const raw = answers[item.id];
            expect(raw, item.id).toBeDefined();
            expect(checkAnswer(instrument, item, raw!).ok, `${item.id} = ${raw}`).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
