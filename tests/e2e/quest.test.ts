import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { hashToken } from '../../src/server/auth/tokens.ts';
import { openMigrated } from '../../src/server/db.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { BROWSER_TEST_MS, EVENTUALLY_MS, SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 13 in Chromium: a company link's profile form, five-point scales laid
 * out as scales, keyboard use of a scale, and answers that survive a reload
 * or leaving the page without any button pressed.
 */
const tmp = tempDir('velocity-quest-e2e-');
const dbPath = join(tmp.dir, 'quest-e2e.sqlite');
let site: RunningSite;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ids = { study: 0, company: 0 };
const PASSWORD = 'unused password for this test';
/** Generous for a slow, busy two-core machine. */
const SLOW_MS = BROWSER_TEST_MS;

beforeAll(async () => {
  const db = openMigrated(dbPath);
  const consultant = await addConsultant(db, 'c@example.com', PASSWORD);
  const study = await insertStudy(db, consultant.id, 'Autumn benchmark', 'quest-e2e-study-1');
  ids = { study: study.id, company: 0 };
  ids.company = (await insertCompany(db, study.id, 'Contoso Robotics', 'quest-e2e-company', { industry: 'software-saas', employees: '250-999', region: 'europe' })).id;
  db.db.$client.close();
  site = await startSite(dbPath);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, SETUP_MS);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
  tmp.cleanup();
});

const url = (path: string) => `${site.base}${path}`;

function storedAnswers(token: string): Record<string, string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT a.item_id AS item, a.value FROM answers a JOIN participants p ON p.id = a.participant_id WHERE p.resume_token_hash = ?')
      .all(hashToken(token)) as { item: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.item, r.value]));
  } finally {
    db.close();
  }
}

/** The first scale question on the page (a fieldset.scale) and its id. */
async function firstScale(): Promise<string> {
  const id = await page.locator('fieldset.scale').first().getAttribute('data-item');
  expect(id).toBeTruthy();
  return id!;
}

let token = '';

