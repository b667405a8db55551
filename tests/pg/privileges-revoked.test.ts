import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { postForm } from '../helpers/forms.ts';
import { pageFields, startParticipant } from '../helpers/journey.ts';
import { PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

/**
 * The app's role losing its privileges while the servers run (issue 15,
 * second review, finding 5): after REVOKE ALL ON answers, scores (or on
 * sessions, sign_in_attempts) participants' saves and sign-in answered 500.
 * Nothing was saved, as with the other faults of the database: the same 503
 * "nothing was saved, send it again" page, logged with its reason.
 */
const PASSWORD = 'a long enough password 1';

async function asAdmin(statement: string): Promise<void> {
  const client = new pg.Client(inject('pgAdminUrl'));
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

it('insufficient_privilege (42501) is a storage fault', () => {
  const driverError = Object.assign(new Error('permission denied for table answers'), { code: '42501' });
  expect(storageFaultOf(new Error('Failed query: insert into "answers" …', { cause: driverError }))).toEqual({ problem: 'denied', cause: '42501' });
  // A neighbour of its class (42P01 undefined_table: a bug or a missing migration) stays a plain error.
  expect(storageFaultOf(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBeNull();
});

describe('a server whose role loses its privileges mid-run', () => {
  const role = `vp_${randomBytes(4).toString('hex')}`;
  const database = `vpdb_${randomBytes(4).toString('hex')}`;
  let site: RunningSite;
  let url: string;

  beforeAll(async () => {
    await asAdmin(`CREATE ROLE ${role} LOGIN`);
    await asAdmin(`CREATE DATABASE ${database} OWNER ${role}`);
    const admin = new URL(inject('pgAdminUrl'));
    url = `postgres://${role}@${admin.host}/${database}`;
    site = await startSite(url, { DEMO_PARTICIPANTS: '0' });
    const store = await openPgStore(url, { max: 1 });
    try {
      await addConsultant(store, 'revoked@example.com', PASSWORD);
    } finally {
      await store.pool.end();
    }
  }, SETUP_MS);

  afterAll(async () => {
    await site?.stop();
  });

  /** `statement` run in the app's database as the superuser (tables are per database). */
  async function inDatabase(statement: string): Promise<void> {
    const admin = new URL(inject('pgAdminUrl'));
    admin.pathname = `/${database}`;
    const client = new pg.Client(admin.toString());
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  function expectNothingSaved(response: Response, html: string): void {
    expect(response.status, site.output()).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(html).toContain('data-testid="storage-fault"');
    expect(html).toContain('Nothing was saved');
  }

  it('answers a participant\'s save with "nothing was saved" (503), logs why, and saves once the privileges are back', { timeout: PROCESSES_TEST_MS }, async () => {
    const token = await startParticipant(site.base);
    const fields = { ...pageFields(1), action: 'next' };
    await inDatabase(`REVOKE ALL ON answers, scores FROM ${role}`);
    try {
      const refused = await postForm(site.base, `/r/${token}/1`, fields);
      expectNothingSaved(refused, await refused.text());
      expect(site.output()).toMatch(/storage fault \(denied, 42501\) in [^\n]+: nothing from this request was stored/);
      // The load balancer hears it too: this instance cannot take saves.
      const readiness = await fetch(`${site.base}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({
        ready: false,
        database: 'not-writable',
        problems: [{ name: 'database-privileges', detail: "the app's role may not write answers, scores" }],
      });
    } finally {
      await inDatabase(`GRANT ALL ON answers, scores TO ${role}`);
    }
    expect((await postForm(site.base, `/r/${token}/1`, fields)).status, site.output()).toBe(303);
    expect(await (await fetch(`${site.base}/readyz`)).json()).toMatchObject({ database: 'writable', problems: [] });
  });

  it("tells /readyz of a sequence taken away, and pays no heed to tables in the schema that are not the app's", { timeout: PROCESSES_TEST_MS }, async () => {
    await inDatabase('CREATE TABLE someone_elses (x integer)');
    try {
      // The app's role may not touch it: not the app's business, so still ready to write.
      expect(await (await fetch(`${site.base}/readyz`)).json()).toMatchObject({ database: 'writable', problems: [] });
      await inDatabase(`REVOKE ALL ON SEQUENCE participants_id_seq FROM ${role}`);
      try {
        const readiness = await fetch(`${site.base}/readyz`);
        expect(readiness.status).toBe(503);
        expect(await readiness.json()).toMatchObject({ problems: [{ name: 'database-privileges', detail: "the app's role may not write participants_id_seq" }] });
      } finally {
        await inDatabase(`GRANT ALL ON SEQUENCE participants_id_seq TO ${role}`);
      }
      // One privilege of several is enough to fail every save there (has_table_privilege with a list asks for any).
      await inDatabase(`REVOKE INSERT ON answers FROM ${role}`);
      try {
        const expectAnswersDenied = async () => {
          const readiness = await fetch(`${site.base}/readyz`);
          expect(readiness.status).toBe(503);
          expect(await readiness.json()).toMatchObject({ problems: [{ name: 'database-privileges', detail: "the app's role may not write answers" }] });
        };
        await expectAnswersDenied();
        // A schema named after the role goes first on the default search path ("$user", public): the tables are still
        // found where the app's queries find them, and still refused.
        await inDatabase(`CREATE SCHEMA ${role} AUTHORIZATION ${role}`);
        await expectAnswersDenied();
      } finally {
        await inDatabase(`GRANT INSERT ON answers TO ${role}`);
        await inDatabase(`DROP SCHEMA IF EXISTS ${role}`);
      }
      expect(await (await fetch(`${site.base}/readyz`)).json()).toMatchObject({ database: 'writable', problems: [] });
    } finally {
      await inDatabase('DROP TABLE someone_elses');
    }
  });

  it('answers a sign-in with the same 503 page while sessions and sign-in attempts are out of reach', { timeout: PROCESSES_TEST_MS }, async () => {
    await inDatabase(`REVOKE ALL ON sessions, sign_in_attempts FROM ${role}`);
    try {
      const refused = await postForm(site.base, '/consultant/sign-in', { email: 'revoked@example.com', password: PASSWORD });
      expectNothingSaved(refused, await refused.text());
      expect(refused.headers.get('set-cookie')).toBeNull();
    } finally {
      await inDatabase(`GRANT ALL ON sessions, sign_in_attempts TO ${role}`);
    }
    const signedIn = await postForm(site.base, '/consultant/sign-in', { email: 'revoked@example.com', password: PASSWORD });
    expect(signedIn.status, site.output()).toBe(303);
    expect(signedIn.headers.get('set-cookie')).toMatch(/./);
    // The values a request carried are never in the log: only the SQLSTATE and where it happened.
    expect(site.output()).not.toContain('revoked@example.com');
    expect(site.output()).not.toContain(PASSWORD);
  });
});
