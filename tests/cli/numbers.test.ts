import { describe, expect, it } from 'vitest';
import { expectNoStack, expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS } from '../helpers/limits.ts';

const base = ['numbers', '--opportunities', '10', '--deal-value', '1000', '--win-rate', '20', '--cycle-days', '90'];
const full = [
  ...base,
  ...['--won-count', '2', '--won-value', '30000', '--lost-count', '2', '--lost-value', '70000'],
  ...['--stage-rates', '50,50,50', '--quota', '300000', '--pipeline', '700000'],
];

describe('velocity numbers', { timeout: PROCESSES_TEST_MS }, () => {
  it('gives the known answers as JSON', () => {
    const r = runCli([...full, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expectNoStack(r);
    const out = JSON.parse(r.stdout);
    // 10 × 1000 × 20 % / 90 days.
    expect(out.velocity.perDay).toBeCloseTo(2000 / 90, 9);
    expect(out.velocity.perQuarter).toBeCloseTo((2000 / 90) * (365 / 4), 6);
    // 1.1³ / 0.9 = 1.4789 : +47.9 %.
    expect(out.whatIf.factor).toBeCloseTo(1.331 / 0.9, 9);
    expect(out.whatIf.uplift).toBeCloseTo(0.4789, 4);
    expect(out.whatIf.perDay).toBeCloseTo((2000 / 90) * (1.331 / 0.9), 6);
    // Wins of 20k and 10k against losses of 40k and 30k: half by count, 30 % by value.
    expect(out.winRates.unit).toBeCloseTo(0.5, 12);
    expect(out.winRates.value).toBeCloseTo(0.3, 12);
    expect(out.opportunitiesPerStage).toEqual([8, 4, 2, 1]);
    expect(out.coverage.ratio).toBeCloseTo(700000 / 300000, 9);
    expect(out.coverage.ratio).toBeCloseTo(2.33, 2);
    expect(out.coverage).toMatchObject({ rule: 3, meetsRule: false });
    expect(out.coverage.shortfall).toBeCloseTo(200000, 6);
  });

  it('gives the same answers as text', () => {
    const r = runCli(full);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('+47.9 %');
    expect(r.stdout).toMatch(/Win rate by count 50\.0 %, by value 30\.0 %/);
    expect(r.stdout).toContain('Pipeline coverage 2.3 : 1 against the 3 : 1 rule, 200,000 short');
    expect(r.stdout).toContain('8 : 4 : 2 : 1');
  });

  it.each([
    ['a negative win rate', ['numbers', '--opportunities', '10', '--deal-value', '1000', '--win-rate', '-5', '--cycle-days', '90'], '--win-rate'],
    ['a win rate above 100', ['numbers', '--opportunities', '10', '--deal-value', '1000', '--win-rate', '120', '--cycle-days', '90'], '--win-rate'],
    ['no --cycle-days', ['numbers', '--opportunities', '10', '--deal-value', '1000', '--win-rate', '20'], '--cycle-days'],
    ['a zero cycle', [...base.slice(0, -1), '0'], '--cycle-days'],
    ['a stage rate that is not a number', [...base, '--stage-rates', '50,abc'], 'abc'],
    ['seven stage rates', [...base, '--stage-rates', '50,50,50,50,50,50,50'], '--stage-rates'],
    ['only some of the outcome flags', [...base, '--won-count', '2'], '--lost-value'],
    ['a quota without a pipeline', [...base, '--quota', '1000'], '--pipeline'],
  ])('refuses %s with exit 2 and one line', (_what, args, mention) => {
    expectUsageError(runCli(args), mention);
  });
});
