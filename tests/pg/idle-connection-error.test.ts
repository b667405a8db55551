import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idleConnectionFailed } from '../../db/pg/client.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { postForm } from '../helpers/forms.ts';
import { pageFields, startParticipant } from '../helpers/journey.ts';
import { EVENTUALLY_MS, PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

/**
 * A broken idle connection must never end the app (issue 15, second review,
 * finding 1): with the password '50%off!' written as is, ending the app's
 * connections (pg_terminate_backend) crashed the server, the pool's 'error'
 * listener throwing URIError from decodeURIComponent.
 */
const PASSWORD = '50%off!';

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(inject('pgAdminUrl'));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe("the pool's error listener", () => {
  it('never throws, for any address and any error, and never prints the password', () => {
    const addresses = [
      `postgres://vz:${PASSWORD}@127.0.0.1:5432/vzdb`,
      `postgres://vz:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/vzdb`,
      `postgres://vz:${PASSWORD}@/vzdb?host=/run/%zz`,
      `not a url ${PASSWORD}`,
    ];
    const hostile = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new URIError('URI malformed');
      },
    });
    const errors: unknown[] = [new Error('password authentication failed for user "vz"'), Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), hostile, null, undefined];
    for (const url of addresses) {
      for (const error of errors) {
        const lines: string[] = [];
        expect(() => idleConnectionFailed(error, url, (line) => lines.push(line))).not.toThrow();
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^velocity: an idle PostgreSQL connection/);
        expect(lines[0]).not.toContain('50%off');
        expect(lines[0]).not.toContain('50%25off');
      }
    }
  });

  it('does not throw when writing the line fails', () => {
    expect(() =>
      idleConnectionFailed(new Error('gone'), 'postgres://vz@127.0.0.1/vzdb', () => {
        throw new Error('EPIPE');
      }),
    ).not.toThrow();
  });
});

describe('a server whose connections are ended by the database administrator', () => {
  const role = `vz_${randomBytes(4).toString('hex')}`;
  const database = `vzdb_${randomBytes(4).toString('hex')}`;
  let port: string;
  let site: RunningSite | undefined;

  beforeAll(async () => {
    port = new URL(inject('pgAdminUrl')).port;
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
      await c.query(`CREATE DATABASE ${database} OWNER ${role}`);
    });
  }, SETUP_MS);

  afterAll(async () => {
    await site?.stop();
  });

  it('is not started with the password written with a bare % (the address is refused, not echoed)', { timeout: PROCESSES_TEST_MS }, async () => {
    const error = await startSite(`postgres://${role}:${PASSWORD}@127.0.0.1:${port}/${database}`, { DEMO_PARTICIPANTS: '0' }).then(
      async (s) => {
        await s.stop();
        return 'started';
      },
      (e: Error) => e.message,
    );
    expect(error).toMatch(/exited with/);
    expect(error).toContain('a % in the user name, password or database name must start an escape');
    expect(error).not.toContain('50%off');
  });

  it('keeps serving with the same password percent-encoded: the process stays up and saves again', { timeout: PROCESSES_TEST_MS }, async () => {
    site = await startSite(`postgres://${role}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${database}`, { DEMO_PARTICIPANTS: '0' });
    const token = await startParticipant(site.base);
    const fields = { ...pageFields(1), action: 'next' };

    for (let round = 0; round < 3; round++) {
      const ended = await admin(async (c) => (await c.query<{ n: number }>('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usename = $1', [role])).rows[0]!.n);
      expect(ended, site.output()).toBeGreaterThan(0);
      // Right after, a request may meet a connection the pool has not dropped yet: "nothing was saved" (503), never a crash.
      const answer = await postForm(site.base, `/r/${token}/1`, fields);
      expect([303, 503], site.output()).toContain(answer.status);
      expect(site.exitCode(), site.output()).toBeNull();
    }
    await expect.poll(async () => (await postForm(site!.base, `/r/${token}/1`, fields)).status, { timeout: EVENTUALLY_MS, interval: 200 }).toBe(303);
    expect(site.exitCode(), site.output()).toBeNull();
    // The listener did run (an idle pooled connection was among those ended), and logged without the password.
    expect(site.output()).toMatch(new RegExp(`an idle PostgreSQL connection to postgres://${role}@127\\.0\\.0\\.1:${port}/${database} failed: terminating connection due to administrator command \\(57P01\\)`));
    expect(site.output()).not.toContain('URIError');
    expect(site.output()).not.toContain('50%off');
    expect(site.output()).not.toContain('50%25off');
  });
});
