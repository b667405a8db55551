import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPg } from '../../db/pg/client.ts';
import { freePort } from '../../scripts/site-process.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';
import { checkPgReadiness } from '../../src/server/storage-health.ts';
import { freshDatabase } from '../helpers/pg.ts';

const pools: pg.Pool[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end().catch(() => undefined)));
  await Promise.all(closers.splice(0).map((c) => c()));
});

function pool(url: string, max = 2, connectTimeoutMs?: number): ReturnType<typeof openPg> {
  const opened = openPg(url, { max, connectTimeoutMs });
  pools.push(opened.pool);
  return opened;
}

/** The fault storageFaultOf sees in what `work` throws (it must throw). */
async function faultOf(work: () => Promise<unknown>) {
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the statement should have failed').not.toBeNull();
  return storageFaultOf(error);
}

/** A new database with the app's tables (openPgStore migrates it). */
async function migratedDatabase(label: string): Promise<string> {
  const url = await freshDatabase(label);
  await (await openPgStore(url, { max: 1 })).pool.end();
  return url;
}

describe('checkPgReadiness', () => {
  it("finds nothing wrong while the database answers and holds the app's tables", async () => {
    expect(await checkPgReadiness(pool(await migratedDatabase('ready')).pool)).toEqual([]);
  });

  it("reports a database without the app's tables, naming them", async () => {
    const problems = await checkPgReadiness(pool(await freshDatabase('empty')).pool);
    expect(problems.map((p) => p.name)).toEqual(['database-tables-missing']);
    expect(problems[0]!.detail).toMatch(/^the app's queries do not find .*\banswers\b.*\bparticipants\b/);
  });

  it('reports a server that takes no writes: every transaction read-only, as a standby or a database set so', async () => {
    const url = await freshDatabase('read_only');
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET default_transaction_read_only = on`);
    } finally {
      await admin.end();
    }
    expect(await checkPgReadiness(pool(url).pool)).toEqual([
      { name: 'database-read-only', detail: 'PostgreSQL makes every transaction read-only (default_transaction_read_only is on)' },
    ]);
  });

  it('reports a certificate file the address names that can no longer be read: the database out of reach, as for every save', async () => {
    const { db, pool: p } = pool(`postgres://velocity@127.0.0.1:${await freePort()}/velocity?sslmode=verify-full&sslrootcert=/nonexistent/velocity-ca.pem`);
    expect(await checkPgReadiness(p)).toEqual([{ name: 'database-unavailable', detail: 'PostgreSQL could not run the readiness check (unreachable)' }]);
    // A save meets the same error: a storage fault ("nothing was saved"), not a 500 that reads like a bug.
    expect(await faultOf(() => db.execute(sql`SELECT 1`))).toEqual({
      problem: 'unreachable',
      cause: 'Cannot set up a connection to PostgreSQL: a certificate or key file the address names cannot be read (ENOENT)',
    });
  });

  it('reads a new connection that cannot be secured, or a login refused, as a storage fault ("nothing was saved"), not a bug', async () => {
    const url = await freshDatabase('connect_faults');
    // The test cluster speaks no TLS: a connection that insists on it fails before any statement, as one whose
    // certificate no longer verifies does (node-postgres gives both without a SQLSTATE).
    const secured = new URL(url);
    secured.searchParams.set('sslmode', 'verify-full');
    const { db: tls } = pool(secured.toString());
    expect(await faultOf(() => tls.execute(sql`SELECT 1`))).toEqual({ problem: 'unreachable', cause: 'The server does not support SSL connections' });
    // A role that may no longer log in (ALTER ROLE … NOLOGIN, a changed password): class 28.
    const role = `nologin_${Date.now()}`;
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} NOLOGIN`);
    } finally {
      await admin.end();
    }
    const refused = new URL(url);
    refused.username = role;
    const { db: denied } = pool(refused.toString());
    expect(await faultOf(() => denied.execute(sql`SELECT 1`))).toEqual({ problem: 'denied', cause: '28000' });
  });

  it('reports a database that refuses connections, without its address', async () => {
    const port = await freePort();
    const problems = await checkPgReadiness(pool(`postgres://velocity:pw@127.0.0.1:${port}/velocity`).pool);
    expect(problems).toEqual([{ name: 'database-unavailable', detail: 'PostgreSQL could not run the readiness check (unreachable)' }]);
  });

  it('reports a database that does not answer within the time allowed', async () => {
    // A server that accepts connections and never says a word, as a hung host behind a live port.
    const held = new Set<Socket>();
    const silent = createServer((s) => held.add(s));
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => { for (const s of held) s.destroy(); silent.close(() => r()); }));
    // The pool gives up connecting soon after the check's own limit, so the test does not wait out the default 10 s.
    const problems = await checkPgReadiness(pool(`postgres://velocity@127.0.0.1:${port}/velocity`, 2, 600).pool, 300);
    expect(problems).toEqual([{ name: 'database-unavailable', detail: 'PostgreSQL did not answer the readiness check within 0.3 s' }]);
  });

  it('reports a pool whose every connection is taken while queries wait for one', async () => {
    const { pool: busy } = pool(await migratedDatabase('busy'), 1);
    const client = await busy.connect();
    const waiting = busy.query('SELECT 1');
    try {
      const problems = await checkPgReadiness(busy);
      expect(problems.map((p) => p.name)).toEqual(['pool-exhausted']);
      expect(problems[0]!.detail).toContain('all 1 connections');
    } finally {
      client.release();
      await waiting;
    }
    expect(await checkPgReadiness(busy)).toEqual([]);
  });
});

describe("PostgreSQL's own errors, as storageFaultOf sees them through drizzle", () => {
  it('a statement past its timeout is "busy"; a read-only server is "read-only"', async () => {
    const url = await freshDatabase('faults');
    const store = await openPgStore(url, { max: 1, statementTimeoutMs: 100 });
    pools.push(store.pool);
    expect(await faultOf(() => store.db.execute(sql`SELECT pg_sleep(2)`))).toEqual({ problem: 'busy', cause: '57014' });
    await store.pool.query('ALTER DATABASE ' + new URL(url).pathname.slice(1) + ' SET default_transaction_read_only = on');
    const readOnly = openPg(url, { max: 1 });
    pools.push(readOnly.pool);
    expect(await faultOf(() => readOnly.db.execute(sql`INSERT INTO settings (key, value) VALUES ('k', 'v')`))).toEqual({ problem: 'read-only', cause: '25006' });
  });

  it('a connection the server ends (an administrator, a restart) is "unreachable"', async () => {
    const url = await freshDatabase('ended');
    const { pool: victims } = pool(url, 1);
    // Held by the test, as by a request in the middle of its work: the pool cannot swap it for a fresh one.
    const client = await victims.connect();
    client.on('error', () => undefined);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = pool(url, 1).pool;
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await expect.poll(async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [rows[0]!.pid])).rows[0].n).toBe(0);
    try {
      const fault = await faultOf(() => drizzle(client).execute(sql`SELECT 1`));
      expect(fault?.problem).toBe('unreachable');
    } finally {
      client.release(true);
    }
  });
});
