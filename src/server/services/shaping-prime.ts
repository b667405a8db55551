import { clearShapingCache, saveShapingCache, shapingFiles, shapingStats } from '../../reports/fonts.ts';
import { renderReport } from '../../reports/render.ts';
import { config } from '../config.ts';
import { openMigrated } from '../db.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { findParticipant } from '../repositories/participants.ts';
import { companyReportFor, personalReportFor } from './reports.ts';
import { seedParticipants } from './seed.ts';

/** Participants seeded for priming: enough for peer groups of every size band to reach k, as in a real study. */
const POPULATION = 400;
/** Another seed than the demo data's (1), so the demo's own reports are not primed word for word. */
const PRIME_SEED = 20261123;

export type PrimeResult = { participants: number; reports: number; runs: number[]; files: string[]; written: boolean[] };

/**
 * Shapes the text of both reports of `participants` synthetic participants
 * and writes it as the shaping cache a fresh process starts with (see
 * src/reports/shaping-store.ts), replacing what was there. The reports share
 * most of their words (section introductions, questions, narratives per band,
 * methodology); after about 20 participants a new report adds only its own
 * names and figures. Everything written comes from generated companies and
 * people in a database that lives in memory only: no real participant's
 * name or figure ever reaches the file.
 */
export async function primeShapingCache(participants = 24): Promise<PrimeResult> {
  const db = openMigrated(':memory:');
  try {
    const instrument = loadInstrument();
    // A fixed clock too, so that priming twice stores the same runs.
    seedParticipants(db, instrument, { count: Math.max(POPULATION, participants), seed: PRIME_SEED, now: new Date('2026-01-01T00:00:00Z') });
    const k = config().PEER_MIN_GROUP;
    clearShapingCache();
    let reports = 0;
    for (let id = 1; id <= participants; id++) {
      const participant = findParticipant(db, id);
      if (!participant) continue;
      const company = companyReportFor(db, participant, k);
      const personal = personalReportFor(db, participant, k);
      if (company) {
        await renderReport({ kind: 'company', model: company });
        reports++;
      }
      if (personal) {
        await renderReport({ kind: 'personal', model: personal });
        reports++;
      }
    }
    const written = await saveShapingCache();
    return { participants, reports, runs: shapingStats().map((s) => s.size), files: shapingFiles(), written };
  } finally {
    db.$client.close();
  }
}
