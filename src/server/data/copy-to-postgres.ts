import { getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db as SqliteDb } from '../../../db/client.ts';
import * as pgSchema from '../../../db/pg/schema.ts';
import * as sqliteSchema from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { scoreParticipant } from '../../domain/scoring.ts';
import { readInstrumentFile } from '../instrument-loader.ts';
import { templatesDir } from '../paths.ts';
import { transaction, type PgHandle, type PgStore } from './store.ts';

/**
 * Copying a SQLite database into PostgreSQL (`cli migrate-to-postgres`):
 * every table of db/schema.ts into its twin of db/pg/schema.ts, parents
 * before children, in one transaction, then checked (verifyCopy). Works on
 * both drivers directly: it is the one piece of code that holds both
 * backends at once.
 */

/** A table of both schemas: the same SQL name, columns and TypeScript names (db/pg/schema.ts). */
export interface TablePair {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
}

/**
 * Every table, ordered so that a table comes after every table its foreign
 * keys point to (a reference to itself, participants.previous_id, is met by
 * copying in id order). Throws when a table of one schema has no twin in
 * the other: a copy that left one out would lose it silently.
 */
export function tablesInCopyOrder(): TablePair[] {
  const pgTables = Object.entries(pgSchema).filter(([, v]) => is(v, PgTable)) as [string, PgTable][];
  const sqliteTables = new Map(Object.entries(sqliteSchema).filter(([, v]) => is(v, SQLiteTable)) as [string, SQLiteTable][]);
  if (pgTables.length !== sqliteTables.size) throw new Error(`db/schema.ts has ${sqliteTables.size} tables and db/pg/schema.ts ${pgTables.length}: they must be the same`);
  const pairs = new Map<string, TablePair>();
  for (const [exported, pg] of pgTables) {
    const sqlite = sqliteTables.get(exported);
    if (!sqlite || getTableName(sqlite) !== getTableName(pg)) throw new Error(`db/pg/schema.ts's ${exported} has no twin in db/schema.ts`);
    pairs.set(getTableName(pg), { name: getTableName(pg), sqlite, pg });
  }
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  const place = (pair: TablePair, path: string[]) => {
    if (placed.has(pair.name)) return;
    if (path.includes(pair.name)) throw new Error(`the foreign keys of ${[...path, pair.name].join(' → ')} form a cycle`);
    for (const fk of getTableConfig(pair.pg).foreignKeys) {
      const parent = getTableName(fk.reference().foreignTable);
      if (parent !== pair.name) place(pairs.get(parent)!, [...path, pair.name]);
    }
    placed.add(pair.name);
    ordered.push(pair);
  };
  for (const pair of pairs.values()) place(pair, []);
  return ordered;
}

/**
 * Columns whose SQLite blob is an array on PostgreSQL (the peer statistics,
 * db/schema.ts: little-endian int32 or float64 per element).
 */
const BLOB_ARRAYS: Record<string, 'int32' | 'float64'> = {
  'peer_score_counts.hundredths': 'int32',
  'peer_item_sums.n': 'int32',
  'peer_item_sums.total': 'float64',
};

function blobToArray(blob: Buffer, kind: 'int32' | 'float64'): number[] {
  const size = kind === 'int32' ? 4 : 8;
  const out = new Array<number>(blob.length / size);
  for (let i = 0; i < out.length; i++) out[i] = kind === 'int32' ? blob.readInt32LE(i * size) : blob.readDoubleLE(i * size);
  return out;
}

/**
 * Rows per INSERT. Each batch goes in as one array per column
 * (`INSERT … SELECT … FROM unnest($1::integer[], $2::text[], …)`): one
 * parameter per column whatever the rows, and PostgreSQL parses each array
 * once, several times faster than a VALUES list of the same rows. An array
 * column (the peer statistics) travels as the text of each row's array and
 * is cast back, since unnest would flatten an array of arrays.
 */
const BATCH_ROWS = 10_000;

export class TargetNotEmptyError extends Error {}

export interface CopyProgress {
  table: string;
  rows: number;
}

/** Rows per table: in the SQLite database (one snapshot) and what the copy inserted. */
export interface CopyResult {
  tables: { name: string; rows: number }[];
}

/**
 * Copies every row of `source` into `target` in one PostgreSQL transaction
 * that holds the whole database (TransactionOptions.locks: an app server
 * already pointed at it waits rather than writing in between), reading
 * SQLite in one read transaction, so the copy is one moment of the source
 * even while a server still writes to it. The target's tables are emptied
 * first; one that holds participants, consultants or studies is refused
 * unless `force`. The identity sequences are moved past the copied ids, so
 * the next participant, consultant or study gets a fresh one.
 */
