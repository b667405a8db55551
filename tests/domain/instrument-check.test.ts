import { describe, expect, it } from 'vitest';
import { checkInstrument, describePath, lintInstrument } from '../../src/domain/instrument-check.ts';
import { InstrumentSchema } from '../../src/domain/instrument.ts';
import { instrument, instrumentData, type InstrumentInput } from '../fixtures/instrument.ts';

/** The fixture's raw data, changed by `edit`; `any` because the edits deliberately break the types. */
function broken(edit: (d: any) => void): InstrumentInput {
  const data = instrumentData();
  edit(data);
  return data;
}

function errorsOf(data: unknown): string[] {
  const result = checkInstrument(data);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

const SHORT = 'Too short.';

describe('the fixture', () => {
  it('passes checkInstrument', () => {
    const result = checkInstrument(instrumentData());
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.instrument).toEqual(instrument);
  });

  it('has nothing for the lint to find', () => {
    expect(lintInstrument(instrument)).toEqual([]);
  });
});

describe('checkInstrument: schema errors name the item and the field', () => {
  describe.each([
    {
      name: 'a narrative too short',
      edit: (d: any) => (d.company.sections[0].items[0].narrative.positive = SHORT),
      expect: ['item "c-plan"', 'section "process"', 'narrative.positive', 'too short'],
    },
    {
      name: 'a personal item’s narrative too short',
      edit: (d: any) => (d.personal.sections[0].items[2].narrative.negative = SHORT),
      expect: ['item "p-admin"', 'section "engagement"', 'narrative.negative'],
    },
    {
      name: 'a missing narrative',
      edit: (d: any) => delete d.company.sections[0].items[2].narrative,
      expect: ['item "c-review"', 'narrative'],
    },
    {
      name: 'a choice option scoring above 1',
      edit: (d: any) => (d.company.sections[1].items[1].options[0].score = 1.5),
      expect: ['item "c-stage"', 'score', 'must be 1 or less'],
    },
    {
      name: 'a weight above 10',
      edit: (d: any) => (d.company.sections[1].items[0].weights.cycle = 11),
      expect: ['item "c-stalled"', 'weights.cycle', 'must be 10 or less'],
    },
    {
      name: 'a negative weight',
      edit: (d: any) => (d.company.sections[0].items[1].weights.winRate = -1),
      expect: ['item "c-qualify"', 'weights.winRate', 'must be 0 or more'],
    },
    {
      name: 'company weights on a personal item',
      edit: (d: any) => (d.personal.sections[0].items[0].weights = { value: 1, number: 1, winRate: 1, cycle: 1 }),
      expect: ['item "p-prepare"', 'weights'],
    },
    {
      name: 'an unknown field on an item',
      edit: (d: any) => (d.company.sections[0].items[1].colour = 'red'),
      expect: ['item "c-qualify"', 'colour'],
    },
    {
      name: 'an item id in capitals',
      edit: (d: any) => (d.company.sections[1].items[2].id = 'Coaching'),
      expect: ['item "Coaching"', 'id', 'lower-case'],
    },
    {
      name: 'an unknown item kind',
      edit: (d: any) => (d.company.sections[1].items[3].kind = 'slider'),
      expect: ['item "c-forecast"', 'kind'],
    },
    {
      name: 'a curve of one point',
      edit: (d: any) => (d.company.sections[1].items[2].curve = [{ value: 0, score: 0 }]),
      expect: ['item "c-coaching"', 'curve'],
    },
    {
      name: 'two curve points at one value',
      edit: (d: any) => (d.company.sections[1].items[2].curve[2].value = 4),
      expect: ['item "c-coaching"', 'curve'],
    },
    {
      name: 'curve points out of order',
      edit: (d: any) => d.company.sections[1].items[2].curve.reverse(),
      expect: ['item "c-coaching"', 'curve'],
    },
    {
      name: 'a number item without a maximum',
      edit: (d: any) => delete d.personal.sections[0].items[2].max,
      expect: ['item "p-admin"', 'max'],
    },
    {
      name: 'item text too short',
      edit: (d: any) => (d.company.sections[0].items[0].text = 'Plans?'),
      expect: ['item "c-plan"', 'text'],
    },
    {
      name: 'a section title too short',
      edit: (d: any) => (d.company.sections[0].title = 'SP'),
      expect: ['section "process"', 'title'],
    },
    {
      name: 'a section without items',
      edit: (d: any) => (d.company.sections[1].items = []),
      expect: ['section "pipeline"', 'items'],
    },
    {
      name: 'a version of 0',
      edit: (d: any) => (d.version = 0),
      expect: ['version'],
    },
    {
      name: 'a missing personal part',
      edit: (d: any) => delete d.personal,
      expect: ['personal'],
    },
    {
      name: 'a band starting below 0',
      edit: (d: any) => (d.categories.company[0].min = -1),
      expect: ['categories.company[0].min'],
    },
    {
      name: 'a currency that is not an ISO code',
      edit: (d: any) => (d.numbers.fields[2].options = ['dollars']),
      expect: ['currency', 'options[0]', 'ISO 4217'],
    },
  ])('$name', ({ edit, expect: parts }) => {
    it(`mentions ${parts.join(', ')}`, () => {
      const errors = errorsOf(broken(edit));
      expect(errors.some((e) => parts.every((p) => e.includes(p))), errors.join('\n')).toBe(true);
    });
  });

  it('reports every problem, not only the first', () => {
    const errors = errorsOf(
      broken((d) => {
        d.company.sections[0].items[0].narrative.positive = SHORT;
        d.personal.sections[0].items[1].narrative.neutral = SHORT;
      }),
    );
    expect(errors.some((e) => e.includes('item "c-plan"'))).toBe(true);
    expect(errors.some((e) => e.includes('item "p-follow-up"'))).toBe(true);
  });

  it.each([null, undefined, 'velocity', 42, [], {}])('rejects %j without throwing', (data) => {
    expect(errorsOf(data).length).toBeGreaterThan(0);
  });
});

