import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { hashToken as hashOf } from '../../src/server/auth/tokens.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { postForm, storeFingerprint } from '../helpers/forms.ts';
import { instrument, validProfile } from '../helpers/instrument.ts';
import { pageFields, pages, startParticipant } from '../helpers/journey.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { BROWSER_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

/**
 * The participant conveniences of issue 13 over HTTP: autosave answered in
 * JSON, a company link's stated profile fixed by the server, the company
 * settings page, and the optional name kept to the participant's own pages.
 */
const tmp = tempDir('velocity-quest-');
let store: TestStore;
const K = 3;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let ids: { study: number; stated: number; plain: number; otherStudy: number; otherCompany: number };

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  await seedParticipants(db, instrument, { count: 30, seed: 13, now: new Date('2026-06-01T00:00:00Z') });
  for (const email of ['a@example.com', 'b@example.com']) await createConsultant(db, { email, password: PASSWORD });
  const idOf = async (email: string) => (await store.raw.get<{ id: number }>('SELECT id FROM consultants WHERE email = ?', email))!.id;
  const study = await insertStudy(db, await idOf('a@example.com'), 'Autumn benchmark', 'quest-study-token-1');
  const stated = await insertCompany(db, study.id, 'Contoso Robotics', 'quest-company-stated', { industry: 'manufacturing', employees: '250-999', region: 'europe' });
  const plain = await insertCompany(db, study.id, 'Fabrikam', 'quest-company-plain');
  const other = await insertStudy(db, await idOf('b@example.com'), 'Someone else’s study', 'quest-study-token-2');
  const otherCompany = await insertCompany(db, other.id, 'Not yours Ltd', 'quest-company-other');
  ids = { study: study.id, stated: stated.id, plain: plain.id, otherStudy: other.id, otherCompany: otherCompany.id };
  site = await startSite(store.url, { PEER_MIN_GROUP: String(K) });
}, SETUP_MS);

afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
  tmp.cleanup();
});

const query = async <T>(sql: string, ...params: unknown[]): Promise<T> => (await store.raw.all(sql, ...params)) as T;
const participantOf = async (token: string) => {
  const rows = await query<{ id: number; display_name: string | null; [column: string]: unknown }[]>(
    'SELECT * FROM participants WHERE resume_token_hash = ?',
    hashOf(token),
  );
  return rows[0]!;
};

/** An autosave as the page script sends it: multipart FormData with autosave=1, from the page's origin. */
function autosave(token: string, page: number, fields: Record<string, string>, origin: string | null = site.base) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set('autosave', '1');
  return fetch(`${site.base}/r/${token}/${page}`, { method: 'POST', redirect: 'manual', headers: origin ? { origin } : {}, body });
}

