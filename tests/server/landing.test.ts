import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { companyItems, personalItems } from '../../src/domain/scoring.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { landingStats } from '../../src/server/services/landing.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant, addScored } from '../helpers/participants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const sizesOf = (stats: ReturnType<typeof landingStats>, title: RegExp) => stats.groups.find((g) => title.test(g.title))!.sizes;

describe('landingStats', () => {
  it('counts completed participants only', () => {
    for (let i = 0; i < 3; i++) addScored(t.db, { industry: 'other', employees: '1-49', velocity: 50 });
    addParticipant(t.db, { industry: 'other' });
    expect(landingStats(t.db, instrument, 5).participants).toBe(3);
  });

  it('shows a group from k members and hides it below k', () => {
    for (let i = 0; i < 5; i++) addScored(t.db, { industry: 'software-saas', employees: '50-249', velocity: 50 + i });
    for (let i = 0; i < 4; i++) addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50 + i });
    const stats = landingStats(t.db, instrument, 5);
    expect(stats.participants).toBe(9);
    expect(stats.minGroup).toBe(5);
    const industries = sizesOf(stats, /industry/i);
    expect(industries.map((s) => s.label)).toEqual(profileChoices(instrument, 'industry').map((o) => o.label));
    expect(industries.find((s) => s.label === 'Software and SaaS')!.n).toBe(5);
    expect(industries.find((s) => s.label === 'IT services and consulting')!.n).toBeNull();
    expect(industries.filter((s) => s.n !== null)).toHaveLength(1);
    const employees = sizesOf(stats, /employees/i);
    expect(employees.find((s) => s.label === '50–249')!.n).toBe(9);
    expect(employees.filter((s) => s.n !== null)).toHaveLength(1);
  });

  it('follows the minimum group size it is given', () => {
    for (let i = 0; i < 4; i++) addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50 });
    expect(sizesOf(landingStats(t.db, instrument, 4), /industry/i).find((s) => s.label === 'IT services and consulting')!.n).toBe(4);
    expect(sizesOf(landingStats(t.db, instrument, 5), /industry/i).find((s) => s.label === 'IT services and consulting')!.n).toBeNull();
  });

  it('lists industry, company size and region with every choice of the instrument', () => {
    const stats = landingStats(t.db, instrument, 5);
    expect(stats.groups).toHaveLength(3);
    expect(stats.participants).toBe(0);
    expect(stats.groups.map((g) => g.sizes.map((s) => s.label))).toEqual(
      (['industry', 'employees', 'region'] as const).map((id) => profileChoices(instrument, id).map((o) => o.label)),
    );
    expect(stats.groups.flatMap((g) => g.sizes).every((s) => s.n === null)).toBe(true);
    expect(stats.questions).toBe(companyItems(instrument).length + personalItems(instrument).length);
    expect(stats.minutes % 5).toBe(0);
    expect(stats.minutes).toBeGreaterThan(0);
  });
});
