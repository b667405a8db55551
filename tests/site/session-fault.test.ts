import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openMigrated } from '../../src/server/db.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { postForm } from '../helpers/forms.ts';
import { SETUP_MS } from '../helpers/limits.ts';
import { damagePage } from '../helpers/storage-faults.ts';
import { tempDir } from '../helpers/temp-db.ts';

/**
 * Review finding 4 of issue 15, on SQLite: a signed-in consultant whose
 * session cannot be read for a storage fault (here the sessions table's page
 * damaged under the running server) gets the 503 "try again" page, not a
 * 303 to the sign-in form. On PostgreSQL: tests/pg/frozen.test.ts.
 */
const PASSWORD = 'a long enough password 1';
const tmp = tempDir('velocity-session-fault-');
const path = join(tmp.dir, 'site.sqlite');
let site: RunningSite;
let cookie: string;

beforeAll(async () => {
  const store = openMigrated(path);
  await addConsultant(store, 'c@example.com', PASSWORD);
  store.db.$client.close();
  site = await startSite(path, { DEMO_PARTICIPANTS: '0' });
  const signedIn = await postForm(site.base, '/consultant/sign-in', { email: 'c@example.com', password: PASSWORD });
  cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
}, SETUP_MS);

afterAll(async () => {
  await site?.stop();
  tmp.cleanup();
});

describe('a session that cannot be read on SQLite', () => {
  it('gets the storage-fault page (503, the security headers), not the sign-in form', async () => {
    const consultantPage = () => fetch(`${site.base}/consultant`, { headers: { cookie }, redirect: 'manual' });
    expect((await consultantPage()).status, site.output()).toBe(200);

    const other = new Database(path);
    const root = other.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'sessions'").pluck().get() as number;
    // A write from this connection makes the server's connection drop its page cache at its next read; the checkpoint
    // puts every page into the main file, where the damage below is then read.
    other.prepare("INSERT INTO settings (key, value) VALUES ('session-fault-test', 'x')").run();
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    damagePage(path, root);

    const page = await consultantPage();
    expect(page.status, site.output()).toBe(503);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('retry-after')).toBe('30');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('data-testid="storage-fault"');
    expect(site.output()).toMatch(/storage fault \(corrupt, SQLITE_CORRUPT[^)]*\) in the session check/);
  });
});
