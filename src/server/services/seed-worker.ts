import { parentPort, workerData } from 'node:worker_threads';
import { loadInstrument } from '../instrument-loader.ts';
import { syntheticBatches } from './seed.ts';

/** Worker side of seedParticipantsInParallel: answers each { start, size } with that batch. */
const { instrumentId, seed, first, now } = workerData as { instrumentId: string; seed: number; first: number; now: number };
const batchAt = syntheticBatches(loadInstrument(instrumentId), seed, first, now);
parentPort!.on('message', ({ start, size }: { start: number; size: number }) => parentPort!.postMessage(batchAt(start, size)));
