import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suppressGroups } from '../../src/domain/anonymity.ts';
import { DEFAULT_MIN_GROUP } from '../../src/domain/peers.ts';
import { profileChoices } from '../../src/domain/profile.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

const K = DEFAULT_MIN_GROUP;
/** The industry cut down below k after seeding, so one row must hide its figure. */
const SMALL_INDUSTRY = 'other';
const SMALL_SIZE = 3;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The figure in the table cell beside a group's label, as the page shows it. */
const cellBeside = (html: string, label: string) =>
  html.match(new RegExp(`<td[^>]*>${escapeRegExp(escapeHtml(label))}</td>\\s*<td[^>]*>([^<]*)</td>`))?.[1]?.trim();

const tmp = tempDir('velocity-site-');
let store: TestStore;
let site: RunningSite;
let base = '';
let industrySizes: Map<string, number>;
let participants: number;
let removed: number;
let home: { status: number; headers: Headers; html: string };

beforeAll(async () => {
  store = await openTestStore();
  await seedParticipants(store.db, instrument, { count: 300, seed: 17, now: new Date('2026-01-15T00:00:00Z') });
  // Keep only a few of one industry (the cascade removes their scores) so that its group is below k.
  removed = await store.raw.run(
    'DELETE FROM participants WHERE industry = ? AND id NOT IN (SELECT id FROM participants WHERE industry = ? ORDER BY id LIMIT ?)',
    SMALL_INDUSTRY,
    SMALL_INDUSTRY,
    SMALL_SIZE,
  );
  participants = (await store.raw.get<{ n: number }>('SELECT count(*) AS n FROM scores'))!.n;
  industrySizes = new Map(
    (await store.raw.all<{ industry: string; n: number }>('SELECT industry, count(*) AS n FROM scores GROUP BY industry')).map((r) => [r.industry, r.n]),
  );
  expect(industrySizes.get(SMALL_INDUSTRY)).toBe(SMALL_SIZE);

  site = await startSite(store.url, { PEER_MIN_GROUP: String(K) });
  base = site.base;
  const res = await fetch(`${base}/`);
  home = { status: res.status, headers: res.headers, html: await res.text() };
}, SETUP_MS);

afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
  tmp.cleanup();
});

describe('the landing page on the built server', () => {
  it('answers 200 with HTML', () => {
    expect(home.status, site.output()).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('shows the number of completed participants in the database', () => {
    const m = home.html.match(/data-testid="participant-count"[^>]*>([^<]*)</);
    expect(m, 'no element with data-testid="participant-count"').not.toBeNull();
    expect(Number(m![1]!.replace(/,/g, ''))).toBe(participants);
    expect(participants).toBe(300 - removed);
  });

  it('lists every industry of the instrument, with its count or "fewer than k", hiding the smallest shown one too while the hidden ones hold fewer than k', () => {
    const options = profileChoices(instrument, 'industry');
    const sizes = options.map((o) => industrySizes.get(o.id) ?? 0);
    const hidden = suppressGroups(sizes, K);
    expect(hidden.filter(Boolean).length).toBe(2);
    options.forEach((option, i) => {
      const n = sizes[i]!;
      expect(cellBeside(home.html, option.label), option.label).toBe(n >= K && !hidden[i] ? n.toLocaleString('en-US') : `fewer than ${K}`);
    });
  });

  it('says plainly that the counts are demo data', () => {
    expect(home.html).toContain('data-testid="demo-notice"');
    expect(home.html).toContain('Demo data.');
    expect(home.html).toContain('demo assessments (synthetic)');
  });

  it('hides the small group behind "fewer than 5"', () => {
    const label = profileChoices(instrument, 'industry').find((o) => o.id === SMALL_INDUSTRY)!.label;
    expect(cellBeside(home.html, label)).toBe('fewer than 5');
    expect(home.html).not.toMatch(new RegExp(`<td[^>]*>${escapeRegExp(label)}</td>\\s*<td[^>]*>${SMALL_SIZE}</td>`));
  });

  it('sends the security headers', () => {
    const h = home.headers;
    expect(h.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBeTruthy();
  });

  it('refuses a cross-origin form post with 403', async () => {
    const res = await fetch(`${base}/`, {
      method: 'POST',
      headers: { origin: 'https://attacker.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    await res.text();
    expect(res.status).toBe(403);
  });

  it('answers an unknown path with 404, not 500', async () => {
    const res = await fetch(`${base}/no-such-page-${Date.now()}`);
    await res.text();
    expect(res.status).toBe(404);
    // The middleware adds its headers to error pages too.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('links a sample company report of synthetic participants, served as a PDF', async () => {
    expect(home.html).toContain('href="/sample/company.pdf"');
    const res = await fetch(`${base}/sample/company.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="velocity-index-[a-z0-9-]+-sample-demo-data-\d{4}-\d{2}-\d{2}\.pdf"$/);
    const file = join(tmp.dir, 'sample.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('(sample, demo data)');
    expect(text).toContain('Executive summary');
    // English separators by default: the win rates read 15.0 %, never 15,0 %.
    expect(text).toMatch(/\d\.\d %/);
    expect(text).not.toMatch(/\d,\d %/);
  });

  it("writes the sample's numbers the way the reader's browser asks: 12.345,6 for a German reader, the text still English", async () => {
    const res = await fetch(`${base}/sample/company.pdf`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(res.status).toBe(200);
    const file = join(tmp.dir, 'sample-de.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Executive summary');
    expect(text).toMatch(/\d,\d %/);
    expect(text).not.toMatch(/\d\.\d %/);
    expect(text).toMatch(/USD \d{1,3}(\.\d{3})+/);
  });

  it('answers an unknown sample kind with 404', async () => {
    const res = await fetch(`${base}/sample/other.pdf`);
    await res.text();
    expect(res.status).toBe(404);
  });
});
