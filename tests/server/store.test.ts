import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { onSqlite, sqliteStore, transaction, type SqliteStore, type Store } from '../../src/server/data/store.ts';
import { migrationsDir } from '../../src/server/paths.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { insertStudy, studiesOf } from '../../src/server/repositories/studies.ts';

/**
 * The Store's transaction semantics on a real SQLite file: what every
 * service relies on now that a transaction awaits while holding the one
 * connection of the process.
 */

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'velocity-store-'));
  const db = openDatabase(join(dir, 'store.sqlite'), { migrationsFolder: migrationsDir() });
  db.$client.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
  `);
  store = sqliteStore(db);
});

afterEach(() => {
  if (store.db.$client.open) store.db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (s: Store, v: string) => onSqlite(s, (h) => h.$client.prepare('INSERT INTO t (v) VALUES (?)').run(v));
/** What is stored, read on the raw handle (outside any transaction by the time it is called). */
const stored = () => (store.db.$client.prepare('SELECT v FROM t ORDER BY id').pluck().all() as string[]);
/** Lets every pending callback and timer of this turn run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('transaction', () => {
  it('commits what fn did and returns what fn returns', async () => {
    const result = await transaction(store, async (tx) => {
      await put(tx, 'a');
      await put(tx, 'b');
      return 42;
    });
    expect(result).toBe(42);
    expect(stored()).toEqual(['a', 'b']);
    expect(store.db.$client.inTransaction).toBe(false);
  });

  it('rolls back everything of fn when it throws, and rethrows the same error', async () => {
    const failure = new Error('stop here');
    await expect(
      transaction(store, async (tx) => {
        await put(tx, 'a');
        await put(tx, 'b');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(stored()).toEqual([]);
    expect(store.db.$client.inTransaction).toBe(false);
  });

  it('rolls back a savepoint that throws and keeps the outer work', async () => {
    await transaction(store, async (tx) => {
      await put(tx, 'outer before');
      await expect(
        transaction(tx, async (sp) => {
          expect(sp.depth).toBe(2);
          await put(sp, 'inner');
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await put(tx, 'outer after');
    });
    expect(stored()).toEqual(['outer before', 'outer after']);
  });

  it("makes a repository's own better-sqlite3 transaction a savepoint of the Store's transaction (rolled back with it)", async () => {
    // better-sqlite3's transaction function asks `inTransaction` (SQLite's autocommit flag), which the Store's BEGIN clears.
    await expect(
      transaction(store, async (tx) => {
        expect(await onSqlite(tx, (h) => h.$client.inTransaction)).toBe(true);
        await onSqlite(tx, (h) => h.$client.transaction(() => h.$client.prepare('INSERT INTO t (v) VALUES (?)').run('nested'))());
        // A repository function that writes several rows in a drizzle transaction of its own (studies.ts).
        const consultant = await insertConsultant(tx, { email: 'store@example.com', passwordHash: 'x' });
        await insertStudy(tx, consultant.id, 'Study', 'token-store-test');
        expect(await studiesOf(tx, consultant.id)).toHaveLength(1);
        throw new Error('roll everything back');
      }),
    ).rejects.toThrow('roll everything back');
    expect(stored()).toEqual([]);
    expect(store.db.$client.prepare('SELECT count(*) FROM studies').pluck().get()).toBe(0);
    expect(store.db.$client.prepare('SELECT count(*) FROM consultants').pluck().get()).toBe(0);
  });

  it('makes a query of another flow on the root store wait for the transaction, outside it', async () => {
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const tx = transaction(store, async (t) => {
      await put(t, 'in the transaction');
      await gate;
      throw new Error('rolled back');
    });
    let otherDone = false;
    const other = (async () => {
      await put(store, 'another request');
      otherDone = true;
    })();
    await settle();
    // The other flow waits while the transaction holds the connection.
    expect(otherDone).toBe(false);
    letGo();
    await expect(tx).rejects.toThrow('rolled back');
    await other;
    expect(otherDone).toBe(true);
    // The other flow's insert was not inside the transaction: the rollback left it in place.
    expect(stored()).toEqual(['another request']);
  });

  it('runs two transactions started in the same tick one after the other, both committed', async () => {
    const order: string[] = [];
    const run = (name: string) =>
      transaction(store, async (tx) => {
        order.push(`${name} begins`);
        await put(tx, name);
        await settle();
        await put(tx, `${name} again`);
        order.push(`${name} ends`);
        return name;
      });
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect([a, b]).toEqual(['a', 'b']);
    expect(order).toEqual(['a begins', 'a ends', 'b begins', 'b ends']);
    expect(stored()).toEqual(['a', 'a again', 'b', 'b again']);
  });

  it('refuses the root store used inside a transaction at once instead of waiting for itself', async () => {
    await expect(
      transaction(store, async (tx) => {
        await put(tx, 'first');
        await put(store, 'through the root store');
      }),
    ).rejects.toThrow(/root store was used inside a transaction/);
    await expect(
      transaction(store, async () => {
        await transaction(store, async () => undefined);
      }),
    ).rejects.toThrow(/root store was used inside a transaction/);
    expect(stored()).toEqual([]);
    // The connection is free again.
    await put(store, 'after');
    expect(stored()).toEqual(['after']);
  }, 5_000);

  it("refuses a transaction's store used after its transaction ended", async () => {
    let kept: Store | undefined;
    let keptSavepoint: Store | undefined;
    await transaction(store, async (tx) => {
      kept = tx;
      await transaction(tx, async (sp) => {
        keptSavepoint = sp;
      });
      // The savepoint ended; its transaction goes on.
      await expect(put(keptSavepoint!, 'late')).rejects.toThrow(/after its transaction ended/);
      await put(tx, 'in time');
    });
    await expect(put(kept!, 'too late')).rejects.toThrow(/after its transaction ended/);
    await expect(transaction(kept!, async () => undefined)).rejects.toThrow(/after its transaction ended/);
    await expect(put(keptSavepoint!, 'too late')).rejects.toThrow(/after its transaction ended/);
    expect(stored()).toEqual(['in time']);
  });

  it('refuses a savepoint left running past the end of the transaction around it', async () => {
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let late: Promise<unknown> | undefined;
    await transaction(store, async (tx) => {
      await put(tx, 'outer');
      // A bug: the savepoint is not awaited, so the transaction ends while it still runs.
      late = transaction(tx, async (sp) => {
        await gate;
        await put(sp, 'after the end');
      });
    });
    letGo();
    await expect(late).rejects.toThrow(/after its transaction ended/);
    // Its SAVEPOINT was committed with the transaction; nothing ran on the connection after the end.
    expect(stored()).toEqual(['outer']);
    expect(store.db.$client.inTransaction).toBe(false);
  });

  it('leaves no transaction open when COMMIT fails, and the connection usable', async () => {
    // A deferred foreign key is checked at COMMIT: the COMMIT fails and SQLite keeps the transaction open.
    await expect(
      transaction(store, async (tx) => {
        await put(tx, 'with the orphan');
        await onSqlite(tx, (h) => h.$client.prepare('INSERT INTO child (parent_id) VALUES (99)').run());
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(store.db.$client.inTransaction).toBe(false);
    expect(store.connection.open).toBeNull();
    expect(stored()).toEqual([]);
    expect(store.db.$client.prepare('SELECT count(*) FROM child').pluck().get()).toBe(0);
    await transaction(store, async (tx) => put(tx, 'next'));
    expect(stored()).toEqual(['next']);
  });
});
