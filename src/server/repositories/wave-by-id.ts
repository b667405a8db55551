import { eq } from 'drizzle-orm';
import { studyWaves, type StudyWave } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';

/** One study wave by its id; undefined for a null id or no such wave. */
export async function findWave(db: Store, waveId: number | null): Promise<StudyWave | undefined> {
  if (waveId === null) return undefined;
  return onSqlite(db, (h) => h.select().from(studyWaves).where(eq(studyWaves.id, waveId)).get());
}
