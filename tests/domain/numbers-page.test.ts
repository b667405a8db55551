import { describe, expect, it } from 'vitest';
import { combineCompanyNumbers, type Respondent } from '../../src/domain/company-numbers.ts';
import { numbersPage, WIN_RATE_GAP_POINTS } from '../../src/domain/numbers-page.ts';
import type { YourNumbers } from '../../src/domain/profile.ts';

const INTRO = 'This page works from the figures you entered.';
const K = 5;

/** Entered 22 %; last quarter 13 won of 44 decided (29.5 %). */
const entered22: YourNumbers = {
  opportunities: 40,
  dealValue: 25_000,
  currency: 'USD',
  winRate: 22,
  cycleDays: 90,
  wonCount: 13,
  wonValue: 300_000,
  lostCount: 31,
  lostValue: 700_000,
};

describe('the win rates on the numbers page', () => {
  const own = numbersPage(INTRO, entered22, null)!.own!;

  it('shows the entered win rate and the one from won and lost deals side by side, each named', () => {
    expect(own.winRates!.rows).toEqual([
      { label: 'Win rate you entered', value: '22.0 %' },
      { label: "Unit win rate from last quarter's decided deals (13 won of 44)", value: '29.5 %' },
      { label: "Value win rate from last quarter's decided deals (USD 300,000 won of USD 1,000,000)", value: '30.0 %' },
    ]);
  });

  it('says that velocity and the what-if use the entered one, and velocity does', () => {
    expect(own.winRates!.used).toMatch(/^Velocity and the what-if use the win rate you entered/);
    expect(own.velocity!.basis).toBe('At the win rate you entered, 22.0 %.');
    expect(own.velocity!.perDay).toBeCloseTo((40 * 25_000 * 0.22) / 90, 9);
    expect(own.velocity!.perDayText).toBe('USD 2,444');
    expect(own.velocity!.upliftText).toBe('+47.9 %');
  });

  it(`explains a gap of more than ${WIN_RATE_GAP_POINTS} points in one sentence, saying which way it goes`, () => {
    expect(own.winRates!.difference).toMatch(/^Last quarter's decided deals give a rate 7\.5 points above the one you entered, which usually means/);
    expect(own.winRates!.difference!.match(/\. /g)).toBeNull();
    const higher = numbersPage(INTRO, { ...entered22, winRate: 40 }, null)!.own!.winRates!;
    expect(higher.difference).toMatch(/^The rate you entered is 10\.5 points above last quarter's, which usually means it leaves out deals that ended in no decision/);
    // With 44 decided deals a single deal moves the rate by 2.3 points: said when the sample is small.
    expect(higher.difference).toContain('44 decided deals one deal more or less moves it by 2.3 points');
  });

  it('says nothing about a gap of a few points', () => {
    expect(numbersPage(INTRO, { ...entered22, winRate: 26 }, null)!.own!.winRates!.difference).toBeNull();
    expect(numbersPage(INTRO, { ...entered22, winRate: 34.5 }, null)!.own!.winRates!.difference).toBeNull();
  });

  it('uses the unit win rate for velocity when none was entered, and says so', () => {
    const { winRate: _, ...blank } = entered22;
    const page = numbersPage(INTRO, blank, null)!.own!;
    expect(page.winRates!.rows.map((r) => r.label)).not.toContain('Win rate you entered');
    expect(page.winRates!.used).toMatch(/^You left the win rate blank, so velocity and the what-if use the unit win rate/);
    expect(page.velocity!.basis).toMatch(/unit win rate of last quarter's decided deals, 29\.5 %/);
    expect(page.velocity!.perDay).toBeCloseTo((40 * 25_000 * (13 / 44)) / 90, 9);
  });

  it('says what the open deals do to both rates', () => {
    const page = numbersPage(INTRO, { ...entered22, openCount: 20, openValue: 500_000 }, null)!.own!;
    expect(page.winRates!.open).toBe('Counting the 20 open deals as not yet won: 20.3 % by count and 20.0 % by value; if all of them were won, 51.6 % and 53.3 %.');
  });
});

describe('the rest of the numbers page, one rounding rule per figure', () => {
  it('writes the stage counts as whole opportunities rounded up, in the ratio and the chart alike', () => {
    const page = numbersPage(INTRO, { stage1: 58, stage2: 51, stage3: 18 }, null)!.own!;
    expect(page.stages!.text).toBe('19 : 11 : 6 : 1');
    expect(page.stages!.rows).toEqual([
      { label: 'Stage 1', value: '19' },
      { label: 'Stage 2', value: '11' },
      { label: 'Stage 3', value: '6' },
      { label: 'Win', value: '1' },
    ]);
    expect(page.stages!.chart.rows.map((r) => r.label)).toEqual(['Stage 1', 'Stage 2', 'Stage 3', 'Win']);
    expect(numbersPage(INTRO, { stage1: 50, stage2: 50, stage3: 50 }, null)!.own!.stages!.text).toBe('8 : 4 : 2 : 1');
    expect(page.velocity).toBeNull();
    expect(page.winRates).toBeNull();
  });

  it('writes coverage with one decimal and the shortfall in whole money', () => {
    expect(numbersPage(INTRO, { quota: 300_000, pipeline: 700_000, currency: 'EUR' }, null)!.own!.coverage).toBe(
      '2.3 : 1 against the common 3 : 1 rule: EUR 200,000 of pipeline short.',
    );
  });

  it('has no page for a reader without numbers outside a company', () => {
    expect(numbersPage(INTRO, null, null)).toBeNull();
    expect(numbersPage(INTRO, { currency: 'USD' }, null)).toBeNull();
  });
});

describe('the company figures on the numbers page', () => {
  const colleague = (winRate: number, dealValue: number): Respondent => ({ numbers: { winRate, dealValue, currency: 'USD' } });
  const colleagues = [colleague(20, 10_000), colleague(25, 20_000), colleague(30, 30_000), colleague(35, 40_000), colleague(40, 50_000)];

  it("shows the reader's own figures as theirs and the company median of those who gave it, with their number", () => {
    const company = combineCompanyNumbers([...colleagues, { numbers: entered22, reader: true }], K);
    const page = numbersPage(INTRO, entered22, company)!;
    expect(page.title).toBe('Your numbers');
    expect(page.company!.columns).toEqual({ figure: 'Figure', yours: 'Yours', company: 'Company median (respondents who gave it)' });
    const byLabel = new Map(page.company!.rows.map((r) => [r.label, r]));
    expect(byLabel.get('Win rate entered')).toEqual({ label: 'Win rate entered', yours: '22.0 %', company: '27.5 % (median of 6)' });
    expect(byLabel.get('Average deal value')).toEqual({ label: 'Average deal value', yours: 'USD 25,000', company: 'USD 27,500 (median of 6)' });
    // Only the reader gave deals won and lost: their figure is shown to them, the company's is a dash.
    expect(byLabel.get("Unit win rate, last quarter's decided deals")).toMatchObject({ yours: '29.5 %', company: '—' });
    expect(page.company!.note).toContain(`fewer than ${K} respondents besides you`);
    expect(page.company!.intro).toContain('Money figures combine the respondents who answered in USD.');
  });

  it("never shows a figure of fewer than k respondents besides the reader, nor one other person's figure", () => {
    const company = combineCompanyNumbers([...colleagues.slice(0, 4), { numbers: entered22, reader: true }], K);
    const page = numbersPage(INTRO, entered22, company)!;
    // Without a single company figure there is no table, only the sentence saying why.
    expect(page.company!.rows).toEqual([]);
    expect(page.company!.note).toBe(`Company figures appear once at least ${K} respondents besides you have given them; fewer have so far.`);
    const text = JSON.stringify(page);
    for (const v of ['20.0 %', '25.0 %', '35.0 %', '10,000', '20,000', '40,000']) expect(text).not.toContain(v);
  });

  it("gives the consultant's copy only combined figures, and a clear sentence while there are none", () => {
    const shown = numbersPage(INTRO, null, combineCompanyNumbers([...colleagues, colleague(50, 60_000)], K))!;
    expect(shown.title).toBe("The company's numbers");
    expect(shown.own).toBeNull();
    expect(shown.company!.columns.yours).toBeNull();
    expect(shown.company!.rows).toEqual([
      { label: 'Average deal value', yours: null, company: 'USD 35,000 (median of 6)' },
      { label: 'Win rate entered', yours: null, company: '32.5 % (median of 6)' },
    ]);
    expect(shown.company!.note).toBe(`Figures that fewer than ${K} respondents have given are left out.`);

    const none = numbersPage(INTRO, null, combineCompanyNumbers(colleagues.slice(0, 3), K))!;
    expect(none.company!.rows).toEqual([]);
    expect(none.company!.note).toBe(`Numbers appear once at least ${K} respondents have given them; fewer than ${K} have so far.`);
    expect(JSON.stringify(none)).not.toMatch(/\b3\b/);
  });

  it("shows a reader who gave no numbers the company's figures only", () => {
    const page = numbersPage(INTRO, null, combineCompanyNumbers([...colleagues, { numbers: null, reader: true }], K))!;
    expect(page.title).toBe("Your company's numbers");
    expect(page.own).toBeNull();
    expect(page.company!.columns.yours).toBeNull();
    expect(page.company!.rows.map((r) => r.company)).toEqual(['USD 30,000 (median of 5)', '30.0 % (median of 5)']);
    expect(numbersPage(INTRO, null, combineCompanyNumbers([...colleagues.slice(0, 4), { numbers: null, reader: true }], K))).toBeNull();
  });
});
