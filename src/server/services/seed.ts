import { randomBytes } from 'node:crypto';
import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { scoreParticipant } from '../../domain/scoring.ts';
import { createSyntheticGenerator } from '../../domain/synthetic.ts';
import { createBulkWriter, type BulkParticipant } from '../repositories/bulk.ts';
import { scoreRow } from './scoring.ts';

export interface SeedOptions {
  count: number;
  seed: number;
  batchSize?: number;
  /** Called after each batch with the number written so far. */
  onProgress?: (done: number) => void;
  /** Fixed "now" so that the same seed gives the same rows. */
  now?: Date;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Seeds completed synthetic participants with their answers, numbers and
 * scores, scored by the same code as real participants. Deterministic for a
 * seed, except the resume-token hashes: these are random bytes that no token
 * hashes to, so nobody can resume a synthetic participant.
 */
export function seedParticipants(db: Db, instrument: Instrument, options: SeedOptions): { first: number; count: number } {
  const batchSize = options.batchSize ?? 5000;
  const now = (options.now ?? new Date()).getTime();
  const generate = createSyntheticGenerator(instrument, options.seed);
  const writer = createBulkWriter(db);
  const first = writer.nextId();
  // Bulk loads may trade durability for speed; a crash mid-seed loses only demo data.
  db.$client.pragma('synchronous = OFF');
  try {
    for (let done = 0; done < options.count; ) {
      const size = Math.min(batchSize, options.count - done);
      const tokens = randomBytes(32 * size);
      const batch: BulkParticipant[] = [];
      for (let i = 0; i < size; i++) {
        const index = done + i;
        const id = first + index;
        const s = generate(index);
        const createdAt = now - Math.floor(((index * 7919) % 10007) / 10007 * YEAR_MS);
        const participant = {
          id,
          role: s.profile.role,
          industry: s.profile.industry,
          employees: s.profile.employees,
          salesTeam: s.profile.salesTeam,
          region: s.profile.region,
          motion: s.profile.motion,
          studyId: null,
          companyId: null,
          instrumentVersion: instrument.version,
        } as Participant;
        batch.push({
          id,
          profile: s.profile,
          instrumentId: instrument.id,
          instrumentVersion: instrument.version,
          resumeTokenHash: tokens.toString('hex', 32 * i, 32 * (i + 1)),
          createdAt,
          answers: s.answers,
          numbers: s.numbers,
          score: scoreRow(participant, scoreParticipant(instrument, s.answers), new Date(createdAt)),
        });
      }
      writer.write(batch);
      done += size;
      options.onProgress?.(done);
    }
  } finally {
    db.$client.pragma('synchronous = NORMAL');
  }
  return { first, count: options.count };
}
