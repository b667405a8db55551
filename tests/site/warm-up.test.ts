import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { tempDir } from '../helpers/temp-db.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { EVENTUALLY_MS } from '../helpers/limits.ts';

/**
 * What the built server does in the background after its first request
 * (src/server/renderer-warm-up.ts): warm the PDF renderer on the sample
 * report, then write Node's compile cache, which Node itself would write only
 * at a normal exit, never reached by a server stopped with a signal.
 */
const tmp = tempDir('velocity-warm-up-');
let store: TestStore;
const compileCache = join(tmp.dir, 'compile');
let site: RunningSite;

const cachedFiles = () => (existsSync(compileCache) ? readdirSync(compileCache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);

beforeAll(async () => {
  store = await openTestStore();
  await seedParticipants(store.db, instrument, { count: 40, seed: 5 });
  site = await startSite(store.url, { NODE_COMPILE_CACHE: compileCache });
});
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
  tmp.cleanup();
});

describe('the server warm-up', () => {
  it('writes the compile cache after the first request, and the sample report is ready', async () => {
    // startSite's readiness check was the first request; the warm-up renders in the background.
    const deadline = Date.now() + EVENTUALLY_MS;
    while (cachedFiles() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(cachedFiles()).toBeGreaterThan(50);
    const sample = await fetch(`${site.base}/sample/company.pdf`);
    expect(sample.status).toBe(200);
    expect(sample.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await sample.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
