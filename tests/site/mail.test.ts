import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { postForm } from '../helpers/forms.ts';
import { startParticipant } from '../helpers/journey.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.ts';
import { BROWSER_TEST_MS, EVENTUALLY_MS, SETUP_MS } from '../helpers/limits.ts';

const PASSWORD = 'correct horse battery staple';
/** How long the server's mail loop may take to deliver on a busy machine. */
const DELIVERY_LIMIT_MS = EVENTUALLY_MS;
let sink: SmtpSink;
let site: RunningSite;
let bare: RunningSite;
let browser: Browser;
let mailStore: TestStore;
let bareStore: TestStore;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailStore = await openTestStore();
  bareStore = await openTestStore();
  for (const [i, { db, raw }] of [mailStore, bareStore].entries()) {
    await createConsultant(db, { email: 'coach@example.com', password: PASSWORD, name: 'Robin Coach' });
    const id = (await raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'coach@example.com'"))!.id;
    await insertStudy(db, id, 'Spring <pipeline> review', `study-token-${i}-000001`);
  }
  site = await startSite(mailStore.url, { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'Velocity Index <bench@example.com>', MAIL_POLL_SECONDS: '1' });
  bare = await startSite(bareStore.url);
  browser = await launchChromium();
}, SETUP_MS);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await bare?.stop();
  await sink?.close();
  await mailStore?.cleanup();
  await bareStore?.cleanup();
});

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + DELIVERY_LIMIT_MS;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${DELIVERY_LIMIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const outbox = () =>
  mailStore.raw.all<{ kind: string; state: string; to_address: string | null; text_body: string | null }>('SELECT kind, state, to_address, text_body FROM mail_outbox ORDER BY id');

async function signIn(base: string): Promise<string> {
  const res = await postForm(base, '/consultant/sign-in', { email: 'coach@example.com', password: PASSWORD });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('resume link by e-mail', () => {
  it('queues the link, the server sends it, and the address is erased after sending', async () => {
    const token = await startParticipant(site.base);
    const saved = await (await fetch(`${site.base}/r/${token}/saved`)).text();
    expect(saved).toContain(`action="/r/${token}/email-link"`);

    const res = await postForm(site.base, `/r/${token}/email-link`, { email: '  reader@example.com ' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Your link is on its way');
    expect(page).toContain('<strong>reader@example.com</strong>');
    expect(page).toMatch(/spam/);

    const mail = await until(() => sink.received.find((m) => m.to[0] === 'reader@example.com'), 'delivery of the resume link');
    expect(mail.decoded).toContain(`${site.base}/r/${token}\n`);
    expect(mail.decoded).toContain(`href="${site.base}/r/${token}"`);
    expect(mail.decoded).toMatch(/Keep this e-mail to yourself/);
    const row = await until(async () => (await outbox()).find((r) => r.kind === 'resume-link' && r.state === 'sent'), 'marking it sent');
    expect(row).toMatchObject({ to_address: null, text_body: null });
    // The address is nowhere else in the database.
    const dump = JSON.stringify(await mailStore.raw.all('SELECT * FROM participants')) + JSON.stringify(await mailStore.raw.all('SELECT * FROM rate_limit_hits'));
    expect(dump).not.toContain('reader@example.com');
  });

  it('refuses a bad address and the fourth request in an hour with a clear message, queuing nothing', async () => {
    const token = await startParticipant(site.base);
    const before = (await outbox()).length;
    const bad = await postForm(site.base, `/r/${token}/email-link`, { email: 'not an address' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Enter an e-mail address such as name@example.com.');
    expect((await outbox()).length).toBe(before);

    for (let i = 0; i < 3; i++) expect((await postForm(site.base, `/r/${token}/email-link`, { email: `me${i}@example.com` })).status).toBe(200);
    const fourth = await postForm(site.base, `/r/${token}/email-link`, { email: 'me3@example.com' });
    expect(fourth.status).toBe(429);
    expect(await fourth.text()).toMatch(/sent 3 times in the last hour.*ask again after/);
    expect((await outbox()).length).toBe(before + 3);
  });

  it('refuses a post from another origin', async () => {
    const token = await startParticipant(site.base);
    const res = await postForm(site.base, `/r/${token}/email-link`, { email: 'x@example.com' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('without SMTP shows no form, says so, and a post changes nothing', async () => {
    const token = await startParticipant(bare.base);
    const saved = await (await fetch(`${bare.base}/r/${token}/saved`)).text();
    expect(saved).not.toContain('name="email"');
    expect(saved).toContain('E-mail is not set up on this server');
    const res = await postForm(bare.base, `/r/${token}/email-link`, { email: 'x@example.com' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('E-mail is not set up on this server');
  });

  it('works in a browser without JavaScript, and the form passes axe at 1280 and 375 px', async () => {
    const token = await startParticipant(site.base);
    // axe needs JavaScript in the page; the form must not. One context each.
    const withJs = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await withJs.newPage();
    await page.goto(`${site.base}/r/${token}/saved`);
    await expectAccessible(page, 'saved with e-mail form');
    await screenshots(page, '40-resume-link-email-form');
    await page.fill('#resume-email', 'not an address@');
    await page.evaluate(() => document.querySelector('#resume-email')!.removeAttribute('required'));
    await page.evaluate(() => (document.querySelector('#resume-email') as HTMLInputElement).setAttribute('type', 'text'));
    await page.click('text=Send the link');
    await page.waitForURL(`${site.base}/r/${token}/email-link`);
    expect(await page.textContent('#resume-email-error')).toContain('Enter an e-mail address such as name@example.com.');
    await expectAccessible(page, 'email refused');
    await withJs.close();

    const noJs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${site.base}/r/${token}/saved`);
    await plain.fill('#resume-email', 'browser@example.com');
    await plain.click('text=Send the link');
    await plain.waitForURL(`${site.base}/r/${token}/email-link`);
    expect(await plain.textContent('h1')).toBe('Your link is on its way');
    await screenshots(plain, '41-resume-link-queued');
    await noJs.close();
    await until(() => sink.received.find((m) => m.to[0] === 'browser@example.com'), 'delivery to the browser user');
  }, BROWSER_TEST_MS);
});

describe('consultant account page', () => {
  it('turns the weekly summary on, and the server sends it through the outbox', async () => {
    const cookie = await signIn(site.base);
    const index = await (await fetch(`${site.base}/consultant`, { headers: { cookie } })).text();
    expect(index).toContain('href="/consultant/account"');
    const account = await (await fetch(`${site.base}/consultant/account`, { headers: { cookie } })).text();
    expect(account).toContain('Robin Coach');
    expect(account).toContain('Turn the weekly summary on');

    const on = await fetch(`${site.base}/consultant/account`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: site.base, 'content-type': 'application/x-www-form-urlencoded' }, body: 'weeklySummary=on' });
    expect(on.status).toBe(303);
    const after = await (await fetch(`${site.base}${on.headers.get('location')}`, { headers: { cookie } })).text();
    expect(after).toContain('The weekly summary is on.');
    expect(after).toContain('Turn the weekly summary off');

    // The loop runs the scheduler once a minute; the first tick after start-up already ran, so allow for the next.
    const summary = await until(() => sink.received.find((m) => m.to[0] === 'coach@example.com'), 'the weekly summary').catch(async () => {
      throw new Error(`no summary; outbox ${JSON.stringify(await outbox())}`);
    });
    expect(summary.raw).toMatch(/Subject: Your studies this week/);
    expect(summary.decoded).toContain('Spring &lt;pipeline&gt; review');
    expect(summary.decoded).toContain('- Spring <pipeline> review: Finished this week 0');
  }, BROWSER_TEST_MS);

  it('refuses an unknown value and a signed-out visitor', async () => {
    const cookie = await signIn(site.base);
    const bad = await fetch(`${site.base}/consultant/account`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: site.base, 'content-type': 'application/x-www-form-urlencoded' }, body: 'weeklySummary=maybe' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Choose whether to turn the weekly summary on or off.');
    const anon = await fetch(`${site.base}/consultant/account`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/consultant/sign-in');
  });

  it('says when e-mail is not set up, and passes axe at 1280 and 375 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${bare.base}/consultant/sign-in`);
    await page.fill('input[name=email]', 'coach@example.com');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${bare.base}/consultant`);
    await page.click('.consultant-nav a[href="/consultant/account"]');
    await page.waitForURL(`${bare.base}/consultant/account`);
    expect(await page.textContent('main, body')).toContain('E-mail is not set up on this server yet');
    await expectAccessible(page, 'account');
    await screenshots(page, '42-consultant-account');
    await page.click('text=Turn the weekly summary on');
    await page.waitForURL(/saved=on/);
    await expectAccessible(page, 'account saved');
    await screenshots(page, '43-consultant-account-on');
    await context.close();
  }, BROWSER_TEST_MS);
});
