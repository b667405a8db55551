import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { launchChromium } from '../helpers/browser.ts';
import { completeParticipant } from '../helpers/journey.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/** Issue 12: the HTML reports printed from the browser keep the PDF's page structure and never leave a heading alone at a page foot. */
const tmp = tempDir('velocity-print-');
let store: TestStore;
let site: RunningSite;
let browser: Browser;
let token = '';

beforeAll(async () => {
  store = await openTestStore();
  site = await startSite(store.url);
  token = await completeParticipant(site.base);
  browser = await launchChromium();
}, SETUP_MS);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await store?.cleanup();
  tmp.cleanup();
});

const squash = (s: string) => s.replace(/\s+/g, '');

async function printed(page: Page, name: string): Promise<{ pages: string[]; headings: string[]; sections: string[] }> {
  const headings = await page.$$eval('.report :is(h1, h2, h3)', (els) => els.map((e) => e.textContent ?? ''));
  const sections = await page.$$eval('.report > .report-section > h2', (els) => els.map((e) => e.textContent ?? ''));
  const file = join(tmp.dir, `${name}.pdf`);
  writeFileSync(file, await page.pdf({ preferCSSPageSize: true }));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { pages: text.split('\f').filter((p) => p.trim()), headings, sections };
}

const lines = (page: string) => page.split('\n').map((l) => l.trim()).filter(Boolean);

describe('the HTML reports in print', () => {
  it('print with the print stylesheet: chrome hidden, headings kept with what follows, charts and cards whole, sections on new pages', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.base}/r/${token}/report/company`);
    await page.emulateMedia({ media: 'print' });
    const style = (selector: string, property: string) =>
      page.$eval(selector, (el, p) => getComputedStyle(el).getPropertyValue(p), property);
    expect(await style('.site-header', 'display')).toBe('none');
    expect(await style('.site-footer', 'display')).toBe('none');
    expect(await style('.report .no-print', 'display')).toBe('none');
    expect(await style('.report h2', 'break-after')).toBe('avoid');
    expect(await style('.report h3', 'break-after')).toBe('avoid');
    expect(await style('.report .card', 'break-inside')).toBe('avoid');
    expect(await style('.report svg.chart', 'break-inside')).toBe('avoid');
    expect(await style('.report > .report-section', 'break-before')).toBe('page');
    expect(await style('.report .section-head', 'break-after')).toBe('avoid');
    expect(await style('body', 'print-color-adjust')).toBe('exact');
    await page.emulateMedia({ media: 'screen' });
    expect(await style('.site-header', 'display')).not.toBe('none');
    await page.close();
  });

  for (const kind of ['company', 'personal'] as const) {
    it(`${kind} report: each major section starts a page, and no page ends with a heading`, async () => {
      const page = await browser.newPage();
      await page.goto(`${site.base}/r/${token}/report/${kind}`);
      const { pages, headings, sections } = await printed(page, kind);
      await page.close();
      expect(pages.length).toBeGreaterThan(sections.length);
      const headingSet = new Set(headings.map(squash));
      for (const [i, p] of pages.entries()) {
        const last = lines(p).at(-1)!;
        expect(headingSet.has(squash(last)), `page ${i + 1} ends with the heading "${last}"`).toBe(false);
      }
      const pageTops = pages.map((p) => squash(lines(p)[0]!));
      for (const s of sections) expect(pageTops, `section "${s}" starts a page`).toContain(squash(s));
      // The cover is a page of its own: the company's name on page 1, the first section on page 2.
      expect(pageTops[1]).toBe(squash(sections[0]!));
    });
  }
});
