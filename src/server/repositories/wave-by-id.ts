import { eq } from 'drizzle-orm';
import { studyWaves, type StudyWave } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgWaveById from './pg/wave-by-id.ts';

/** One study wave by its id; undefined for a null id or no such wave. */
export async function findWave(db: Store, waveId: number | null): Promise<StudyWave | undefined> {
  if (db.backend === 'pg') return pgWaveById.findWave(db, waveId);
  if (waveId === null) return undefined;
  return onSqlite(db, (h) => h.select().from(studyWaves).where(eq(studyWaves.id, waveId)).get());
}
