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
 * seed. The resume-token "hash" of a synthetic participant is not a SHA-256
 * hex digest, so no token ever matches it and nobody can resume one; being
 * sequential, it also appends to its unique index instead of scattering.
 */
export function seedParticipants(db: Db, instrument: Instrument, options: SeedOptions): { first: number; count: number } {
  const batchSize = options.batchSize ?? 5000;
  const now = (options.now ?? new Date()).getTime();
  const generate = createSyntheticGenerator(instrument, options.seed);
  const writer = createBulkWriter(db);
  const first = writer.nextId();
  // Bulk loads may trade durability for speed; a crash mid-seed loses only demo data.
  // Foreign keys are checked by construction here (each batch writes parents first).
  db.$client.pragma('synchronous = OFF');
  db.$client.pragma('foreign_keys = OFF');
  // A large page cache keeps the B-trees being appended to in memory.
  const cacheSize = db.$client.pragma('cache_size', { simple: true });
  db.$client.pragma('cache_size = -524288');
  const deferred = batchSize < options.count ? writer.dropSecondaryIndexes() : [];
  try {
    for (let done = 0; done < options.count; ) {
      const size = Math.min(batchSize, options.count - done);
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
          resumeTokenHash: `synthetic:${id}`,
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
    writer.createIndexes(deferred);
    db.$client.pragma(`cache_size = ${Number(cacheSize)}`);
    db.$client.pragma('foreign_keys = ON');
    db.$client.pragma('synchronous = NORMAL');
  }
  return { first, count: options.count };
}
