import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { createConsultant } from '../../src/server/services/consultants.ts';
import { BENIGN_SVG, MALICIOUS_SVGS, PNG_SIGNATURE, solidPng } from '../fixtures/logos.ts';
import { postForm } from '../helpers/forms.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { openTestStore, TEST_BACKEND, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

let store: TestStore;
const PASSWORD = 'correct horse battery staple';
let site: RunningSite;
let studyId: number;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  for (const email of ['owner@example.com', 'other@example.com']) await createConsultant(db, { email, password: PASSWORD });
  const owner = (await store.raw.get<{ id: number }>("SELECT id FROM consultants WHERE email = 'owner@example.com'"))!;
  studyId = (await insertStudy(db, owner.id, 'Branded study', 'branded-study-0001')).id;
  await insertCompany(db, studyId, 'Contoso', 'branded-company-01');
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

/** The study's brand columns as stored, to show what a refused post did not change. */
const stored = () =>
  store.raw.get(
    `SELECT brand_name, brand_accent, brand_logo_key, ${TEST_BACKEND === 'pg' ? "upper(encode(brand_logo, 'hex'))" : 'hex(brand_logo)'} AS logo FROM studies WHERE id = ?`,
    studyId,
  );

async function signIn(email: string): Promise<string> {
  const res = await postForm(site.base, '/consultant/sign-in', { email, password: PASSWORD });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

function brandPost(fields: Record<string, string>, file: { bytes: Uint8Array; name: string; type: string } | null, cookie: string | null, origin = site.base) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (file) body.set('logo', new Blob([file.bytes as BlobPart], { type: file.type }), file.name);
  return fetch(`${site.base}/consultant/studies/${studyId}?form=brand`, { method: 'POST', redirect: 'manual', headers: { origin, ...(cookie ? { cookie } : {}) }, body });
}

const svgFile = (svg: string, name = 'logo.svg') => ({ bytes: new TextEncoder().encode(svg), name, type: 'image/svg+xml' });

