import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { companyView } from '../../src/server/services/company-view.ts';
import { publishedScore } from '../../src/domain/anonymity.ts';
import { instrument } from '../helpers/instrument.ts';
import { buildDashboardStudy, type DashboardFixture } from '../helpers/dashboard-study.ts';
import { postForm } from '../helpers/forms.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let fx: DashboardFixture;
/** Each published company's Velocity Index as the company view gives it, by name. */
const expected = new Map<string, number>();
let a: string;
let b: string;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  for (const email of ['a@example.com', 'b@example.com']) await createConsultant(db, { email, password: PASSWORD });
  const consultant = (await store.raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'a@example.com'"))!;
  fx = await buildDashboardStudy(db, consultant.id);
  for (const [name, id] of Object.entries(fx.companies)) {
    const view = await companyView(db, instrument, id, null, 5);
    if (view.aggregate) expected.set(name, publishedScore(view.aggregate.scores.velocity!));
  }
  site = await startSite(store.url);
  const cookieOf = async (email: string) => (await postForm(site.base, '/consultant/sign-in', { email, password: PASSWORD })).headers.get('set-cookie')!.split(';')[0]!;
  a = await cookieOf('a@example.com');
  b = await cookieOf('b@example.com');
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const get = (path: string, cookie: string) => fetch(`${site.base}${path}`, { redirect: 'manual', headers: { cookie } });
const html = async (path: string, cookie = a) => (await (await get(path, cookie)).text()).replace(/\s+/g, ' ');
const tableOf = (page: string) => page.match(/<table class="dash-table"[^]*?<\/table>/)?.[0] ?? '';
/** The companies table's rows, in order: name and each data-col cell's text. */
function rowsOf(page: string): { name: string; cells: Record<string, string> }[] {
  const body = tableOf(page).match(/<tbody>([^]*?)<\/tbody>/)?.[1] ?? '';
  return [...body.matchAll(/<tr>([^]*?)<\/tr>/g)].map((m) => ({
    name: m[1]!.match(/<th scope="row"><a [^>]*>([^<]*)<\/a>/)![1]!,
    cells: Object.fromEntries([...m[1]!.matchAll(/<td [^>]*data-col="(\w+)"[^>]*>(.*?)<\/td>/g)].map((c) => [c[1]!, c[2]!.replace(/<[^>]+>/g, '').trim()])),
  }));
}

describe('the study dashboard', () => {
  it('shows a company’s figures only past k, the same as its company view, and how many more the others need', async () => {
    const rows = rowsOf(await html(`/consultant/studies/${fx.studyId}`));
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(fx.companies).sort());
    // Six completed is k + 1: shown; three and none: not.
    expect([...expected.keys()].sort()).toEqual(['Aurora Freight', 'Boreal Software', 'Dalarna Industrial']);
    for (const r of rows) {
      if (expected.has(r.name)) {
        expect(r.cells.velocity).toBe(String(expected.get(r.name)));
        for (const key of ['value', 'number', 'winRate', 'cycle']) expect(r.cells[key]).toMatch(/^\d{1,3}$/);
        expect(r.cells.category).toMatch(/\w/);
        expect(r.cells.pending).toBeUndefined();
      } else {
        expect(r.cells.velocity).toBeUndefined();
        expect(r.cells.peer).toBeUndefined();
      }
    }
    const copper = rows.find((r) => r.name === 'Copperleaf Health')!;
    expect(copper.cells).toMatchObject({ completed: '3', started: '4', invited: '0', pending: '3 more respondents needed' });
    expect(rows.find((r) => r.name === 'Eastfjord Energy')!.cells.pending).toBe('6 more respondents needed');
    expect(rows.find((r) => r.name === 'Boreal Software')!.cells).toMatchObject({ completed: '13', started: '15', invited: '18' });
  });

  it('charts only the companies with figures, and totals the round in the tiles', async () => {
    const page = await html(`/consultant/studies/${fx.studyId}`);
    // Drawn twice, for wide and narrow screens: the same companies in both.
    const charted = [...page.matchAll(/<text class="dash-bar-company"[^>]*data-company="([^"]*)"/g)].map((m) => m[1]);
    expect(charted.sort()).toEqual(['Aurora Freight', 'Aurora Freight', 'Boreal Software', 'Boreal Software', 'Dalarna Industrial', 'Dalarna Industrial']);
    const kpi = (name: string) => page.match(new RegExp(`data-kpi="${name}"[^>]*>([^<]*)<`))![1];
    // 15 + 9 + 6 + 4 started in companies and 2 through the study link; 13 + 8 + 6 + 3 + 2 completed.
    expect([kpi('invited'), kpi('started'), kpi('completed'), kpi('rate')]).toEqual(['28', '36', '32', '89%']);
    expect(page).toContain('Through the study link');
    expect(page).toMatch(/<path class="dash-step-line" d="M[\d. HV]+"/);
  });

  it('sorts by the column asked for, companies without figures last either way, and marks it with aria-sort', async () => {
    const byVelocity = (dir: string) => html(`/consultant/studies/${fx.studyId}?sort=velocity&dir=${dir}`);
    const ranked = [...expected].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([n]) => n);
    const desc = rowsOf(await byVelocity('desc')).map((r) => r.name);
    expect(desc.slice(0, 3)).toEqual(ranked);
    expect(desc.slice(3).sort()).toEqual(['Copperleaf Health', 'Eastfjord Energy']);
    const ascPage = await byVelocity('asc');
    expect(rowsOf(ascPage).map((r) => r.name).slice(0, 3)).toEqual([...ranked].reverse());
    expect(ascPage).toMatch(/<th scope="col" class="n" aria-sort="ascending" data-col="velocity">/);
    expect(ascPage.match(/aria-sort=/g)).toHaveLength(1);
    // The sorted column's link turns it round; another column's starts in its own direction.
    expect(ascPage).toContain(`href="/consultant/studies/${fx.studyId}?sort=velocity&amp;dir=desc#companies"`);
    expect(ascPage).toContain(`href="/consultant/studies/${fx.studyId}?sort=company&amp;dir=asc#companies"`);
    const byName = rowsOf(await html(`/consultant/studies/${fx.studyId}?sort=company&dir=desc`)).map((r) => r.name);
    expect(byName).toEqual(Object.keys(fx.companies).sort().reverse());
    const byStarted = rowsOf(await html(`/consultant/studies/${fx.studyId}?sort=started&dir=asc`)).map((r) => r.name);
    expect(byStarted).toEqual(['Eastfjord Energy', 'Copperleaf Health', 'Dalarna Industrial', 'Aurora Freight', 'Boreal Software']);
  });

  it('falls back harmlessly on a sort it does not know', async () => {
    const plain = rowsOf(await html(`/consultant/studies/${fx.studyId}`)).map((r) => r.name);
    for (const query of ['sort=password&dir=desc', 'sort=velocity&dir=%3Cscript%3E', 'sort=__proto__', 'sort[]=x&dir=']) {
      const res = await get(`/consultant/studies/${fx.studyId}?${query}`, a);
      expect(res.status, query).toBe(200);
      const page = (await res.text()).replace(/\s+/g, ' ');
      expect(rowsOf(page).map((r) => r.name), query).toEqual(plain);
      expect(page).not.toContain('<script>');
    }
  });

  it('shows an earlier round with ?wave=N, the latest by default, and answers 404 for a round the study does not have', async () => {
    const latest = await html(`/consultant/studies/${fx.roundsStudyId}`);
    expect(latest).toContain('Round 2 of 2');
    const latestAurora = rowsOf(latest)[0]!;
    expect(latestAurora.cells).toMatchObject({ completed: '2', started: '2', pending: '4 more respondents needed' });
    const first = await html(`/consultant/studies/${fx.roundsStudyId}?wave=1`);
    expect(first).toContain('Round 1 of 2');
    expect(first).toContain('its links no longer take new participants');
    expect(rowsOf(first)[0]!.cells.completed).toBe('6');
    expect(rowsOf(first)[0]!.cells.velocity).toMatch(/^\d+$/);
    // Each round shows its own links.
    const link = (page: string) => page.match(/id="study-link"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="study-link"/)?.slice(1).find(Boolean);
    expect(link(first)).toMatch(/\/join\//);
    expect(link(first)).not.toBe(link(latest));
    // Sorting keeps the round.
    expect(first).toContain(`href="/consultant/studies/${fx.roundsStudyId}?wave=1&amp;sort=company&amp;dir=asc#companies"`);
    for (const wave of ['3', '0', 'abc', '1.5', '-1', '99999999']) expect((await get(`/consultant/studies/${fx.roundsStudyId}?wave=${wave}`, a)).status, wave).toBe(404);
  });

  it('is another consultant’s 404, in any round and sort', async () => {
    for (const path of [`/consultant/studies/${fx.studyId}`, `/consultant/studies/${fx.roundsStudyId}?wave=1`, `/consultant/studies/${fx.studyId}?sort=velocity&dir=asc`]) {
      const res = await get(path, b);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Boreal');
    }
  });

  it('gives every link of the round a copy button, and links each company’s report, settings and the invitations page', async () => {
    const page = await html(`/consultant/studies/${fx.studyId}`);
    const fields = [...page.matchAll(/<input id="(study-link|company-link-\d+)"[^>]*data-copy-link-source/g)].map((m) => m[1]);
    expect(fields).toHaveLength(1 + Object.keys(fx.companies).length);
    expect(page.match(/data-copy-link-button hidden/g)).toHaveLength(fields.length);
    for (const id of Object.values(fx.companies)) {
      expect(page).toContain(`href="/consultant/studies/${fx.studyId}/companies/${id}"`);
      expect(page).toContain(`href="/consultant/studies/${fx.studyId}/companies/${id}/settings"`);
    }
    expect(page).toContain(`href="/consultant/studies/${fx.studyId}/invitations"`);
  });
});

