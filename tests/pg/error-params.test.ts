import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/server/data/open.ts';
import { pgRead, pgWrite, transaction, type PgStore } from '../../src/server/data/store.ts';
import { freshDatabase } from '../helpers/pg.ts';

const SECRET = 'an-answer-nobody-may-read-in-a-log';
let store: PgStore;

beforeAll(async () => {
  store = await openPgStore(await freshDatabase('params'), { max: 2 });
});
afterAll(async () => {
  await store.pool.end();
});

async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the query was expected to fail');
}

describe('a failed PostgreSQL query', () => {
  it('keeps its SQL and SQLSTATE but not the values it was sent, in reads, writes and transactions', async () => {
    const failing = (h: PgStore['db']) => h.execute(sql`SELECT ${SECRET}::int`);
    for (const run of [() => pgRead(store, failing), () => pgWrite(store, failing), () => transaction(store, (tx) => pgRead(tx, failing))]) {
      const message = await messageOf(run);
      expect(message).toContain('Failed query: SELECT $1::int');
      expect(message).toContain('params: (not logged)');
      expect(message).not.toContain(SECRET);
    }
  });
});
