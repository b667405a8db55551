import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, startCluster, type Cluster } from '../../scripts/pg-cluster.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { transaction, type PgStore } from '../../src/server/data/store.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { postForm } from '../helpers/forms.ts';
import { freezeCluster, type Frozen } from '../helpers/freeze.ts';
import { pageFields, startParticipant } from '../helpers/journey.ts';
import { EVENTUALLY_MS, PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';
import { scalar } from '../helpers/pg.ts';

/**
 * A frozen database server (review finding 3 of issue 15): the postmaster
 * and its backends stopped with SIGSTOP, as a hung host or a paused VM. It
 * neither answers nor refuses, so only the client-side timeouts end the
 * wait. A cluster of this file's own: the run's shared one must keep
 * answering the other files.
 */
let cluster: Cluster;
let frozen: Frozen | undefined;

beforeAll(async () => {
  cluster = await startCluster();
}, SETUP_MS);

afterAll(async () => {
  frozen?.thaw();
  await cluster?.stop();
});

/** What `work` throws (it must throw). */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'it should have failed').not.toBeNull();
  return error;
}

const put = (store: PgStore, key: string) => transaction(store, (tx) => tx.db.execute(sql`INSERT INTO settings (key, value) VALUES (${key}, 'v')`));
const backendPid = async (store: PgStore) => (await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

describe('the pool, while the server is frozen', () => {
  let url: string;
  let store: PgStore;

  beforeAll(async () => {
    url = await createDatabase(cluster.adminUrl, 'pool_frozen');
    // One connection: a connection leaked or kept in a bad state would stop everything after it.
    store = await openPgStore(url, { max: 1, statementTimeoutMs: 300, queryTimeoutMs: 800, connectTimeoutMs: 800 });
  }, SETUP_MS);

  afterAll(async () => {
    frozen?.thaw();
    await store?.pool.end();
  });

  it('fails a transaction whose BEGIN gets no answer as a storage fault, and drops its connection rather than leaking it', async () => {
    const before = await backendPid(store);
    frozen = freezeCluster(cluster.dir);
    try {
      const error = await failure(() => put(store, 'during'));
      expect(storageFaultOf(error)?.problem).toBe('unreachable');
      // Gone from the pool while the server is still frozen: neither kept for the next request nor held for good.
      await expect.poll(() => store.pool.totalCount, { timeout: EVENTUALLY_MS }).toBe(0);
    } finally {
      frozen.thaw();
    }
    await put(store, 'after');
    expect(await backendPid(store)).not.toBe(before);
    expect(await scalar(url, "SELECT count(*)::int AS n FROM settings WHERE key IN ('during', 'after')")).toBe(1);
  });

  it('fails a transaction frozen half-way, commits none of it, and never lends its connection, still inside that transaction, to the next one', async () => {
    const error = await failure(() =>
      transaction(store, async (tx) => {
        await tx.db.execute(sql`INSERT INTO settings (key, value) VALUES ('half', 'v')`);
        frozen = freezeCluster(cluster.dir);
        await tx.db.execute(sql`INSERT INTO settings (key, value) VALUES ('other half', 'v')`);
      }),
    );
    try {
      expect(storageFaultOf(error)?.problem).toBe('unreachable');
      await expect.poll(() => store.pool.totalCount, { timeout: EVENTUALLY_MS }).toBe(0);
    } finally {
      frozen!.thaw();
    }
    // On a connection still inside the failed transaction, this would go into it, and its COMMIT would save 'half'.
    await put(store, 'next');
    expect(await scalar(url, "SELECT count(*)::int AS n FROM settings WHERE key IN ('half', 'other half')")).toBe(0);
    expect(await scalar(url, "SELECT count(*)::int AS n FROM settings WHERE key = 'next'")).toBe(1);
  });
});

describe('the site, while its database server is frozen', () => {
  const PASSWORD = 'a long enough password 1';
  let url: string;
  let site: RunningSite;
  let token: string;
  let cookie: string;

  beforeAll(async () => {
    url = await createDatabase(cluster.adminUrl, 'site_frozen');
    // Small timeouts, so that each refused request takes a few seconds rather than half a minute.
    site = await startSite(url, { DEMO_PARTICIPANTS: '0', PG_STATEMENT_TIMEOUT_MS: '1000', PG_CONNECT_TIMEOUT_MS: '1000' });
    const store = await openPgStore(url, { max: 1 });
    try {
      await addConsultant(store, 'frozen@example.com', PASSWORD);
    } finally {
      await store.pool.end();
    }
    token = await startParticipant(site.base);
    const signedIn = await postForm(site.base, '/consultant/sign-in', { email: 'frozen@example.com', password: PASSWORD });
    cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  }, SETUP_MS);

  afterAll(async () => {
    frozen?.thaw();
    await site?.stop();
  });

  it('answers "nothing was saved" (503) to a save, the storage-fault page (503) to a signed-in consultant, and 503 from /readyz; once the server runs again it serves and saves by itself', { timeout: PROCESSES_TEST_MS }, async () => {
    const consultantPage = () => fetch(`${site.base}/consultant`, { headers: { cookie }, redirect: 'manual' });
    expect((await consultantPage()).status, site.output()).toBe(200);
    const fields = { ...pageFields(1), action: 'next' };

    frozen = freezeCluster(cluster.dir);
    try {
      const refused = await postForm(site.base, `/r/${token}/1`, fields);
      expect(refused.status, site.output()).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      const html = await refused.text();
      expect(html).toContain('data-testid="storage-fault"');
      expect(html).toContain('Nothing was saved');

      // Not a 303 to the sign-in form: the session could not be checked, which is not the same as no session.
      const page = await consultantPage();
      expect(page.status, site.output()).toBe(503);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('data-testid="storage-fault"');
      expect(site.output()).toMatch(/storage fault \(unreachable, [^)]+\) in the session check/);

      const ready = await fetch(`${site.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { problems: { name: string }[] }).problems.map((p) => p.name)).toContain('database-unavailable');
    } finally {
      frozen.thaw();
    }

    await expect.poll(async () => (await fetch(`${site.base}/readyz`)).status, { timeout: EVENTUALLY_MS, interval: 200 }).toBe(200);
    await expect.poll(async () => (await postForm(site.base, `/r/${token}/1`, fields)).status, { timeout: EVENTUALLY_MS, interval: 200 }).toBe(303);
    expect(await scalar(url, 'SELECT count(*)::int AS n FROM answers')).toBe(Object.keys(pageFields(1)).length);
    expect((await consultantPage()).status, site.output()).toBe(200);
  });
});
