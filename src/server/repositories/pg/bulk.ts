import { sql, type SQL } from 'drizzle-orm';
import { NumberFieldIds } from '../../../domain/instrument.ts';
import type { StatsAccumulator } from '../../../domain/peer-stats.ts';
import { pgRead, pgWrite, type PgHandle, type PgStore } from '../../data/store.ts';
import { PROFILE_COLUMNS, SCORE_FIELDS, type EncodedBatch } from '../../services/seed-batch.ts';
import type { BulkWriter } from '../bulk.ts';
import { addPeerStats } from './peer-stats.ts';

/**
 * Bulk writes for seeding on PostgreSQL: each table's rows of a batch as a
 * few INSERT … SELECT FROM unnest(<one array per column>) statements, so a
 * statement carries thousands of rows in a dozen parameters, and a batch is
 * one transaction.
 */

/** Rows per statement: a statement's arrays stay a few MB (answers are some sixty rows per participant). */
const ROWS_PER_STATEMENT = 10_000;

/** The synthetic resume "hash" (repositories/bulk.ts SYNTHETIC_PREFIX), zero-padded so that it sorts in id order. */
const hashOf = (id: number) => `synthetic:${String(id).padStart(12, '0')}`;

const NUMBER_COLUMNS = NumberFieldIds.map((id) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/**
 * A column's values as one array parameter (drizzle's sql would spread a JS
 * array into a list). Numbers go as the array's text joined here, many times
 * faster than node-postgres's element-by-element conversion (a number's
 * shortest text reads back as the same double; null as NULL); moments as
 * milliseconds since the epoch, turned into timestamps by the database.
 */
const column = (values: unknown[], type: string): SQL => {
  if (type === 'text[]') return sql`${sql.param(values)}::text[]`;
  const text = `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
  if (type === 'timestamptz[]') return sql`(SELECT array_agg(to_timestamp(ms / 1000.0) ORDER BY i) FROM unnest(${text}::float8[]) WITH ORDINALITY AS u(ms, i))`;
  return sql`${text}::${sql.raw(type)}`;
};

/** Inserts rows given as columns: `columns` maps a column name to its values and their PostgreSQL array type. */
async function insertColumns(h: PgHandle, table: string, columns: readonly [name: string, values: unknown[], type: string][]): Promise<void> {
  const length = columns[0]![1].length;
  for (let from = 0; from < length; from += ROWS_PER_STATEMENT) {
    const to = Math.min(length, from + ROWS_PER_STATEMENT);
    const names = sql.raw(columns.map(([name]) => name).join(', '));
    const arrays = sql.join(
      columns.map(([, values, type]) => column(from === 0 && to === length ? values : values.slice(from, to), type)),
      sql`, `,
    );
    await h.execute(sql`INSERT INTO ${sql.raw(table)} (${names}) SELECT * FROM unnest(${arrays})`);
  }
}

async function writeBatch(h: PgHandle, b: EncodedBatch): Promise<void> {
  const P = PROFILE_COLUMNS.length;
  const S = SCORE_FIELDS.length;
  const N = NumberFieldIds.length;
  const items = b.itemIds.length;
  const currencyAt = NumberFieldIds.indexOf('currency');
  const at = (i: number, c: number) => b.profileDict[c]![b.profile[i * P + c]!]!;
  const ids = Array.from({ length: b.size }, (_, i) => b.firstId + i);
  const times = Array.from(b.createdAt);
  const profile = PROFILE_COLUMNS.map((_, c) => ids.map((_, i) => at(i, c)));
  const [role, industry, employees, salesTeam, region, motion] = profile as [string[], string[], string[], string[], string[], string[]];
  const same = <T>(value: T) => ids.map(() => value);

  // Parents before children, so the foreign keys hold at every statement.
  await insertColumns(h, 'participants', [
    ['id', ids, 'int[]'],
    ['role', role, 'text[]'],
    ['company_name', b.companies, 'text[]'],
    ['industry', industry, 'text[]'],
    ['employees', employees, 'text[]'],
    ['sales_team', salesTeam, 'text[]'],
    ['region', region, 'text[]'],
    ['motion', motion, 'text[]'],
    ['instrument_id', same(b.instrumentId), 'text[]'],
    ['instrument_version', same(b.instrumentVersion), 'int[]'],
    ['status', same('completed'), 'text[]'],
    ['resume_token_hash', ids.map(hashOf), 'text[]'],
    ['created_at', times, 'timestamptz[]'],
    ['updated_at', times, 'timestamptz[]'],
    ['completed_at', times, 'timestamptz[]'],
  ]);

  const answerIds: number[] = [];
  const answerItems: string[] = [];
  const answerValues: string[] = [];
  for (let i = 0; i < b.size; i++) {
    for (let k = 0; k < items; k++) {
      const code = b.answers[i * items + k]!;
      if (!code) continue;
      answerIds.push(ids[i]!);
      answerItems.push(b.itemIds[k]!);
      answerValues.push(b.answerDict[k]![code - 1]!);
    }
  }
  if (answerIds.length > 0) {
    await insertColumns(h, 'answers', [
      ['participant_id', answerIds, 'int[]'],
      ['item_id', answerItems, 'text[]'],
      ['value', answerValues, 'text[]'],
    ]);
  }

  const numberIds: number[] = [];
  const numberColumns: unknown[][] = NUMBER_COLUMNS.map(() => []);
  for (let i = 0; i < b.size; i++) {
    if (!b.hasNumbers[i]) continue;
    numberIds.push(ids[i]!);
    for (let c = 0; c < N; c++) {
      const v = b.numbers[i * N + c]!;
      numberColumns[c]!.push(Number.isNaN(v) ? null : c === currencyAt ? b.currencies[v] : v);
    }
  }
  if (numberIds.length > 0) {
    await insertColumns(h, 'participant_numbers', [
      ['participant_id', numberIds, 'int[]'],
      ...NUMBER_COLUMNS.map((name, c) => [name, numberColumns[c]!, c === currencyAt ? 'text[]' : 'float8[]'] as [string, unknown[], string]),
    ]);
  }

  const score = (c: number) => ids.map((_, i) => {
    const v = b.scores[i * S + c]!;
    return Number.isNaN(v) ? null : v;
  });
  await insertColumns(h, 'scores', [
    ['participant_id', ids, 'int[]'],
    ...['value', 'number', 'win_rate', 'cycle', 'velocity', 'approach', 'execution', 'personal'].map((name, c) => [name, score(c), 'float8[]'] as [string, unknown[], string]),
    ['study_id', same(null), 'int[]'],
    ['company_id', same(null), 'int[]'],
    ['role', role, 'text[]'],
    ['industry', industry, 'text[]'],
    ['employees', employees, 'text[]'],
    ['sales_team', salesTeam, 'text[]'],
    ['region', region, 'text[]'],
    ['motion', motion, 'text[]'],
    ['instrument_version', same(b.instrumentVersion), 'int[]'],
    ['population', same('demo'), 'text[]'],
    ['computed_at', times, 'timestamptz[]'],
  ]);

  // The ids were given, not drawn from the identity sequence: move it past them, so the next participant a page starts
  // does not collide with a seeded one (never back: someone may have drawn a later id meanwhile).
  await h.execute(sql`SELECT setval(pg_get_serial_sequence('participants', 'id'),
    greatest(${ids.at(-1)!}::bigint, (SELECT last_value FROM participants_id_seq)))`);
}

/** The tables a seed fills. */
const SEEDED_TABLES = ['participants', 'answers', 'participant_numbers', 'scores', 'peer_score_counts', 'peer_item_sums'];

/**
 * VACUUM (ANALYZE) of the seeded tables: the planner's statistics, and the
 * visibility map without which a count over the scores' index visits every
 * row as well. Autovacuum would get there some minutes later; until then a
 * million rows are planned as the few the table had. VACUUM cannot run in a
 * transaction, so a seed inside the caller's transaction gets ANALYZE alone
 * (the rows are not committed yet, so their pages cannot be marked anyway).
 * On a connection of its own without the pool's statement timeout (a large
 * load takes longer than a page's statement), closed afterwards rather than
 * returned with that setting.
 */
async function refreshPlannerStatistics(db: PgStore): Promise<void> {
  const tables = SEEDED_TABLES.join(', ');
  if (db.scope !== null) return void (await pgWrite(db, (h) => h.execute(sql.raw(`ANALYZE ${tables}`))));
  const client = await db.pool.connect();
  try {
    await client.query('SET statement_timeout = 0');
    await client.query(`VACUUM (ANALYZE) ${tables}`);
  } finally {
    client.release(true);
  }
}

/**
 * The bulk writer of a PostgreSQL store. Secondary indexes stay in place:
 * PostgreSQL appends a seed's ascending keys to its B-trees cheaply, and
 * dropping them would take an ACCESS EXCLUSIVE lock that stops every other
 * instance's pages for the whole load; at the loads seeding makes (100,000
 * participants in well under a minute, see the seed benchmark) rebuilding
 * them would gain little.
 */
export async function createBulkWriter(db: PgStore): Promise<BulkWriter> {
  return {
    dropSecondaryIndexes: async () => [],
    createIndexes: async () => {},
    refreshPlannerStatistics: () => refreshPlannerStatistics(db),
    writeStats: (stats: StatsAccumulator) => addPeerStats(db, stats),
    nextId: () =>
      pgRead(db, async (h) => {
        // Past every stored id and every id the sequence has handed out (a participant started and deleted included).
        const { rows } = await h.execute<{ id: number }>(sql`SELECT greatest(
          (SELECT coalesce(max(id), 0) FROM participants),
          (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM participants_id_seq)) + 1 AS id`);
        return Number(rows[0]!.id);
      }),
    write: (batch) => pgWrite(db, (h) => writeBatch(h, batch)),
  };
}
