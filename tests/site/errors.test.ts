import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { postForm } from '../helpers/forms.ts';
import { validProfile } from '../helpers/instrument.ts';
import { startParticipant } from '../helpers/journey.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/** Issue 12: error pages in the site's design that say what to do next (404, 410, 429, 500). */
let store: TestStore;
let site: RunningSite;
let token = '';

beforeAll(async () => {
  store = await openTestStore();
  const consultant = await insertConsultant(store.db, { email: 'c@example.com', passwordHash: 'x' });
  await insertStudy(store.db, consultant.id, 'Finished study', 'finished-study-1', 'closed');
  // One start an hour, so that the second start meets the limit (429).
  site = await startSite(store.url, { PARTICIPANT_STARTS_PER_HOUR: '1' });
  token = await startParticipant(site.base);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

const get = async (path: string) => {
  const res = await fetch(`${site.base}${path}`, { redirect: 'manual' });
  return { res, html: await res.text() };
};
const h1 = (html: string) => html.match(/<h1[^>]*>([^<]*)<\/h1>/)?.[1];
const buttons = (html: string) => [...html.matchAll(/<a class="(?:button|button-secondary)" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]);

function expectDesigned(res: Response, html: string, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  // The site's layout (header, footer) around the panel, and the middleware's headers as on any page.
  expect(html).toContain('class="site-header"');
  expect(html).toContain(`data-status="${status}"`);
  expect(html).toContain('What you can do');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('404', () => {
  it('answers an unknown address with the designed page: what happened and a way on', async () => {
    const { res, html } = await get(`/no-such-page-${Date.now()}`);
    expectDesigned(res, html, 404);
    expect(h1(html)).toBe('There is no page at this address');
    expect(html).toContain('<title>There is no page at this address — Velocity Index</title>');
    expect(buttons(html)).toEqual([
      ['/', 'Go to the home page'],
      ['/start', 'Start the assessment'],
    ]);
  });

  it('tells a participant whose private link is wrong how to get back, and that the link cannot be recovered', async () => {
    for (const path of ['/r/AAAAAAAAAAAAAAAAAAAAAA', '/r/AAAAAAAAAAAAAAAAAAAAAA/1', '/r/AAAAAAAAAAAAAAAAAAAAAA/results', '/r/short/report/company']) {
      const { res, html } = await get(path);
      expectDesigned(res, html, 404);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(h1(html), path).toBe('We can’t find an assessment for this link');
      expect(html).toContain('data-testid="not-found-link"');
      expect(html).toContain('make sure the whole address is there');
      expect(html).toContain('we can’t look it up or send it to you again');
      expect(buttons(html)[0]).toEqual(['/start', 'Start a new assessment']);
    }
  });

  it('leads a right link with a wrong page back to the assessment', async () => {
    for (const path of [`/r/${token}/99`, `/r/${token}/report/company`]) {
      const { res, html } = await get(path);
      expectDesigned(res, html, 404);
      expect(h1(html), path).toBe('This page isn’t part of your assessment');
      expect(buttons(html)[0]).toEqual([`/r/${token}`, 'Continue your assessment']);
    }
  });

  it('says an invitation link is incomplete and whom to ask', async () => {
    const { res, html } = await get('/join/no-such-invite-token');
    expectDesigned(res, html, 404);
    expect(h1(html)).toBe('This invitation link doesn’t open a study');
    expect(html).toContain('ask the person who invited you');
  });

  it('answers a form post to a wrong link with the same page, storing nothing', async () => {
    const res = await postForm(site.base, '/r/AAAAAAAAAAAAAAAAAAAAAA/1', { action: 'save' });
    const html = await res.text();
    expectDesigned(res, html, 404);
    expect(h1(html)).toBe('We can’t find an assessment for this link');
  });

  it('keeps a short text 404 for downloads (PDF, CSV), never a 500', async () => {
    for (const path of ['/r/AAAAAAAAAAAAAAAAAAAAAA/report/company.pdf', `/r/${token}/report/company.pdf`, '/sample/other.pdf', '/consultant/studies/1/export/scores.csv']) {
      const { res, html } = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toBe('text/plain; charset=utf-8');
      expect(html, path).toMatch(/^Not found\. .*download it from there\.\n$/);
    }
  });
});

describe('410', () => {
  it('answers a closed study’s invitation with 410 and says what to do instead', async () => {
    const { res, html } = await get('/join/finished-study-1');
    expectDesigned(res, html, 410);
    expect(h1(html)).toBe('This study is closed');
    expect(html).toContain('<title>This study is closed — Velocity Index</title>');
    expect(html).toContain('contact the person who invited you');
    expect(buttons(html)[0]).toEqual(['/start', 'Take the assessment on your own']);
    // A form posted to it says nothing was saved.
    const posted = await postForm(site.base, '/join/finished-study-1', validProfile());
    expect(posted.status).toBe(410);
    expect(await posted.text()).toContain('Nothing was saved.');
  });
});

describe('429', () => {
  it('refuses a start over the limit with the designed panel above the form, Retry-After kept', async () => {
    const res = await postForm(site.base, '/start', validProfile());
    const html = await res.text();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(html).toContain('data-status="429"');
    expect(html).toContain('data-testid="too-many-starts"');
    expect(html).toContain('Nothing was saved');
    expect(html).toMatch(/Try again in about (?:an hour|\d+ minutes?)/);
    // The form is still there with what was entered, so sending it again later is all it takes.
    expect(html).toContain('<form');
    expect(html).toContain('value="Acme Testing Ltd"');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('the pages in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('are accessible at 1280 and 375 px (screenshots kept under test-results/screenshots)', async () => {
    const page = await browser.newPage();
    for (const [name, path] of [
      ['error-404', '/no-such-page'],
      ['error-404-link', '/r/AAAAAAAAAAAAAAAAAAAAAA'],
      ['error-404-invite', '/join/no-such-invite-token'],
      ['error-410', '/join/finished-study-1'],
    ] as const) {
      await page.goto(`${site.base}${path}`);
      await expectAccessible(page, name);
      await screenshots(page, name);
    }
    await page.close();
  });
});

describe('500', () => {
  it('answers an error thrown in a page with the designed page, status 500 and the security headers, no details', async () => {
    // Break the database under the running server: the next page that reads participants throws.
    await store.raw.run('ALTER TABLE participants RENAME TO participants_away');
    const { res, html } = await get(`/r/${token}/results?x=1`);
    expectDesigned(res, html, 500);
    expect(h1(html)).toBe('Something went wrong on our side');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(buttons(html)).toEqual([
      [`/r/${token}/results?x=1`, 'Try again'],
      ['/', 'Go to the home page'],
    ]);
    expect(html).not.toMatch(/SqliteError|no such table|DatabaseError|does not exist|participants_away|\.m?js:\d+/);
  });
});

describe('favicon', () => {
  it('serves the brand mark as SVG, ICO and apple-touch-icon PNG, linked from every page', async () => {
    const svg = await get('/favicon.svg');
    expect(svg.res.status).toBe(200);
    expect(svg.res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.html).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.html).toContain('#2f8cff');
    for (const [path, type] of [['/favicon.ico', /^image\/(?:vnd\.microsoft\.icon|x-icon)/], ['/apple-touch-icon.png', /^image\/png/]] as const) {
      const res = await fetch(`${site.base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    const { html } = await get('/');
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(html).toContain('<link rel="apple-touch-icon" href="/apple-touch-icon.png">');
  });
});
