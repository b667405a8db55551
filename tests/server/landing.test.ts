import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { companyItems, personalItems } from '../../src/domain/scoring.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { openStore } from '../../src/server/data/open.ts';
import type { Store } from '../../src/server/data/store.ts';
import { removeDemo } from '../../src/server/services/demo.ts';
import { landingStats, landingStatsToday } from '../../src/server/services/landing.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant, addScored } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const NOW = new Date('2026-05-20T15:00:00Z');
/** Finished on an earlier day: counted. */
const YESTERDAY = new Date('2026-05-19T09:00:00Z');
const sizesOf = (stats: Awaited<ReturnType<typeof landingStats>>, title: RegExp) => stats.groups.find((g) => title.test(g.title))!.sizes;
const stats = (k = 5, now = NOW) => landingStats(t.db, instrument, k, now);

describe('landingStats', () => {
  it('counts completed participants only', async () => {
    for (let i = 0; i < 3; i++) await addScored(t.db, { industry: 'other', employees: '1-49', velocity: 50, at: YESTERDAY });
    await addParticipant(t.db, { industry: 'other' });
    expect((await stats()).participants).toBe(3);
  });

  it('shows a group from k members and hides it below k, with the smallest shown group when the hidden ones hold fewer than k', async () => {
    for (let i = 0; i < 6; i++) await addScored(t.db, { industry: 'software-saas', employees: '50-249', velocity: 50 + i, at: YESTERDAY });
    for (let i = 0; i < 5; i++) await addScored(t.db, { industry: 'manufacturing', employees: '50-249', velocity: 50 + i, at: YESTERDAY });
    for (let i = 0; i < 4; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50 + i, at: YESTERDAY });
    const s = await stats();
    expect(s.participants).toBe(15);
    expect(s.minGroup).toBe(5);
    const industries = sizesOf(s, /industry/i);
    expect(industries.map((g) => g.label)).toEqual(profileChoices(instrument, 'industry').map((o) => o.label));
    expect(industries.find((g) => g.label === 'Software and SaaS')!.n).toBe(6);
    expect(industries.find((g) => g.label === 'IT services and consulting')!.n).toBeNull();
    // 15 − 6 would give the hidden group's 4 if manufacturing's 5 were shown: it is hidden with it.
    expect(industries.find((g) => g.label === 'Manufacturing and industrial goods')!.n).toBeNull();
    expect(industries.filter((g) => g.n !== null)).toHaveLength(1);
    const employees = sizesOf(s, /employees/i);
    expect(employees.find((g) => g.label === '50–249')!.n).toBe(15);
    expect(employees.filter((g) => g.n !== null)).toHaveLength(1);
  });

  it('follows the minimum group size it is given', async () => {
    for (let i = 0; i < 4; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY });
    expect(sizesOf(await stats(4), /industry/i).find((g) => g.label === 'IT services and consulting')!.n).toBe(4);
    expect(sizesOf(await stats(5), /industry/i).find((g) => g.label === 'IT services and consulting')!.n).toBeNull();
  });

  it('lists industry, company size and region with every choice of the instrument', async () => {
    const s = await stats();
    expect(s.groups).toHaveLength(3);
    expect(s.participants).toBe(0);
    expect(s.groups.map((g) => g.sizes.map((x) => x.label))).toEqual(
      (['industry', 'employees', 'region'] as const).map((id) => profileChoices(instrument, id).map((o) => o.label)),
    );
    expect(s.groups.flatMap((g) => g.sizes).every((x) => x.n === null)).toBe(true);
    expect(s.questions).toBe(companyItems(instrument).length + personalItems(instrument).length);
    expect(s.minutes % 5).toBe(0);
    expect(s.minutes).toBeGreaterThan(0);
  });

  it('counts only participants who finished before the start of the current UTC day', async () => {
    for (let i = 0; i < 5; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY });
    await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: new Date('2026-05-20T00:00:00Z') });
    expect((await stats()).participants).toBe(5);
    expect((await stats()).asOf).toEqual(new Date('2026-05-20T00:00:00Z'));
    expect((await stats(5, new Date('2026-05-21T00:00:00Z'))).participants).toBe(6);
  });

  it('shows demo data, labelled, until a real participant finished before today, then real participants only', async () => {
    for (let i = 0; i < 7; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY, population: 'demo' });
    await addScored(t.db, { industry: 'manufacturing', employees: '1-49', velocity: 50, at: YESTERDAY, population: 'unverified' });
    expect(await stats()).toMatchObject({ participants: 7, population: 'demo' });
    // A real participant today changes nothing yet: the switch, like every count, waits for the next day.
    await addScored(t.db, { industry: 'manufacturing', employees: '1-49', velocity: 50, at: NOW });
    expect(await stats()).toMatchObject({ participants: 7, population: 'demo' });
    expect(await stats(5, new Date('2026-05-21T08:00:00Z'))).toMatchObject({ participants: 1, population: 'benchmark' });
  });

  it('is computed once per day and database for the page', async () => {
    for (let i = 0; i < 5; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY });
    const first = await landingStatsToday(t.db, instrument, 5, NOW);
    await t.raw.run('DELETE FROM participants WHERE id = (SELECT min(id) FROM participants)');
    expect(await landingStatsToday(t.db, instrument, 5, new Date('2026-05-20T23:59:59Z'))).toBe(first);
    expect((await landingStatsToday(t.db, instrument, 5, new Date('2026-05-21T00:00:01Z'))).participants).toBe(4);
  });

  it('is the same on every app server of one database: one started after a deletion shows the day\'s first count, not one less', async () => {
    for (let i = 0; i < 6; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY });
    const serverA = await landingStatsToday(t.db, instrument, 5, NOW);
    expect(serverA.participants).toBe(6);
    await t.raw.run('DELETE FROM participants WHERE id = (SELECT min(id) FROM participants)');
    const serverB = await withSecondServer((db) => landingStatsToday(db, instrument, 5, new Date('2026-05-20T18:00:00Z')));
    expect(serverB).toEqual(serverA);
    expect(serverB.asOf).toBeInstanceOf(Date);
    // The next day both count again, and the earlier day's kept counts are deleted.
    const nextDay = await withSecondServer((db) => landingStatsToday(db, instrument, 5, new Date('2026-05-21T08:00:00Z')));
    expect(nextDay.participants).toBe(5);
    expect((await landingStatsToday(t.db, instrument, 5, new Date('2026-05-21T09:00:00Z'))).participants).toBe(5);
    const kept = await t.raw.all<{ key: string }>("SELECT key FROM settings WHERE key LIKE 'landing-counts:%'");
    expect(kept.map((r) => r.key)).toEqual([expect.stringContaining('2026-05-21T00:00:00.000Z')]);
  });

  it('forgets the kept counts when the demo data is removed, so a restarted server no longer shows demo figures', async () => {
    for (let i = 0; i < 6; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, population: 'demo', at: YESTERDAY });
    expect(await landingStatsToday(t.db, instrument, 5, NOW)).toMatchObject({ participants: 6, population: 'demo' });
    await removeDemo(t.db, instrument);
    expect(await t.raw.all("SELECT key FROM settings WHERE key LIKE 'landing-counts:%'")).toEqual([]);
    expect(await withSecondServer((db) => landingStatsToday(db, instrument, 5, new Date('2026-05-20T18:00:00Z')))).toMatchObject({ participants: 0 });
  });

  it('asks the database nothing on a second request of the same day, and counts again once the day changes', async () => {
    for (let i = 0; i < 5; i++) await addScored(t.db, { industry: 'it-services', employees: '50-249', velocity: 50, at: YESTERDAY });
    // Every query, drizzle's included, goes through the connection's prepare (SQLite) or the pool's query (PostgreSQL).
    const prepare = t.db.backend === 'pg' ? vi.spyOn(t.db.pool, 'query') : vi.spyOn(t.db.db.$client, 'prepare');
    const first = await landingStatsToday(t.db, instrument, 5, NOW);
    const firstQueries = prepare.mock.calls.length;
    expect(firstQueries).toBeGreaterThan(0);
    await landingStatsToday(t.db, instrument, 5, new Date('2026-05-20T20:00:00Z'));
    expect(prepare.mock.calls.length).toBe(firstQueries);
    expect(await landingStatsToday(t.db, instrument, 5, new Date('2026-05-21T08:00:00Z'))).not.toBe(first);
    expect(prepare.mock.calls.length).toBeGreaterThan(firstQueries);
    prepare.mockRestore();
  });
});

/** The same database through a second handle, as another app server (or this one after a restart) has it. */
async function withSecondServer<T>(work: (db: Store) => Promise<T>): Promise<T> {
  const db = await openStore(t.url);
  try {
    return await work(db);
  } finally {
    await (db.backend === 'pg' ? db.pool.end() : db.db.$client.close());
  }
}