describe('checkInstrument: lint rules the schema cannot express', () => {
  describe.each([
    {
      name: 'an item id used twice in one part',
      edit: (d: any) => (d.company.sections[0].items[1].id = 'c-plan'),
      problem: 'item "c-plan": the id is used twice',
    },
    {
      name: 'an item id shared by a company and a personal item',
      edit: (d: any) => (d.personal.sections[0].items[0].id = 'c-stage'),
      problem: 'item "c-stage": the id is used twice',
    },
    {
      name: 'a section id used twice',
      edit: (d: any) => (d.personal.sections[0].id = 'process'),
      problem: 'section "process": the id is used twice',
    },
    {
      name: 'weights that sum to zero',
      edit: (d: any) => (d.company.sections[1].items[3].weights = { value: 0, number: 0, winRate: 0, cycle: 0 }),
      problem: 'item "c-forecast": weights must sum above 0',
    },
    {
      name: 'personal weights that sum to zero',
      edit: (d: any) => (d.personal.sections[0].items[1].weights = { approach: 0, execution: 0 }),
      problem: 'item "p-follow-up": weights must sum above 0',
    },
    {
      name: 'a narrative of blanks',
      edit: (d: any) => (d.company.sections[0].items[0].narrative.neutral = ' '.repeat(60)),
      problem: 'item "c-plan": narrative.neutral is empty',
    },
    {
      name: 'repeated choice option ids',
      edit: (d: any) => (d.company.sections[1].items[1].options[1].id = 'discovery'),
      problem: 'item "c-stage": option ids repeat',
    },
    {
      name: 'a choice where no option scores 1',
      edit: (d: any) => (d.company.sections[1].items[1].options[0].score = 0.9),
      problem: 'item "c-stage": no option scores 1',
    },
    {
      name: 'a number item whose min is not below its max',
      edit: (d: any) => (d.company.sections[1].items[2].min = 40),
      problem: 'item "c-coaching": min must be below max',
    },
    {
      name: 'a curve that rises and falls',
      edit: (d: any) => (d.company.sections[1].items[2].curve[2].score = 0.2),
      problem: 'item "c-coaching": curve must only rise or only fall',
    },
    {
      name: 'repeated scale option ids',
      edit: (d: any) => (d.scales.frequency[1].id = 'never'),
      problem: 'scales.frequency: option ids repeat',
    },
    {
      name: 'a scale option with the reserved id "na"',
      edit: (d: any) => (d.scales.importance[0].id = 'na'),
      problem: 'scales.importance: "na" is reserved for not applicable',
    },
    {
      name: 'a gap between company categories',
      edit: (d: any) => (d.categories.company[1].min = 45),
      problem: 'categories.company: gap between 40 and 45',
    },
    {
      name: 'overlapping personal categories',
      edit: (d: any) => (d.categories.personal[2].max = 75),
      problem: 'categories.personal: "Contender" and "Closer" overlap',
    },
    {
      name: 'potential bands that stop short of 100',
      edit: (d: any) => (d.potential[3].max = 95),
      problem: 'potential: ends at 95, not 100',
    },
    {
      name: 'a numbers field listed twice',
      edit: (d: any) => d.numbers.fields.push({ id: 'quota', label: 'Quota again', kind: 'money', min: 0, max: 10 }),
      problem: 'numbers.fields: a field id is used twice',
    },
    {
      name: 'a numbers field whose min is not below its max',
      edit: (d: any) => (d.numbers.fields[3].min = 100),
      problem: 'numbers field "winRate": min must be below max',
    },
  ])('$name', ({ edit, problem }) => {
    const data = broken(edit);
    it('passes the schema', () => {
      expect(InstrumentSchema.safeParse(data).success).toBe(true);
    });
    it(`is reported as: ${problem}`, () => {
      const errors = errorsOf(data);
      expect(errors.some((e) => e.startsWith(problem)), errors.join('\n')).toBe(true);
    });
  });

  it('reserves "na" in choice options too, since an "na" answer always means not applicable', () => {
    // checkAnswer treats "na" as not applicable before it looks at the options,
    // so a choice option with that id can never be chosen (nor scored).
    const data = broken((d) => (d.company.sections[1].items[1].options[3].id = 'na'));
    const errors = errorsOf(data);
    expect(errors.some((e) => e.includes('item "c-stage"') && e.includes('"na"')), errors.join('\n')).toBe(true);
  });
});

