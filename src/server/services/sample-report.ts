import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
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
  db: Db;
  participant: Participant;
}

let sample: SampleReport | undefined;

/**
 * The sample report the landing page links: the first synthetic participant
 * with numbers in an in-memory database of SAMPLE_POPULATION synthetic
 * participants, seeded on first use and kept for the life of the process.
 * It never reads the real database, so it works with no demo data there
 * (DEMO_PARTICIPANTS=0, `demo remove`) and can never show a real participant;
 * its peer figures are demo data compared with demo data. The company is
 * named so that nobody takes it for a real one.
 */
export function sampleReport(): SampleReport {
  if (!sample) {
    const db = openMigrated(':memory:');
    // A fixed clock, so that the sample is the same on every start.
    seedParticipants(db, loadInstrument(), { count: SAMPLE_POPULATION, seed: SAMPLE_SEED, now: new Date('2026-01-01T00:00:00Z') });
    const found = firstWithNumbers(db)!;
    sample = { db, participant: { ...found, companyName: `${found.companyName} (sample, demo data)` } };
  }
  return sample;
}
