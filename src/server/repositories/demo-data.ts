import { onSqlite, type Store } from '../data/store.ts';
import * as pgDemoData from './pg/demo-data.ts';

/**
 * Deletes every demo participant: those with a score of population `demo`, or
 * whose resume-token "hash" starts with `syntheticPrefix` (a seeded one), with
 * their answers, numbers and scores (by the foreign keys' cascade). Returns
 * how many participants were deleted.
 */
export async function deleteDemoParticipants(db: Store, syntheticPrefix: string): Promise<number> {
  if (db.backend === 'pg') return pgDemoData.deleteDemoParticipants(db, syntheticPrefix);
  return onSqlite(
    db,
    (h) =>
      h.$client
        .prepare(`DELETE FROM participants WHERE id IN (SELECT participant_id FROM scores WHERE population = 'demo') OR resume_token_hash LIKE ?`)
        .run(`${syntheticPrefix}%`).changes,
  );
}
