import { describe, expect, it } from 'vitest';
import { DatabaseOpenError } from '../../db/client.ts';
import { connectTimeoutFrom, pgFailureReason, queryTimeoutFor, statementTimeoutFrom } from '../../db/pg/client.ts';
import { ConfigError, parseConfig } from '../../src/server/config.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';

describe('the PostgreSQL timeouts', () => {
  it('default to 30 s for a statement and 10 s for a connection, and the client waits a little longer than the server', () => {
    expect(statementTimeoutFrom({})).toBe(30_000);
    expect(connectTimeoutFrom({})).toBe(10_000);
    expect(queryTimeoutFor(30_000)).toBe(33_000);
    // At least a second beyond the server's own cancellation, which then always comes first from a live server.
    expect(queryTimeoutFor(1_000)).toBe(2_000);
    // No statement timeout (bulk work): no client-side one either.
    expect(queryTimeoutFor(0)).toBe(0);
  });

  it('come from PG_STATEMENT_TIMEOUT_MS and PG_CONNECT_TIMEOUT_MS, whole milliseconds within bounds', () => {
    expect(statementTimeoutFrom({ PG_STATEMENT_TIMEOUT_MS: '5000' })).toBe(5_000);
    expect(connectTimeoutFrom({ PG_CONNECT_TIMEOUT_MS: ' 2500 ' })).toBe(2_500);
    for (const bad of ['0', '99', '2.5', 'soon', '3600001']) {
      expect(() => statementTimeoutFrom({ PG_STATEMENT_TIMEOUT_MS: bad }), bad).toThrow(DatabaseOpenError);
      expect(() => statementTimeoutFrom({ PG_STATEMENT_TIMEOUT_MS: bad }), bad).toThrow(/^PG_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 3600000/);
    }
    expect(() => connectTimeoutFrom({ PG_CONNECT_TIMEOUT_MS: '600001' })).toThrow(/^PG_CONNECT_TIMEOUT_MS must be/);
  });

  it('a statement the client gave up on is a storage fault: nothing was saved, send it again', () => {
    const wrapped = Object.assign(new Error('Failed query: begin'), { cause: new Error('Query read timeout') });
    expect(storageFaultOf(wrapped)).toEqual({ problem: 'unreachable', cause: 'Query read timeout' });
    expect(storageFaultOf(new Error('Connection terminated due to connection timeout'))?.problem).toBe('unreachable');
  });
});

describe('DATABASE_URL', () => {
  it('with a space or line break around it is refused saying so, never echoed', () => {
    for (const url of [' postgres://velocity:hunter2@db/velocity', 'postgres://velocity:hunter2@db/velocity\n']) {
      let message = '';
      try {
        parseConfig({ DATABASE_URL: url });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message).toContain('the one given is surrounded by spaces or line breaks: remove them');
      expect(message).not.toContain('hunter2');
    }
  });

  it('with a Unix socket folder is taken', () => {
    const url = 'postgres://velocity@/velocity?host=/run/postgresql';
    expect(parseConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });
});

describe('pgFailureReason', () => {
  it("gives the driver's reason rather than drizzle's \"Failed query\" around it, with or without a SQLSTATE, never the password", () => {
    const url = 'postgres://app:hunter2@db/velocity';
    const refused = Object.assign(new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"\nparams: '), {
      cause: Object.assign(new Error('permission denied for database velocity'), { code: '42501' }),
    });
    expect(pgFailureReason(refused, url)).toBe(
      "permission denied for database velocity (42501). The role app may not create the app's tables there: make it the database's owner (ALTER DATABASE velocity OWNER TO app), or see the README's PostgreSQL section for the privileges it needs otherwise",
    );
    const broken = Object.assign(new Error('Failed query: begin\nparams: '), { cause: new Error('Connection terminated unexpectedly (hunter2)') });
    expect(pgFailureReason(broken, url)).toBe('Connection terminated unexpectedly (***)');
  });
});
