import { sql } from 'drizzle-orm';
import { pgWrite, type PgStore } from '../../data/store.ts';

/**
 * Deletes every demo participant (see the SQLite version) and says how many.
 * LIKE is case-sensitive here, unlike SQLite's: seeded hashes are written as
 * the prefix is, so both delete the same rows.
 */
export async function deleteDemoParticipants(db: PgStore, syntheticPrefix: string): Promise<number> {
  const pattern = `${syntheticPrefix}%`;
  const result = await pgWrite(db, (h) =>
    // EXISTS, not `id IN (SELECT …) OR …`: beside an OR PostgreSQL cannot join the subquery, and once its million ids
    // exceed work_mem it is not hashed either but scanned again for every participant (still running after 12 minutes
    // at 1,000,000). EXISTS probes the scores' primary key once per participant.
    h.execute(sql`DELETE FROM participants p
      WHERE p.resume_token_hash LIKE ${pattern} OR EXISTS (SELECT 1 FROM scores s WHERE s.participant_id = p.id AND s.population = 'demo')`),
  );
  return result.rowCount ?? 0;
}
