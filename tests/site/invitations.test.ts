import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { postForm } from '../helpers/forms.ts';
import { validProfile } from '../helpers/instrument.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { BROWSER_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

let store: TestStore;
let offStore: TestStore;
const PASSWORD = 'correct horse battery staple';
// Mail is "set up" (the address is never dialled: these tests read the outbox); the other site runs without it.
// The server's mail loop runs once at the first request and then rests for an hour, so the outbox rows stay put while they are read.
const MAIL_ENV = { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Velocity Index <bench@example.com>', MAIL_POLL_SECONDS: '3600' };
let site: RunningSite;
let off: RunningSite;
let studyId: number;
let acme: number;
let globex: number;

async function prepare({ db, raw }: TestStore, n: number) {
  for (const email of ['owner@example.com', 'other@example.com']) await createConsultant(db, { email, password: PASSWORD });
  const owner = (await raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'owner@example.com'"))!;
  const id = (await insertStudy(db, owner.id, 'Q2 pipeline study', `study-${n}-token-0001`)).id;
  const a = (await insertCompany(db, id, 'Acme', `acme-${n}-token-0001`)).id;
  const g = (await insertCompany(db, id, 'Globex', `globex-${n}-token-01`)).id;
  return { id, a, g };
}

beforeAll(async () => {
  store = await openTestStore();
  offStore = await openTestStore();
  ({ id: studyId, a: acme, g: globex } = await prepare(store, 1));
  await prepare(offStore, 2);
  // One after the other, the site the first tests use last: an idle keep-alive connection from its readiness check
  // is then fresh, not about to be closed by the server (5 s) just as the first test reuses it.
  off = await startSite(offStore.url);
  site = await startSite(store.url, MAIL_ENV);
}, SETUP_MS);
afterAll(async () => {
  await Promise.all([site?.stop(), off?.stop()]);
  await Promise.all([store?.cleanup(), offStore?.cleanup()]);
});

const query = <T,>(sql: string, ...args: unknown[]): Promise<T[]> => store.raw.all<T>(sql, ...args);
const stored = async () => JSON.stringify([await query('SELECT * FROM invitations ORDER BY id'), await query('SELECT id, dedupe_key, to_address FROM mail_outbox ORDER BY id')]);

async function signIn(base: string, email: string): Promise<string> {
  const res = await postForm(base, '/consultant/sign-in', { email, password: PASSWORD });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const page = (base: string, cookie: string) => `${base}/consultant/studies/${studyId}/invitations`;

function invitePost(cookie: string, fields: Record<string, string>, file: { text: string; name?: string } | null = null, base = site.base) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (file) body.set('file', new Blob([file.text], { type: 'text/csv' }), file.name ?? 'people.csv');
  return fetch(`${page(base, cookie)}?form=invite`, { method: 'POST', redirect: 'manual', headers: { origin: base, cookie }, body });
}

const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&rsquo;/g, '’').replace(/\s+/g, ' ');

describe('the invitations page', () => {
  let owner: string;

  it('shows each company of the latest wave with a paste box, an upload and the reminder schedule', async () => {
    owner = await signIn(site.base, 'owner@example.com');
    const res = await fetch(page(site.base, owner), { headers: { cookie: owner } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Invitations by e-mail');
    expect(html).toContain(`data-testid="company-${acme}"`);
    expect(html).toContain(`data-testid="company-${globex}"`);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('name="reminderDays"');
    expect(html).not.toContain('data-testid="mail-off"');
  });

  it('invites a pasted list, reporting repeats and rejected lines, and queues one mail per address', async () => {
    const res = await invitePost(owner, { company: String(acme), addresses: 'ann@example.com\nBob Lee <bob@example.com>, carl@example.com\nbob@\nANN@example.com' });
    expect(res.status).toBe(200);
    const text = visible(await res.text());
    expect(text).toContain('3 invited, 1 repeat in the list ignored, 1 rejected: line 3 ‘bob@’ is not a valid e-mail address.');
    const rows = await query<{ email: string; company_id: number }>('SELECT email, company_id FROM invitations ORDER BY id');
    expect(rows).toEqual([
      { email: 'ann@example.com', company_id: acme },
      { email: 'bob@example.com', company_id: acme },
      { email: 'carl@example.com', company_id: acme },
    ]);
    expect(await query('SELECT kind, to_address FROM mail_outbox ORDER BY id')).toEqual([
      { kind: 'invitation', to_address: 'ann@example.com' },
      { kind: 'invitation', to_address: 'bob@example.com' },
      { kind: 'invitation', to_address: 'carl@example.com' },
    ]);
    const again = visible(await (await invitePost(owner, { company: String(acme), addresses: 'ann@example.com; dee@example.com' })).text());
    expect(again).toContain('1 invited, 1 already invited.');
  });

  it('reads a CSV file saved as Windows-1252, as Excel on Windows does', async () => {
    const body = new FormData();
    body.set('company', String(globex));
    body.set('addresses', '');
    // "Zoë,zoe@example.com" with ë as the single byte 0xEB.
    body.set('file', new Blob([Uint8Array.from([...Buffer.from('Name,Email\r\nZo'), 0xeb, ...Buffer.from(',zoe@example.com\r\n')])], { type: 'text/csv' }), 'people.csv');
    const res = await fetch(`${page(site.base, owner)}?form=invite`, { method: 'POST', headers: { origin: site.base, cookie: owner }, body });
    expect(res.status).toBe(200);
    expect(visible(await res.text())).toContain('1 invited.');
    expect(await query('SELECT email FROM invitations WHERE company_id = ? ORDER BY id', globex)).toEqual([{ email: 'zoe@example.com' }]);
  });

  it('invites from an uploaded CSV file', async () => {
    const res = await invitePost(owner, { company: String(globex), addresses: '' }, { text: 'Name,Email\r\nEve,eve@example.com\r\nFinn,finn@example.com\r\nGus,gus(at)example.com\r\n' });
    expect(res.status).toBe(200);
    expect(visible(await res.text())).toContain('2 invited, 1 rejected: line 4 ‘gus(at)example.com’ is not a valid e-mail address.');
    expect(await query('SELECT email FROM invitations WHERE company_id = ? ORDER BY id', globex)).toEqual([{ email: 'zoe@example.com' }, { email: 'eve@example.com' }, { email: 'finn@example.com' }]);
    const list = visible(await (await fetch(page(site.base, owner), { headers: { cookie: owner } })).text());
    expect(list).toContain('eve@example.com Queued');
    expect(list).toMatch(/3 invited 0 opened 0 started 0 completed 0 unsubscribed/);
  });

  it('answers bad input with 422 and a message, storing nothing', async () => {
    const before = await stored();
    const cases: [Record<string, string>, { text: string } | null, RegExp][] = [
      [{ company: String(acme), addresses: '' }, null, /The list is empty/],
      [{ company: String(acme), addresses: 'bob@\nnobody' }, null, /No valid e-mail address[^]*line 1 ‘bob@’[^]*Nobody was invited/],
      [{ company: 'x', addresses: 'a@example.com' }, null, /Choose the company/],
      [{ company: String(acme), addresses: Array.from({ length: 2001 }, (_, i) => `p${i}@example.com`).join('\n') }, null, /at most 2,000/],
      [{ company: String(acme), addresses: 'a@example.com' }, { text: 'email\nb@example.com' }, /not both/],
      [{ company: String(acme), addresses: '' }, { text: 'name\nAnn\n' }, /No column of the file holds e-mail addresses/],
      [{ company: String(acme), addresses: '' }, { text: 'PK\u0003\u0004 workbook' }, /looks like an Excel workbook/],
    ];
    for (const [fields, file, message] of cases) {
      const res = await invitePost(owner, fields, file);
      expect(res.status, JSON.stringify(fields).slice(0, 80)).toBe(422);
      expect(visible(await res.text())).toMatch(message);
    }
    const big = await invitePost(owner, { company: String(acme), addresses: '' }, { text: `email\n${'x'.repeat(700 * 1024)}` });
    expect(big.status).toBe(413);
    expect(visible(await big.text())).toMatch(/larger than 512 KB/);
    const schedule = await fetch(`${page(site.base, owner)}?form=schedule`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: site.base, cookie: owner, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reminderDays=45&reminderMax=2',
    });
    expect(schedule.status).toBe(422);
    expect(visible(await schedule.text())).toContain('1 to 30');
    expect(await stored()).toBe(before);
  });

  it('saves the reminder schedule and reminds now only those not mailed in the last 24 hours', async () => {
    const post = (form: string, body: string) =>
      fetch(`${page(site.base, owner)}?form=${form}`, { method: 'POST', redirect: 'manual', headers: { origin: site.base, cookie: owner, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const saved = await post('schedule', 'reminderDays=3&reminderMax=4');
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/consultant/studies/${studyId}/invitations?saved=schedule#reminders-title`);
    const shown = async (location: string) => visible(await (await fetch(`${site.base}${location.replace(/#.*$/, '')}`, { headers: { cookie: owner } })).text());
    expect(await shown(saved.headers.get('location')!)).toContain('Reminder schedule saved.');
    expect(await query('SELECT reminder_days AS d, reminder_max AS m FROM studies WHERE id = ?', studyId)).toEqual([{ d: 3, m: 4 }]);
    // Everyone was invited moments ago: nobody is remindable yet.
    const html = await (await fetch(page(site.base, owner), { headers: { cookie: owner } })).text();
    expect(visible(html)).toContain('Nobody can be reminded right now');
    expect(html).toMatch(/<button[^>]*disabled[^>]*data-testid="remind-now"/);
    const reminded = await post('remind', '');
    expect(reminded.status).toBe(303);
    expect(await shown(reminded.headers.get('location')!)).toContain('Nobody needed a reminder just now.');
    expect(await query("SELECT COUNT(*) AS n FROM mail_outbox WHERE kind = 'reminder'")).toEqual([{ n: 0 }]);
  });

  it('is a 404 for another consultant, for reading and for posting', async () => {
    const other = await signIn(site.base, 'other@example.com');
    expect((await fetch(page(site.base, other), { headers: { cookie: other } })).status).toBe(404);
    const before = await stored();
    expect((await invitePost(other, { company: String(acme), addresses: 'zed@example.com' })).status).toBe(404);
    expect(await stored()).toBe(before);
    const anonymous = await fetch(page(site.base, ''), { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  it('without SMTP says e-mail is not set up, shows the company links instead and refuses posts', async () => {
    const cookie = await signIn(off.base, 'owner@example.com');
    const html = await (await fetch(page(off.base, cookie), { headers: { cookie } })).text();
    expect(html).toContain('data-testid="mail-off"');
    expect(html).toContain('SMTP_URL');
    expect(html).toMatch(/value="http:\/\/127\.0\.0\.1:\d+\/join\/acme-/);
    expect(html).not.toContain('name="addresses"');
    const res = await invitePost(cookie, { company: String(acme), addresses: 'ann@example.com' }, null, off.base);
    expect(res.status).toBe(422);
    expect(visible(await res.text())).toContain('E-mail is not set up on this server');

    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: cookie.split('=')[0]!, value: cookie.slice(cookie.indexOf('=') + 1), url: off.base }]);
      const tab = await context.newPage();
      await tab.goto(page(off.base, cookie));
      await tab.waitForSelector('[data-testid=mail-off]');
      await expectAccessible(tab, 'invitations page without e-mail');
      await screenshots(tab, 'invite-mail-off');
    } finally {
      await browser.close();
    }
  }, BROWSER_TEST_MS);
});

describe('the personal link and unsubscribe', () => {
  const tokenOf = (text: string) => /\/i\/([A-Za-z0-9_-]{22})/.exec(text)![1]!;
  const mailTo = async (address: string) => (await query<{ text_body: string; headers: string }>('SELECT text_body, headers FROM mail_outbox WHERE to_address = ? ORDER BY id', address))[0]!;

  it('is the 404 page for an unknown token', async () => {
    for (const path of ['/i/AAAAAAAAAAAAAAAAAAAAAA', '/i/nope', '/unsubscribe/AAAAAAAAAAAAAAAAAAAAAA', '/unsubscribe/1-AAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await fetch(`${site.base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('<h1');
    }
  });

  it('records the opening, starts with the company locked, then offers a fresh private link that replaces the old one', async () => {
    const token = tokenOf((await mailTo('carl@example.com')).text_body);
    const first = await fetch(`${site.base}/i/${token}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const html = await first.text();
    // The company is fixed by the invitation: shown as set by the consultant, not as a field to fill in.
    expect(html).toMatch(/data-testid="stated-profile">.*<dt>Company<\/dt><dd>Acme<\/dd>/s);
    expect(html).not.toContain('name="company"');
    expect((await query<{ o: number | null }>("SELECT opened_at AS o FROM invitations WHERE email = 'carl@example.com'"))[0]!.o).not.toBeNull();

    const started = await postForm(site.base, `/i/${token}`, { ...validProfile(), company: 'Somebody else' });
    expect(started.status).toBe(303);
    const resume = /^\/r\/([A-Za-z0-9_-]{22})\/1$/.exec(started.headers.get('location')!)![1]!;
    const row = (await query<{ participant_id: number; started_at: number; company_name: string }>(
      "SELECT i.participant_id, i.started_at, p.company_name FROM invitations i JOIN participants p ON p.id = i.participant_id WHERE i.email = 'carl@example.com'",
    ))[0]!;
    expect(row.started_at).not.toBeNull();
    expect(row.company_name).toBe('Acme');

    // A second post of the form starts nobody new.
    const count = async () => (await query<{ n: number }>('SELECT COUNT(*) AS n FROM participants'))[0]!.n;
    const before = await count();
    const twice = await postForm(site.base, `/i/${token}`, validProfile());
    expect(twice.status).toBe(200);
    expect(visible(await twice.text())).toContain('Pick up where you left off');
    expect(await count()).toBe(before);

    expect(visible(await (await fetch(`${site.base}/i/${token}`)).text())).toContain('The private link you had before stops working');
    expect((await fetch(`${site.base}/i/${token}/continue`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${site.base}/r/${resume}`, { redirect: 'manual' })).status).toBe(303);
    const fresh = await postForm(site.base, `/i/${token}/continue`, {});
    expect(fresh.status).toBe(303);
    const next = /^\/r\/([A-Za-z0-9_-]{22})$/.exec(fresh.headers.get('location')!)![1]!;
    expect(next).not.toBe(resume);
    expect((await fetch(`${site.base}/r/${resume}`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${site.base}/r/${next}`, { redirect: 'manual' })).headers.get('location')).toBe(`/r/${next}/1`);
  });

  it('unsubscribe asks on GET, acts on POST (a one-click post with no Origin too), deletes the address and unsent mail', async () => {
    const mail = await mailTo('ann@example.com');
    const headers = JSON.parse(mail.headers) as Record<string, string>;
    const url = /^<(.+)>$/.exec(headers['List-Unsubscribe']!)![1]!;
    const path = new URL(url).pathname;
    const get = await fetch(`${site.base}${path}`);
    expect(get.status).toBe(200);
    expect(visible(await get.text())).toContain('Stop e-mails about this study?');
    expect(await query("SELECT COUNT(*) AS n FROM invitations WHERE email = 'ann@example.com' AND unsubscribed_at IS NULL")).toEqual([{ n: 1 }]);

    // RFC 8058: the mail provider's server posts this body, with no Origin header.
    const oneClick = await fetch(`${site.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(visible(await oneClick.text())).toContain('You are unsubscribed');
    expect(await query("SELECT COUNT(*) AS n FROM invitations WHERE email = 'ann@example.com'")).toEqual([{ n: 0 }]);
    expect(await query("SELECT COUNT(*) AS n FROM mail_outbox WHERE to_address = 'ann@example.com'")).toEqual([{ n: 0 }]);

    // Other paths keep the origin check.
    const forged = await fetch(`${site.base}/i/${tokenOf((await mailTo('bob@example.com')).text_body)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'role=rep' });
    expect(forged.status).toBe(403);
  });

  it('for a closed study shows the closed page (410) and starts nobody', async () => {
    const token = tokenOf((await mailTo('bob@example.com')).text_body);
    try {
      await store.raw.run("UPDATE studies SET status = 'closed' WHERE id = ?", studyId);
      const count = async () => (await query<{ n: number }>('SELECT COUNT(*) AS n FROM participants'))[0]!.n;
      const before = await count();
      const get = await fetch(`${site.base}/i/${token}`);
      expect(get.status).toBe(410);
      expect(await get.text()).toContain('data-testid="study-closed"');
      const post = await postForm(site.base, `/i/${token}`, validProfile());
      expect(post.status).toBe(410);
      expect(visible(await post.text())).toContain('Nothing was saved.');
      expect(await count()).toBe(before);
    } finally {
      await store.raw.run("UPDATE studies SET status = 'open' WHERE id = ?", studyId);
    }
  });
});