describe('autosave', () => {
  it('stores an incomplete page as "Save and finish later" does and answers JSON, never a redirect', async () => {
    const token = await startParticipant(site.base);
    const all = pageFields(1);
    const [first, second] = Object.keys(all);
    const res = await autosave(token, 1, { [first!]: all[first!]! });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toEqual({ saved: true });
    const stored = async () => query<{ item_id: string; value: string }[]>('SELECT item_id, value FROM answers WHERE participant_id = ? ORDER BY item_id', (await participantOf(token)).id);
    expect(await stored()).toEqual([{ item_id: first, value: all[first!] }]);
    // The next change adds to it; the same post again stores the same rows once.
    const both = { [first!]: all[first!]!, [second!]: all[second!]! };
    expect((await autosave(token, 1, both)).status).toBe(200);
    expect((await autosave(token, 1, both)).status).toBe(200);
    expect(await stored()).toHaveLength(2);
    // The page shows what was autosaved.
    const html = await (await fetch(`${site.base}/r/${token}/1`)).text();
    expect(html).toMatch(new RegExp(`id="${second}--${all[second!]}"[^>]*checked`));
    expect(html).toContain('data-autosave-status');
  });

  it('refuses a value the form could not have produced with 422 and the field messages, storing nothing', async () => {
    const token = await startParticipant(site.base);
    const all = pageFields(1);
    const [first, second] = Object.keys(all);
    const before = await storeFingerprint(store.raw);
    const res = await autosave(token, 1, { [first!]: all[first!]!, [second!]: 'not-an-option' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { saved: boolean; errors: Record<string, string> };
    expect(body.saved).toBe(false);
    expect(body.errors[second!]).toBe('Choose one of the answers listed.');
    const unknown = await autosave(token, 1, { shoeSize: '44' });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: Record<string, string> }).errors.shoeSize).toContain('not a question on this page');
    expect(await storeFingerprint(store.raw)).toBe(before);
  });

  it('is refused from another origin, like any form post', async () => {
    const token = await startParticipant(site.base);
    const [first] = Object.keys(pageFields(1));
    const before = await storeFingerprint(store.raw);
    const res = await autosave(token, 1, { [first!]: pageFields(1)[first!]! }, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(await storeFingerprint(store.raw)).toBe(before);
  });

  it('answers JSON for a finished participant and an unknown link, changing nothing', async () => {
    const token = await startParticipant(site.base);
    for (let n = 1; n < pages.length; n++) expect((await postForm(site.base, `/r/${token}/${n}`, { ...pageFields(n), action: 'next' })).status).toBe(303);
    expect((await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' })).status).toBe(303);
    const before = await storeFingerprint(store.raw);
    const finished = await autosave(token, 1, pageFields(1));
    expect(finished.status).toBe(409);
    expect(await finished.json()).toMatchObject({ saved: false, refused: 'completed', location: `/r/${token}/results?already-finished=1` });
    const unknown = await autosave('A'.repeat(22), 1, pageFields(1));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
    expect(await storeFingerprint(store.raw)).toBe(before);
  });

  it('leaves the plain form posts as they were', async () => {
    const token = await startParticipant(site.base);
    const res = await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), action: 'save' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${token}/saved`);
  });
});

describe('a company link with a stated profile', () => {
  it('shows the stated fields as facts and asks only the rest', async () => {
    const html = await (await fetch(`${site.base}/join/quest-company-stated`)).text();
    expect(html).toContain('Set by your consultant for Contoso Robotics');
    expect(html).toMatch(/<dt[^>]*>Industry<\/dt>\s*<dd[^>]*>Manufacturing and industrial goods<\/dd>/);
    expect(html).not.toContain('id="profile-industry"');
    expect(html).not.toContain('id="profile-employees"');
    expect(html).not.toContain('id="profile-region"');
    expect(html).not.toContain('id="profile-company"');
    expect(html).toContain('id="profile-role"');
    expect(html).toContain('id="profile-salesTeam"');
    expect(html).toContain('id="profile-motion"');
  });

  it('stores the stated values whatever was posted for them', async () => {
    const token = await startParticipant(site.base, '/join/quest-company-stated', {
      ...validProfile(),
      role: 'manager',
      company: 'Someone Else Inc',
      industry: 'software-saas',
      employees: '1-49',
      region: 'asia-pacific',
      salesTeam: '21-50',
    });
    const p = await participantOf(token);
    expect(p).toMatchObject({ industry: 'manufacturing', employees: '250-999', region: 'europe', sales_team: '21-50', role: 'manager', company_name: 'Contoso Robotics' });
  });

  it('starts without the stated fields being posted at all', async () => {
    const token = await startParticipant(site.base, '/join/quest-company-stated', { role: 'rep', salesTeam: '6-20', motion: 'inside' });
    expect(await participantOf(token)).toMatchObject({ industry: 'manufacturing', employees: '250-999', region: 'europe', motion: 'inside' });
  });

  it('asks everything but the company on a link that states nothing', async () => {
    const html = await (await fetch(`${site.base}/join/quest-company-plain`)).text();
    for (const id of ['role', 'industry', 'employees', 'salesTeam', 'region', 'motion']) expect(html).toContain(`id="profile-${id}"`);
    expect(html).not.toContain('id="profile-company"');
  });
});

async function signIn(email: string): Promise<string> {
  const res = await postForm(site.base, '/consultant/sign-in', { email, password: PASSWORD });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  expect(cookie).toBeTruthy();
  return cookie!;
}
const get = (path: string, cookie: string) => fetch(`${site.base}${path}`, { redirect: 'manual', headers: { cookie } });
const post = (path: string, fields: Record<string, string>, cookie: string) =>
  fetch(`${site.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
  });
const companyRow = async (id: number) => (await query<Record<string, unknown>[]>('SELECT name, industry, employees, sales_team, region, motion FROM companies WHERE id = ?', id))[0]!;

describe('the company settings page', () => {
  const path = () => `/consultant/studies/${ids.study}/companies/${ids.plain}/settings`;
  const full = { name: 'Fabrikam Group', industry: 'it-services', employees: '50-249', salesTeam: '6-20', region: 'north-america', motion: '' };

  it('shows the stated values with "Not stated" first in each select', async () => {
    const a = await signIn('a@example.com');
    const res = await get(`/consultant/studies/${ids.study}/companies/${ids.stated}/settings`, a);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<select id="company-industry"[^>]*>\s*<option value="">Not stated — each respondent answers<\/option>/);
    expect(html).toMatch(/<option value="manufacturing" selected>/);
    expect(html).toContain('apply to people who join from now on');
  });

  it('saves a rename and the stated fields with a confirmation', async () => {
    const a = await signIn('a@example.com');
    const res = await post(path(), full, a);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${path()}?saved=1`);
    expect(await companyRow(ids.plain)).toEqual({ name: 'Fabrikam Group', industry: 'it-services', employees: '50-249', sales_team: '6-20', region: 'north-america', motion: null });
    const page = await (await get(`${path()}?saved=1`, a)).text();
    expect(page).toContain('data-testid="company-saved"');
    // Those who join from now on are not asked what was stated.
    const join = await (await fetch(`${site.base}/join/quest-company-plain`)).text();
    expect(join).toContain('Set by your consultant for Fabrikam Group');
    expect(join).not.toContain('id="profile-industry"');
    expect(join).toContain('id="profile-motion"');
  });

  it.each([
    ['an option the instrument does not have', { ...full, industry: 'astrology' }, 'industry', 'Choose one of the options for “Industry”, or “Not stated”.'],
    ['an empty name', { ...full, name: '  ' }, 'name', 'Enter a name.'],
    ['a name with a direction override', { ...full, name: 'Acme\u202Egnp.exe' }, 'name', 'RIGHT-TO-LEFT OVERRIDE'],
    ['an unknown field', { ...full, revenue: 'lots' }, 'revenue', 'is not a field of this form'],
  ])('refuses %s with 422 and a message, changing nothing', async (_label, fields, field, message) => {
    const a = await signIn('a@example.com');
    const before = await companyRow(ids.plain);
    const res = await post(path(), fields, a);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="error-summary"');
    expect(html).toContain(message);
    if (field !== 'revenue') expect(html).toContain(`id="company-${field}--error"`);
    expect(await companyRow(ids.plain)).toEqual(before);
  });

  it('is a 404 for another consultant’s company, and for a company of another study', async () => {
    const a = await signIn('a@example.com');
    const b = await signIn('b@example.com');
    expect((await get(path(), b)).status).toBe(404);
    const before = await companyRow(ids.plain);
    expect((await post(path(), { ...full, name: 'Taken over' }, b)).status).toBe(404);
    expect(await companyRow(ids.plain)).toEqual(before);
    expect((await get(`/consultant/studies/${ids.study}/companies/${ids.otherCompany}/settings`, a)).status).toBe(404);
    expect((await get(`/consultant/studies/${ids.otherStudy}/companies/${ids.otherCompany}/settings`, a)).status).toBe(404);
  });

  it('sends a visitor who is not signed in to sign in', async () => {
    const res = await fetch(`${site.base}${path()}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/consultant/sign-in');
  });
});

describe('the optional name', () => {
  const NAME = 'Quillon Vantablack';

  it('refuses a name over 80 characters or with a control character, storing nothing', async () => {
    for (const [name, message] of [
      ['x'.repeat(81), 'Keep your name to 80 characters.'],
      ['Eve\u202Eevil', 'RIGHT-TO-LEFT OVERRIDE'],
    ] as const) {
      const before = await storeFingerprint(store.raw);
      const res = await postForm(site.base, '/start', { ...validProfile(), displayName: name });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('href="#profile-displayName"');
      expect(await storeFingerprint(store.raw)).toBe(before);
    }
  });

  it('greets the participant and heads their own report, and appears in no export, consultant page or company report', async () => {
    // K + 1 colleagues through one company link finish, so that the company's figures and report exist.
    const tokens: string[] = [];
    for (let i = 0; i <= K; i++) {
      const token = await startParticipant(site.base, '/join/quest-company-stated', { role: 'rep', salesTeam: '6-20', motion: 'inside', displayName: `${NAME} ${i}` });
      for (let n = 1; n < pages.length; n++) expect((await postForm(site.base, `/r/${token}/${n}`, { ...pageFields(n), action: 'next' })).status).toBe(303);
      expect((await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' })).status).toBe(303);
      tokens.push(token);
    }
    expect((await participantOf(tokens[0]!)).display_name).toBe(`${NAME} 0`);

    const results = await (await fetch(`${site.base}/r/${tokens[0]}/results`)).text();
    expect(results).toContain(`Hello, ${NAME} 0.`);
    expect(results).not.toContain(`${NAME} 1`);
    const reportPage = await (await fetch(`${site.base}/r/${tokens[0]}/report/personal`)).text();
    expect(reportPage).toContain(`Prepared for ${NAME} 0`);
    const pdf = await fetch(`${site.base}/r/${tokens[0]}/report/personal.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdfText(Buffer.from(await pdf.arrayBuffer()), 'personal')).toContain(`${NAME} 0`);
    // The participant's view of the company report carries nobody's name, theirs included.
    const ownCompany = await fetch(`${site.base}/r/${tokens[0]}/report/company.pdf`);
    expect(ownCompany.status).toBe(200);
    expect(pdfText(Buffer.from(await ownCompany.arrayBuffer()), 'own-company')).not.toContain(NAME);
    expect(await (await fetch(`${site.base}/r/${tokens[0]}/report/company`)).text()).not.toContain(NAME);

    const a = await signIn('a@example.com');
    const base = `/consultant/studies/${ids.study}`;
    for (const path of [base, `${base}/export/scores.csv`, `${base}/export/answers.csv`, `${base}/companies/${ids.stated}`, `/consultant/compare?study=${ids.study}`, '/consultant']) {
      const res = await get(path, a);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).not.toContain(NAME);
    }
    const company = await get(`${base}/companies/${ids.stated}`, a);
    expect(await company.text()).toContain('Company Velocity Index');
    const companyPdf = await get(`${base}/companies/${ids.stated}.pdf`, a);
    expect(companyPdf.status).toBe(200);
    expect(pdfText(Buffer.from(await companyPdf.arrayBuffer()), 'company')).not.toContain(NAME);
  }, BROWSER_TEST_MS);
});

function pdfText(bytes: Buffer, name: string): string {
  const file = join(tmp.dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  const out = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  return out.stdout;
}
