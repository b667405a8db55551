import { eq } from 'drizzle-orm';
import type { StudyWave } from '../../../../db/schema.ts';
import { studyWaves } from '../../../../db/pg/schema.ts';
import { pgRead, type PgStore } from '../../data/store.ts';

export async function findWave(db: PgStore, waveId: number | null): Promise<StudyWave | undefined> {
  if (waveId === null) return undefined;
  return pgRead(db, async (h) => (await h.select().from(studyWaves).where(eq(studyWaves.id, waveId)))[0]);
}
