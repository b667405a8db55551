import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import type { SqliteStore as Store } from '../../src/server/data/store.ts';
import { openMigrated } from '../../src/server/db.ts';
import { mailOrigin } from '../../src/server/mail/enabled.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { queueDueReminders } from '../../src/server/services/invitations.ts';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { mailHeader, mailText } from '../helpers/mail-text.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { BROWSER_JOURNEY_MS, BROWSER_TEST_MS, EVENTUALLY_MS, SETUP_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-e2e-invite-');
const dbPath = join(tmp.dir, 'invite.sqlite');
const PASSWORD = 'correct horse battery staple';
const FROM = 'Velocity Index <bench@example.com>';
const DAY = 24 * 60 * 60 * 1000;
/** Three participants through every page in Chromium: generous for a slow, busy 2-core machine. */
const JOURNEYS_MS = BROWSER_JOURNEY_MS;
const STEP_MS = BROWSER_TEST_MS;
let site: RunningSite;
let browser: Browser;
let sink: SmtpSink;
let db: Store;
let studyId: number;

beforeAll(async () => {
  sink = await startSmtpSink();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  // The server creates the database; the study is added after, through the same file.
  site = await startSite(dbPath, { SMTP_URL: smtpUrl, MAIL_FROM: FROM, MAIL_POLL_SECONDS: '1' });
  // Reminders are queued here, as the server's scheduler would queue them: their links must name the server's address.
  process.env.PUBLIC_ORIGIN = site.base;
  process.env.SMTP_URL = smtpUrl;
  process.env.MAIL_FROM = FROM;
  expect(mailOrigin()).toBe(site.base);
  db = openMigrated(dbPath);
  await createConsultant(db, { email: 'owner@example.com', password: PASSWORD });
  const owner = db.db.$client.prepare("SELECT id FROM consultants WHERE email = 'owner@example.com'").get() as { id: number };
  studyId = (await insertStudy(db, owner.id, 'Spring pipeline review', 'spring-study-0001')).id;
  await insertCompany(db, studyId, 'Acme', 'spring-acme-00001');
  await insertCompany(db, studyId, 'Globex', 'spring-globex-0001');
  browser = await launchChromium();
}, SETUP_MS);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await sink?.close();
  if (db?.db.$client.open) db.db.$client.close();
  tmp.cleanup();
});

/** How long the server's mail loop (polling every second) may take to deliver, on a slow busy machine. */
const DELIVERY_MS = EVENTUALLY_MS;

/** Waits until the server's own mail loop has delivered `expected` more messages to the in-process SMTP server, and no more. */
async function deliver(before: number, expected: number): Promise<void> {
  const deadline = Date.now() + DELIVERY_MS;
  while (sink.received.length < before + expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // A moment more, so that a message that should not have been sent has its chance to show up.
  await new Promise((r) => setTimeout(r, 1500));
  expect(sink.received.length - before).toBe(expected);
}

/** Moves every invitation's last mail two days into the past: the reminder schedule sees them as due, as it would two days on. */
const ageInvitations = () => db.db.$client.prepare('UPDATE invitations SET last_queued_at = last_queued_at - ?').run(2 * DAY + 60_000);

const inbox = (address: string) => sink.received.filter((r) => r.to.includes(address));
const linkIn = (raw: string, path: 'i' | 'unsubscribe') => {
  const m = new RegExp(`(https?://[^\\s]+/${path}/${path === 'unsubscribe' ? '\\d+-' : ''}[A-Za-z0-9_-]{22})`).exec(mailText(raw));
  if (!m) throw new Error(`no /${path}/ link in:\n${mailText(raw)}`);
  return m[1]!;
};

async function answerPage(page: Page): Promise<void> {
  for (const item of await page.$$('fieldset[data-item]')) {
    const radios = await item.$$('input[type=radio]:not([value=na])');
    if (radios.length) await radios[Math.min(2, radios.length - 1)]!.check();
    const input = await item.$('input[type=text]');
    if (input) await input.fill('3');
  }
}

async function fillProfile(page: Page): Promise<void> {
  await page.selectOption('#profile-role', 'rep');
  await page.selectOption('#profile-industry', 'software-saas');
  await page.selectOption('#profile-employees', '50-249');
  await page.selectOption('#profile-salesTeam', '6-20');
  await page.selectOption('#profile-region', 'europe');
  await page.selectOption('#profile-motion', 'inside');
}

/** Opens the e-mailed link, fills the profile (the company is locked to the invitation's) and answers up to `lastPage`, or finishes. */
async function takePart(page: Page, link: string, company: string, finish: boolean): Promise<void> {
  await page.goto(link);
  expect(await page.textContent('[data-testid=stated-profile] dd')).toBe(company);
  await fillProfile(page);
  await page.click('.profile-form button[type=submit]');
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\/1$/);
  if (!finish) {
    await answerPage(page);
    await page.click('button[value=next]');
    await page.waitForURL(/\/2$/);
    return;
  }
  while (await page.$('button[value=next]')) {
    const n = Number(/\/(\d+)$/.exec(page.url())![1]);
    await answerPage(page);
    await page.click('button[value=next]');
    await page.waitForURL(new RegExp(`/${n + 1}$`));
  }
  await page.click('button[value=finish]');
  await page.waitForURL(/\/results$/);
}

