import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareGroups, topPerformers } from '../../src/domain/comparison.ts';
import { createStatsAccumulator, type CompareDimension, type Measure } from '../../src/domain/peer-stats.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { postForm } from '../helpers/forms.ts';
import { instrument } from '../helpers/instrument.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: "a group of exactly k publishes every member (min, quartiles,
 * max); the comparison page shows min and max", and the markup carried two
 * decimals. With k = 5 a group of five gave all five scores.
 */
const K = 5;
const FIVE = [31.17, 42.53, 55.55, 61.23, 77.77];

function contribution(velocity: number, industry: string) {
  const keys: Record<CompareDimension, string> = { industry, employees: 'e', salesTeam: 's', region: 'r', motion: 'm', role: 'rep' };
  const scores: Record<Measure, number | null> = { velocity, value: velocity, number: velocity, winRate: velocity, cycle: velocity };
  return { keys, scores, itemScores: [velocity / 100] };
}

describe('quantiles of a group of k (issue 11), in the domain', () => {
  it('publishes the size of a group of exactly k and nothing that is any member’s score', () => {
    const acc = createStatsAccumulator(['x']);
    for (const v of FIVE) acc.add(contribution(v, 'five'));
    for (let i = 0; i < 12; i++) acc.add(contribution(20 + i * 5.37, 'twelve'));
    const model = compareGroups(acc.source, 'industry', [{ id: 'five', label: 'Five' }, { id: 'twelve', label: 'Twelve' }], K);
    const five = model.groups.find((g) => g.key === 'five')!;
    expect(five.n).toBe(5);
    expect(five.measures.velocity).toEqual({ n: 5, quartiles: null });
    const text = JSON.stringify(model);
    for (const v of FIVE) {
      expect(text).not.toContain(String(v));
      expect(text).not.toMatch(new RegExp(`:${Math.round(v)}\\b`));
    }
    expect(text).not.toMatch(/"(min|max)"/);
    // At 2k and more: median and quartiles, whole points only.
    const twelve = model.groups.find((g) => g.key === 'twelve')!.measures.velocity!;
    expect(twelve.quartiles).not.toBeNull();
    for (const q of Object.values(twelve.quartiles!)) expect(Number.isInteger(q)).toBe(true);
  });

  it('gives what top performers do differently only with k on each side, at whole points', () => {
    const acc = createStatsAccumulator(['x']);
    for (let i = 0; i < 9; i++) acc.add(contribution(10 + i * 9.13, 'all'));
    expect(topPerformers(acc.source, 'all', '', [{ id: 'x', text: 'X', section: 'S' }], K).ok).toBe(false);
    for (let i = 0; i < 31; i++) acc.add(contribution(12 + i * 2.71, 'all'));
    const top = topPerformers(acc.source, 'all', '', [{ id: 'x', text: 'X', section: 'S' }], K);
    expect(top.ok).toBe(true);
    if (!top.ok) return;
    expect(top.split.topN).toBeGreaterThanOrEqual(K);
    expect(top.split.bottomN).toBeGreaterThanOrEqual(K);
    for (const item of top.items) for (const v of [item.top, item.bottom, item.gap]) expect(Number.isInteger(v)).toBe(true);
  });
});

let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let cookie: string;

describe('quantiles of a group of k (issue 11), on the comparison page and in its export', () => {
  beforeAll(async () => {
    store = await openTestStore();
    const db = store.db;
    await createConsultant(db, { email: 'a@example.com', password: PASSWORD });
    await seedParticipants(db, instrument, { count: 300, seed: 17, now: new Date('2026-06-01T00:00:00Z') });
    // Middle East and Africa: exactly five participants, with scores that are easy to look for.
    await store.raw.run("UPDATE participants SET region = 'europe' WHERE region = 'middle-east-africa'");
    await store.raw.run("UPDATE participants SET region = 'middle-east-africa' WHERE id IN (21, 22, 23, 24, 25)");
    for (const [i, v] of FIVE.entries()) await store.raw.run('UPDATE scores SET velocity = ? WHERE participant_id = ?', v, 21 + i);
    await store.raw.run('UPDATE scores SET region = p.region FROM participants p WHERE p.id = scores.participant_id');
    await countSeededAsBenchmark(db);
    await rebuildPeerStats(db, instrument);
    site = await startSite(store.url);
    const res = await postForm(site.base, '/consultant/sign-in', { email: 'a@example.com', password: PASSWORD });
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  }, SETUP_MS);
  afterAll(async () => {
    await site?.stop();
    await store?.cleanup();
  });
  const get = (path: string) => fetch(`${site.base}${path}`, { headers: { cookie } });

  it('shows no minimum, maximum or any member’s score of the group of five, and nothing finer than whole points in the markup', async () => {
    const res = await get('/consultant/compare?dimension=region');
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = html.match(/<tr>(?:(?!<\/tr>).)*Middle East and Africa(?:(?!<\/tr>).)*<\/tr>/s)?.[0] ?? '';
    expect(row).not.toBe('');
    // Its size and nothing else: no median, no quartile, for any of the five measures (10 is the 2k that quartiles need).
    expect(row.replace(/<[^>]+>/g, ' ').match(/\d+(\.\d+)?/g)).toEqual(['5', '10']);
    expect(row).toContain('Too few for quartiles: they need 10 participants.');
    for (const v of FIVE) expect(html).not.toContain(v.toFixed(1));
    expect(html).not.toMatch(/whisker|(lowest|highest)[^<.]{0,30}\d/i);
    // Positions in style and data attributes are whole numbers.
    const styles = [...html.matchAll(/style="([^"]*)"/g)].map((m) => m[1]!);
    expect(styles.length).toBeGreaterThan(10);
    for (const s of styles) expect(s, s).not.toMatch(/\d\.\d/);
    for (const m of html.matchAll(/data-[\w-]+="([^"]*)"/g)) expect(m[1]).not.toMatch(/\d\.\d/);
    // Medians, quartiles and the top performers' table at whole points.
    const cells = [...html.matchAll(/<td class="n">(.*?)<\/td>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, ' '));
    for (const c of cells) expect(c, c).not.toMatch(/\d\.\d/);
  });

  it('exports no minimum or maximum, quartiles at whole points, and no quartile of the group of five', async () => {
    const res = await get('/consultant/compare.csv?dimension=region');
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).filter((h) => /\b(min|max)\b/.test(h))).toEqual([]);
    const five = rows.find((r) => r.key === 'middle-east-africa')!;
    expect(five.participants).toBe('5');
    expect(Object.entries(five).filter(([h, v]) => / (q1|median|q3)$/.test(h) && v !== '')).toEqual([]);
    for (const r of rows) for (const [h, v] of Object.entries(r)) if (/ (q1|median|q3)$/.test(h) && v !== '') expect(v, h).toMatch(/^\d+$/);
  });
});
