import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesOf } from '../../src/domain/journey.ts';
import { hashToken } from '../../src/server/auth/tokens.ts';
import { openMigrated } from '../../src/server/db.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from '../helpers/benchmark-rows.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { instrument } from '../helpers/instrument.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { BROWSER_JOURNEY_MS, SETUP_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-e2e-');
const dbPath = join(tmp.dir, 'e2e.sqlite');
const pageCount = pagesOf(instrument).length;
const COMPANY = 'Zoë O\'Brien-Łukasiewicz <script>alert(1)</script>';
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  const db = openMigrated(dbPath);
  await seedParticipants(db, instrument, { count: 400, seed: 11, now: new Date('2026-06-01T00:00:00Z') });
  // They stand in for real participants: demo data never enters a real participant's peer figures.
  await countSeededAsBenchmark(db);
  await rebuildPeerStats(db, instrument);
  db.db.$client.close();
  site = await startSite(dbPath);
  browser = await launchChromium();
}, SETUP_MS);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  tmp.cleanup();
});

const url = (path: string) => `${site.base}${path}`;

async function fillProfile(page: Page): Promise<void> {
  await page.selectOption('#profile-role', 'leader');
  await page.fill('#profile-company', COMPANY);
  await page.selectOption('#profile-industry', 'software-saas');
  await page.selectOption('#profile-employees', '50-249');
  await page.selectOption('#profile-salesTeam', '6-20');
  await page.selectOption('#profile-region', 'europe');
  await page.selectOption('#profile-motion', 'inside');
}

/** Answers every question on the current section page: the `pick`-th option, or a number. */
async function answerPage(page: Page, pick = 3): Promise<void> {
  for (const item of await page.$$('fieldset[data-item]')) {
    const radios = await item.$$('input[type=radio]:not([value=na])');
    if (radios.length) await radios[Math.min(pick, radios.length - 1)]!.check();
    const input = await item.$('input[type=text]');
    if (input) await input.fill('3');
  }
}

async function fillNumbers(page: Page): Promise<void> {
  await page.fill('#opportunities--input', '40');
  await page.fill('#dealValue--input', '25,000');
  await page.selectOption('#currency--input', 'EUR');
  await page.fill('#winRate--input', '25');
  await page.fill('#cycleDays--input', '90');
}

const pageNumber = (page: Page) => Number(page.url().match(/\/r\/[^/]+\/(\d+)/)?.[1]);
const tokenOf = (page: Page) => page.url().match(/\/r\/([^/]+)\//)![1]!;

function storedScores(token: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare('SELECT s.velocity, s.personal FROM scores s JOIN participants p ON p.id = s.participant_id WHERE p.resume_token_hash = ?')
      .get(hashToken(token)) as { velocity: number; personal: number } | undefined;
  } finally {
    db.close();
  }
}

/** A whole journey in Chromium takes about 25 s on a quiet two-core machine; a busy one needs more than the default 30 s. */
const JOURNEY_MS = BROWSER_JOURNEY_MS;

