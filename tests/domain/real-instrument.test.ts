import { describe, expect, it } from 'vitest';
import { parseResponse } from '../../src/domain/response.ts';
import { companyItems, personalItems } from '../../src/domain/scoring.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { instrumentPath, readInstrumentFile } from '../../src/server/instrument-loader.ts';

/**
 * The one domain test that reads the real questionnaire, templates/instruments/velocity-v1.yaml.
 * It checks the promises of the spec (section 2), not its wording.
 */
const result = readInstrumentFile(instrumentPath('velocity-v1'));
const instrument = result.ok ? result.instrument : undefined;

function loaded() {
  expect(instrument, 'velocity-v1.yaml must load (see the first test)').toBeDefined();
  return instrument!;
}

describe('templates/instruments/velocity-v1.yaml', () => {
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
