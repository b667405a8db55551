import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Instrument } from '../../domain/instrument.ts';
import { transaction, type Store } from '../data/store.ts';
import { createBulkWriter } from '../repositories/bulk.ts';
import { enterBulkLoadMode, leaveBulkLoadMode } from '../repositories/bulk-load-mode.ts';
import { addPeerStats } from '../repositories/peer-stats.ts';
import type { TallySnapshot } from '../../domain/peer-stats.ts';
import { createBatchTally, syntheticBatchEncoder, type EncodedBatch } from './seed-batch.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { heldPopulation, rebuildPeerStats } from './peer-stats.ts';

/** What the main thread asks a seed worker: a batch, or its tallies once every batch is made. */
export type WorkerRequest = { start: number; size: number } | { stats: true };

export interface SeedOptions {
  count: number;
  seed: number;
  batchSize?: number;
  /** Called after each batch with the number written so far. */
  onProgress?: (done: number) => void;
  /** Fixed "now" so that the same seed gives the same rows. */
  now?: Date;
}

/**
 * Puts the connection in bulk-load mode and returns the function that ends it.
 * Durability is traded for speed (a crash mid-seed loses only demo data);
 * foreign keys hold by construction (each batch writes parents first); a
 * large page cache keeps the B-trees being appended to in memory; large loads
 * rebuild their secondary indexes once at the end. On PostgreSQL none of
 * this applies (repositories/pg/bulk.ts): each batch is a few multi-row
 * inserts in a transaction of its own, the indexes stay, and the
 * statistics are written once at the end.
 */
async function beginBulkLoad(db: Store, instrument: Instrument, dropIndexes: boolean) {
  const writer = await createBulkWriter(db);
  const tally = createBatchTally(instrument);
  // The connection's settings before, restored by end(): its durability (FULL, db/client.ts) is not the seed's to change.
  const saved = await enterBulkLoadMode(db);
  const deferred = dropIndexes ? await writer.dropSecondaryIndexes() : [];
  return {
    writer,
    /** Peer statistics of what is written: batches tallied here, or tallies merged from the workers that made them. */
    tally,
    async end() {
      if (db.backend === 'pg') {
        // One transaction holding the whole database: no finish on another instance can switch what the statistics
        // hold between reading it and adding the seed's counts.
        await transaction(db, async (tx) => {
          const held = await heldPopulation(tx, instrument.version);
          if (held === 'demo') await addPeerStats(tx, tally.stats);
          if (held === null && instrument.version === loadInstrument().version) await rebuildPeerStats(tx, instrument);
        });
        await writer.refreshPlannerStatistics();
        return;
      }
      // Seeded participants are demo data: they enter the stored statistics only while those hold demo data.
      const held = await heldPopulation(db, instrument.version);
      if (held === 'demo') await writer.writeStats(tally.stats);
      await writer.createIndexes(deferred);
      if (held === null && instrument.version === loadInstrument().version) await rebuildPeerStats(db, instrument);
      await leaveBulkLoadMode(db, saved);
    },
  };
}

/**
 * Seeds completed synthetic participants with their answers, numbers and
 * scores, scored by the same code as real participants, as demo data
 * (population `demo`: never in a real participant's figures). Deterministic for a
 * seed. The resume-token "hash" of a synthetic participant is not a SHA-256
 * hex digest, so no token ever matches it and nobody can resume one; being
 * sequential, it also appends to its unique index instead of scattering.
 */
export async function seedParticipants(db: Store, instrument: Instrument, options: SeedOptions): Promise<{ first: number; count: number }> {
  const batchSize = options.batchSize ?? 5000;
  const bulk = await beginBulkLoad(db, instrument, batchSize < options.count);
  const first = await bulk.writer.nextId();
  const batchAt = syntheticBatchEncoder(instrument, options.seed, first, (options.now ?? new Date()).getTime());
  try {
    for (let done = 0; done < options.count; ) {
      const batch = batchAt(done, Math.min(batchSize, options.count - done));
      bulk.tally.tally(batch);
      await bulk.writer.write(batch);
      done += batch.size;
      options.onProgress?.(done);
    }
  } finally {
    await bulk.end();
  }
  return { first, count: options.count };
}

/**
 * The same rows as seedParticipants, with generation and scoring spread over
 * worker threads while this thread writes. Batches are written in order;
 * each worker has at most two batches asked of it at a time, so memory stays
 * flat however large the load.
 */
export async function seedParticipantsInParallel(
  db: Store,
  instrument: Instrument,
  options: SeedOptions & { workers?: number },
): Promise<{ first: number; count: number }> {
  const batchSize = options.batchSize ?? 5000;
  const bulk = await beginBulkLoad(db, instrument, batchSize < options.count);
  const first = await bulk.writer.nextId();
  const workerData = { instrumentId: instrument.id, seed: options.seed, first, now: (options.now ?? new Date()).getTime() };
  const workers = Array.from({ length: Math.max(1, options.workers ?? availableParallelism() - 1) }, () => {
    const worker = new Worker(new URL('./seed-worker.ts', import.meta.url), { workerData });
    // Replies come back in the order asked, so a queue of resolvers pairs them up.
    const waiting: { resolve: (reply: unknown) => void; reject: (e: unknown) => void }[] = [];
    worker.on('message', (reply: unknown) => waiting.shift()?.resolve(reply));
    worker.on('error', (e) => waiting.splice(0).forEach((w) => w.reject(e)));
    const request = <T>(message: WorkerRequest) =>
      new Promise<T>((resolve, reject) => {
        waiting.push({ resolve: resolve as (reply: unknown) => void, reject });
        worker.postMessage(message);
      });
    return {
      worker,
      ask: (start: number) => request<EncodedBatch>({ start, size: Math.min(batchSize, options.count - start) }),
      /** The worker's tallies of every batch it made; asked once, after the last batch. */
      stats: () => request<TallySnapshot[]>({ stats: true }),
    };
  });
  const batches = Math.ceil(options.count / batchSize);
  const pending = new Map<number, Promise<EncodedBatch>>();
  const ask = (k: number) => {
    if (k < batches) pending.set(k, workers[k % workers.length]!.ask(k * batchSize));
  };
  try {
    for (let k = 0; k < 2 * workers.length; k++) ask(k);
    let done = 0;
    for (let k = 0; k < batches; k++) {
      const batch = await pending.get(k)!;
      pending.delete(k);
      ask(k + 2 * workers.length);
      await bulk.writer.write(batch);
      done += batch.size;
      options.onProgress?.(done);
    }
    for (const w of workers) bulk.tally.stats.merge(await w.stats());
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
    await bulk.end();
  }
  return { first, count: options.count };
}
