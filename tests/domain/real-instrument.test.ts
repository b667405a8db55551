import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstActions } from '../../src/domain/actions.ts';
import { optionsOf, type Answers } from '../../src/domain/answers.ts';
import { primaryFactor } from '../../src/domain/factors.ts';
import { SubIndexKeys, type Instrument, type Item, type SubIndexKey } from '../../src/domain/instrument.ts';
import { parseResponse } from '../../src/domain/response.ts';
import { allItems, companyItems, itemScore, personalItems, revenuePotential, scoreParticipant } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { instrumentPath, readInstrumentFile } from '../../src/server/instrument-loader.ts';

/**
 * The domain tests that read the real questionnaires under templates/instruments/: the
 * legacy velocity-v1 and velocity-v2, the one in force. They check the promises of the
 * spec (sections 2 and 3), not the wording.
 */
const files = ['velocity-v1', 'velocity-v2'].map((id) => {
  const result = readInstrumentFile(instrumentPath(id));
  return { id, result, instrument: result.ok ? result.instrument : undefined };
});

describe.each(files.map((f) => [f.id, f] as const))('templates/instruments/%s.yaml', (id, { result, instrument }) => {
  function loaded() {
    expect(instrument, `${id}.yaml must load (see the first test)`).toBeDefined();
    return instrument!;
  }

  it('passes checkInstrument', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('has at least 28 company items in at least 8 sections', () => {
    const inst = loaded();
    expect(inst.company.sections.length).toBeGreaterThanOrEqual(8);
    expect(companyItems(inst).length).toBeGreaterThanOrEqual(28);
  });

  it('has at least 15 personal items', () => {
    expect(personalItems(loaded()).length).toBeGreaterThanOrEqual(15);
  });

  it('offers exactly 12 industries', () => {
    const industry = loaded().profile.find((f) => f.id === 'industry');
    expect(industry?.kind).toBe('choice');
    expect(industry?.kind === 'choice' ? industry.options.length : 0).toBe(12);
  });

  it('gives every item all three narratives', () => {
    const inst = loaded();
    for (const item of [...companyItems(inst), ...personalItems(inst)]) {
      for (const band of ['positive', 'neutral', 'negative'] as const) {
        expect(item.narrative[band]?.trim().length ?? 0, `${item.id}: narrative.${band}`).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it('gives weight to each of the four sub-indices and to approach and execution', () => {
    const inst = loaded();
    for (const key of ['value', 'number', 'winRate', 'cycle'] as const) {
      expect(companyItems(inst).reduce((sum, i) => sum + i.weights[key], 0), key).toBeGreaterThan(0);
    }
    for (const key of ['approach', 'execution'] as const) {
      expect(personalItems(inst).reduce((sum, i) => sum + i.weights[key], 0), key).toBeGreaterThan(0);
    }
  });

  it('accepts the synthetic demo participants as responses', () => {
    const inst = loaded();
    const next = createSyntheticGenerator(inst, 7);
    for (let i = 0; i < 200; i++) {
      const p = next(i);
      const parsed = parseResponse(inst, { profile: p.profile, answers: p.answers, ...(p.numbers ? { numbers: p.numbers } : {}) });
      expect(parsed.ok ? [] : parsed.errors, `participant ${i}`).toEqual([]);
    }
  });
});

/** An item's answers from worst to best, by the score the instrument gives them. */
function answersByScore(inst: Instrument, item: Item): string[] {
  const values = item.kind === 'number' ? item.curve.map((p) => String(p.value)) : optionsOf(inst, item).map((o) => o.id);
  return [...values].sort((a, b) => itemScore(inst, item, a)! - itemScore(inst, item, b)!);
}

function answersWith(inst: Instrument, pick: (item: Item, ranked: string[]) => string): Answers {
  return Object.fromEntries(allItems(inst).map((item) => [item.id, pick(item, answersByScore(inst, item))]));
}

const v2 = files[1]!.instrument!;
const FACTORS = [...SubIndexKeys];

describe('velocity-v2: one factor per item, so the factor to pull stands out', () => {
  it('gives every company item one primary factor of weight 1 and at most one secondary of 0.3 or less', () => {
    for (const item of companyItems(v2)) {
      const weights = FACTORS.map((k) => item.weights[k]).filter((w) => w > 0).sort((a, b) => b - a);
      expect(weights[0], item.id).toBe(1);
      expect(weights.length, item.id).toBeLessThanOrEqual(2);
      if (weights[1] !== undefined) expect(weights[1], item.id).toBeLessThanOrEqual(0.3);
    }
  });

  it.each(FACTORS)('has at least seven primary items on %s, three of them a seller can act on', (factor) => {
    const primary = companyItems(v2).filter((i) => primaryFactor(i) === factor);
    expect(primary.length).toBeGreaterThanOrEqual(7);
    expect(primary.filter((i) => i.actor === 'team').length).toBeGreaterThanOrEqual(3);
  });

  it('phrases advice as behaviour and never reads an answer back in its own words', () => {
    for (const item of companyItems(v2)) {
      expect(item.advice.keep, item.id).toMatch(/^Keep /);
      expect(item.advice.stop, item.id).toMatch(/^Stop /);
      expect(item.advice.stop.toLowerCase(), item.id).not.toContain(item.short.toLowerCase());
    }
    for (const item of allItems(v2)) {
      for (const text of Object.values(item.narrative)) expect(text, item.id).not.toMatch(/\bYou (said|told us)\b/);
    }
  });

  describe.each(FACTORS)('a response best everywhere except on the %s practices', (weak) => {
    const answers = answersWith(v2, (item, ranked) =>
      'advice' in item && primaryFactor(item) === weak ? ranked[0]! : ranked.at(-1)!,
    );
    const s = scoreParticipant(v2, answers);

    it('scores that factor clearly lowest, with the largest revenue increase potential', () => {
      for (const other of FACTORS.filter((k) => k !== weak)) expect(s.company[weak]! + 40, other).toBeLessThan(s.company[other]!);
      const rank = (k: SubIndexKey) => v2.potential.findIndex((b) => b.label === revenuePotential(v2, s.company[k]!).label);
      for (const other of FACTORS.filter((k) => k !== weak)) expect(rank(weak)).not.toBe(rank(other));
      expect(revenuePotential(v2, s.company[weak]!).label).toBe(revenuePotential(v2, 0).label);
    });

    it("leads the first five actions with that factor's practices, for leaders and sellers alike", () => {
      for (const audience of ['leader', 'seller'] as const) {
        const actions = firstActions(v2, s.itemScores, s.company, audience);
        expect(actions).toHaveLength(5);
        const leading = actions.filter((a) => a.kind !== 'keep');
        expect(leading.length, audience).toBeGreaterThanOrEqual(3);
        expect(actions.slice(0, leading.length).every((a) => primaryFactor(a.item) === weak && a.kind === 'stop'), audience).toBe(true);
        if (audience === 'seller') expect(actions.every((a) => a.item.actor === 'team')).toBe(true);
      }
    });
  });

  it('singles out a weak factor in mixed, realistic answers too', () => {
    for (const weak of FACTORS) {
      // One notch below the top everywhere, one notch above the bottom on the weak factor's practices.
      const answers = answersWith(v2, (item, ranked) =>
        'advice' in item && primaryFactor(item) === weak ? ranked[Math.min(1, ranked.length - 1)]! : ranked.at(-2) ?? ranked[0]!,
      );
      const s = scoreParticipant(v2, answers);
      const lowest = FACTORS.reduce((low, k) => (s.company[k]! < s.company[low]! ? k : low));
      expect(lowest).toBe(weak);
      expect(primaryFactor(firstActions(v2, s.itemScores, s.company)[0]!.item)).toBe(weak);
    }
  });

  const answersArb = fc.record(
    Object.fromEntries(allItems(v2).map((item) => [item.id, fc.constantFrom(...answersByScore(v2, item))])),
  ) as fc.Arbitrary<Record<string, string>>;
  const itemArb = fc.constantFrom(...companyItems(v2));

  it('moves a factor only with the items that weigh on it, monotonically, within [0, 100]', () => {
    fc.assert(
      fc.property(answersArb, itemArb, fc.nat(), (answers, item, pick) => {
        const ranked = answersByScore(v2, item);
        const better = ranked[ranked.length - 1 - (pick % ranked.length)]!;
        const before = scoreParticipant(v2, answers).company;
        const after = scoreParticipant(v2, { ...answers, [item.id]: better }).company;
        const raised = itemScore(v2, item, better)! >= itemScore(v2, item, answers[item.id])!;
        for (const k of FACTORS) {
          expect(after[k]! >= 0 && after[k]! <= 100).toBe(true);
          if (item.weights[k] === 0) expect(after[k], `${item.id} moved ${k}`).toBe(before[k]);
          else if (raised) expect(after[k]!).toBeGreaterThanOrEqual(before[k]!);
          else expect(after[k]!).toBeLessThanOrEqual(before[k]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same scores for the same answers', () => {
    fc.assert(
      fc.property(answersArb, (answers) => {
        expect(scoreParticipant(v2, answers)).toEqual(scoreParticipant(v2, { ...answers }));
      }),
      { numRuns: 50 },
    );
  });
});
