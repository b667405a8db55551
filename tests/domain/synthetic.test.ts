import { describe, expect, it } from 'vitest';
import { allowsNotApplicable, checkAnswer, NOT_APPLICABLE } from '../../src/domain/answers.ts';
import { checkInstrument } from '../../src/domain/instrument-check.ts';
import { parseResponse } from '../../src/domain/response.ts';
import { companyCategory, scoreParticipant } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { allItems, instrument, instrumentData } from '../fixtures/instrument.ts';

const people = (seed: number, n: number, inst = instrument) => {
  const next = createSyntheticGenerator(inst, seed);
  return Array.from({ length: n }, (_, i) => next(i));
};

describe('createSyntheticGenerator', () => {
  it.each([1, 42, 987_654])('gives the same participants for seed %d', (seed) => {
    expect(people(seed, 40)).toEqual(people(seed, 40));
  });

  it('gives different participants for different seeds', () => {
    expect(people(1, 5)).not.toEqual(people(2, 5));
  });

  const crowd = people(2024, 400);

  it('answers every item, with answers checkAnswer accepts', () => {
    for (const p of crowd) {
      for (const item of allItems) {
        const raw = p.answers[item.id];
        expect(raw, item.id).toBeDefined();
        const checked = checkAnswer(instrument, item, raw!);
        expect(checked, `${item.id} = ${raw}`).toEqual({ ok: true, value: raw });
      }
      expect(Object.keys(p.answers).sort()).toEqual(allItems.map((i) => i.id).sort());
    }
  });

  it('produces whole responses that parseResponse accepts', () => {
    for (const p of crowd) {
      const result = parseResponse(instrument, { profile: p.profile, answers: p.answers, ...(p.numbers ? { numbers: p.numbers } : {}) });
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });

  it('uses not applicable now and then, only where allowed', () => {
    const na = crowd.flatMap((p) => allItems.filter((i) => p.answers[i.id] === NOT_APPLICABLE));
    expect(na.length).toBeGreaterThan(0);
    expect(na.every(allowsNotApplicable)).toBe(true);
  });

  it('spreads participants over the categories', () => {
    const labels = new Set(
      crowd.map((p) => scoreParticipant(instrument, p.answers).company.velocity).map((v) => companyCategory(instrument, v!).label),
    );
    expect(labels.size).toBeGreaterThanOrEqual(3);
  });

  it('gives plausible numbers to most participants', () => {
    const withNumbers = crowd.filter((p) => p.numbers);
    expect(withNumbers.length).toBeGreaterThan(crowd.length * 0.4);
    expect(withNumbers.length).toBeLessThan(crowd.length * 0.8);
    for (const { numbers } of withNumbers) {
      expect(numbers!.winRate).toBeGreaterThanOrEqual(5);
      expect(numbers!.winRate).toBeLessThanOrEqual(70);
      expect(numbers!.cycleDays).toBeGreaterThanOrEqual(7);
      expect(numbers!.stage1).toBeDefined();
    }
  });

  it('keeps number answers inside the item’s range when the range is not on a 0.1 grid', () => {
    const data = instrumentData();
    const coaching = data.company.sections[1]!.items[2]!;
    if (coaching.kind !== 'number') throw new Error('fixture changed: c-coaching is not a number item');
    coaching.max = 2.25;
    coaching.curve = [
      { value: 0, score: 0 },
      { value: 2.25, score: 1 },
    ];
    const checked = checkInstrument(data);
    if (!checked.ok) throw new Error(checked.errors.join('\n'));
    const item = checked.instrument.company.sections[1]!.items[2]!;
    const rejected = people(1, 200, checked.instrument)
      .map((p) => p.answers['c-coaching']!)
      .filter((v) => !checkAnswer(checked.instrument, item, v).ok);
    expect([...new Set(rejected)]).toEqual([]);
  });
});