export async function copySqliteToPg(
  source: SqliteDb,
  target: PgStore,
  options: { force?: boolean; onTable?: (progress: CopyProgress) => void } = {},
): Promise<CopyResult> {
  const pairs = tablesInCopyOrder();
  if (!options.force) {
    const held = await holdings(target.db);
    if (held.length > 0) throw new TargetNotEmptyError(`it already holds ${held.join(', ')}`);
  }
  const sqlite = source.$client;
  sqlite.prepare('BEGIN').run();
  try {
    return await transaction(target, async (tx) => {
      const db = tx.db;
      await db.execute(sql.raw(`TRUNCATE TABLE ${pairs.map((p) => `"${p.name}"`).join(', ')} RESTART IDENTITY CASCADE`));
      const tables: CopyResult['tables'] = [];
      for (const pair of pairs) {
        const rows = await copyTable(sqlite, db, pair);
        await moveSequence(db, pair);
        tables.push({ name: pair.name, rows });
        options.onTable?.({ table: pair.name, rows });
      }
      return { tables };
    });
  } finally {
    sqlite.prepare('COMMIT').run();
  }
}

/** What in the target would be lost: its participants, consultants and studies, as "n participants" phrases. */
async function holdings(db: PgHandle): Promise<string[]> {
  const held: string[] = [];
  for (const table of ['participants', 'consultants', 'studies']) {
    const { rows } = await db.execute<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM "${table}"`));
    const n = Number(rows[0]!.n);
    if (n > 0) held.push(`${n} ${n === 1 ? table.replace(/s$/, '').replace(/ie$/, 'y') : table}`);
  }
  return held;
}

async function copyTable(sqlite: SqliteDb['$client'], db: PgHandle, pair: TablePair): Promise<number> {
  const columns = Object.entries(getTableColumns(pair.sqlite)) as [string, SQLiteColumn][];
  const pgColumns = getTableColumns(pair.pg);
  const arrays = columns.map(([key]) => BLOB_ARRAYS[`${pair.name}.${pgColumns[key]!.name}`]);
  const hasId = columns.some(([, c]) => c.name === 'id');
  const select = sqlite
    .prepare(`SELECT ${columns.map(([, c]) => `"${c.name}"`).join(', ')} FROM "${pair.name}"${hasId ? ' ORDER BY "id"' : ''}`)
    .raw();
  const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
  const types = columns.map(([key]) => pgColumns[key]!.getSQLType());
  const into = sql.raw(`INSERT INTO "${pair.name}" (${names}) SELECT ${columns.map((_, i) => (arrays[i] ? `c${i}::${types[i]}` : `c${i}`)).join(', ')}`);
  const as = sql.raw(`AS u(${columns.map((_, i) => `c${i}`).join(', ')})`);
  let batch: Record<string, unknown>[] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    // The values as the driver sends them (a Date as its ISO text), cast to the column's type.
    const arraysOf = columns.map(([key], i) => {
      const column = pgColumns[key]!;
      const values = batch.map((row) => {
        const value = row[key];
        if (value === null) return null;
        return arrays[i] ? `{${(value as number[]).join(',')}}` : column.mapToDriverValue(value);
      });
      return sql`${sql.param(values)}::${sql.raw(arrays[i] ? 'text' : types[i]!)}[]`;
    });
    await db.execute(sql`${into} FROM unnest(${sql.join(arraysOf, sql`, `)}) ${as}`);
    copied += batch.length;
    batch = [];
  };
  // Nothing else uses the SQLite connection while this iterates across the awaits.
  for (const raw of select.iterate() as Iterable<unknown[]>) {
    const row: Record<string, unknown> = {};
    columns.forEach(([key, column], i) => {
      const value = raw[i];
      const array = arrays[i];
      row[key] = value === null ? null : array ? blobToArray(value as Buffer, array) : column.mapFromDriverValue(value);
    });
    batch.push(row);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}

/** A table whose id is an identity column: its next id comes after the largest copied one. */
async function moveSequence(db: PgHandle, pair: TablePair): Promise<void> {
  if (!Object.values(getTableColumns(pair.pg)).some((c) => c.name === 'id')) return;
  await db.execute(
    sql.raw(
      `SELECT setval(seq, COALESCE((SELECT max("id") FROM "${pair.name}"), 0) + 1, false)
       FROM pg_get_serial_sequence('"${pair.name}"', 'id') AS seq WHERE seq IS NOT NULL`,
    ),
  );
}

export interface CopyCheck {
  /** Each table's rows in the SQLite database and in PostgreSQL. */
  counts: { name: string; sqlite: number; pg: number }[];
  /** Participants whose scores were recomputed from their copied answers. */
  sampled: number;
  /** What disagreed, in words; empty when the copy is right. */
  mismatches: string[];
}

/** The scores a participant's answers give, as stored in `scores`. */
const SCORE_FIELDS = ['velocity', 'value', 'number', 'winRate', 'cycle', 'approach', 'execution', 'personal'] as const;

/**
 * Checks a finished copy: every table has as many rows in PostgreSQL as in
 * SQLite, and for a sample of participants (spread over the ids) the
 * scores recomputed from the answers as copied equal the scores stored, in
 * PostgreSQL and in SQLite. Scores of an instrument version whose file is
 * gone cannot be recomputed and are left out of the sample.
 */
export async function verifyCopy(source: SqliteDb, target: PgStore, sampleSize = 50): Promise<CopyCheck> {
  const sqlite = source.$client;
  const mismatches: string[] = [];
  const counts: CopyCheck['counts'] = [];
  for (const pair of tablesInCopyOrder()) {
    const fromSqlite = (sqlite.prepare(`SELECT count(*) AS n FROM "${pair.name}"`).get() as { n: number }).n;
    const { rows } = await target.pool.query<{ n: number }>(`SELECT count(*) AS n FROM "${pair.name}"`);
    const fromPg = Number(rows[0]!.n);
    counts.push({ name: pair.name, sqlite: fromSqlite, pg: fromPg });
    if (fromSqlite !== fromPg) mismatches.push(`${pair.name}: ${fromSqlite} rows in SQLite, ${fromPg} in PostgreSQL`);
  }

  const instruments = instrumentsByVersion();
  const versions = [...instruments.keys()];
  const { rows: ids } = await target.pool.query<{ id: number }>(
    `SELECT participant_id AS id FROM scores WHERE instrument_version = ANY($1::int[]) ORDER BY md5(participant_id::text) LIMIT $2`,
    [versions, sampleSize],
  );
  const sqliteScore = sqlite.prepare(`SELECT ${SCORE_FIELDS.map((f) => `"${snake(f)}"`).join(', ')} FROM scores WHERE participant_id = ?`);
  for (const { id } of ids) {
    const { rows: stored } = await target.pool.query<Record<string, number | null>>(
      `SELECT instrument_version, ${SCORE_FIELDS.map((f) => `"${snake(f)}"`).join(', ')} FROM scores WHERE participant_id = $1`,
      [id],
    );
    const { rows: answerRows } = await target.pool.query<{ item_id: string; value: string }>('SELECT item_id, value FROM answers WHERE participant_id = $1', [id]);
    const instrument = instruments.get(Number(stored[0]!.instrument_version))!;
    const recomputed = scoreParticipant(instrument, Object.fromEntries(answerRows.map((a) => [a.item_id, a.value])));
    const fromSqlite = sqliteScore.get(id) as Record<string, number | null> | undefined;
    const expected: Record<(typeof SCORE_FIELDS)[number], number | null> = { ...recomputed.company, ...recomputed.personal };
    for (const field of SCORE_FIELDS) {
      const pgValue = stored[0]![snake(field)] ?? null;
      if (pgValue !== expected[field]) mismatches.push(`participant ${id}: ${field} is ${pgValue} in PostgreSQL, ${expected[field]} recomputed from the copied answers`);
      if (fromSqlite && (fromSqlite[snake(field)] ?? null) !== pgValue) mismatches.push(`participant ${id}: ${field} is ${fromSqlite[snake(field)]} in SQLite, ${pgValue} in PostgreSQL`);
    }
    if (!fromSqlite) mismatches.push(`participant ${id} has a score in PostgreSQL but none in SQLite`);
  }
  return { counts, sampled: ids.length, mismatches };
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every instrument file under templates/instruments that reads, by version (a score records the version it was given with). */
function instrumentsByVersion(): Map<number, Instrument> {
  const byVersion = new Map<number, Instrument>();
  const dir = join(templatesDir(), 'instruments');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const result = readInstrumentFile(join(dir, file));
    if (result.ok) byVersion.set(result.instrument.version, result.instrument);
  }
  return byVersion;
}
