import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant, setConsultantDisabled } from '../../src/server/services/consultants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { postForm, storeFingerprint } from '../helpers/forms.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { insertStudy, insertCompany, latestWaveOf } from '../../src/server/repositories/studies.ts';
import { parse } from 'csv-parse/sync';
import { SETUP_MS } from '../helpers/limits.ts';

let store: TestStore;
let site: RunningSite;
const PASSWORD = 'correct horse battery staple';
let drill: { study: number; company: number; small?: number };
const TRICKY = '=HYPERLINK("http://evil.example","click"), "quoted"\nsecond line';

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const run = store.raw.run;
  for (const email of ['a@example.com', 'b@example.com', 'limited@example.com']) await createConsultant(db, { email, password: PASSWORD });
  // Consultant A's study with one company of six finished respondents (a seller and five leaders), one of two (below k).
  await seedParticipants(db, instrument, { count: 80, seed: 8, now: new Date('2026-06-01T00:00:00Z') });
  const a = (await store.raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'a@example.com'"))!;
  const study = await insertStudy(db, a.id, 'Drill-down study', 'drill-down-study-1');
  const company = await insertCompany(db, study.id, 'Łódź Logistics', 'drill-down-company-1');
  drill = { study: study.id, company: company.id };
  // Moved into the study's first round: a company's figures are per round.
  await run('UPDATE participants SET study_id = ?, wave_id = ?, company_id = ?, company_name = ? WHERE id BETWEEN 1 AND 6', study.id, (await latestWaveOf(db, study.id))!.id, company.id, company.name);
  await run('UPDATE scores SET study_id = ?, company_id = ? WHERE participant_id BETWEEN 1 AND 6', study.id, company.id);
  await run("UPDATE participants SET role = CASE id WHEN 1 THEN 'rep' ELSE 'leader' END WHERE id BETWEEN 1 AND 6");
  const small = await insertCompany(db, study.id, 'Small Co', 'drill-down-company-2');
  drill.small = small.id;
  await run('UPDATE participants SET study_id = ?, wave_id = ?, company_id = ?, company_name = ?, role = ? WHERE id IN (8, 9)', study.id, (await latestWaveOf(db, study.id))!.id, small.id, small.name, 'executive');
  await run('UPDATE scores SET study_id = ?, company_id = ? WHERE participant_id IN (8, 9)', study.id, small.id);
  // A participant outside any company link, whose typed company name tries CSV tricks.
  await run('UPDATE participants SET study_id = ?, company_name = ? WHERE id = 7', study.id, TRICKY);
  // Moved into the study by hand: into its first round too, as joining through its link would.
  await run('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL AND wave_id IS NULL');
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const query = async <T>(sql: string, ...params: unknown[]) => (await store.raw.get<T>(sql, ...params))!;

async function signIn(email: string, password = PASSWORD): Promise<{ status: number; cookie: string | null; setCookie: string | null; html: string }> {
  const res = await postForm(site.base, '/consultant/sign-in', { email, password });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, setCookie, cookie: setCookie?.split(';')[0] ?? null, html: await res.text() };
}

const get = (path: string, cookie: string | null) => fetch(`${site.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const post = (path: string, fields: Record<string, string>, cookie: string) =>
  fetch(`${site.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
  });

