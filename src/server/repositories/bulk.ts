import type { Db } from '../../../db/client.ts';
import { NumberFieldIds } from '../../domain/instrument.ts';
import type { StatsAccumulator } from '../../domain/peer-stats.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { addPeerStatsOn } from './peer-stats.ts';
import * as pgBulk from './pg/bulk.ts';
import { PROFILE_COLUMNS, SCORE_FIELDS, type EncodedBatch } from '../services/seed-batch.ts';

/**
 * Bulk writes for seeding: plain prepared statements with many rows per
 * statement, because a million participants through the query builder would
 * spend more time building SQL than SQLite spends storing it.
 */
const ROWS_PER_STATEMENT = 64;

/**
 * Marks seeded participants: their resume "hash" is this prefix and the id, which no SHA-256 digest can equal.
 * Their scores are written with population `demo` (src/domain/population.ts).
 */
export const SYNTHETIC_PREFIX = 'synthetic:';
const NUMBER_COLUMNS = NumberFieldIds.map((id) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

function multiInsert(db: Db, table: string, columns: readonly string[]) {
  const one = `(${columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
  const full = db.$client.prepare(head + Array(ROWS_PER_STATEMENT).fill(one).join(','));
  const width = columns.length;
  let buffer: unknown[] = [];
  return {
    add(values: unknown[]) {
      for (const v of values) buffer.push(v);
      if (buffer.length === ROWS_PER_STATEMENT * width) {
        full.run(buffer);
        buffer = [];
      }
    },
    flush() {
      if (buffer.length === 0) return;
      db.$client.prepare(head + Array(buffer.length / width).fill(one).join(',')).run(buffer);
      buffer = [];
    },
  };
}

const SCORE_COLUMNS = [
  'participant_id', 'value', 'number', 'win_rate', 'cycle', 'velocity', 'approach', 'execution', 'personal',
  'study_id', 'company_id', 'role', 'industry', 'employees', 'sales_team', 'region', 'motion',
  'instrument_version', 'population', 'computed_at',
] as const;

/** What seeding writes through; each call is one piece of work on the connection. */
export interface BulkWriter {
  /**
   * Large loads drop the secondary indexes and build them again at the end:
   * one sort per index is far cheaper than a million random inserts into it.
   * Returns the statements that recreate them, read from the schema itself.
   */
  dropSecondaryIndexes(): Promise<string[]>;
  /** Stores peer statistics tallied over the batches written, added to what was there. */
  writeStats(stats: StatsAccumulator): Promise<void>;
  createIndexes(statements: readonly string[]): Promise<void>;
  /**
   * After the load and its statistics are written: the query planner's
   * statistics of the tables filled. PostgreSQL plans from them (and reads an
   * index alone only for pages its visibility map marks), so a freshly seeded
   * million would otherwise be planned as an empty table; SQLite plans from
   * its indexes and needs nothing.
   */
  refreshPlannerStatistics(): Promise<void>;
  nextId(): Promise<number>;
  /** Writes one batch in one transaction (a savepoint when given a transaction's store). */
  write(batch: EncodedBatch): Promise<void>;
}

/**
 * The bulk writer of the store's connection. Its statements are prepared
 * once, here, on the connection's handle; every call runs its synchronous
 * work through onSqlite, so it never runs inside another request's
 * transaction (a writer made from a transaction's store refuses to run once
 * that transaction has ended).
 */
export async function createBulkWriter(db: Store): Promise<BulkWriter> {
  if (db.backend === 'pg') return pgBulk.createBulkWriter(db);
  return onSqlite(db, (h) => {
    const sync = createBulkWriterOn(h);
    return {
      dropSecondaryIndexes: () => onSqlite(db, () => sync.dropSecondaryIndexes()),
      writeStats: (stats) => onSqlite(db, () => sync.writeStats(stats)),
      createIndexes: (statements) => onSqlite(db, () => sync.createIndexes(statements)),
      refreshPlannerStatistics: async () => {},
      nextId: () => onSqlite(db, () => sync.nextId()),
      write: (batch) => onSqlite(db, () => sync.write(batch)),
    };
  });
}

function createBulkWriterOn(db: Db) {
  const participantsIns = multiInsert(db, 'participants', [
    'id', 'role', 'company_name', 'industry', 'employees', 'sales_team', 'region', 'motion',
    'instrument_id', 'instrument_version', 'status', 'resume_token_hash', 'created_at', 'updated_at', 'completed_at',
  ]);
  const answersIns = multiInsert(db, 'answers', ['participant_id', 'item_id', 'value']);
  const numbersIns = multiInsert(db, 'participant_numbers', ['participant_id', ...NUMBER_COLUMNS]);
  const scoresIns = multiInsert(db, 'scores', SCORE_COLUMNS);
  const flushAll = () => [participantsIns, answersIns, numbersIns, scoresIns].forEach((s) => s.flush());

  const P = PROFILE_COLUMNS.length;
  const S = SCORE_FIELDS.length;
  const N = NumberFieldIds.length;
  const currencyAt = NumberFieldIds.indexOf('currency');
  const nullable = (x: number) => (Number.isNaN(x) ? null : x);

  const writeBatch = db.$client.transaction((b: EncodedBatch) => {
    const items = b.itemIds.length;
    const at = (i: number, c: number) => b.profileDict[c]![b.profile[i * P + c]!]!;
    // Synthetic resume "hashes" are zero-padded so that they sort, and append, in id order.
    const hash = (id: number) => `${SYNTHETIC_PREFIX}${String(id).padStart(12, '0')}`;
    for (let i = 0; i < b.size; i++) {
      const id = b.firstId + i;
      const t = b.createdAt[i]!;
      participantsIns.add([
        id, at(i, 0), b.companies[i], at(i, 1), at(i, 2), at(i, 3), at(i, 4), at(i, 5),
        b.instrumentId, b.instrumentVersion, 'completed', hash(id), t, t, t,
      ]);
    }
    // Parents before children, so the foreign keys hold at every statement.
    participantsIns.flush();
    for (let i = 0; i < b.size; i++) {
      const id = b.firstId + i;
      for (let k = 0; k < items; k++) {
        const code = b.answers[i * items + k]!;
        if (code) answersIns.add([id, b.itemIds[k], b.answerDict[k]![code - 1]]);
      }
      if (b.hasNumbers[i]) {
        const row: unknown[] = [id];
        for (let c = 0; c < N; c++) {
          const v = b.numbers[i * N + c]!;
          row.push(Number.isNaN(v) ? null : c === currencyAt ? b.currencies[v] : v);
        }
        numbersIns.add(row);
      }
      const sc = (c: number) => nullable(b.scores[i * S + c]!);
      scoresIns.add([
        id, sc(0), sc(1), sc(2), sc(3), sc(4), sc(5), sc(6), sc(7),
        null, null, at(i, 0), at(i, 1), at(i, 2), at(i, 3), at(i, 4), at(i, 5),
        b.instrumentVersion, 'demo', b.createdAt[i],
      ]);
    }
    flushAll();
  });

  return {
    dropSecondaryIndexes(): string[] {
      const rows = db.$client
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('participants', 'scores', 'answers', 'participant_numbers') AND sql IS NOT NULL")
        .all() as { name: string; sql: string }[];
      for (const r of rows) db.$client.exec(`DROP INDEX "${r.name}"`);
      return rows.map((r) => r.sql);
    },
    writeStats(stats: StatsAccumulator): void {
      db.$client.transaction(() => addPeerStatsOn(db, stats))();
    },
    createIndexes(statements: readonly string[]): void {
      db.$client.transaction(() => statements.forEach((sql) => db.$client.exec(sql)))();
    },
    nextId: (): number =>
      (db.$client.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM participants').get() as { id: number }).id,
    write: (batch: EncodedBatch) => writeBatch(batch),
  };
}