describe('study branding on the site', () => {
  let owner: string;
  let logoUrl: string;

  it('lets the owner set a name, colour and SVG logo, shown on the study page', async () => {
    owner = await signIn('owner@example.com');
    const page = await fetch(`${site.base}/consultant/studies/${studyId}`, { headers: { cookie: owner } });
    expect(await page.text()).toContain('id="branding"');
    const res = await brandPost({ action: 'brand', name: 'Northwind Advisory', accent: '#7a1f5c', accentPicker: '#0b5cad' }, svgFile(BENIGN_SVG), owner);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/consultant/studies/${studyId}?brand=saved#branding`);
    const after = await (await fetch(`${site.base}/consultant/studies/${studyId}?brand=saved`, { headers: { cookie: owner } })).text();
    expect(after).toContain('Branding saved.');
    expect(after).toContain('value="Northwind Advisory"');
  });

  it('shows the logo, name and accent on the study’s invite page and a company’s, with Velocity Index in the footer', async () => {
    for (const token of ['branded-study-0001', 'branded-company-01']) {
      const html = await (await fetch(`${site.base}/join/${token}`)).text();
      const logo = /<img class="study-brand-logo" src="(\/brand\/[0-9a-f]{32}\.png)"/.exec(html);
      expect(logo, token).not.toBeNull();
      logoUrl = logo![1]!;
      expect(html).toMatch(/data-testid="study-brand-name"[^>]*>Northwind Advisory</);
      expect(html).toContain('--study-accent: #7a1f5c');
      expect(html).toMatch(/<footer class="site-footer">[\s\S]*Velocity Index/);
    }
  });

  it('serves the logo as a PNG that cannot be sniffed as anything else, cached by its content', async () => {
    const res = await fetch(`${site.base}${logoUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The route's own sandboxed policy, not the site's: a logo opened on its own can run nothing.
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const etag = res.headers.get('etag');
    expect(etag).toBe(`"${logoUrl.slice(7, -4)}"`);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.includes(Buffer.from('<svg'))).toBe(false);
    const again = await fetch(`${site.base}${logoUrl}`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    for (const path of ['/brand/00000000000000000000000000000000.png', `/brand/${studyId}.png`, '/brand/branded-study-0001.png']) {
      expect((await fetch(`${site.base}${path}`)).status, path).toBe(404);
    }
  });

  it('refuses bad input with a message, changing nothing and never answering 500', async () => {
    const before = await stored();
    const lowContrast = await brandPost({ action: 'brand', name: 'Northwind Advisory', accent: '#f0a202' }, null, owner);
    expect(lowContrast.status).toBe(422);
    const html = await lowContrast.text();
    expect(html).toContain('2.12:1');
    expect(html).toContain('value="#f0a202"');
    for (const bad of [MALICIOUS_SVGS[0]!, MALICIOUS_SVGS.find((m) => m.name.startsWith('<image href'))!, MALICIOUS_SVGS.find((m) => m.name.includes('XXE'))!]) {
      const res = await brandPost({ action: 'brand', name: 'Northwind Advisory' }, svgFile(bad.svg), owner);
      expect(res.status, bad.name).toBe(422);
      expect(await res.text(), bad.name).toMatch(bad.says);
    }
    const html404 = await brandPost({ action: 'brand', name: 'Northwind Advisory' }, { bytes: new TextEncoder().encode('<!doctype html><p>hi'), name: 'logo.png', type: 'image/png' }, owner);
    expect(html404.status).toBe(422);
    expect(await html404.text()).toContain('neither');
    const tooBig = await brandPost({ action: 'brand', name: 'Northwind Advisory' }, { bytes: new Uint8Array(300 * 1024), name: 'big.png', type: 'image/png' }, owner);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toContain('larger than 200 KB');
    const noName = await brandPost({ action: 'brand', name: ' ' }, null, owner);
    expect(noName.status).toBe(422);
    expect(await stored()).toEqual(before);
  });

  it('takes a PNG by its content, even when it is called .svg', async () => {
    const res = await brandPost({ action: 'brand', name: 'Northwind Advisory', accent: '#7a1f5c' }, { bytes: solidPng(90, 30, [122, 31, 92]), name: 'logo.svg', type: 'image/svg+xml' }, owner);
    expect(res.status).toBe(303);
    const html = await (await fetch(`${site.base}/join/branded-study-0001`)).text();
    expect(html).toMatch(/<img class="study-brand-logo" src="\/brand\/[0-9a-f]{32}\.png" width="90" height="30"/);
  });

  it('refuses another consultant, a participant without a session and a cross-site post', async () => {
    const before = await stored();
    const other = await signIn('other@example.com');
    expect((await brandPost({ action: 'brand', name: 'Intruder' }, svgFile(BENIGN_SVG), other)).status).toBe(404);
    expect((await fetch(`${site.base}/consultant/studies/${studyId}`, { headers: { cookie: other }, redirect: 'manual' })).status).toBe(404);
    const anonymous = await brandPost({ action: 'unbrand' }, null, null);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/consultant/sign-in');
    expect((await brandPost({ action: 'unbrand' }, null, owner, 'https://attacker.example')).status).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('removes the brand: the invite page goes back to the product’s look and the old logo address is gone', async () => {
    const html = await (await fetch(`${site.base}/join/branded-study-0001`)).text();
    const current = /src="(\/brand\/[0-9a-f]{32}\.png)"/.exec(html)![1]!;
    const res = await brandPost({ action: 'unbrand' }, null, owner);
    expect(res.status).toBe(303);
    const plain = await (await fetch(`${site.base}/join/branded-study-0001`)).text();
    expect(plain).not.toContain('study-brand');
    expect((await fetch(`${site.base}${current}`)).status).toBe(404);
  });
});