const row = (address: string) =>
  new Database(dbPath, { readonly: true }).prepare('SELECT * FROM invitations WHERE email = ?').get(address) as Record<string, unknown> | undefined;

describe('a study run by e-mail', () => {
  let context: BrowserContext;
  let consultant: Page;
  const people = { ann: 'ann@acme.example', bob: 'bob@acme.example', eve: 'eve@globex.example', finn: 'finn@globex.example' };

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    consultant = await context.newPage();
  });
  afterAll(() => context.close());

  it('the consultant invites two companies, one by pasting and one by a CSV file, and the mails arrive', async () => {
    await consultant.goto(`${site.base}/consultant/sign-in`);
    await consultant.fill('#email', 'owner@example.com');
    await consultant.fill('#password', PASSWORD);
    await consultant.click('button[type=submit]');
    await consultant.waitForURL(/\/consultant$/);
    await consultant.goto(`${site.base}/consultant/studies/${studyId}/invitations`);
    await expectAccessible(consultant, 'invitations page');
    await screenshots(consultant, 'invite-01-page');

    const before = sink.received.length;
    const acme = consultant.locator('section.invite-company', { hasText: 'Acme' });
    await acme.locator('textarea').fill(`Ann Archer <${people.ann}>\n${people.bob}\nnot-an-address`);
    await acme.locator('button[type=submit]').click();
    await consultant.waitForSelector('[data-testid=invite-result]');
    expect(await consultant.textContent('[data-testid=invite-result]')).toBe('2 invited, 1 rejected: line 3 ‘not-an-address’ is not a valid e-mail address.');

    const globex = consultant.locator('section.invite-company', { hasText: 'Globex' });
    await globex.locator('input[type=file]').setInputFiles({ name: 'globex.csv', mimeType: 'text/csv', buffer: Buffer.from(`Name,Email\nEve,${people.eve}\nFinn,${people.finn}\n`) });
    await globex.locator('button[type=submit]').click();
    await consultant.waitForSelector('[data-testid=invite-result]');
    expect(await consultant.textContent('[data-testid=invite-result]')).toBe('2 invited.');
    await expectAccessible(consultant, 'invitations page with a result');
    await screenshots(consultant, 'invite-02-invited');

    await deliver(before, 4);
    for (const address of Object.values(people)) {
      const [mail] = inbox(address);
      expect(mail, address).toBeDefined();
      expect(mailHeader(mail!.raw, 'List-Unsubscribe')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/\d+-[A-Za-z0-9_-]{22}>$/);
      expect(mailHeader(mail!.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mailText(mail!.raw)).toContain('Spring pipeline review');
    }
    expect(mailHeader(inbox(people.eve)[0]!.raw, 'Subject')).toContain('for Globex');
    await consultant.goto(`${site.base}/consultant/studies/${studyId}/invitations`);
    expect(await consultant.textContent(`section.invite-company:has-text("Acme") table`)).toContain('Sent');
  }, STEP_MS);

  it('participants open their e-mailed links and complete; one starts and stops; the link then offers to continue', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await ctx.newPage();
    try {
      await page.goto(linkIn(inbox(people.ann)[0]!.raw, 'i'));
      await expectAccessible(page, 'personal link profile');
      await screenshots(page, 'invite-03-profile');
      await takePart(page, linkIn(inbox(people.ann)[0]!.raw, 'i'), 'Acme', true);
      await takePart(page, linkIn(inbox(people.eve)[0]!.raw, 'i'), 'Globex', true);
      await takePart(page, linkIn(inbox(people.bob)[0]!.raw, 'i'), 'Acme', false);

      // Completion erased the addresses: nothing is left to find them by.
      expect(row(people.ann)).toBeUndefined();
      expect(row(people.eve)).toBeUndefined();
      expect(row(people.bob)).toMatchObject({ completed_at: null });
      expect(row(people.bob)!.started_at).not.toBeNull();

      await page.goto(linkIn(inbox(people.bob)[0]!.raw, 'i'));
      await page.waitForSelector('[data-testid=invitation-started]');
      await expectAccessible(page, 'personal link, started');
      await screenshots(page, 'invite-04-started');
      await page.click('[data-testid=invitation-started] button[type=submit]');
      await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\/2$/);
    } finally {
      await ctx.close();
    }
    await consultant.goto(`${site.base}/consultant/studies/${studyId}/invitations`);
    const acme = await consultant.locator('section.invite-company:has-text("Acme") .invite-counts').innerText();
    expect(acme.replace(/\s+/g, ' ')).toContain('2 invited 2 opened 2 started 1 completed 0 unsubscribed');
  }, JOURNEYS_MS);

  it('reminders go only to those who have not finished, and unsubscribing stops them', async () => {
    db.db.$client.prepare('UPDATE studies SET reminder_days = 2, reminder_max = 3 WHERE id = ?').run(studyId);
    // Not yet due: the invitations went out moments ago.
    expect(await queueDueReminders(db, new Date())).toBe(0);
    ageInvitations();
    // The scheduler's job, run here rather than waiting for the server's next tick; the server's loop sends what it queues.
    const before = sink.received.length;
    expect(await queueDueReminders(db, new Date())).toBe(2);
    await deliver(before, 2);
    expect(inbox(people.ann)).toHaveLength(1);
    expect(inbox(people.eve)).toHaveLength(1);
    const [, bobReminder] = inbox(people.bob);
    const [, finnReminder] = inbox(people.finn);
    expect(mailText(bobReminder!.raw)).toContain('your answers so far are saved');
    expect(mailText(finnReminder!.raw)).toContain('you haven’t started yet');
    expect(linkIn(bobReminder!.raw, 'i')).toBe(linkIn(inbox(people.bob)[0]!.raw, 'i'));

    const ctx = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await ctx.newPage();
    try {
      await page.goto(linkIn(finnReminder!.raw, 'unsubscribe'));
      await page.waitForSelector('[data-testid=unsubscribe-confirm]');
      await expectAccessible(page, 'unsubscribe confirm');
      await screenshots(page, 'invite-05-unsubscribe');
      await page.click('[data-testid=unsubscribe-confirm] button[type=submit]');
      await page.waitForSelector('[data-testid=unsubscribed]');
      await expectAccessible(page, 'unsubscribed');
      await screenshots(page, 'invite-06-unsubscribed');
    } finally {
      await ctx.close();
    }
    expect(row(people.finn)).toBeUndefined();

    ageInvitations();
    const later = sink.received.length;
    expect(await queueDueReminders(db, new Date())).toBe(1);
    await deliver(later, 1);
    expect(inbox(people.bob)).toHaveLength(3);
    expect(inbox(people.finn)).toHaveLength(2);
    await consultant.goto(`${site.base}/consultant/studies/${studyId}/invitations`);
    const globex = await consultant.locator('section.invite-company:has-text("Globex") .invite-counts').innerText();
    expect(globex.replace(/\s+/g, ' ')).toContain('2 invited 1 opened 1 started 1 completed 1 unsubscribed');
    await expectAccessible(consultant, 'invitations page after the study ran');
    await screenshots(consultant, 'invite-07-after');
  }, STEP_MS);
});
