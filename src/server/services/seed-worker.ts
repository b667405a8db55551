import { parentPort, workerData } from 'node:worker_threads';
import { loadInstrument } from '../instrument-loader.ts';
import { syntheticBatchEncoder, transferables } from './seed-batch.ts';

/** Worker side of seedParticipantsInParallel: answers each { start, size } with that batch. */
const { instrumentId, seed, first, now } = workerData as { instrumentId: string; seed: number; first: number; now: number };
const batchAt = syntheticBatchEncoder(loadInstrument(instrumentId), seed, first, now);
parentPort!.on('message', ({ start, size }: { start: number; size: number }) => {
  const batch = batchAt(start, size);
  parentPort!.postMessage(batch, transferables(batch));
});
