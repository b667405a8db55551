import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { postForm } from '../helpers/forms.ts';
import { instrument } from '../helpers/instrument.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: "the group CSV export of a one-person group returns that row".
 * A study of 15: Big Co with twelve respondents (six reps, six leaders),
 * Small Co with two (its executive, the only one in the study, and a rep),
 * and one rep without a company link. k = 5.
 */
let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let studyId: number;
const NOTE = 'withheld: fewer than 6 respondents';
const PROFILE = ['role', 'industry', 'employees', 'sales_team', 'region', 'motion'];
const SCORES = ['own_view_velocity_index', 'own_view_value', 'own_view_number', 'own_view_win_rate', 'own_view_cycle', 'personal_index', 'approach', 'execution'];

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  await createConsultant(db, { email: 'a@example.com', password: PASSWORD });
  await seedParticipants(db, instrument, { count: 60, seed: 31, now: new Date('2026-06-01T00:00:00Z') });
  const a = (await store.raw.get<{ id: number }>('SELECT id FROM consultants'))!;
  studyId = (await insertStudy(db, a.id, 'Export study', 'export-k-study')).id;
  const big = await insertCompany(db, studyId, 'Big Co', 'export-k-big');
  const small = await insertCompany(db, studyId, 'Small Co', 'export-k-small');
  const set = (sql: string, ...params: unknown[]) => store.raw.run(`UPDATE participants SET ${sql}`, ...params);
  await set("study_id = ?, company_id = ?, company_name = 'Big Co', role = CASE WHEN id <= 6 THEN 'rep' ELSE 'leader' END WHERE id BETWEEN 1 AND 12", studyId, big.id);
  await set("study_id = ?, company_id = ?, company_name = 'Small Co', role = CASE id WHEN 13 THEN 'executive' ELSE 'rep' END WHERE id IN (13, 14)", studyId, small.id);
  await set("study_id = ?, company_name = 'Solo Ltd', role = 'rep' WHERE id = 15", studyId);
  await store.raw.run('UPDATE scores SET study_id = p.study_id, company_id = p.company_id, role = p.role FROM participants p WHERE p.id = scores.participant_id');
  await countSeededAsBenchmark(db);
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

let cookie: string;
async function get(path: string) {
  if (!cookie) cookie = (await postForm(site.base, '/consultant/sign-in', { email: 'a@example.com', password: PASSWORD })).headers.get('set-cookie')!.split(';')[0]!;
  return fetch(`${site.base}${path}`, { redirect: 'manual', headers: { cookie } });
}
const rowsOf = (csv: string) => parse(csv.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

describe('exports below k (issue 11)', () => {
  it('exports no peer group on its own, for scores and answers: a group file beside the whole study’s would say who is in it', async () => {
    for (const group of ['executive', 'rep', 'leader']) {
      for (const kind of ['scores', 'answers']) {
        const res = await get(`/consultant/studies/${studyId}/export/${kind}.csv?dimension=role&group=${group}`);
        expect(res.status, `${kind} ${group}`).toBe(422);
        expect(res.headers.get('content-type')).toContain('text/plain');
        const body = await res.text();
        expect(body).toContain('Rows are not exported by peer group');
        expect(body).not.toMatch(/Small Co|Big Co|\b13\b/);
      }
    }
  });

  it('leaves withheld people out of the comparison, so no shown group can be subtracted to find them', async () => {
    // The executive's row is withheld (Small Co has two respondents), so the comparison holds Big Co's six reps and
    // six leaders only: both shown, no group hidden.
    const page = (await (await get(`/consultant/compare?dimension=role&study=${studyId}`)).text()).replace(/\s+/g, ' ');
    expect(page).not.toMatch(/Executive/);
  });

  it('gives scores and answers only for the respondents a company’s figures combine, with no id, time or profile; everyone else as progress', async () => {
    const file = await (await get(`/consultant/studies/${studyId}/export/scores.csv`)).text();
    const rows = rowsOf(file);
    expect(rows).toHaveLength(15);
    for (const column of PROFILE) expect(Object.keys(rows[0]!)).not.toContain(column);
    // Big Co has twelve; its figures combine the first eleven to finish (k + 1, then steps of k = 5).
    const given = rows.slice(0, 11);
    for (const r of given) {
      // Scores, no participant id, no finishing time.
      expect(r).toMatchObject({ participant: '', company: 'Big Co', withheld: '', completed_at: '' });
      expect(r.own_view_velocity_index).toMatch(/^\d/);
    }
    // Big Co's last to finish (participant 1), Small Co (two respondents) and the one participant without a company
    // link: progress only, in id order.
    expect(rows.slice(11).map((r) => r.participant)).toEqual(['1', '13', '14', '15']);
    expect(rows[11]!.withheld).toBe('withheld: joins the company figures with the next 5 respondents');
    for (const r of rows.slice(11)) {
      if (r.participant !== '1') expect(r.withheld).toBe(NOTE);
      expect(r.status).toBe('completed');
      expect(r.completed_at).not.toBe('');
      for (const column of [...SCORES, 'company_velocity_index']) expect(r[column], `${r.participant} ${column}`).toBe('');
    }
    // The given rows come in an order of their own each time: no position ties a row to a person.
    const orders = new Set<string>();
    for (let i = 0; i < 6; i++) orders.add(rowsOf(await (await get(`/consultant/studies/${studyId}/export/scores.csv`)).text()).slice(0, 11).map((r) => r.own_view_velocity_index).join());
    expect(orders.size).toBeGreaterThan(1);

    const answers = rowsOf(await (await get(`/consultant/studies/${studyId}/export/answers.csv`)).text());
    const items = instrument.company.sections.flatMap((s) => s.items.map((i) => i.id));
    expect(Object.keys(answers[0]!)).not.toContain('role');
    for (const r of answers.slice(0, 11)) {
      expect(r.participant).toBe('');
      expect(items.filter((id) => r[id] !== '').length).toBeGreaterThan(0);
    }
    for (const r of answers.slice(11)) {
      expect(r.withheld).toMatch(/^withheld: /);
      expect(Object.entries(r).filter(([column, v]) => !['participant', 'company', 'status', 'withheld'].includes(column) && v !== '')).toEqual([]);
    }
  });
});
