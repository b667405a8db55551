import { parentPort, workerData } from 'node:worker_threads';
import { loadInstrument } from '../instrument-loader.ts';
import type { WorkerRequest } from './seed.ts';
import { createBatchTally, snapshotTransferables, syntheticBatchEncoder, transferables } from './seed-batch.ts';

/**
 * Worker side of seedParticipantsInParallel: answers each { start, size }
 * with that batch, tallying its peer statistics before handing it over, and
 * { stats } with the tallies of every batch it made.
 */
const { instrumentId, seed, first, now } = workerData as { instrumentId: string; seed: number; first: number; now: number };
const instrument = loadInstrument(instrumentId);
const batchAt = syntheticBatchEncoder(instrument, seed, first, now);
const tally = createBatchTally(instrument);
parentPort!.on('message', (request: WorkerRequest) => {
  if ('stats' in request) {
    const snapshot = tally.stats.snapshot();
    parentPort!.postMessage(snapshot, snapshotTransferables(snapshot));
    return;
  }
  const batch = batchAt(request.start, request.size);
  tally.tally(batch);
  parentPort!.postMessage(batch, transferables(batch));
});
