import { sql } from 'drizzle-orm';
import { FINE_BUCKETS } from '../../../domain/peer-stats.ts';
import type { FineCounts } from '../../../domain/peer-counts.ts';
import { pgRead, type PgStore } from '../../data/store.ts';
import type { LookupStart, LookupStartQuery } from '../peer-lookup.ts';
import type { PeerScoreRow } from '../scores.ts';

const PEER_SCORE_COLUMNS = sql.raw(
  `s.participant_id AS "participantId", s.instrument_version AS "instrumentVersion", s.population, s.industry, s.employees, s.velocity, s.value, s.number, s.win_rate AS "winRate", s.cycle`,
);

/**
 * The three reads of a lookup's start as one statement: each round trip to
 * the database costs more than the reads themselves (primary-key lookups of
 * well under 0.2 ms each), and on a busy machine a waiting client loses its
 * turn at the CPU. One statement also reads all three in one snapshot.
 */
export async function readLookupStart(db: PgStore, q: LookupStartQuery): Promise<LookupStart> {
  const counts = q.group
    ? sql`(SELECT coalesce(json_agg(json_build_array(c.point, c.hundredths)), '[]'::json) FROM peer_score_counts c
            WHERE c.dimension = ${q.group.dimension} AND c.key = ${q.group.key} AND c.measure = ${q.measure})`
    : sql`NULL::json`;
  const companyId = q.companyId ?? null;
  const participantId = q.participantId ?? null;
  const { rows } = await pgRead(db, (h) =>
    h.execute<{ held: string | null; left_out: PeerScoreRow[]; counts: [number, number[]][] | null }>(sql`
      SELECT
        (SELECT value FROM settings WHERE key = ${q.heldKey}) AS held,
        (SELECT coalesce(json_agg(r ORDER BY r."participantId"), '[]'::json) FROM (
           SELECT ${PEER_SCORE_COLUMNS} FROM participants p JOIN scores s ON s.participant_id = p.id
            WHERE p.company_id = ${companyId}::integer AND s.company_id = ${companyId}::integer
           UNION
           SELECT ${PEER_SCORE_COLUMNS} FROM scores s WHERE s.participant_id = ${participantId}::integer
         ) r) AS left_out,
        ${counts} AS counts`),
  );
  const row = rows[0]!;
  return { held: row.held ?? undefined, leftOut: row.left_out, counts: row.counts && fineCountsOf(row.counts) };
}

function fineCountsOf(points: [number, number[]][]): FineCounts {
  const fine = new Int32Array(FINE_BUCKETS);
  for (const [point, hundredths] of points) {
    const from = point * 100;
    const n = Math.min(hundredths.length, FINE_BUCKETS - from);
    for (let h = 0; h < n; h++) fine[from + h] = hundredths[h]!;
  }
  return fine;
}

