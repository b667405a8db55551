import type { Db } from '../../../db/client.ts';
import { NumberFieldIds, type Instrument } from '../../domain/instrument.ts';
import { COMPARE_DIMENSIONS, createStatsAccumulator, MEASURES } from '../../domain/peer-stats.ts';
import { companyItems, itemScore } from '../../domain/scoring.ts';
import { addPeerStats } from './peer-stats.ts';
import { PROFILE_COLUMNS, SCORE_FIELDS, type EncodedBatch } from '../services/seed-batch.ts';

/**
 * Bulk writes for seeding: plain prepared statements with many rows per
 * statement, because a million participants through the query builder would
 * spend more time building SQL than SQLite spends storing it.
 */
const ROWS_PER_STATEMENT = 64;

/** Marks seeded participants: their resume "hash" is this prefix and the id, which no SHA-256 digest can equal. */
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
  'instrument_version', 'computed_at',
] as const;

export function createBulkWriter(db: Db, instrument: Instrument) {
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

  // Peer statistics are tallied in memory while rows are written and stored once at the end.
  const statsItems = companyItems(instrument);
  const stats = createStatsAccumulator(statsItems.map((i) => i.id));
  const scoreAt = new Map(SCORE_FIELDS.map((f, c) => [f, c]));
  const measureColumns = MEASURES.map((m) => scoreAt.get(m)!);
  const profileAt = new Map(PROFILE_COLUMNS.map((f, c) => [f, c]));
  const dimensionColumns = COMPARE_DIMENSIONS.map((d) => profileAt.get(d)!);

  function tallyBatch(b: EncodedBatch): void {
    const items = b.itemIds.length;
    const columns = statsItems.map((item) => b.itemIds.indexOf(item.id));
    // Score of each answer code of each item, worked out once per batch: codes are few, rows many.
    const byCode = columns.map((k, s) => Float64Array.from([NaN, ...(k < 0 ? [] : b.answerDict[k]!.map((v) => itemScore(instrument, statsItems[s]!, v) ?? NaN))]));
    const talliesOf = new Map<number, ReturnType<typeof stats.tallies>>();
    const itemScores = new Float64Array(statsItems.length);
    const scores = Object.fromEntries(MEASURES.map((m) => [m, null])) as Record<(typeof MEASURES)[number], number | null>;
    for (let i = 0; i < b.size; i++) {
      let code = 0;
      for (const c of dimensionColumns) code = code * 256 + b.profile[i * P + c]!;
      let tallies = talliesOf.get(code);
      if (!tallies) {
        const keys = Object.fromEntries(COMPARE_DIMENSIONS.map((d, j) => [d, b.profileDict[dimensionColumns[j]!]![b.profile[i * P + dimensionColumns[j]!]!]!]));
        talliesOf.set(code, (tallies = stats.tallies(keys as Record<(typeof COMPARE_DIMENSIONS)[number], string>)));
      }
      MEASURES.forEach((m, j) => {
        const v = b.scores[i * S + measureColumns[j]!]!;
        scores[m] = Number.isNaN(v) ? null : v;
      });
      for (let s = 0; s < columns.length; s++) {
        const k = columns[s]!;
        itemScores[s] = k < 0 ? NaN : byCode[s]![b.answers[i * items + k]!]!;
      }
      stats.addTo(tallies, scores, itemScores, 1);
    }
  }

  const writeBatch = db.$client.transaction((b: EncodedBatch) => {
    tallyBatch(b);
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
        b.instrumentVersion, b.createdAt[i],
      ]);
    }
    flushAll();
  });

  return {
    /**
     * Large loads drop the secondary indexes and build them again at the end:
     * one sort per index is far cheaper than a million random inserts into it.
     * Returns the statements that recreate them, read from the schema itself.
     */
    dropSecondaryIndexes(): string[] {
      const rows = db.$client
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('participants', 'scores', 'answers', 'participant_numbers') AND sql IS NOT NULL")
        .all() as { name: string; sql: string }[];
      for (const r of rows) db.$client.exec(`DROP INDEX "${r.name}"`);
      return rows.map((r) => r.sql);
    },
    /** Stores the peer statistics of everything written, added to what was there. */
    writeStats(): void {
      db.$client.transaction(() => addPeerStats(db, stats.countRows(), stats.itemRows()))();
    },
    createIndexes(statements: readonly string[]): void {
      db.$client.transaction(() => statements.forEach((sql) => db.$client.exec(sql)))();
    },
    nextId: (): number =>
      (db.$client.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM participants').get() as { id: number }).id,
    write: (batch: EncodedBatch) => writeBatch(batch),
  };
}
