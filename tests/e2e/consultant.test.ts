import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { tempDir } from '../helpers/temp-db.ts';

const tmp = tempDir('velocity-e2e-consultant-');
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  const dbPath = join(tmp.dir, 'c.sqlite');
  const db = openMigrated(dbPath);
  await createConsultant(db, { email: 'consultant@example.com', password: 'a long enough password' });
  db.$client.close();
  site = await startSite(dbPath);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  tmp.cleanup();
});

describe('the consultant area in Chromium', () => {
  it('signs in, creates a study with a company link, closes it and signs out, accessible on every page', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${site.base}/`);
    await page.click('text=For consultants');
    await page.waitForURL(/\/consultant\/sign-in$/);
    await expectAccessible(page, 'sign-in');
    await screenshots(page, '20-consultant-sign-in');
    await page.fill('#email', 'consultant@example.com');
    await page.fill('#password', 'a long enough password');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/consultant$/);
    await expectAccessible(page, 'studies');
    await page.fill('#study-name', 'Nordics 2027');
    await page.click('text=Create the study');
    await page.waitForURL(/\/consultant\/studies\/\d+$/);
    await page.fill('#company-name', 'Αθήνα Trading Москва');
    await page.click('text=Add a company link');
    await page.waitForURL(/\/consultant\/studies\/\d+$/);
    expect(await page.textContent('main')).toContain('Αθήνα Trading Москва');
    const invite = await page.inputValue('input[aria-label="Study invite link"]');
    expect(invite).toMatch(/\/join\/[A-Za-z0-9_-]{22}$/);
    await expectAccessible(page, 'study');
    await screenshots(page, '21-consultant-study');
    await page.click('text=Close the study');
    await page.waitForSelector('text=Reopen the study');
    const join = await page.context().newPage();
    expect((await join.goto(invite))?.status()).toBe(410);
    await page.goto(`${site.base}/consultant`);
    await page.click('text=Sign out');
    await page.waitForURL(/\/consultant\/sign-in$/);
    expect((await page.goto(`${site.base}/consultant`))?.url()).toMatch(/\/consultant\/sign-in$/);
  });
});
