import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { studies } from '../../db/schema.ts';
import { openMigrated } from '../../src/server/db.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { BENIGN_SVG } from '../fixtures/logos.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { SETUP_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-e2e-brand-');
let site: RunningSite;
let browser: Browser;
let studyId: number;

beforeAll(async () => {
  const db = openMigrated(join(tmp.dir, 'b.sqlite'));
  await createConsultant(db, { email: 'brand@example.com', password: 'a long enough password' });
  const consultantId = (db.db.$client.prepare('SELECT id FROM consultants').get() as { id: number }).id;
  studyId = (await insertStudy(db, consultantId, 'Spring 2026 sales study', 'e2e-brand-study')).id;
  await insertCompany(db, studyId, 'Contoso', 'e2e-brand-company');
  db.db.$client.close();
  writeFileSync(join(tmp.dir, 'logo.svg'), BENIGN_SVG);
  site = await startSite(join(tmp.dir, 'b.sqlite'));
  browser = await launchChromium();
}, SETUP_MS);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  tmp.cleanup();
});

describe('study branding in Chromium', () => {
  it('checks the colour as it is typed, uploads an SVG logo from the form and brands the invite page, accessible throughout', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${site.base}/consultant/sign-in`);
    await page.fill('#email', 'brand@example.com');
    await page.fill('#password', 'a long enough password');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/consultant$/);
    await page.goto(`${site.base}/consultant/studies/${studyId}`);
    await page.fill('#brand-name', 'Northwind Advisory');
    await page.fill('#brand-accent', '#f0a202');
    await expect.poll(() => page.textContent('#brand-contrast')).toContain('2.12:1');
    await page.fill('#brand-accent', '#7a1f5c');
    await expect.poll(() => page.textContent('#brand-contrast')).toContain('passes WCAG AA');
    expect(await page.inputValue('#brand-accent-picker')).toBe('#7a1f5c');
    await page.setInputFiles('#brand-logo', join(tmp.dir, 'logo.svg'));
    await page.click('text=Save branding');
    await page.waitForURL(/brand=saved/);
    await expect.poll(() => page.textContent('[data-testid=brand-saved]')).toContain('Branding saved');
    await expectAccessible(page, 'study page with a brand');
    await screenshots(page, '25-consultant-study-branding');

    await page.goto(`${site.base}/join/e2e-brand-company`);
    expect(await page.textContent('[data-testid=study-brand-name]')).toBe('Northwind Advisory');
    const logo = page.locator('[data-testid=study-brand-logo]');
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(800);
    const button = await page.locator('.profile-form button[type=submit]').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(button).toBe('rgb(122, 31, 92)');
    expect(await page.textContent('footer')).toContain('Velocity Index');
    await expectAccessible(page, 'branded invite page');
    await screenshots(page, '26-branded-invite');
  });
});