describe('describePath', () => {
  const data = instrumentData();
  describe.each([
    {
      path: ['company', 'sections', 0, 'items', 1, 'narrative', 'positive'],
      parts: ['item "c-qualify"', 'section "process"', 'narrative.positive'],
    },
    { path: ['personal', 'sections', 0, 'items', 2, 'curve', 1, 'score'], parts: ['item "p-admin"', 'section "engagement"', 'curve[1].score'] },
    { path: ['company', 'sections', 1], parts: ['section "pipeline"'] },
    { path: ['company', 'sections', 1, 'title'], parts: ['section "pipeline"', 'title'] },
    { path: ['categories', 'company', 2, 'min'], parts: ['categories.company[2].min'] },
    { path: ['version'], parts: ['version'] },
    { path: [], parts: ['(top level)'] },
    { path: ['company', 'sections', 9, 'title'], parts: ['company.sections[9].title'] },
  ])('$path', ({ path, parts }) => {
    it(`mentions ${parts.join(', ')}`, () => {
      const described = describePath(data, path);
      for (const p of parts) expect(described).toContain(p);
    });
  });

  describe.each([
    { name: 'a scale option', path: ['scales', 'agreement', 4, 'score'], place: 'scales.agreement' },
    { name: 'a profile option', path: ['profile', 0, 'options', 1, 'id'], place: 'profile' },
    { name: 'a numbers field', path: ['numbers', 'fields', 3, 'max'], place: 'numbers' },
  ])('$name', ({ path, place }) => {
    it(`says it sits in ${place}, not in a section`, () => {
      const described = describePath(data, path);
      expect(described).toContain(place);
      expect(described).not.toMatch(/section "/);
    });
  });
});