describe('a new round from the dashboard', () => {
  const post = (studyId: number, body: string, cookie = a) =>
    fetch(`${site.base}/consultant/studies/${studyId}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', cookie },
      body,
    });
  const rounds = async (studyId: number) => (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM study_waves WHERE study_id = ?', studyId))!.n;

  it('starts round N+1 only when confirmed, once for a double press, never for another consultant', async () => {
    const res0 = await fetch(`${site.base}/consultant`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', cookie: a },
      body: 'name=Round+trip+study',
    });
    expect(res0.status).toBe(303);
    const studyId = Number(/\/consultant\/studies\/(\d+)/.exec(res0.headers.get('location') ?? '')![1]);
    const before = await html(`/consultant/studies/${studyId}`);
    expect(before).toContain('Start round 2');

    const unconfirmed = await post(studyId, 'action=new-round&from=1');
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('Tick the box to confirm');
    expect(await rounds(studyId)).toBe(1);

    expect((await post(studyId, 'action=new-round&from=1&confirm=yes', b)).status).toBe(404);
    expect(await rounds(studyId)).toBe(1);

    const started = await post(studyId, 'action=new-round&from=1&confirm=yes');
    expect(started.status).toBe(303);
    expect(await rounds(studyId)).toBe(2);
    // The same form posted again (a double click, a retry) names round 1: nothing more starts.
    expect((await post(studyId, 'action=new-round&from=1&confirm=yes')).status).toBe(303);
    expect(await rounds(studyId)).toBe(2);
    const after = await html(`/consultant/studies/${studyId}`);
    expect(after).toContain('Round 2 of 2');
    expect(after).toContain('Start round 3');
  });
});

describe('the studies list', () => {
  it('lists each study with its status, round and current round’s counts, and closes one from its row', async () => {
    const page = await html('/consultant');
    const row = (name: string) => page.match(new RegExp(`<tr>(?:(?!</tr>).)*${name}(?:(?!</tr>).)*</tr>`))![0];
    const cells = (r: string) => Object.fromEntries([...r.matchAll(/data-label="(\w+)"[^>]*>(.*?)<\/td>/g)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, '').trim()]));
    expect(cells(row('Nordics sales benchmark 2027'))).toMatchObject({ Status: 'Open', Round: '1', Companies: '5', Invited: '28', Started: '36', Completed: '32' });
    expect(cells(row('Benelux 2026'))).toMatchObject({ Round: '2', Companies: '1', Started: '2', Completed: '2' });
    // Newest first.
    expect(page.indexOf('Nordics sales benchmark 2027')).toBeLessThan(page.indexOf('Benelux 2026'));
    const res = await fetch(`${site.base}/consultant/studies/${fx.roundsStudyId}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', cookie: a },
      body: 'action=close&return=studies',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/consultant');
    expect(cells(row('Benelux 2026')).Status).toBe('Open');
    const after = await html('/consultant');
    expect(after.match(/<tr>(?:(?!<\/tr>).)*Benelux 2026(?:(?!<\/tr>).)*<\/tr>/)![0]).toContain('badge-closed');
    expect((await store.raw.get<{ status: string }>('SELECT status FROM studies WHERE id = ?', fx.roundsStudyId))!.status).toBe('closed');
  });

  it('says what to do first when there is no study yet', async () => {
    const page = await html('/consultant', b);
    expect(page).toContain('data-testid="no-studies"');
    expect(page).toContain('Start with your first study');
  });
});

describe('the sign-in form', () => {
  it('names an empty field beside it without counting an attempt', async () => {
    const attempts = async () => (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM sign_in_attempts'))!.n;
    const before = await attempts();
    const res = await postForm(site.base, '/consultant/sign-in', { email: 'a@example.com', password: '' });
    expect(res.status).toBe(422);
    const page = (await res.text()).replace(/\s+/g, ' ');
    expect(page).toMatch(/id="password-error"[^>]*>.*Enter your password\./);
    expect(page).toContain('aria-describedby="password-error"');
    expect(page).toContain('value="a@example.com"');
    expect(page).not.toContain('id="email-error"');
    expect(await attempts()).toBe(before);
  });
});
