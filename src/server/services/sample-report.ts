import type { Participant } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { openMigrated } from '../db.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { firstWithNumbers } from '../repositories/participants.ts';
import { seedParticipants } from './seed.ts';

/** Synthetic participants behind the sample: enough for its peer groups to reach k, as in a real study. */
const SAMPLE_POPULATION = 1200;
/** The demo data's seed, so the sample looks like the demo. */
const SAMPLE_SEED = 1;

export interface SampleReport {
  /** A database of its own, in memory: synthetic participants only, whatever the real database holds. */
  db: Store;
  participant: Participant;
}

let sample: Promise<SampleReport> | undefined;

/**
 * The sample report the landing page links: the first synthetic participant
 * with numbers in an in-memory database of SAMPLE_POPULATION synthetic
 * participants, seeded on first use and kept for the life of the process.
 * It never reads the real database, so it works with no demo data there
 * (DEMO_PARTICIPANTS=0, `demo remove`) and can never show a real participant;
 * its peer figures are demo data compared with demo data. The company is
 * named so that nobody takes it for a real one. Requests arriving while it is
 * seeded wait for the same seeding; one that failed is tried again on the next call.
 */
export function sampleReport(): Promise<SampleReport> {
  sample ??= buildSample().catch((e: unknown) => {
    sample = undefined;
    throw e;
  });
  return sample;
}

async function buildSample(): Promise<SampleReport> {
  const db = openMigrated(':memory:');
  // A fixed clock, so that the sample is the same on every start.
  await seedParticipants(db, loadInstrument(), { count: SAMPLE_POPULATION, seed: SAMPLE_SEED, now: new Date('2026-01-01T00:00:00Z') });
  const found = (await firstWithNumbers(db))!;
  return { db, participant: { ...found, companyName: `${found.companyName} (sample, demo data)` } };
}
