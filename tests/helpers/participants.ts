import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { consultants, studies, type NewParticipant, type Participant } from '../../db/schema.ts';
import type { Population } from '../../src/domain/population.ts';
import { insertParticipant } from '../../src/server/repositories/participants.ts';
import { upsertScore } from '../../src/server/repositories/scores.ts';
import { scoreRow } from '../../src/server/services/scoring.ts';
import { insertStudy, insertCompany, latestWaveOf } from '../../src/server/repositories/studies.ts';
import { instrument } from './instrument.ts';

/** An in-progress participant with a plausible profile, in its study's latest wave; any field can be overridden. */
export function addParticipant(db: Db, overrides: Partial<NewParticipant> = {}): Participant {
  const waveId = overrides.studyId ? (latestWaveOf(db, overrides.studyId)?.id ?? null) : null;
  return insertParticipant(db, {
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
export function addScored(
  db: Db,
  s: { industry: string; employees: string; velocity: number; region?: string; population?: Population; at?: Date },
): number {
  const at = s.at ?? new Date();
  const p = addParticipant(db, { industry: s.industry, employees: s.employees, ...(s.region ? { region: s.region } : {}), status: 'completed', completedAt: at });
  const scores = {
    itemScores: new Map<string, number>(),
    company: { value: null, number: null, winRate: null, cycle: null, velocity: s.velocity },
    personal: { approach: null, execution: null, personal: null },
  };
  upsertScore(db, scoreRow(p, scores, at, s.population ?? 'benchmark'));
  return p.id;
}

/** A consultant's study with one company link, "Acme": the ids a company's respondents are added under. */
export function addStudyWithCompany(db: Db): { studyId: number; companyId: number } {
  const consultant = db.insert(consultants).values({ email: 'c@example.com', passwordHash: 'x' }).returning().get();
  const studyId = insertStudy(db, consultant.id, 'Study', 'invite').id;
  const companyId = insertCompany(db, studyId, 'Acme', 'acme').id;
  return { studyId, companyId };
}
