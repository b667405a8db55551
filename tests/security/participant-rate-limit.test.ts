import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { storeFingerprint } from '../helpers/forms.ts';
import { formBody, rawRequest } from '../helpers/http.ts';
import { validProfile } from '../helpers/instrument.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/** Issue 11: participant creation was unlimited, so a script could create throwaway participants at will. */
const LIMIT = 20;
let direct: RunningSite;
let proxied: RunningSite;
let directDb: TestStore;
let proxiedDb: TestStore;

async function prepare(): Promise<TestStore> {
  const store = await openTestStore();
  const consultant = await insertConsultant(store.db, { email: 'c@example.com', passwordHash: 'x' });
  await insertStudy(store.db, consultant.id, 'Limit study', 'limit-study-invite');
  return store;
}

beforeAll(async () => {
  directDb = await prepare();
  proxiedDb = await prepare();
  [direct, proxied] = await Promise.all([startSite(directDb.url), startSite(proxiedDb.url, { TRUST_PROXY: '127.0.0.1' })]);
}, SETUP_MS);
afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
  await Promise.all([directDb?.cleanup(), proxiedDb?.cleanup()]);
});

const start = (site: RunningSite, path: string, headers: Record<string, string> = {}) =>
  rawRequest(site.base, path, {
    method: 'POST',
    headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: formBody(validProfile()),
  });

describe(`participant creation is limited to ${LIMIT} an hour per client address (issue 11)`, () => {
  it('refuses the next start from the same address with a 429 page, through /start and /join alike, storing nothing', async () => {
    for (let i = 0; i < LIMIT; i++) {
      // A client's own X-Forwarded-For is not believed (no trusted proxy here), so changing it does not help.
      const res = await start(direct, i % 2 ? '/start' : '/join/limit-study-invite', { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.status, `start ${i + 1}`).toBe(303);
    }
    const before = await storeFingerprint(directDb.raw);
    for (const path of ['/start', '/join/limit-study-invite']) {
      const res = await start(direct, path, { 'x-forwarded-for': '198.51.100.250' });
      expect(res.status, path).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(3600);
      expect(res.body).toContain('data-testid="too-many-starts"');
      expect(res.body).toContain('Nothing was saved');
    }
    expect(await storeFingerprint(directDb.raw)).toBe(before);
  });

  it('behind a trusted proxy counts each client apart, an IPv6 client by its /64', async () => {
    const via = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i < LIMIT; i++) expect((await start(proxied, '/start', via('203.0.113.1'))).status).toBe(303);
    expect((await start(proxied, '/start', via('203.0.113.1'))).status).toBe(429);
    expect((await start(proxied, '/start', via('203.0.113.2'))).status).toBe(303);
    // A client may send its own X-Forwarded-For; only the entry our proxy appended (the last) is believed.
    expect((await start(proxied, '/start', via('192.0.2.99, 203.0.113.1'))).status).toBe(429);
    for (let i = 0; i < LIMIT; i++) expect((await start(proxied, '/start', via(`2001:db8:5:6::${(i + 1).toString(16)}`))).status).toBe(303);
    expect((await start(proxied, '/start', via('2001:db8:5:6:ffff:1:2:3'))).status).toBe(429);
    expect((await start(proxied, '/start', via('2001:db8:5:7::1'))).status).toBe(303);
  });
});