describe('the questionnaire, pleasant to take', () => {
  it('shows what the company link states as facts, asks the rest, and is accessible', async () => {
    await page.goto(url('/join/quest-e2e-company'));
    const stated = page.locator('[data-testid=stated-profile]');
    await expect.poll(() => stated.textContent()).toContain('Software and SaaS');
    expect(await page.locator('#profile-industry').count()).toBe(0);
    await expectAccessible(page, 'profile form on a company link');
    await screenshots(page, 'quest-01-company-profile');
    await page.selectOption('#profile-role', 'manager');
    await page.selectOption('#profile-salesTeam', '6-20');
    await page.selectOption('#profile-motion', 'inside');
    await page.fill('#profile-displayName', 'Robin Example');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\/1$/);
    token = page.url().match(/\/r\/([^/]+)\//)![1]!;
  }, SLOW_MS);

  it('lays a scale out in one row at 1280 px and stacks it at 375 px without sideways scrolling', async () => {
    const id = await firstScale();
    const tops = () => page.locator(`fieldset[data-item="${id}"] .scale-options label`).evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    const lefts = () => page.locator(`fieldset[data-item="${id}"] .scale-options label`).evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    const wide = await tops();
    expect(wide.length).toBeGreaterThanOrEqual(4);
    expect(new Set(wide).size).toBe(1);
    const columns = await lefts();
    expect([...columns].sort((a, b) => a - b)).toEqual(columns);
    await expectAccessible(page, 'questionnaire page');
    await screenshots(page, 'quest-02-questionnaire');

    await page.setViewportSize({ width: 375, height: 800 });
    const narrow = await tops();
    for (let i = 1; i < narrow.length; i++) expect(narrow[i]!).toBeGreaterThan(narrow[i - 1]!);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    // Each row is a full-width tap target.
    const widths = await page.locator(`fieldset[data-item="${id}"] .scale-options label`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) expect(w).toBeGreaterThan(250);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, SLOW_MS);

  it('moves a scale’s choice with the arrow keys after tabbing into it, and names each option by its label', async () => {
    const id = await firstScale();
    const radios = page.locator(`fieldset[data-item="${id}"] input[type=radio]`);
    const names = await radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).labels?.[0]?.textContent?.trim()));
    expect(names.every((n) => n && n.length > 1)).toBe(true);
    await page.locator('h1').click();
    let inside = false;
    for (let i = 0; i < 30 && !inside; i++) {
      await page.keyboard.press('Tab');
      inside = await page.evaluate((item) => document.activeElement?.closest('fieldset')?.getAttribute('data-item') === item, id);
    }
    expect(inside).toBe(true);
    const first = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    expect(second).not.toBe(first);
    expect(await radios.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).value))).toEqual([second]);
    // The choice made with the keyboard is saved like any other.
    await expect.poll(() => storedAnswers(token)[id], { timeout: EVENTUALLY_MS }).toBe(second);
  }, SLOW_MS);

  it('keeps answers given without pressing any button across a reload', async () => {
    const items = page.locator('fieldset.scale');
    const chosen = (await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-item')!))).slice(1, 4);
    for (const id of chosen) await page.locator(`fieldset[data-item="${id}"] .scale-options input[type=radio]`).nth(1).check();
    const status = page.locator('[data-autosave-status]');
    await expect.poll(() => status.textContent(), { timeout: EVENTUALLY_MS }).toBe('All answers saved');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    await screenshots(page, 'quest-03-questionnaire-saved');
    await page.reload();
    for (const id of chosen) expect(await page.locator(`fieldset[data-item="${id}"] .scale-options input[type=radio]`).nth(1).isChecked()).toBe(true);
  }, SLOW_MS);

  it('says when a save failed, and still sends the answer when the page is left', async () => {
    // Autosave fetches fail as on a dropped connection; the leaving beacon (a "ping") still goes through.
    await page.goto(url(`/r/${token}/2`));
    await page.route('**/r/**', (route) => (route.request().resourceType() === 'fetch' ? route.abort('internetdisconnected') : route.continue()));
    const id = await firstScale();
    const option = page.locator(`fieldset[data-item="${id}"] .scale-options input[type=radio]`).nth(2);
    const value = (await option.getAttribute('value'))!;
    await option.check();
    await expect
      .poll(() => page.locator('[data-autosave-status]').textContent(), { timeout: EVENTUALLY_MS })
      .toBe('Couldn’t save — we’ll retry; your answers are still on this page');
    expect(storedAnswers(token)[id]).toBeUndefined();
    await page.goto(url('/'));
    await expect.poll(() => storedAnswers(token)[id], { timeout: EVENTUALLY_MS }).toBe(value);
    await page.unroute('**/r/**');
    await page.goto(url(`/r/${token}/2`));
    expect(await page.locator(`fieldset[data-item="${id}"] input[value="${value}"]`).isChecked()).toBe(true);
  }, SLOW_MS);

  it('lets the consultant state the company’s profile on an accessible settings page', async () => {
    await page.goto(url('/consultant/sign-in'));
    await page.fill('#email', 'c@example.com');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/consultant$/);
    const settings = `/consultant/studies/${ids.study}/companies/${ids.company}/settings`;
    await page.goto(url(settings));
    expect(await page.locator('#company-industry').inputValue()).toBe('software-saas');
    await expectAccessible(page, 'company settings');
    await screenshots(page, 'quest-04-company-settings');
    await page.selectOption('#company-motion', 'field');
    await page.click('form.company-settings button[type=submit]');
    await page.waitForURL(/\?saved=1$/);
    await expect.poll(() => page.locator('[data-testid=company-saved]').textContent()).toContain('join through Contoso Robotics’s link from now on');
    expect(await page.locator('#company-motion').inputValue()).toBe('field');
    await expectAccessible(page, 'company settings saved');
    await page.goto(url('/join/quest-e2e-company'));
    expect(await page.locator('#profile-motion').count()).toBe(0);
  }, SLOW_MS);
});
