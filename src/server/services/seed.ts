import { Worker } from 'node:worker_threads';
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

/** Builds batches of synthetic participants in order; batch k must be asked for before batch k + 1. */
export function syntheticBatches(instrument: Instrument, seed: number, first: number, now: number) {
  const generate = createSyntheticGenerator(instrument, seed);
  return (start: number, size: number): BulkParticipant[] => {
    const batch: BulkParticipant[] = [];
    for (let index = start; index < start + size; index++) {
      const id = first + index;
      const s = generate(index);
      const createdAt = now - Math.floor((((index * 7919) % 10007) / 10007) * YEAR_MS);
      const participant = { id, ...s.profile, studyId: null, companyId: null, instrumentVersion: instrument.version } as unknown as Participant;
      batch.push({
        id,
        profile: s.profile,
        instrumentId: instrument.id,
        instrumentVersion: instrument.version,
        resumeTokenHash: `synthetic:${String(id).padStart(12, '0')}`,
        createdAt,
        answers: s.answers,
        numbers: s.numbers,
        score: scoreRow(participant, scoreParticipant(instrument, s.answers), new Date(createdAt)),
      });
    }
    return batch;
  };
}

/**
 * Puts the connection in bulk-load mode and returns the function that ends it.
 * Durability is traded for speed (a crash mid-seed loses only demo data);
 * foreign keys hold by construction (each batch writes parents first); a
 * large page cache keeps the B-trees being appended to in memory; large loads
 * rebuild their secondary indexes once at the end.
 */
function beginBulkLoad(db: Db, dropIndexes: boolean) {
  const writer = createBulkWriter(db);
  const cacheSize = db.$client.pragma('cache_size', { simple: true });
  db.$client.pragma('synchronous = OFF');
  db.$client.pragma('foreign_keys = OFF');
  db.$client.pragma('cache_size = -524288');
  const deferred = dropIndexes ? writer.dropSecondaryIndexes() : [];
  return {
    writer,
    end() {
      writer.createIndexes(deferred);
      db.$client.pragma(`cache_size = ${Number(cacheSize)}`);
      db.$client.pragma('foreign_keys = ON');
      db.$client.pragma('synchronous = NORMAL');
    },
  };
}

/**
 * Seeds completed synthetic participants with their answers, numbers and
 * scores, scored by the same code as real participants. Deterministic for a
 * seed. The resume-token "hash" of a synthetic participant is not a SHA-256
 * hex digest, so no token ever matches it and nobody can resume one; being
 * sequential, it also appends to its unique index instead of scattering.
 */
export function seedParticipants(db: Db, instrument: Instrument, options: SeedOptions): { first: number; count: number } {
  const batchSize = options.batchSize ?? 5000;
  const bulk = beginBulkLoad(db, batchSize < options.count);
  const first = bulk.writer.nextId();
  const batchAt = syntheticBatches(instrument, options.seed, first, (options.now ?? new Date()).getTime());
  try {
    for (let done = 0; done < options.count; ) {
      const batch = batchAt(done, Math.min(batchSize, options.count - done));
      bulk.writer.write(batch);
      done += batch.length;
      options.onProgress?.(done);
    }
  } finally {
    bulk.end();
  }
  return { first, count: options.count };
}

/**
 * The same rows as seedParticipants, with generation and scoring in a worker
 * thread while this thread writes: on two cores the two overlap. The next
 * batch is asked for before the current one is written, and never more than
 * one ahead, so memory stays flat.
 */
export async function seedParticipantsInParallel(db: Db, instrument: Instrument, options: SeedOptions): Promise<{ first: number; count: number }> {
  const batchSize = options.batchSize ?? 5000;
  const bulk = beginBulkLoad(db, batchSize < options.count);
  const first = bulk.writer.nextId();
  const worker = new Worker(new URL('./seed-worker.ts', import.meta.url), {
    workerData: { instrumentId: instrument.id, seed: options.seed, first, now: (options.now ?? new Date()).getTime() },
  });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const request = (start: number) =>
    Promise.race([
      new Promise<BulkParticipant[]>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage({ start, size: Math.min(batchSize, options.count - start) });
      }),
      failed,
    ]);
  try {
    let pending = request(0);
    for (let done = 0; done < options.count; ) {
      const batch = await pending;
      done += batch.length;
      if (done < options.count) pending = request(done);
      bulk.writer.write(batch);
      options.onProgress?.(done);
    }
  } finally {
    await worker.terminate();
    bulk.end();
  }
  return { first, count: options.count };
}
