import { onSqlite, type Store } from '../data/store.ts';
import * as pgStudyComparison from './pg/study-comparison.ts';

/** Reads for a comparison within one study (src/server/services/comparison.ts). */

/**
 * How many score rows a study has and the sum of their participant ids (read
 * from the covering index): the same while its completed participants stay
 * the same, so it says whether a tally of the study is current.
 */
export async function studyScoreSetOf(db: Store, studyId: number): Promise<{ n: number; ids: number }> {
  if (db.backend === 'pg') return pgStudyComparison.studyScoreSetOf(db, studyId);
  return onSqlite(
    db,
    (h) => h.$client.prepare('SELECT count(*) AS n, coalesce(sum(participant_id), 0) AS ids FROM scores WHERE study_id = ?').get(studyId) as { n: number; ids: number },
  );
}

/** A study's completed participants, each with its company, wave and the wave's round number. */
export async function completedOfStudyByRound(
  db: Store,
  studyId: number,
): Promise<{ id: number; companyId: number | null; waveId: number | null; round: number | null }[]> {
  if (db.backend === 'pg') return pgStudyComparison.completedOfStudyByRound(db, studyId);
  return onSqlite(
    db,
    (h) =>
      h.$client
        .prepare("SELECT p.id, p.company_id AS companyId, p.wave_id AS waveId, w.number AS round FROM participants p LEFT JOIN study_waves w ON w.id = p.wave_id WHERE p.study_id = ? AND p.status = 'completed'")
        .all(studyId) as { id: number; companyId: number | null; waveId: number | null; round: number | null }[],
  );
}
