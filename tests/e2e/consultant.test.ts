import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { companies, studies } from '../../db/schema.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { SETUP_MS } from '../helpers/limits.ts';

const tmp = tempDir('velocity-e2e-consultant-');
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  const dbPath = join(tmp.dir, 'c.sqlite');
  const db = openMigrated(dbPath);
  await createConsultant(db, { email: 'consultant@example.com', password: 'a long enough password' });
  // A benchmark of 300 and an earlier study with one company of six respondents (k others than any reader), for comparing and drilling down.
  await seedParticipants(db, instrument, { count: 300, seed: 12 });
  const consultantId = (db.db.$client.prepare('SELECT id FROM consultants').get() as { id: number }).id;
  const study = await insertStudy(db, consultantId, 'Benelux 2026', 'e2e-benelux-2026');
  const company = await insertCompany(db, study.id, 'Zoë Ørsted Logistics', 'e2e-benelux-company');
  db.db.$client.prepare('UPDATE participants SET study_id = ? WHERE id BETWEEN 1 AND 60').run(study.id);
  // Moved into the study by hand: into its first round too, as joining through its link would.
  db.db.$client.prepare('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL AND wave_id IS NULL').run();
  db.db.$client.prepare('UPDATE participants SET company_id = ?, company_name = ? WHERE id BETWEEN 1 AND 6').run(company.id, company.name);
  db.db.$client.exec('UPDATE scores SET study_id = p.study_id, company_id = p.company_id FROM participants p WHERE p.id = scores.participant_id');
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

  it('compares peer groups, looks inside one, then opens a company report and downloads its PDF', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    await page.goto(`${site.base}/consultant/sign-in`);
    await page.fill('#email', 'consultant@example.com');
    await page.fill('#password', 'a long enough password');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/consultant$/);
    await page.click('text=Benelux 2026');
    await page.waitForURL(/\/consultant\/studies\/\d+$/);
    const studyUrl = page.url();

    await page.click('text=Compare peer groups in this study');
    await page.waitForURL(/\/consultant\/compare\?study=\d+$/);
    expect(await page.textContent('#spread-heading')).toBe('Velocity Index by industry');
    // Over the whole benchmark, by region, charting Win Rate: the choice goes into the address.
    await page.selectOption('#study', '');
    await page.selectOption('#dimension', 'region');
    await page.selectOption('#measure', 'winRate');
    await page.click('button:has-text("Compare")');
    await page.waitForURL(/dimension=region/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ dimension: 'region', study: '', measure: 'winRate' });
    expect(await page.textContent('#spread-heading')).toBe('Win Rate by region');
    const rows = await page.$$eval('.compare-table:not(.gaps) tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent!.trim(), Number(tr.querySelector('td')!.textContent!.replace(/,/g, ''))] as const));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.reduce((s, [, n]) => s + n, 0)).toBe(300);
    expect(await page.$$eval('.boxplot-rows li', (lis) => lis.length)).toBe(rows.length);
    await expectAccessible(page, 'compare');
    await screenshots(page, '22-consultant-compare');

    // Looking inside the first group keeps the choice and adds the group.
    await page.click(`.compare-table tbody th a >> nth=0`);
    await page.waitForURL(/group=/);
    expect(await page.textContent('#top-performers')).toContain(`Inside one group, ${rows[0]![0]}`);
    expect(await page.$$eval('.gaps tbody tr', (trs) => trs.length)).toBe(10);

    // Back to the study: the company report as a page, then its PDF.
    await page.goto(studyUrl);
    // The companies table gives the company score, the one its report shows.
    const companyScore = (await page.textContent('[data-testid="study-companies"] tbody tr td[data-col="velocity"]'))!.trim();
    expect(companyScore).toMatch(/^\d+$/);
    await page.click('a:has-text("Company report")');
    await page.waitForURL(/\/companies\/\d+$/);
    expect(await page.textContent('main')).toContain('Zoë Ørsted Logistics');
    expect(await page.textContent('[data-testid="report-view"]')).toBe('Company view · 6 respondents');
    await expectAccessible(page, 'company report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download the PDF')]);
    expect(download.suggestedFilename()).toMatch(/^velocity-index-zoe-orsted-logistics-\d{4}-\d{2}-\d{2}\.pdf$/);
    const file = join(tmp.dir, download.suggestedFilename());
    await download.saveAs(file);
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Zoë Ørsted Logistics');
    expect(text).toContain('Executive summary');
  });
});
