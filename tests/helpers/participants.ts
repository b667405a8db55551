import { randomBytes } from 'node:crypto';
import type { NewParticipant, Participant } from '../../db/schema.ts';
import type { Population } from '../../src/domain/population.ts';
import { insertParticipant } from '../../src/server/repositories/participants.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { upsertScore } from '../../src/server/repositories/scores.ts';
import type { Store } from '../../src/server/data/store.ts';
import { scoreRow } from '../../src/server/services/scoring.ts';
import { insertStudy, insertCompany, latestWaveOf } from '../../src/server/repositories/studies.ts';
import { instrument } from './instrument.ts';

/** An in-progress participant with a plausible profile, in its study's latest wave; any field can be overridden. */
export async function addParticipant(db: Store, overrides: Partial<NewParticipant> = {}): Promise<Participant> {
  const waveId = overrides.studyId ? ((await latestWaveOf(db, overrides.studyId))?.id ?? null) : null;
  return await insertParticipant(db, {
    waveId,
    role: 'rep',
    companyName: 'Test Company',
    industry: 'software-saas',
    employees: '50-249',
    salesTeam: '6-20',
    region: 'europe',
    motion: 'inside',
    instrumentId: instrument.id,
    instrumentVersion: instrument.version,
    resumeTokenHash: randomBytes(32).toString('hex'),
    updatedAt: new Date(),
    ...overrides,
  });
}

/**
 * A completed participant with only a Velocity Index stored, for peer
 * statistics whose inputs the test wants to choose exactly; in the benchmark
 * unless told otherwise, finished now unless told when.
 */
export async function addScored(
  db: Store,
  s: { industry: string; employees: string; velocity: number; region?: string; population?: Population; at?: Date },
): Promise<number> {
  const at = s.at ?? new Date();
  const p = await addParticipant(db, { industry: s.industry, employees: s.employees, ...(s.region ? { region: s.region } : {}), status: 'completed', completedAt: at });
  const scores = {
    itemScores: new Map<string, number>(),
    company: { value: null, number: null, winRate: null, cycle: null, velocity: s.velocity },
    personal: { approach: null, execution: null, personal: null },
  };
  await upsertScore(db, scoreRow(p, scores, at, s.population ?? 'benchmark'));
  return p.id;
}

/** A consultant's study with one company link, "Acme": the ids a company's respondents are added under. */
export async function addStudyWithCompany(db: Store): Promise<{ studyId: number; companyId: number }> {
  const consultant = await insertConsultant(db, { email: 'c@example.com', passwordHash: 'x' });
  const studyId = (await insertStudy(db, consultant.id, 'Study', 'invite')).id;
  const companyId = (await insertCompany(db, studyId, 'Acme', 'acme')).id;
  return { studyId, companyId };
}
