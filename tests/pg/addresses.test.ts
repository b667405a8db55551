import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePgUrl, migratePg, openPg, pgFailureReason } from '../../db/pg/client.ts';
import { pgUrlProblem } from '../../db/pg/url.ts';
import { createDatabase, startCluster, TEST_DATABASE, type Cluster } from '../../scripts/pg-cluster.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { PROCESSES_TEST_MS, SETUP_MS } from '../helpers/limits.ts';

/**
 * PostgreSQL addresses as operators write them (review findings 7 to 11 of
 * issue 15): Unix sockets, a password with a stray %, spaces around the
 * address, a database that does not exist, a role that does not own the
 * database. A cluster of this file's own, for its socket folder and roles.
 */
const SECRET = 'Pw-never-shown';
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
}, SETUP_MS);
afterAll(async () => {
  await cluster?.stop();
});

/** The cluster's database through its Unix socket (scripts/pg-cluster.ts puts it in sock/ of its folder). */
const socketDir = () => join(cluster.dir, 'sock');

describe('Unix-socket addresses', () => {
  it('are accepted in both spellings, and their password is never printed', () => {
    for (const url of [`postgres://velocity:${SECRET}@/velocity?host=/run/postgresql`, 'postgresql:///velocity?host=/var/run/postgresql']) {
      expect(pgUrlProblem(url), url).toBeNull();
      expect(describePgUrl(url)).not.toContain(SECRET);
      expect(describePgUrl(url)).toMatch(/host=%2F(var%2F)?run%2Fpostgresql/);
    }
    expect(describePgUrl(`postgres://velocity:${SECRET}@/velocity?host=/run/postgresql`)).toBe('postgres://velocity@/velocity?host=%2Frun%2Fpostgresql');
  });

  it('still refuse an address with neither a server nor a socket folder', () => {
    for (const url of [`postgres://velocity:${SECRET}@/velocity`, 'postgresql:///velocity', `postgres://velocity:${SECRET}@/velocity?host=relative/dir`]) {
      expect(pgUrlProblem(url), url).toMatch(/^no server named/);
    }
  });

  it('reach the server through its socket: migrated, queried, and named without the password', async () => {
    const url = `postgres://postgres:${SECRET}@/${TEST_DATABASE}?host=${socketDir()}&port=${cluster.port}`;
    const store = await openPgStore(url, { max: 1 });
    try {
      const { rows } = await store.pool.query<{ socket: boolean }>("SELECT inet_server_addr() IS NULL AS socket");
      // No server address: the connection came through the socket, not TCP.
      expect(rows[0]!.socket).toBe(true);
      expect((await store.pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0].n).toBeGreaterThan(0);
    } finally {
      await store.pool.end();
    }
    expect(describePgUrl(url)).toBe(`postgres://postgres@/${TEST_DATABASE}?host=${encodeURIComponent(socketDir())}&port=${cluster.port}`);
  });
});

describe('addresses that are refused with what to do, never echoed', () => {
  it('a % in the password that starts no escape: percent-encode', () => {
    for (const url of [`postgres://velocity:${SECRET}%zz@db.internal/velocity`, `postgres://velocity:${SECRET}%@db.internal/velocity`, `postgres://velocity:${SECRET}%ff@db.internal/velocity`]) {
      const problem = pgUrlProblem(url);
      expect(problem, url).toMatch(/^not readable: a % in the user name, password or database name must start an escape such as %25/);
      expect(problem).toContain('percent-encode');
      expect(describePgUrl(url)).not.toContain(SECRET);
    }
    // Percent-encoded, the same password is fine.
    expect(pgUrlProblem(`postgres://velocity:${SECRET}%25zz@db.internal/velocity`)).toBeNull();
  });

  it('a space or line break before or after the address', () => {
    for (const url of [` postgres://velocity:${SECRET}@db.internal/velocity`, `postgres://velocity:${SECRET}@db.internal/velocity\n`, `postgres://velocity:${SECRET}@db.internal/velocity `]) {
      expect(pgUrlProblem(url), JSON.stringify(url)).toMatch(/^surrounded by spaces or line breaks: remove them/);
    }
  });

  it('by the CLI: exit 2 with the reason, not "URI malformed" or a server named "base"', () => {
    const cases: [string, string][] = [
      [`postgres://velocity:${SECRET}%zz@127.0.0.1:1/velocity`, 'percent-encode'],
      [` postgres://velocity:${SECRET}@127.0.0.1:1/velocity`, 'surrounded by spaces or line breaks'],
      [`postgres://velocity:${SECRET}@127.0.0.1:1/velocity `, 'surrounded by spaces or line breaks'],
    ];
    for (const [db, reason] of cases) {
      const r = runCli(['--db', db, 'migrate']);
      expectUsageError(r, reason);
      expect(r.stderr, db).not.toContain(SECRET);
      expect(r.stderr).not.toMatch(/URI malformed|ENOTFOUND/);
    }
  });
});

