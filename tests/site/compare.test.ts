import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { suppressGroups } from '../../src/domain/anonymity.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { postForm } from '../helpers/forms.ts';
import { instrument } from '../helpers/instrument.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * The peer comparison over HTTP against the built site. The population is
 * arranged so that one region has exactly k - 1 = 4 participants and one
 * role inside the study has 4: neither may show up in any view or export of
 * figures, and with each the smallest shown group is hidden too, so that
 * neither size follows by subtraction.
 */
let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let studyId: number;
let others: number;
let total: number;
let studyRoles: Record<string, number>;
let regions: Record<string, number>;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const raw = store.raw;
  for (const email of ['a@example.com', 'b@example.com']) await createConsultant(db, { email, password: PASSWORD });
  await seedParticipants(db, instrument, { count: 400, seed: 9, now: new Date('2026-06-01T00:00:00Z') });
  const a = (await raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'a@example.com'"))!;
  studyId = (await insertStudy(db, a.id, 'Regional study', 'compare-study-1')).id;
  others = (await insertStudy(db, a.id, 'Empty study', 'compare-study-2')).id;
  const set = (sql: string, ...params: unknown[]) => raw.run(`UPDATE participants SET ${sql}`, ...params);
  // Middle East and Africa keeps exactly four participants; the rest of it moves to Europe.
  await set("region = 'europe' WHERE region = 'middle-east-africa'");
  await set("region = 'middle-east-africa' WHERE id IN (11, 12, 13, 14)");
  // The study: 40 participants, of whom exactly four are executives.
  await set('study_id = ? WHERE id BETWEEN 101 AND 140', studyId);
  await set("role = 'rep' WHERE id BETWEEN 101 AND 140 AND role = 'executive'");
  await set("role = 'executive' WHERE id IN (101, 102, 103, 104)");
  // Scores carry copies of these fields; then the statistics are computed afresh.
  await raw.run('UPDATE scores SET region = p.region, role = p.role, study_id = p.study_id FROM participants p WHERE p.id = scores.participant_id');
  await countSeededAsBenchmark(db);
  await rebuildPeerStats(db, instrument);
  total = (await raw.get<{ n: number }>('SELECT count(*) AS n FROM scores'))!.n;
  studyRoles = Object.fromEntries(
    (await raw.all<{ role: string; n: number }>('SELECT role, count(*) AS n FROM scores WHERE study_id = ? GROUP BY role', studyId)).map((r) => [r.role, r.n]),
  );
  regions = Object.fromEntries(
    (await raw.all<{ region: string; n: number }>('SELECT region, count(*) AS n FROM scores GROUP BY region')).map((r) => [r.region, r.n]),
  );
  expect(regions['middle-east-africa']).toBe(4);
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

async function signIn(email: string): Promise<string> {
  const res = await postForm(site.base, '/consultant/sign-in', { email, password: PASSWORD });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
const get = (path: string, cookie?: string) => fetch(`${site.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const rowsOf = (csv: string) => parse(csv.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
/** The groups of a dimension that the comparison shows, from their sizes: those that complementary suppression leaves. */
const shownOf = (sizes: Record<string, number>) => {
  const entries = Object.entries(sizes);
  const hidden = suppressGroups(entries.map(([, n]) => n), 5);
  return Object.fromEntries(entries.filter((_, i) => !hidden[i]));
};
/** The group names in the comparison table, in order. */
const tableGroups = (html: string) =>
  [...html.matchAll(/<th scope="row"><a [^>]*aria-label="([^"]+): what its top performers do differently"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('peer comparison page', () => {
  it('sends anyone who is not signed in to the sign-in page', async () => {
    const res = await get('/consultant/compare?dimension=region');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/consultant/sign-in');
    expect((await get('/consultant/compare.csv?dimension=region')).status).toBe(404);
  });

  it('compares regions over everyone, leaves the group of four out and the smallest other region with it, with a note, and keeps the choice in the address', async () => {
    const cookie = await signIn('a@example.com');
    const res = await get('/consultant/compare?dimension=region&measure=winRate', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^compare;dur=\d+(\.\d+)?$/);
    const html = await res.text();
    const shown = shownOf(regions);
    const labels: Record<string, string> = { 'north-america': 'North America', 'latin-america': 'Latin America', europe: 'Europe', 'asia-pacific': 'Asia-Pacific' };
    expect(tableGroups(html)).toEqual(Object.keys(labels).filter((key) => key in shown).map((key) => labels[key]));
    expect(Object.keys(shown)).toHaveLength(3);
    expect(html).not.toContain('Middle East and Africa');
    expect(html).toContain('2 groups are not shown');
    // The sizes shown add up to everyone but the hidden groups, which are at least k together.
    const shownTotal = Object.values(shown).reduce((s, n) => s + n, 0);
    expect(total - shownTotal).toBeGreaterThanOrEqual(5);
    // The participants column of the comparison table, before the top performers' table of whole-point means.
    const spread = html.slice(0, html.indexOf('id="top-performers"'));
    const sizes = [...spread.matchAll(/<td class="n">([\d,]+)<\/td>/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(shownTotal);
    expect(html).toContain(`${shownTotal.toLocaleString('en')} participants in the groups shown`);
    expect(html).toContain('Win Rate by region');
    expect(html).toMatch(/<option value="region" selected/);
    expect(html).toMatch(/<option value="winRate" selected/);
    expect(html).toContain('href="/consultant/compare.csv?dimension=region&amp;measure=winRate"');
  });

  it('exports the same groups as CSV, never the hidden one', async () => {
    const cookie = await signIn('a@example.com');
    const res = await get('/consultant/compare.csv?dimension=region', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('velocity-index-compare-region-all-participants.csv');
    const rows = rowsOf(await res.text());
    const shown = shownOf(regions);
    expect(rows.map((r) => r.key)).toEqual(['north-america', 'latin-america', 'europe', 'asia-pacific'].filter((key) => key in shown));
    expect(rows.reduce((s, r) => s + Number(r.participants), 0)).toBe(Object.values(shown).reduce((s, n) => s + n, 0));
    for (const r of rows) {
      expect(Number(r['Velocity Index q1'])).toBeLessThanOrEqual(Number(r['Velocity Index median']));
      expect(Number(r['Velocity Index median'])).toBeLessThanOrEqual(Number(r['Velocity Index q3']));
    }
  });

  it('shows what top performers do differently, for everyone and inside a group; a hidden group shows nothing', async () => {
    const cookie = await signIn('a@example.com');
    const all = await (await get('/consultant/compare?dimension=region', cookie)).text();
    expect(all).toContain('What top performers do differently');
    expect(all).toMatch(/Top performers: Velocity Index of \d+ or more \([\d,]+ participants\)/);
    expect((all.match(/<tr>/g) ?? []).length).toBeGreaterThan(10);
    const inside = await (await get('/consultant/compare?dimension=region&group=europe', cookie)).text();
    expect(shownOf(regions)).toHaveProperty('europe');
    expect(inside).toContain('Inside one group, <strong>Europe</strong>');
    const hidden = await (await get('/consultant/compare?dimension=region&group=middle-east-africa', cookie)).text();
    expect(hidden).toContain('not among the groups shown');
    expect(hidden).not.toContain('Middle East and Africa');
    expect(hidden).not.toMatch(/Top performers: Velocity Index of/);
  });

  it('compares within one of the consultant’s studies: only its participants, its own small groups hidden', async () => {
    const cookie = await signIn('a@example.com');
    const html = await (await get(`/consultant/compare?dimension=role&study=${studyId}`, cookie)).text();
    expect(html).toContain('of participants of “Regional study”');
    expect(studyRoles.executive).toBe(4);
    const shown = shownOf(studyRoles);
    expect(tableGroups(html)).toHaveLength(Object.keys(shown).length);
    expect(html).not.toContain('Executive (CEO, CRO, founder)');
    const csv = rowsOf(await (await get(`/consultant/compare.csv?dimension=role&study=${studyId}`, cookie)).text());
    expect(Object.fromEntries(csv.map((r) => [r.key, Number(r.participants)]))).toEqual(shown);
    // The study's 40 cannot be split into quarters of five or more per side for every group, but across the study they can.
    expect(html).toMatch(/Top performers: Velocity Index of \d+ or more/);
    const empty = await (await get(`/consultant/compare?dimension=role&study=${others}`, cookie)).text();
    expect(empty).toContain('No group has 5 or more participants yet');
    expect(empty).toContain('Too few participants to compare top and bottom performers');
  });

  it('offers the comparison’s figures for a group, never its rows: a group’s rows beside the whole study’s would say who is in it', async () => {
    const cookie = await signIn('a@example.com');
    expect(shownOf(studyRoles)).toHaveProperty('rep');
    const page = await (await get(`/consultant/compare?dimension=role&study=${studyId}&group=rep`, cookie)).text();
    expect(page).not.toContain('/export/scores.csv?dimension');
    for (const path of ['scores.csv?dimension=role&group=rep', 'answers.csv?dimension=role&group=rep', 'scores.csv?dimension=role', 'scores.csv?dimension=shoe-size&group=9']) {
      const res = await get(`/consultant/studies/${studyId}/export/${path}`, cookie);
      expect(res.status, path).toBe(422);
      expect(await res.text()).toContain('Rows are not exported by peer group');
    }
  });

  it('answers a bad choice with 400 and a message that says what is allowed', async () => {
    const cookie = await signIn('a@example.com');
    const res = await get('/consultant/compare?dimension=shoe-size', cookie);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Compare by must be one of: industry, employees, salesTeam, region, motion, role.');
    expect(html).not.toContain('What top performers do differently');
    for (const bad of ['measure=height', 'study=abc', 'study=-3', `group=${'x'.repeat(200)}`]) {
      expect((await get(`/consultant/compare?${bad}`, cookie)).status, bad).toBe(400);
      expect((await get(`/consultant/compare.csv?${bad}`, cookie)).status, bad).toBe(400);
    }
  });

  it('another consultant’s study reads as missing in the comparison, its export and its group export', async () => {
    const cookie = await signIn('b@example.com');
    expect((await get(`/consultant/compare?study=${studyId}`, cookie)).status).toBe(404);
    expect((await get(`/consultant/compare.csv?study=${studyId}`, cookie)).status).toBe(404);
    expect((await get(`/consultant/compare?study=999999`, cookie)).status).toBe(404);
    expect((await get(`/consultant/studies/${studyId}/export/scores.csv?dimension=role&group=rep`, cookie)).status).toBe(404);
    // Their own comparison over everyone works and does not list A's study.
    const html = await (await get('/consultant/compare', cookie)).text();
    expect(html).not.toContain('Regional study');
  });
});
