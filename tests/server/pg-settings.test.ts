import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/server/config.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';

describe('DATABASE_URL and PG_POOL_MAX', () => {
  it('are unset by default: the site runs on SQLite', () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PG_POOL_MAX).toBeUndefined();
  });

  it.each(['postgres://velocity:pw@db.example.com:5432/velocity', 'postgresql://velocity@127.0.0.1/velocity?sslmode=require'])('take a PostgreSQL address: %s', (url) => {
    expect(parseConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });

  it.each(['mysql://velocity:hunter2@db/velocity', 'db.example.com:5432/velocity', './data/velocity.sqlite'])(
    'refuse anything else with a message that says what is wanted and never echoes the value: %s',
    (url) => {
      let error: unknown;
      try {
        parseConfig({ DATABASE_URL: url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL: must be a PostgreSQL address such as postgres://');
      expect(message).not.toContain(url);
      expect(message).not.toContain('hunter2');
    },
  );

  it('PG_POOL_MAX is a whole number from 1 to 1000', () => {
    expect(parseConfig({ PG_POOL_MAX: '25' }).PG_POOL_MAX).toBe(25);
    for (const bad of ['0', '1001', '2.5', 'many']) expect(() => parseConfig({ PG_POOL_MAX: bad }), bad).toThrow(/PG_POOL_MAX/);
  });
});

/** A driver error as node-postgres raises it (a SQLSTATE in `code`), wrapped by drizzle as the cause of its own. */
const pgError = (code: string) => Object.assign(new Error('failed query'), { cause: Object.assign(new Error('from the server'), { code }) });

describe("PostgreSQL's errors that mean nothing was saved", () => {
  it.each([
    ['08006', 'unreachable'],
    ['08001', 'unreachable'],
    ['57P01', 'unreachable'],
    ['57P02', 'unreachable'],
    ['57P03', 'unreachable'],
    ['53100', 'disk-full'],
    ['25006', 'read-only'],
    ['57014', 'busy'],
    ['53300', 'busy'],
  ])('SQLSTATE %s is a storage fault (%s), wrapped or not', (code, problem) => {
    expect(storageFaultOf(pgError(code))).toEqual({ problem, cause: code });
    expect(storageFaultOf(Object.assign(new Error('x'), { code }))).toEqual({ problem, cause: code });
  });

  it('a refused or broken connection is one, also as the AggregateError of several addresses', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(storageFaultOf(refused)).toEqual({ problem: 'unreachable', cause: 'ECONNREFUSED' });
    expect(storageFaultOf(new AggregateError([refused], ''))).toEqual({ problem: 'unreachable', cause: 'ECONNREFUSED' });
    expect(storageFaultOf(new Error('Connection terminated unexpectedly'))?.problem).toBe('unreachable');
    expect(storageFaultOf(new Error('timeout exceeded when trying to connect'))?.problem).toBe('unreachable');
  });

  it.each([
    ['23505', 'a unique violation'],
    ['23503', 'a foreign key violation'],
    ['42P01', 'a missing table'],
    ['40001', 'a serialization failure (retried by the transaction)'],
  ])('SQLSTATE %s, %s, is a bug or a conflict, not a storage fault', (code) => {
    expect(storageFaultOf(pgError(code))).toBeNull();
  });

  it("leaves SQLite's faults as they were", () => {
    expect(storageFaultOf(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toEqual({ problem: 'disk-full', cause: 'SQLITE_FULL' });
    expect(storageFaultOf(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeNull();
    expect(storageFaultOf(new Error('plain'))).toBeNull();
  });
});
