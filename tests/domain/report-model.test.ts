import { describe, expect, it } from 'vitest';
import { aggregateCompany } from '../../src/domain/aggregation.ts';
import { combineCompanyNumbers } from '../../src/domain/company-numbers.ts';
import { companyReportModel, personalReportModel, type CompanyReportInput } from '../../src/domain/report-model.ts';
import { scoreParticipant } from '../../src/domain/scoring.ts';
import { loadReportCopy } from '../../src/server/report-copy-loader.ts';
import { answersFor, bestAnswers, companyItemList, instrument, personalItemList, scoredAnswers, worstAnswers } from '../fixtures/instrument.ts';

const copy = loadReportCopy();
const middle = answersFor((i) => {
  const options = scoredAnswers(i);
  return options[Math.floor(options.length / 2)];
});

function input(answers = middle, overrides: Partial<CompanyReportInput> = {}): CompanyReportInput {
  const s = scoreParticipant(instrument, answers);
  return {
    instrument,
    copy,
    company: 'Acme',
    date: '2026-11-23',
    view: 'own',
    respondents: 1,
    itemScores: s.itemScores,
    scores: s.company,
    ownAnswers: answers,
    ownView: null,
    companyPending: null,
    audience: 'leader',
    reader: s.personal,
    peer: null,
    minGroup: 5,
    numbers: null,
    companyNumbers: null,
    aggregate: null,
    ...overrides,
  };
}

