import { getTableName, is, type Table } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as pg from '../../db/pg/schema.ts';
import * as sqlite from '../../db/schema.ts';

/**
 * The PostgreSQL schema gives the app the same row types as SQLite's, so
 * the code above the data-access layer uses one set of types for both
 * backends. Checked by the compiler (`tsc --noEmit` in `npm test`); the two
 * peer-statistics tables differ on purpose (arrays instead of blobs, see
 * db/pg/schema.ts) and are read only by their repositories.
 */
describe('the PostgreSQL schema', () => {
  it('reads every table but the peer statistics as the same rows as SQLite', () => {
    expectTypeOf<typeof pg.consultants.$inferSelect>().toEqualTypeOf<typeof sqlite.consultants.$inferSelect>();
    expectTypeOf<typeof pg.sessions.$inferSelect>().toEqualTypeOf<typeof sqlite.sessions.$inferSelect>();
    expectTypeOf<typeof pg.signInAttempts.$inferSelect>().toEqualTypeOf<typeof sqlite.signInAttempts.$inferSelect>();
    expectTypeOf<typeof pg.rateLimitHits.$inferSelect>().toEqualTypeOf<typeof sqlite.rateLimitHits.$inferSelect>();
    expectTypeOf<typeof pg.studies.$inferSelect>().toEqualTypeOf<typeof sqlite.studies.$inferSelect>();
    expectTypeOf<typeof pg.companies.$inferSelect>().toEqualTypeOf<typeof sqlite.companies.$inferSelect>();
    expectTypeOf<typeof pg.studyWaves.$inferSelect>().toEqualTypeOf<typeof sqlite.studyWaves.$inferSelect>();
    expectTypeOf<typeof pg.waveLinks.$inferSelect>().toEqualTypeOf<typeof sqlite.waveLinks.$inferSelect>();
    expectTypeOf<typeof pg.invitations.$inferSelect>().toEqualTypeOf<typeof sqlite.invitations.$inferSelect>();
    expectTypeOf<typeof pg.mailOutbox.$inferSelect>().toEqualTypeOf<typeof sqlite.mailOutbox.$inferSelect>();
    expectTypeOf<typeof pg.participants.$inferSelect>().toEqualTypeOf<typeof sqlite.participants.$inferSelect>();
    expectTypeOf<typeof pg.answers.$inferSelect>().toEqualTypeOf<typeof sqlite.answers.$inferSelect>();
    expectTypeOf<typeof pg.participantNumbers.$inferSelect>().toEqualTypeOf<typeof sqlite.participantNumbers.$inferSelect>();
    expectTypeOf<typeof pg.scores.$inferSelect>().toEqualTypeOf<typeof sqlite.scores.$inferSelect>();
    expectTypeOf<typeof pg.settings.$inferSelect>().toEqualTypeOf<typeof sqlite.settings.$inferSelect>();
  });

  it('takes the same rows to insert', () => {
    expectTypeOf<typeof pg.participants.$inferInsert>().toEqualTypeOf<typeof sqlite.participants.$inferInsert>();
    expectTypeOf<typeof pg.answers.$inferInsert>().toEqualTypeOf<typeof sqlite.answers.$inferInsert>();
    expectTypeOf<typeof pg.consultants.$inferInsert>().toEqualTypeOf<typeof sqlite.consultants.$inferInsert>();
    // SQLite lets an INTEGER PRIMARY KEY be left out (it becomes the rowid); these keys are a participant's id, always given.
    expectTypeOf<typeof sqlite.scores.$inferInsert & { participantId: number }>().toExtend<typeof pg.scores.$inferInsert>();
    expectTypeOf<typeof sqlite.participantNumbers.$inferInsert & { participantId: number }>().toExtend<typeof pg.participantNumbers.$inferInsert>();
  });

  it('has the same tables', () => {
    expectTypeOf<keyof typeof pg>().toEqualTypeOf<Exclude<keyof typeof sqlite, never>>();
  });
});

type Shape = {
  columns: string[];
  primaryKeys: string[];
  indexes: string[];
  foreignKeys: string[];
};

const names = (columns: readonly unknown[]) => columns.map((c) => (c as { name: string }).name).join(',');

/** What the two dialects must agree on, as comparable text: names, nullability, defaults, keys, indexes and cascades. */
function shapeOf(config: {
  columns: readonly { name: string; notNull: boolean; hasDefault: boolean; primary: boolean; isUnique: boolean }[];
  primaryKeys: readonly { columns: readonly unknown[] }[];
  indexes: readonly { config: { name?: string; unique: boolean; columns: readonly unknown[] } }[];
  foreignKeys: readonly { onDelete?: string | undefined; reference: () => { columns: readonly unknown[]; foreignColumns: readonly unknown[]; foreignTable: Table } }[];
}): Shape {
  return {
    // A key's default is left out: SQLite gives every INTEGER PRIMARY KEY one (the rowid), PostgreSQL only the identity columns.
    columns: config.columns.map((c) => `${c.name} ${c.notNull ? 'not null' : 'null'}${c.hasDefault && !c.primary ? ' default' : ''}${c.primary ? ' primary' : ''}${c.isUnique ? ' unique' : ''}`).sort(),
    primaryKeys: config.primaryKeys.map((k) => names(k.columns)).sort(),
    indexes: config.indexes.map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''} (${names(i.config.columns)})`).sort(),
    foreignKeys: config.foreignKeys
      .map((f) => {
        const r = f.reference();
        return `(${names(r.columns)}) → ${getTableName(r.foreignTable)}(${names(r.foreignColumns)}) on delete ${f.onDelete ?? 'no action'}`;
      })
      .sort(),
  };
}

const sqliteTables = Object.values(sqlite).filter((v) => is(v, SQLiteTable)) as SQLiteTable[];
/** Arrays of counters instead of blobs (db/pg/schema.ts): their columns differ, their keys do not. */
const PEER_STATS = new Set(['peer_score_counts', 'peer_item_sums']);

describe.each(sqliteTables.map((t) => [getTableName(t), t] as const))('the PostgreSQL table %s', (name, sqliteTable) => {
  const pgTable = (Object.values(pg).filter((v) => is(v, PgTable)) as PgTable[]).find((t) => getTableName(t) === name);

  it('has the SQLite columns, keys, indexes and cascades', () => {
    expect(pgTable, `db/pg/schema.ts has no table ${name}`).toBeDefined();
    const want = shapeOf(getSqliteTableConfig(sqliteTable));
    const got = shapeOf(getPgTableConfig(pgTable!));
    if (PEER_STATS.has(name)) {
      expect({ ...got, columns: [] }).toEqual({ ...want, columns: [] });
      expect(got.columns.map((c) => c.split(' ')[0])).toEqual(want.columns.map((c) => c.split(' ')[0]));
    } else {
      expect(got).toEqual(want);
    }
  });
});
