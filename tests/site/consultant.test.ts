import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { fingerprint, postForm } from '../helpers/forms.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-consultant-');
const dbPath = join(tmp.dir, 'consultant.sqlite');
let site: RunningSite;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  const db = openMigrated(dbPath);
  for (const email of ['a@example.com', 'b@example.com', 'limited@example.com']) await createConsultant(db, { email, password: PASSWORD });
  db.$client.close();
  site = await startSite(dbPath);
}, 120_000);
afterAll(async () => {
  await site?.stop();
  tmp.cleanup();
});

const query = <T>(sql: string, ...params: unknown[]) => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
};

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
    const db = new Database(dbPath);
    db.prepare('UPDATE sessions SET expires_at = ? WHERE consultant_id = (SELECT id FROM consultants WHERE email = ?)').run(Date.now() - 1000, 'b@example.com');
    db.close();
    const page = await get('/consultant', r.cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/consultant/sign-in');
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const r = await signIn('a@example.com');
    const before = query<{ n: number }>('SELECT count(*) AS n FROM sessions').n;
    const out = await post('/consultant/sign-out', {}, r.cookie!);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/vi_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM sessions').n).toBe(before - 1);
    expect((await get('/consultant', r.cookie)).status).toBe(303);
  });
});

describe('studies and access control', () => {
  it('creates a study, refuses an empty name, and keeps every study to its consultant', async () => {
    const a = (await signIn('a@example.com')).cookie!;
    const b = (await signIn('b@example.com')).cookie!;
    const before = fingerprint(dbPath) + query<{ n: number }>('SELECT count(*) AS n FROM studies').n;
    const empty = await post('/consultant', { name: '   ' }, a);
    expect(empty.status).toBe(422);
    expect(fingerprint(dbPath) + query<{ n: number }>('SELECT count(*) AS n FROM studies').n).toBe(before);

    const created = await post('/consultant', { name: 'Spring benchmark 2027' }, a);
    expect(created.status).toBe(303);
    const studyPath = created.headers.get('location')!;
    expect(studyPath).toMatch(/^\/consultant\/studies\/\d+$/);
    const page = await (await get(studyPath, a)).text();
    expect(page).toContain('Spring benchmark 2027');
    expect(page).toMatch(/\/join\/[A-Za-z0-9_-]{22}/);

    expect((await get(studyPath, b)).status).toBe(404);
    const companies = query<{ n: number }>('SELECT count(*) AS n FROM companies').n;
    expect(query<{ n: number }>('SELECT count(*) AS n FROM companies').n).toBe(companies);
    expect((await post(studyPath, { action: 'add-company', name: 'Intruder Ltd' }, b)).status).toBe(404);
    expect((await post(studyPath, { action: 'rename', name: 'Hijacked' }, b)).status).toBe(404);
    expect((await post(studyPath, { action: 'close' }, b)).status).toBe(404);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM companies').n).toBe(companies);
    expect((await post(studyPath, { action: 'add-company', name: 'Northwind' }, a)).status).toBe(303);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM companies').n).toBe(companies + 1);

    const id = Number(studyPath.split('/').at(-1));
    expect((await post(studyPath, { action: 'rename', name: '' }, a)).status).toBe(422);
    expect((await post(studyPath, { action: 'rename', name: 'Spring benchmark (final)' }, a)).status).toBe(303);
    expect(query<{ name: string }>('SELECT name FROM studies WHERE id = ?', id).name).toBe('Spring benchmark (final)');
    expect((await post(studyPath, { action: 'close' }, a)).status).toBe(303);
    const token = query<{ invite_token: string }>('SELECT invite_token FROM studies WHERE id = ?', id).invite_token;
    expect((await fetch(`${site.base}/join/${token}`)).status).toBe(410);
    expect((await post(studyPath, { action: 'reopen' }, a)).status).toBe(303);
    expect((await fetch(`${site.base}/join/${token}`)).status).toBe(200);
  });
});

describe('the sign-in rate limit', () => {
  it('refuses even the right password after five failures within 15 minutes', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('limited@example.com', `wrong ${i} password`)).status).toBe(401);
    const r = await signIn('limited@example.com');
    expect(r.status).toBe(401);
    expect(r.setCookie).toBeNull();
    expect(r.html).toContain('too many attempts');
  });
});