describe('companyReportModel', () => {
  it('covers every company section and item in instrument order, with five actions and filled copy', () => {
    const m = companyReportModel(input());
    expect(m.detail.sections.map((s) => s.title)).toEqual(instrument.company.sections.map((s) => s.title));
    expect(m.detail.sections.flatMap((s) => s.items.map((i) => i.id))).toEqual(companyItemList.map((i) => i.id));
    expect(m.actions.items).toHaveLength(5);
    expect(m.executive.compounding).toContain('47.9 %');
    for (const p of [...m.methodology, m.cover.tagline]) expect(p).not.toMatch(/\{\w+\}/);
    expect(m.summary.subIndices.map((s) => s.key)).toEqual(['value', 'number', 'winRate', 'cycle']);
    expect(m.summary.histogram).toBeNull();
    expect(m.numbers).toBeNull();
    expect(m.disagreement).toBeNull();
  });

  it('shows a not-applicable item without a score or a narrative', () => {
    const na = companyItemList.find((i) => i.kind === 'agreement')!;
    const m = companyReportModel(input({ ...middle, [na.id]: 'na' }));
    const shown = m.detail.sections.flatMap((s) => s.items).find((i) => i.id === na.id)!;
    expect(shown).toMatchObject({ score: null, narrative: null });
  });

  it("builds the numbers page from the reader's own figures, velocity only from a complete set, the stage ratios ending in the win", () => {
    const partial = companyReportModel(input(middle, { numbers: { opportunities: 40, dealValue: 25000, winRate: 25 } })).numbers!;
    expect(partial.title).toBe('Your numbers');
    expect(partial.own!.velocity).toBeNull();
    expect(partial.own!.winRates!.rows).toEqual([{ label: 'Win rate you entered', value: '25.0 %' }]);
    const m = companyReportModel(input(middle, { numbers: { opportunities: 40, dealValue: 25000, winRate: 25, cycleDays: 90, currency: 'EUR', stage1: 50, stage2: 50, stage3: 50 } }));
    const own = m.numbers!.own!;
    expect(own.velocity!.perDay).toBeCloseTo((40 * 25000 * 0.25) / 90, 6);
    expect(own.velocity!.perDayText).toBe('EUR 2,778');
    expect(own.velocity!.uplift).toBeCloseTo(0.4789, 3);
    expect(own.velocity!.upliftText).toBe('+47.9 %');
    expect(own.stages!.text).toBe('8 : 4 : 2 : 1');
    expect(own.stages!.chart.rows.at(-1)!.label).toBe('Win');
    expect(own.coverage).toBeNull();
    expect(m.numbers!.company).toBeNull();
    expect(companyReportModel(input(middle, { numbers: {} })).numbers).toBeNull();
  });

  it("shows the reader's numbers as theirs and the company's only as medians over at least k others", () => {
    const mine = { winRate: 22, wonCount: 13, lostCount: 31, wonValue: 300_000, lostValue: 700_000, currency: 'USD' };
    const colleagues = [20, 25, 30, 35, 40, 45].map((winRate) => ({ numbers: { winRate } }));
    const own = companyReportModel(
      input(middle, { respondents: 7, numbers: mine, companyNumbers: combineCompanyNumbers([...colleagues, { numbers: mine, reader: true }], 5) }),
    ).numbers!;
    expect(own.own!.winRates!.rows.map((r) => `${r.label}: ${r.value}`)).toEqual([
      'Win rate you entered: 22.0 %',
      "Unit win rate from last quarter's decided deals (13 won of 44): 29.5 %",
      "Value win rate from last quarter's decided deals (USD 300,000 won of USD 1,000,000): 30.0 %",
    ]);
    expect(own.company!.rows.find((r) => r.label === 'Win rate entered')).toEqual({ label: 'Win rate entered', yours: '22.0 %', company: '30.0 % (median of 7)' });
    // The consultant's copy: no reader, no one's own figures, the same median.
    const consultant = companyReportModel(input(middle, { respondents: 7, reader: null, numbers: null, companyNumbers: combineCompanyNumbers([...colleagues, { numbers: mine }], 5) })).numbers!;
    expect(consultant.own).toBeNull();
    expect(consultant.company!.rows.find((r) => r.label === 'Win rate entered')).toEqual({ label: 'Win rate entered', yours: null, company: '30.0 % (median of 7)' });
    expect(JSON.stringify(consultant)).not.toContain('22.0 %');
  });

  it('shows where a team disagrees only when there are several respondents', () => {
    const best = scoreParticipant(instrument, bestAnswers());
    const worst = scoreParticipant(instrument, worstAnswers());
    const aggregate = aggregateCompany(
      instrument,
      [
        { roleGroup: 'leader', itemScores: best.itemScores },
        { roleGroup: 'seller', itemScores: worst.itemScores },
      ],
      { minGroup: 0, readerRoleGroup: null },
    );
    const m = companyReportModel(
      input(middle, { view: 'company', respondents: 2, ownAnswers: null, aggregate, itemScores: aggregate.itemScores, scores: aggregate.scores }),
    );
    expect(m.disagreement!.intro).toContain('2');
    expect(m.disagreement!.items.length).toBeGreaterThan(0);
    // Best against worst: the mean is halfway and the spread is half the scale; no one's own answer is printed.
    expect(m.disagreement!.items[0]).toMatchObject({ mean: 50, spread: 50 });
    expect(m.disagreement!.items[0]).not.toHaveProperty('min');
    expect(m.disagreement!.roles.every((r) => r.gap > 0)).toBe(true);
  });

  it("says whose figures it holds: the reader's own view with what unlocks the company's, or the company's with n", () => {
    const own = companyReportModel(input(middle, { companyPending: { needed: 3 } }));
    expect(own.meta.viewLabel).toBe('Your view · your answers only');
    expect(own.summary.viewNote).toContain('3 more colleagues');
    const s = scoreParticipant(instrument, middle);
    const company = companyReportModel(input(middle, { view: 'company', respondents: 6, ownView: scoreParticipant(instrument, bestAnswers()).company, itemScores: s.itemScores, scores: s.company }));
    expect(company.meta.viewLabel).toBe('Company view · 6 respondents');
    expect(company.summary.viewNote).toContain('6 respondents combined');
    expect(company.summary.ownView!.score).toBe(100);
    expect(company.summary.velocity.score).toBe(s.company.velocity);
  });

  it("reads the reader's own answers back by their labels, and a team's as an average", () => {
    const item = companyItemList.find((i) => i.kind === 'frequency')!;
    const answers = { ...middle, [item.id]: 'often' };
    const own = companyReportModel(input(answers)).detail.sections.flatMap((x) => x.items).find((i) => i.id === item.id)!;
    expect(own.answer).toBe('You answered “Most of the time”.');
    const team = companyReportModel(input(answers, { view: 'company', respondents: 6, ownAnswers: null })).detail.sections.flatMap((x) => x.items).find((i) => i.id === item.id)!;
    expect(team.answer).toBe('Your team’s average: 75 / 100.');
    // The practice tables' short forms: the label itself, and the team's average.
    expect(own.answerShort).toBe('Most of the time');
    expect(team.answerShort).toBe('Team average 75');
  });

  it('marks every scored practice keep, change or stop by its score, with the next step of that kind from its advice', () => {
    const items = companyReportModel(input(middle)).detail.sections.flatMap((x) => x.items);
    const byId = new Map(companyItemList.map((i) => [i.id, i]));
    expect(items.some((i) => i.kind === 'change')).toBe(true);
    for (const d of items) {
      if (d.score === null) {
        expect([d.kind, d.next]).toEqual([null, null]);
        continue;
      }
      const kind = d.score <= 25 ? 'stop' : d.score >= 75 ? 'keep' : 'change';
      expect(d.kind, d.id).toBe(kind);
      expect(d.next, d.id).toBe(byId.get(d.id)!.advice[kind]);
    }
    const worst = companyReportModel(input(worstAnswers())).detail.sections.flatMap((x) => x.items).filter((i) => i.score !== null);
    expect(worst.every((i) => i.kind === 'stop' && /^Stop /.test(i.next!))).toBe(true);
  });

  it('writes the report date out', () => {
    expect(companyReportModel(input(middle)).meta.dateText).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
  });

  it("gives a seller's copy only actions a seller can take", () => {
    const worst = worstAnswers();
    const m = companyReportModel(input(worst, { audience: 'seller' }));
    const teamItems = new Set(companyItemList.filter((i) => i.actor === 'team').map((i) => i.short));
    expect(m.actions.items.length).toBeGreaterThan(0);
    expect(m.actions.items.every((a) => teamItems.has(a.title))).toBe(true);
    expect(m.actions.items.every((a) => /^Stop /.test(a.text))).toBe(true);
  });
});

describe('personalReportModel', () => {
  it('gives three suggestions, the practices with the most to gain first, and the balance text', () => {
    const answers = { ...bestAnswers(), ...answersFor((i) => scoredAnswers(i)[0], personalItemList.slice(0, 1)) };
    const s = scoreParticipant(instrument, answers);
    const m = personalReportModel({
      instrument,
      copy,
      company: 'Acme',
      date: '2026-11-23',
      roleLabel: 'Seller',
      itemScores: s.itemScores,
      answers,
      scores: s.personal,
      position: null,
      minGroup: 5,
    });
    expect(m.suggestions.items).toHaveLength(Math.min(3, personalItemList.length));
    expect(m.suggestions.items[0]!.title).toBe(personalItemList[0]!.short);
    expect(m.sections.map((x) => x.title)).toEqual(instrument.personal.sections.map((x) => x.title));
    expect([copy.personal.balanced, copy.personal.approachLeads, copy.personal.executionLeads].some((t) => m.balance.text.startsWith(t.slice(0, 20)))).toBe(true);
    expect(m.balance.text).not.toMatch(/\{\w+\}/);
  });
});
