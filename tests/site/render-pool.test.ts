import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { hashToken, newToken } from '../../src/server/auth/tokens.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * Issue 14, the render pool on the built server: PDFs render in worker
 * threads while pages keep answering; a download beyond the pool's queue gets
 * 503, Retry-After and a page that says what to do; a render thread that dies
 * gets the site's error page, and the server goes on.
 */
const tmp = tempDir('velocity-render-pool-');
let store: TestStore;
const REPORTS = 6;
/** A participant's private link and the company name their report must show. */
const readers: { token: string; company: string }[] = [];
const sites: RunningSite[] = [];
let browser: Browser | undefined;

const start = async (env: Record<string, string> = {}) => {
  const site = await startSite(store.url, env);
  sites.push(site);
  return site;
};
const pdfUrl = (site: RunningSite, token: string) => `${site.base}/r/${token}/report/company.pdf`;
function pdfText(bytes: Buffer, name: string): string {
  const file = join(tmp.dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  store = await openTestStore();
  await seedParticipants(store.db, instrument, { count: 80, seed: 14 });
  const ids = await store.raw.all<{ id: number }>(
    "SELECT p.id FROM participants p JOIN participant_numbers n ON n.participant_id = p.id WHERE p.status = 'completed' ORDER BY p.id LIMIT ?",
    REPORTS,
  );
  for (const [i, { id }] of ids.entries()) {
    const token = newToken();
    const company = `Pooled Render Company ${i + 1}`;
    await store.raw.run('UPDATE participants SET resume_token_hash = ?, company_name = ? WHERE id = ?', hashToken(token), company, id);
    readers.push({ token, company });
  }
  expect(readers).toHaveLength(REPORTS);
});
afterAll(async () => {
  await browser?.close();
  for (const site of sites) await site.stop();
  await store?.cleanup();
  tmp.cleanup();
});

describe('PDFs rendered by the pool of the built server', () => {
  it('keep the home page answering while several reports render, and every report is its reader’s own', async () => {
    const site = await start({ RENDER_WORKERS: '2' });
    const downloads = readers.map((r) => fetch(pdfUrl(site, r.token)));
    // Asked while the reports above are rendering: it must be answered, in full (no timing is asserted).
    const home = await fetch(`${site.base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Velocity Index');
    for (const [i, response] of (await Promise.all(downloads)).entries()) {
      expect(response.status, `report ${i + 1}`).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const text = pdfText(Buffer.from(await response.arrayBuffer()), `pooled-${i}`);
      expect(text).toContain(readers[i]!.company);
      for (const other of readers.filter((_, j) => j !== i)) expect(text).not.toContain(other.company);
    }
    // An unchanged report comes from the cache: the same bytes again.
    const [a, b] = await Promise.all([0, 1].map(async () => Buffer.from(await (await fetch(pdfUrl(site, readers[0]!.token))).arrayBuffer())));
    expect(Buffer.compare(a!, b!)).toBe(0);
    // The busy page is only ever an answer in place of a download.
    expect((await fetch(`${site.base}/report-busy?retry=/`)).status).toBe(404);
  }, 240_000);

  it('answer 503 with Retry-After and a page in the site’s design when the queue is full, and render the reports they took', async () => {
    const site = await start({ RENDER_WORKERS: '1', RENDER_QUEUE: '0' });
    const responses = await Promise.all(readers.map((r) => fetch(pdfUrl(site, r.token))));
    const busy = responses.filter((r) => r.status === 503);
    const served = responses.filter((r) => r.status === 200);
    expect(busy.length, 'refused downloads').toBeGreaterThan(0);
    expect(served.length + busy.length).toBe(REPORTS);
    for (const r of served) expect(pdfText(Buffer.from(await r.arrayBuffer()), 'served')).toMatch(/Pooled Render Company \d/);
    const busyIndex = responses.findIndex((r) => r.status === 503);
    const refused = responses[busyIndex]!;
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await refused.text();
    expect(html).toContain('Many reports are being prepared right now');
    expect(html).toContain('Try the download again');
    // Try again asks for the same PDF; the same report is offered on screen meanwhile.
    const token = readers[busyIndex]!.token;
    expect(html).toContain(`href="/r/${token}/report/company.pdf"`);
    expect(html).toContain(`href="/r/${token}/report/company"`);

    // What the reader sees: the same answer, in a browser, with the site's styles.
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.route(pdfUrl(site, token), (route) => route.fulfill({ status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '5' }, body: html }));
    await page.goto(pdfUrl(site, token));
    expect(await page.locator('h1').textContent()).toBe('Many reports are being prepared right now');
    await expectAccessible(page, 'report busy');
    await screenshots(page, 'report-busy');
    await page.close();
  }, 240_000);

  it('answer with the site’s error page when a render thread dies, and the server goes on', async () => {
    // Threads whose heap is far too small for react-pdf: the first dies on the warm-up's sample report, and each one
    // started in its place dies while it warms up, until piscina starts no more. The pool then gives up (as it does after
    // three deaths in a row): a download fails at once with the reason, rather than waiting out its time limit (set far
    // above what this test waits, so only the pool giving up can answer in time) with no thread left to render it.
    const site = await start({ RENDER_WORKERS: '1', RENDER_WORKER_HEAP_MB: '4', RENDER_TIMEOUT_SECONDS: '600' });
    const failed = await fetch(pdfUrl(site, readers[0]!.token));
    // Not the generic 500 "wait a minute": a page that says PDFs are off, and offers the same report on screen.
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('300');
    expect(failed.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await failed.text();
    expect(html).toContain('data-testid="report-rendering-off"');
    expect(html).toContain('PDF downloads are not working right now');
    const token = readers[0]!.token;
    expect(html).toContain(`href="/r/${token}/report/company"`);
    expect(html).toContain(`href="/r/${token}/report/company.pdf"`);
    const home = await fetch(`${site.base}/`);
    expect(home.status).toBe(200);
    // A thread did die (not only time out), and the server said why and what to change.
    expect(site.output()).toContain('reaching memory limit');
    expect(site.output()).toContain('PDF rendering is off until the server restarts');
    expect(site.output()).toContain('The PDF could not be rendered: the render threads die while they start (RENDER_WORKER_HEAP_MB=4 may be too small');
    // The load balancer is told: not ready, and not "warming" (it will not warm up by itself).
    const readiness = await fetch(`${site.base}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ ready: false, renderer: 'failed' });

    // What the reader sees, in a browser, with the site's styles.
    browser ??= await launchChromium();
    const page = await browser.newPage();
    await page.goto(pdfUrl(site, token));
    expect(await page.locator('h1').textContent()).toBe('PDF downloads are not working right now');
    await expectAccessible(page, 'report rendering off');
    await screenshots(page, 'report-rendering-off');
    await page.close();
  }, 240_000);
});
