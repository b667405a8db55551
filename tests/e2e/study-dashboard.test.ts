import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { buildDashboardStudy, type DashboardFixture } from '../helpers/dashboard-study.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { SETUP_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-e2e-dashboard-');
const PASSWORD = 'a long enough password';
let site: RunningSite;
let browser: Browser;
let fx: DashboardFixture;

beforeAll(async () => {
  const dbPath = join(tmp.dir, 'd.sqlite');
  const db = openMigrated(dbPath);
  await createConsultant(db, { email: 'consultant@example.com', password: PASSWORD });
  const consultantId = (db.db.$client.prepare('SELECT id FROM consultants').get() as { id: number }).id;
  fx = await buildDashboardStudy(db, consultantId);
  db.db.$client.close();
  site = await startSite(dbPath);
  browser = await launchChromium();
}, SETUP_MS);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  tmp.cleanup();
});

async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.base}/consultant/sign-in`);
  await page.fill('#email', 'consultant@example.com');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/consultant$/);
  return page;
}

/** No sideways scroll of the page itself: a wide table scrolls inside its own box. */
const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the study dashboard in Chromium', () => {
  it('copies a link with its button and announces it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.base });
    const page = await signedIn(context);
    await page.goto(`${site.base}/consultant/studies/${fx.studyId}`);
    const id = `company-link-${fx.companies['Aurora Freight']}`;
    const expected = await page.inputValue(`#${id}`);
    expect(expected).toMatch(/\/join\/dash-[0-9a-f]{16}$/);
    const button = page.locator(`#${id}`).locator('xpath=..').locator('button');
    expect(await button.isVisible()).toBe(true);
    await button.click();
    await expect.poll(() => page.textContent(`#${id}-status`)).toBe('Link copied to the clipboard.');
    expect(await button.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    // Another link replaces it.
    await page.locator('#study-link').locator('xpath=..').locator('button').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(await page.inputValue('#study-link'));
    expect(await page.getAttribute(`#${id}-status`, 'aria-live')).toBe('polite');
    await context.close();
  });

  it('keeps every consultant page within a 375 px screen and accessible, and takes the screenshots', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${site.base}/consultant/sign-in`);
    await expectAccessible(page, 'sign-in');
    await screenshots(page, '30-dashboard-sign-in');
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    // A refused sign-in: the message and its focus styles are part of the page too.
    await page.fill('#email', 'consultant@example.com');
    await page.click('button[type=submit]');
    await page.waitForSelector('#password-error');
    await expectAccessible(page, 'sign-in with an error');
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/consultant$/);

    for (const [name, path] of [
      ['31-dashboard-studies', '/consultant'],
      ['32-dashboard-study', `/consultant/studies/${fx.studyId}`],
      ['33-dashboard-rounds', `/consultant/studies/${fx.roundsStudyId}?wave=1`],
    ] as const) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${site.base}${path}`);
      await expectAccessible(page, `${path} at 1280 px`);
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await pageOverflow(page), `${path} at 375 px`).toBeLessThanOrEqual(0);
      await expectAccessible(page, `${path} at 375 px`);
      await screenshots(page, name);
    }
    // At 375 px the companies table scrolls inside its own box, which says so.
    await page.goto(`${site.base}/consultant/studies/${fx.studyId}`);
    const box = await page.$eval('.dash-table-wrap', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(await page.isVisible('.table-hint')).toBe(true);
    await context.close();
  });

  it('sorts the table by a column header without JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await signedIn(context);
    await page.goto(`${site.base}/consultant/studies/${fx.studyId}`);
    // Without JavaScript the copy buttons stay hidden and the fields remain.
    expect(await page.isVisible('[data-copy-link-button]')).toBe(false);
    expect(await page.inputValue('#study-link')).toMatch(/\/join\//);
    await page.click('th[data-col="completed"] a');
    await page.waitForURL(/sort=completed&dir=desc/);
    expect(await page.getAttribute('th[data-col="completed"]', 'aria-sort')).toBe('descending');
    const completed = await page.$$eval('tbody td[data-col="completed"]', (tds) => tds.map((td) => Number(td.textContent)));
    expect(completed).toEqual([...completed].sort((x, y) => y - x));
    await page.click('th[data-col="completed"] a');
    await page.waitForURL(/sort=completed&dir=asc/);
    expect(await page.getAttribute('th[data-col="completed"]', 'aria-sort')).toBe('ascending');
    await context.close();
  });
});
