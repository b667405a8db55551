import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { postForm } from '../helpers/forms.ts';
import { instrument } from '../helpers/instrument.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: the consultant's comparison inside one study, where one role has
 * a single member (the CEO, the study's only executive), must reveal nothing
 * about that group: not its size, not a score, not its top performers.
 */
let store: TestStore;
const PASSWORD = 'correct horse battery staple';
const CEO = 140;
let site: RunningSite;
let cookie: string;
let studyId: number;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  await createConsultant(db, { email: 'a@example.com', password: PASSWORD });
  await seedParticipants(db, instrument, { count: 300, seed: 29, now: new Date('2026-06-01T00:00:00Z') });
  const a = (await store.raw.get<{ id: number }>('SELECT id FROM consultants'))!;
  studyId = (await insertStudy(db, a.id, 'One CEO', 'one-ceo-study')).id;
  await store.raw.run('UPDATE participants SET study_id = ? WHERE id BETWEEN 101 AND 140', studyId);
  // Moved into the study by hand: into its first round too, as joining through its link would.
  await store.raw.run('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL AND wave_id IS NULL');
  await store.raw.run("UPDATE participants SET role = CASE WHEN id <= 120 THEN 'rep' WHEN id < 140 THEN 'leader' ELSE 'executive' END WHERE id BETWEEN 101 AND 140");
  await store.raw.run('UPDATE scores SET study_id = p.study_id, role = p.role FROM participants p WHERE p.id = scores.participant_id');
  await countSeededAsBenchmark(db);
  await rebuildPeerStats(db, instrument);
  site = await startSite(store.url);
  cookie = (await postForm(site.base, '/consultant/sign-in', { email: 'a@example.com', password: PASSWORD })).headers.get('set-cookie')!.split(';')[0]!;
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const get = (path: string) => fetch(`${site.base}${path}`, { headers: { cookie } });
const text = async (path: string) => (await (await get(path)).text()).replace(/\s+/g, ' ');

describe('a group of one inside a study (issue 11)', () => {
  it('the comparison by role gives neither the group nor, by subtraction from the study’s 40, its size', async () => {
    const html = await text(`/consultant/compare?dimension=role&study=${studyId}`);
    expect(html).not.toContain('Executive');
    const shown = Number(html.match(/([\d,]+) participants in the groups shown/)![1]);
    expect(40 - shown === 0 || 40 - shown >= 5).toBe(true);
    const csv = parse((await (await get(`/consultant/compare.csv?dimension=role&study=${studyId}`)).text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => r.key)).not.toContain('executive');
    const exported = csv.reduce((s, r) => s + Number(r.participants), 0);
    expect(40 - exported === 0 || 40 - exported >= 5).toBe(true);
  });

  it('looking inside the group shows no top performers, no size and no score', async () => {
    const html = await text(`/consultant/compare?dimension=role&study=${studyId}&group=executive`);
    expect(html).toContain('not among the groups shown');
    expect(html).not.toContain('Executive');
    expect(html).not.toMatch(/widest gaps|Top performers: Velocity Index of/);
    expect(html).not.toContain('class="compare-table gaps"');
  });

  it('its rows cannot be exported as a group', async () => {
    for (const kind of ['scores', 'answers']) {
      const res = await get(`/consultant/studies/${studyId}/export/${kind}.csv?dimension=role&group=executive`);
      expect(res.status).toBe(422);
      expect(await res.text()).not.toContain(String(CEO));
    }
  });
});
