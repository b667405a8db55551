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
    h.execute(sql`DELETE FROM participants WHERE id IN (SELECT participant_id FROM scores WHERE population = 'demo') OR resume_token_hash LIKE ${pattern}`),
  );
  return result.rowCount ?? 0;
}