describe('consultant sign-in', () => {
  it('refuses a wrong password with a generic message and no cookie', async () => {
    const r = await signIn('a@example.com', 'wrong password!!');
    expect(r.status).toBe(401);
    expect(r.setCookie).toBeNull();
    expect(r.html).toContain('do not match, or there were too many attempts');
    const unknown = await signIn('nobody@example.com', 'whatever password');
    expect(unknown.html).toContain('do not match, or there were too many attempts');
  });

  it('signs in with an HttpOnly, SameSite=Lax session cookie and shows the consultant area', async () => {
    const r = await signIn('a@example.com');
    expect(r.status).toBe(303);
    expect(r.setCookie).toMatch(/HttpOnly/i);
    expect(r.setCookie).toMatch(/SameSite=Lax/i);
    expect(r.setCookie).not.toMatch(/Secure/i);
    const page = await get('/consultant', r.cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as a@example.com');
    expect((await get('/consultant', null)).headers.get('location')).toBe('/consultant/sign-in');
  });

  it('ends an expired session', async () => {
    const r = await signIn('b@example.com');
    await store.raw.run('UPDATE sessions SET expires_at = ? WHERE consultant_id = (SELECT id FROM consultants WHERE email = ?)', store.raw.at(Date.now() - 1000), 'b@example.com');
    const page = await get('/consultant', r.cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/consultant/sign-in');
  });

  it('ends the sessions of a disabled account at once and refuses its sign-in until it is enabled', async () => {
    const r = await signIn('b@example.com');
    expect((await get('/consultant', r.cookie)).status).toBe(200);
    await setConsultantDisabled(store.db, 'b@example.com', true);
    const page = await get('/consultant', r.cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/consultant/sign-in');
    const refused = await signIn('b@example.com');
    expect(refused.status).toBe(401);
    expect(refused.setCookie).toBeNull();
    await setConsultantDisabled(store.db, 'b@example.com', false);
    expect((await signIn('b@example.com')).status).toBe(303);
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const r = await signIn('a@example.com');
    const before = (await query<{ n: number }>('SELECT count(*) AS n FROM sessions')).n;
    const out = await post('/consultant/sign-out', {}, r.cookie!);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/vi_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect((await query<{ n: number }>('SELECT count(*) AS n FROM sessions')).n).toBe(before - 1);
    expect((await get('/consultant', r.cookie)).status).toBe(303);
  });
});

describe('studies and access control', () => {
  it('creates a study, refuses an empty name, and keeps every study to its consultant', async () => {
    const a = (await signIn('a@example.com')).cookie!;
    const b = (await signIn('b@example.com')).cookie!;
    const before = (await storeFingerprint(store.raw)) + (await query<{ n: number }>('SELECT count(*) AS n FROM studies')).n;
    const empty = await post('/consultant', { name: '   ' }, a);
    expect(empty.status).toBe(422);
    expect((await storeFingerprint(store.raw)) + (await query<{ n: number }>('SELECT count(*) AS n FROM studies')).n).toBe(before);

    const created = await post('/consultant', { name: 'Spring benchmark 2027' }, a);
    expect(created.status).toBe(303);
    const studyPath = created.headers.get('location')!;
    expect(studyPath).toMatch(/^\/consultant\/studies\/\d+$/);
    const page = await (await get(studyPath, a)).text();
    expect(page).toContain('Spring benchmark 2027');
    expect(page).toMatch(/\/join\/[A-Za-z0-9_-]{22}/);

    expect((await get(studyPath, b)).status).toBe(404);
    const companies = (await query<{ n: number }>('SELECT count(*) AS n FROM companies')).n;
    expect((await query<{ n: number }>('SELECT count(*) AS n FROM companies')).n).toBe(companies);
    expect((await post(studyPath, { action: 'add-company', name: 'Intruder Ltd' }, b)).status).toBe(404);
    expect((await post(studyPath, { action: 'rename', name: 'Hijacked' }, b)).status).toBe(404);
    expect((await post(studyPath, { action: 'close' }, b)).status).toBe(404);
    expect((await query<{ n: number }>('SELECT count(*) AS n FROM companies')).n).toBe(companies);
    expect((await post(studyPath, { action: 'add-company', name: 'Northwind' }, a)).status).toBe(303);
    expect((await query<{ n: number }>('SELECT count(*) AS n FROM companies')).n).toBe(companies + 1);

    const id = Number(studyPath.split('/').at(-1));
    expect((await post(studyPath, { action: 'rename', name: '' }, a)).status).toBe(422);
    expect((await post(studyPath, { action: 'rename', name: 'Spring benchmark (final)' }, a)).status).toBe(303);
    expect((await query<{ name: string }>('SELECT name FROM studies WHERE id = ?', id)).name).toBe('Spring benchmark (final)');
    expect((await post(studyPath, { action: 'close' }, a)).status).toBe(303);
    const token = (await query<{ invite_token: string }>('SELECT invite_token FROM studies WHERE id = ?', id)).invite_token;
    expect((await fetch(`${site.base}/join/${token}`)).status).toBe(410);
    expect((await post(studyPath, { action: 'reopen' }, a)).status).toBe(303);
    expect((await fetch(`${site.base}/join/${token}`)).status).toBe(200);
  });
});

describe('company drill-down', () => {
  it('shows the consultant the company report over its respondents, by role, as a page and a PDF; nobody else', async () => {
    const a = (await signIn('a@example.com')).cookie!;
    const b = (await signIn('b@example.com')).cookie!;
    const path = `/consultant/studies/${drill.study}/companies/${drill.company}`;
    const page = await get(path, a);
    expect(page.status).toBe(200);
    const html = (await page.text()).replace(/\s+/g, ' ');
    expect(html).toContain('Łódź Logistics');
    expect(html).toMatch(/Sales representative \/ account executive: 1/);
    expect(html).toMatch(/Sales leader \(director, VP\): 5/);
    expect(html).toContain('Company view · 6 respondents');
    expect(html).toContain('Where your team disagrees');
    expect(html).not.toContain('Your Personal Index');
    // One rep among five leaders: no leaders-against-sellers contrast, which would be that rep's answers.
    expect(html).not.toContain('Leaders and sellers');
    const pdf = await get(`${path}.pdf`, a);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/velocity-index-lodz-logistics-\d{4}-\d{2}-\d{2}\.pdf/);
    for (const p of [path, `${path}.pdf`]) {
      expect((await get(p, b)).status).toBe(404);
      expect((await get(p, null)).status).not.toBe(200);
    }
    expect((await get(`/consultant/studies/${drill.study}/companies/999999`, a)).status).toBe(404);
  });

  it('shows a company below k as progress only: no score, no roles, no answers, no PDF', async () => {
    const a = (await signIn('a@example.com')).cookie!;
    const path = `/consultant/studies/${drill.study}/companies/${drill.small}`;
    const html = (await (await get(path, a)).text()).replace(/\s+/g, ' ');
    expect(html).toContain('data-testid="company-locked"');
    expect(html).not.toMatch(/Executive/);
    expect(html).not.toContain('Velocity Index ·');
    expect((await get(`${path}.pdf`, a)).status).toBe(404);
    const study = (await (await get(`/consultant/studies/${drill.study}`, a)).text()).replace(/\s+/g, ' ');
    const row = study.match(/<tr>(?:(?!<\/tr>).)*Small Co(?:(?!<\/tr>).)*<\/tr>/)?.[0] ?? '';
    // Two completed of two started, none invited by e-mail, and 4 more needed: company figures start at k + 1 = 6.
    expect(row.match(/<td class="n"[^>]*>(\d+)<\/td>/g)?.map((td) => td.replace(/<[^>]+>/g, ''))).toEqual(['2', '2', '0']);
    expect(row).toContain('4 more respondents needed');
    // The participants table gives status only: no role, no individual score.
    expect(study).not.toMatch(/<th scope="col"[^>]*>Role<\/th>/);
  });
});

describe('CSV export', () => {
  it('exports scores and answers of the study with quoting and formulas neutralised; nobody else can', async () => {
    const a = (await signIn('a@example.com')).cookie!;
    const b = (await signIn('b@example.com')).cookie!;
    const scoresRes = await get(`/consultant/studies/${drill.study}/export/scores.csv`, a);
    expect(scoresRes.status).toBe(200);
    expect(scoresRes.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(scoresRes.headers.get('content-disposition')).toContain('velocity-index-drill-down-study-scores.csv');
    const rows = parse((await scoresRes.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    // Łódź Logistics' six first, with no participant id; then, by id, the rows that give progress only.
    expect(rows.map((r) => r.participant)).toEqual(['', '', '', '', '', '', '7', '8', '9']);
    expect(rows.find((r) => r.participant === '7')!.company).toBe(`'${TRICKY}`);
    const companyScore = Number(rows[0]!.company_velocity_index);
    expect(rows.slice(0, 6).every((r) => r.company === 'Łódź Logistics' && Number(r.company_velocity_index) === companyScore && r.company_respondents === '6')).toBe(true);
    expect(rows.slice(6).every((r) => r.company_velocity_index === '')).toBe(true);
    // Small Co's two and the one participant without a company link are fewer than k + 1: progress only, and why.
    for (const r of rows.slice(6)) expect(r).toMatchObject({ withheld: 'withheld: fewer than 6 respondents', own_view_velocity_index: '', status: 'completed' });
    expect(rows.slice(0, 6).every((r) => r.withheld === '' && r.own_view_velocity_index !== '')).toBe(true);
    // Each given row is one respondent's own view: the six stored scores, in some order.
    const stored: string[] = [];
    for (const id of [1, 2, 3, 4, 5, 6]) stored.push((await query<{ velocity: number }>('SELECT velocity FROM scores WHERE participant_id = ?', id)).velocity.toFixed(2));
    expect(rows.slice(0, 6).map((r) => Number(r.own_view_velocity_index).toFixed(2)).sort()).toEqual(stored.sort());

    const answersRes = await get(`/consultant/studies/${drill.study}/export/answers.csv`, a);
    const answerRows = parse((await answersRes.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    const itemIds = instrument.company.sections.flatMap((x) => x.items.map((i) => i.id));
    expect(Object.keys(answerRows[0]!)).toEqual(expect.arrayContaining(itemIds));
    const first: string[] = [];
    for (const id of [1, 2, 3, 4, 5, 6]) first.push((await query<{ value: string }>('SELECT value FROM answers WHERE participant_id = ? AND item_id = ?', id, itemIds[0])).value);
    expect(answerRows.slice(0, 6).map((r) => r[itemIds[0]!]).sort()).toEqual(first.sort());

    for (const kind of ['scores', 'answers']) {
      expect((await get(`/consultant/studies/${drill.study}/export/${kind}.csv`, b)).status).toBe(404);
      expect((await get(`/consultant/studies/${drill.study}/export/${kind}.csv`, null)).status).toBe(404);
    }
  });
});

describe('the sign-in rate limit', () => {
  // Per account and address: the same account from another address is not affected (tests/security/lockout.test.ts).
  it('refuses even the right password from an address after five failures there within 15 minutes', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('limited@example.com', `wrong ${i} password`)).status).toBe(401);
    const r = await signIn('limited@example.com');
    expect(r.status).toBe(401);
    expect(r.setCookie).toBeNull();
    expect(r.html).toContain('too many attempts');
  });
});