describe('a database the role cannot use', () => {
  it('that does not exist: says so and how to create it, from the CLI too', { timeout: PROCESSES_TEST_MS }, () => {
    const url = `postgres://postgres:${SECRET}@127.0.0.1:${cluster.port}/missing_db`;
    const r = runCli(['--db', url, 'migrate']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('database "missing_db" does not exist (3D000). Create it first, as the server\'s administrator: createdb -O postgres missing_db');
    expect(r.stderr).not.toContain(SECRET);
  });

  it('that another role owns: migrate names the refusal (42501) and what to grant, not only the failed statement', async () => {
    const admin = new pg.Client(cluster.adminUrl);
    await admin.connect();
    try {
      await admin.query('CREATE ROLE guest LOGIN');
    } finally {
      await admin.end();
    }
    await createDatabase(cluster.adminUrl, 'owned_by_postgres');
    const url = `postgres://guest:${SECRET}@127.0.0.1:${cluster.port}/owned_by_postgres`;
    const { pool } = openPg(url, { max: 1 });
    let message = '';
    try {
      await migratePg(pool, join(projectRoot(), 'db', 'pg', 'migrations'));
    } catch (e) {
      message = (e as Error).message;
    } finally {
      await pool.end();
    }
    expect(message).toMatch(/^cannot migrate the PostgreSQL database at postgres:\/\/guest@127\.0\.0\.1:\d+\/owned_by_postgres: permission denied for (database owned_by_postgres|schema public) \(42501\)\. The role guest may not create the app's tables there/);
    expect(message).toContain('make it the database\'s owner (ALTER DATABASE owned_by_postgres OWNER TO guest)');
    expect(message).not.toContain(SECRET);
  });

  it('that another role owns, with the grants the README lists: migrates, and the app runs on it', async () => {
    await createDatabase(cluster.adminUrl, 'granted');
    const owner = new pg.Client(`postgres://postgres@127.0.0.1:${cluster.port}/granted`);
    await owner.connect();
    try {
      await owner.query('CREATE ROLE app LOGIN');
      await owner.query('GRANT CREATE ON DATABASE granted TO app');
      await owner.query('GRANT CREATE ON SCHEMA public TO app');
    } finally {
      await owner.end();
    }
    const store = await openPgStore(`postgres://app:${SECRET}@127.0.0.1:${cluster.port}/granted`, { max: 1 });
    try {
      expect((await store.pool.query('SELECT count(*)::int AS n FROM participants')).rows[0].n).toBe(0);
    } finally {
      await store.pool.end();
    }
  });

  it('keeps the failure of the statement itself rather than drizzle\'s "Failed query" around it', () => {
    const driver = Object.assign(new Error('permission denied for database velocity'), { code: '42501' });
    const wrapped = Object.assign(new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"\nparams: '), { cause: driver });
    expect(pgFailureReason(wrapped, `postgres://app:${SECRET}@db/velocity`)).toMatch(/^permission denied for database velocity \(42501\)\. The role app may not create/);
  });
});

describe('scripts/pg-cluster.ts from the command line', () => {
  it('says to stop a cluster by its URL, and stop takes that URL', { timeout: PROCESSES_TEST_MS }, () => {
    const script = join(projectRoot(), 'scripts', 'pg-cluster.ts');
    const started = spawnSync(process.execPath, [script, 'start'], { cwd: projectRoot(), encoding: 'utf8' });
    expect(started.status, started.stderr).toBe(0);
    const url = started.stdout.trim();
    expect(started.stderr).toContain(`stop it with: node scripts/pg-cluster.ts stop ${url}`);
    const stopped = spawnSync(process.execPath, [script, 'stop', url], { cwd: projectRoot(), encoding: 'utf8' });
    expect(stopped.status, stopped.stderr).toBe(0);
    const again = spawnSync(process.execPath, [script, 'stop', url], { cwd: projectRoot(), encoding: 'utf8' });
    expect(again.stderr).toContain(`no cluster of pg-cluster.ts listens on port ${new URL(url).port}`);
  });
});
