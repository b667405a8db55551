import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { studies } from '../../db/schema.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { storeFingerprint, tokenOf } from '../helpers/forms.ts';
import { formBody, rawRequest } from '../helpers/http.ts';
import { validProfile } from '../helpers/instrument.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: behind an HTTPS reverse proxy every form post got 403 (Astro's
 * origin check compared the browser's https Origin with the http URL the Node
 * server saw), the session cookie was never Secure, there was no HSTS, links
 * were built from the Host header, and tokens were written to the log.
 */
const PUBLIC = 'https://bench.example.com';
const PASSWORD = 'correct horse battery staple';
const INVITE = 'proxy-study-invite-1';

let proxied: RunningSite;
let local: RunningSite;
let proxiedDb: TestStore;
let localDb: TestStore;

async function prepare(): Promise<TestStore> {
  const store = await openTestStore();
  const consultant = await addConsultant(store.db, 'consultant@example.com', PASSWORD);
  await insertStudy(store.db, consultant.id, 'Proxy study', INVITE);
  return store;
}

beforeAll(async () => {
  proxiedDb = await prepare();
  localDb = await prepare();
  [proxied, local] = await Promise.all([
    startSite(proxiedDb.url, { PUBLIC_ORIGIN: PUBLIC, TRUST_PROXY: '127.0.0.1' }),
    startSite(localDb.url),
  ]);
}, SETUP_MS);
afterAll(async () => {
  await Promise.all([proxied?.stop(), local?.stop()]);
  await Promise.all([proxiedDb?.cleanup(), localDb?.cleanup()]);
});

/** What nginx sends on for a browser at https://bench.example.com (proxy_set_header Host, X-Forwarded-*). */
const viaProxy = (extra: Record<string, string> = {}) => ({
  host: 'bench.example.com',
  'x-forwarded-proto': 'https',
  'x-forwarded-for': '203.0.113.7',
  ...extra,
});
const formHeaders = (origin: string) => ({ origin, 'content-type': 'application/x-www-form-urlencoded' });

async function startThroughProxy(): Promise<string> {
  const res = await rawRequest(proxied.base, '/start', { method: 'POST', headers: viaProxy(formHeaders(PUBLIC)), body: formBody(validProfile()) });
  expect(res.status, res.body).toBe(303);
  return tokenOf(String(res.headers.location));
}

async function signInThroughProxy() {
  return rawRequest(proxied.base, '/consultant/sign-in', {
    method: 'POST',
    headers: viaProxy(formHeaders(PUBLIC)),
    body: formBody({ email: 'consultant@example.com', password: PASSWORD }),
  });
}

describe('behind an HTTPS reverse proxy with PUBLIC_ORIGIN', () => {
  it('accepts form posts from the public origin and still refuses them from any other', async () => {
    await startThroughProxy();
    // A proxy that does not pass the Host on: the Node server sees its own address.
    const plainHost = await rawRequest(proxied.base, '/start', {
      method: 'POST',
      headers: { ...formHeaders(PUBLIC), 'x-forwarded-proto': 'https' },
      body: formBody(validProfile()),
    });
    expect(plainHost.status).toBe(303);
    const before = await storeFingerprint(proxiedDb.raw);
    for (const origin of [proxied.base, 'https://evil.example', 'http://bench.example.com']) {
      const res = await rawRequest(proxied.base, '/start', { method: 'POST', headers: viaProxy(formHeaders(origin)), body: formBody(validProfile()) });
      expect(res.status, origin).toBe(403);
    }
    expect(await storeFingerprint(proxiedDb.raw)).toBe(before);
  });

  it('prints every absolute link with the public origin, whatever Host the request names', async () => {
    const token = await startThroughProxy();
    for (const host of ['bench.example.com', 'evil.example', `127.0.0.1:${new URL(proxied.base).port}`]) {
      const saved = await rawRequest(proxied.base, `/r/${token}/saved`, { headers: viaProxy({ host }) });
      expect(saved.status).toBe(200);
      expect(saved.body).toContain(`${PUBLIC}/r/${token}`);
      expect(saved.body).not.toContain('evil.example');
      const page = await rawRequest(proxied.base, `/r/${token}/1`, { headers: viaProxy({ host }) });
      expect(page.body).toContain(`${PUBLIC}/r/${token}`);
    }
    const cookie = String((await signInThroughProxy()).headers['set-cookie']).split(';')[0]!;
    const home = await rawRequest(proxied.base, '/consultant', { headers: viaProxy({ cookie, host: 'evil.example' }) });
    const studyPath = /href="(\/consultant\/studies\/\d+)"/.exec(home.body)![1]!;
    const study = await rawRequest(proxied.base, studyPath, { headers: viaProxy({ cookie, host: 'evil.example' }) });
    expect(study.body).toContain(`value="${PUBLIC}/join/${INVITE}"`);
    expect(study.body).not.toContain('evil.example');
  });

  it('sends the session cookie Secure and HSTS on every page', async () => {
    const res = await signInThroughProxy();
    expect(res.status, res.body).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/i);
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly/i);
    for (const path of ['/', '/start', '/consultant/sign-in']) {
      expect((await rawRequest(proxied.base, path, { headers: viaProxy() })).headers['strict-transport-security']).toBe('max-age=31536000');
    }
  });

  it('writes no resume or invite token to the server log', async () => {
    const token = await startThroughProxy();
    await rawRequest(proxied.base, `/r/${token}/1`, { headers: viaProxy() });
    // Methods the Node adapter cannot turn into a Request: it logs "Could not render <url>" with the address.
    for (const path of [`/r/${token}/1`, `/r/${token}/report/company.pdf`, `/join/${INVITE}`]) {
      await rawRequest(proxied.base, path, { method: 'TRACE', headers: viaProxy() });
    }
    const log = proxied.output();
    expect(log).toContain('/r/[redacted]');
    expect(log).toContain('/join/[redacted]');
    expect(log).not.toContain(token);
    expect(log).not.toContain(INVITE);
  });
});

describe('without PUBLIC_ORIGIN (local use)', () => {
  it('answers the loopback address as before, and refuses a Host that names another site (421)', async () => {
    const res = await rawRequest(local.base, '/start', {
      method: 'POST',
      headers: formHeaders(local.base),
      body: formBody(validProfile()),
    });
    expect(res.status).toBe(303);
    const token = tokenOf(String(res.headers.location));
    const saved = await rawRequest(local.base, `/r/${token}/saved`);
    expect(saved.body).toContain(`${local.base}/r/${token}`);
    expect(saved.headers['strict-transport-security']).toBeUndefined();
    for (const host of ['evil.example', 'evil.example:80', '127.0.0.1.evil.example']) {
      const spoofed = await rawRequest(local.base, `/r/${token}/saved`, { headers: { host } });
      expect(spoofed.status, host).toBe(421);
      expect(spoofed.body).not.toContain(token);
      expect(spoofed.body).not.toContain('evil');
    }
    const signIn = await rawRequest(local.base, '/consultant/sign-in', {
      method: 'POST',
      headers: formHeaders(local.base),
      body: formBody({ email: 'consultant@example.com', password: PASSWORD }),
    });
    expect(signIn.status).toBe(303);
    expect(String(signIn.headers['set-cookie'])).not.toMatch(/Secure/i);
  });
});