describe('the whole journey with JavaScript on', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('goes from the landing page through every section to the results, accessible on every page', async () => {
    await page.goto(url('/'));
    await expectAccessible(page, 'landing');
    await screenshots(page, '01-landing');
    await page.click('text=Start the assessment');
    await page.waitForURL(/\/start$/);
    await expectAccessible(page, 'start');
    await screenshots(page, '02-start');

    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('#error-summary').isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    await expectAccessible(page, 'start with errors');
    await screenshots(page, '03-start-errors');

    await fillProfile(page);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\/1$/);
    await expect.poll(() => page.textContent('.progress-text')).toContain(`Section 1 of ${pageCount}`);

    // Next with nothing answered: every question flagged, the summary links to its first control.
    await page.click('button[value=next]');
    await page.waitForSelector('#error-summary');
    const flagged = await page.$$eval('fieldset.has-error', (els) => els.length);
    expect(flagged).toBe(await page.$$eval('fieldset[data-item]', (els) => els.length));
    await expectAccessible(page, 'section with errors');
    await screenshots(page, '04-section-errors');
    await page.click('#error-summary a >> nth=0');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('radio');

    // Live progress: answering a question moves the bar before anything is posted.
    const before = Number(await page.textContent('[data-progress-percent]'));
    await page.locator('fieldset[data-item] input[type=radio]').first().check();
    await expect.poll(async () => Number(await page.textContent('[data-progress-percent]'))).toBeGreaterThan(before);

    for (let n = 1; n < pageCount; n++) {
      expect(pageNumber(page)).toBe(n);
      await answerPage(page, n % 4);
      if (n === 1) {
        await expectAccessible(page, 'section 1');
        await screenshots(page, '05-section');
      }
      await page.click('button[value=next]');
      await page.waitForURL(new RegExp(`/${n + 1}$`));
    }
    await expectAccessible(page, 'your numbers');
    await screenshots(page, '06-numbers');
    await fillNumbers(page);
    await page.fill('#winRate--input', '140');
    await page.click('button[value=finish]');
    await page.waitForSelector('#winRate--error');
    expect(await page.textContent('#winRate--error')).toContain('from 0 to 100');
    expect(await page.inputValue('#opportunities--input')).toBe('40');
    await page.fill('#winRate--input', '25');
    await page.click('button[value=finish]');
    await page.waitForURL(/\/results$/);

    await expectAccessible(page, 'results');
    await screenshots(page, '07-results');
    const stored = storedScores(tokenOf(page));
    expect(stored).toBeDefined();
    expect(await page.textContent('[data-testid=velocity-index]')).toContain(String(Math.round(stored!.velocity)));
    expect(await page.textContent('[data-testid=personal-index]')).toContain(String(Math.round(stored!.personal)));
    expect(await page.textContent('[data-testid=peer-group]')).toBeTruthy();
    expect(Number((await page.textContent('[data-testid=peer-size]'))!.replace(/,/g, ''))).toBeGreaterThanOrEqual(5);
    expect(await page.$$eval('.action', (els) => els.length)).toBe(5);
    expect(await page.textContent('.eyebrow')).toBe(COMPANY);
    expect(await page.evaluate(() => (window as unknown as { alerted?: boolean }).alerted)).toBeUndefined();

    // Both PDFs download from the results page, named after the company, and say what the page says.
    for (const [link, prefix] of [
      ['Company report (PDF)', 'velocity-index-zoe-obrien-lukasiewicz-script-alert-1-script-'],
      ['Personal report (PDF)', 'velocity-index-personal-zoe-obrien-lukasiewicz-script-alert-1-script-'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`text=${link}`)]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^${prefix}\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
      const file = join(tmp.dir, download.suggestedFilename());
      await download.saveAs(file);
      const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      expect(text).toContain(COMPANY);
      if (link.startsWith('Company')) expect(text).toContain(String(Math.round(stored!.velocity)));
      else expect(text).toContain(String(Math.round(stored!.personal)));
    }
    // The same reports as pages, accessible, with the same figures.
    const results = page.url();
    for (const kind of ['company', 'personal'] as const) {
      await page.goto(results.replace(/results$/, `report/${kind}`));
      await expectAccessible(page, `${kind} report page`);
      await screenshots(page, `11-${kind}-report`);
      const body = (await page.textContent('main'))!.replace(/\s+/g, ' ');
      expect(body).toContain(COMPANY);
      expect(body).toContain(kind === 'company' ? 'Executive summary' : 'Three suggestions');
      expect(body).toContain(String(Math.round(kind === 'company' ? stored!.velocity : stored!.personal)));
    }
    await page.goto(results);
  }, JOURNEY_MS);

  it('deletes the answers after a confirmation step', async () => {
    const token = tokenOf(page);
    await page.click('text=Delete my answers');
    await page.waitForURL(/\/delete$/);
    await expectAccessible(page, 'delete');
    await screenshots(page, '08-delete');
    await page.click('button.button-danger');
    await page.waitForSelector('.error-summary');
    expect(storedScores(token)).toBeDefined();
    await page.check('#confirm-delete');
    await page.click('button.button-danger');
    await page.waitForURL(/\/deleted$/);
    await expectAccessible(page, 'deleted');
    await screenshots(page, '09-deleted');
    expect(storedScores(token)).toBeUndefined();
    const gone = await page.goto(url(`/r/${token}/results`));
    expect(gone?.status()).toBe(404);
  }, JOURNEY_MS);
});

describe('save and resume', () => {
  it('continues on another device from the private link, with every answer kept', async () => {
    const first = await browser.newContext();
    const page = await first.newPage();
    await page.goto(url('/start'));
    await fillProfile(page);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/1$/);
    await answerPage(page, 1);
    await page.click('button[value=save]');
    await page.waitForURL(/\/saved$/);
    await expectAccessible(page, 'saved');
    await screenshots(page, '10-saved');
    const link = await page.inputValue('#resume-url');
    expect(link).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
    expect(await page.isVisible('button[data-copy]')).toBe(true);
    const chosen = await page.goto(url(`/r/${tokenOf(await (async () => { await page.goBack(); return page; })())}/1`));
    expect(chosen?.status()).toBe(200);
    const answeredHere = await page.$$eval('input[type=radio]:checked', (els) => els.map((e) => (e as HTMLInputElement).id));
    await first.close();

    const second = await browser.newContext();
    const other = await second.newPage();
    await other.goto(link);
    await other.waitForURL(/\/2$/);
    await other.click('button[value=back]');
    await other.waitForURL(/\/1$/);
    const answeredThere = await other.$$eval('input[type=radio]:checked', (els) => els.map((e) => (e as HTMLInputElement).id));
    expect(answeredThere).toEqual(answeredHere);
    expect(answeredThere.length).toBeGreaterThan(0);
    await second.close();
  });

  it('answers a wrong token with a 404 page that says how to get back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(url('/r/AAAAAAAAAAAAAAAAAAAAAA'));
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('We can’t find an assessment for this link');
    expect(await page.getAttribute('[data-testid=not-found-link] a.button', 'href')).toBe('/start');
    await expectAccessible(page, 'wrong private link');
    await screenshots(page, 'not-found-link');
    await context.close();
  });
});

describe('the journey with JavaScript off', () => {
  it('works as plain HTML forms, keyboard only on the first section', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await page.goto(url('/start'));
    await fillProfile(page);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/1$/);

    // Keyboard alone: Tab into each question's radio group, arrow to an answer.
    await page.focus('body');
    const questions = await page.$$eval('fieldset[data-item]', (els) => els.length);
    for (let q = 0; q < questions; q++) {
      await page.keyboard.press('Tab');
      while (!(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio'))) await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
    }
    expect(await page.$$eval('input[type=radio]:checked', (els) => els.length)).toBe(questions);
    while ((await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value)) !== 'next') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/2$/);

    for (let n = 2; n < pageCount; n++) {
      await answerPage(page, 4);
      await page.click('button[value=next]');
      await page.waitForURL(new RegExp(`/${n + 1}$`));
    }
    await page.click('button[value=finish]');
    await page.waitForURL(/\/results$/);
    expect(storedScores(tokenOf(page))).toBeDefined();
    expect(await page.isVisible('[data-testid=velocity-index]')).toBe(true);
    await context.close();
  });
});
