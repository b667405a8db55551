import type { Instrument } from '../../domain/instrument.ts';
import type { PeerPopulation } from '../../domain/population.ts';
import { transaction, type Store } from '../data/store.ts';
import { SYNTHETIC_PREFIX } from '../repositories/bulk.ts';
import { deleteDemoParticipants } from '../repositories/demo-data.ts';
import { getSetting, setSetting } from '../repositories/settings.ts';
import { forgetLandingCounts } from './landing.ts';
import { rebuildPeerStats, storedStatsPopulation } from './peer-stats.ts';

/** The settings row `demo remove` writes, so that `npm start` does not seed the demo data again. */
const DEMO_SETTING = 'demo-data';

/** Whether `demo remove` has run on this database: `npm start` then seeds no demo data into it again. */
export async function demoRemoved(db: Store): Promise<boolean> {
  return (await getSetting(db, DEMO_SETTING)) === 'removed';
}

export interface DemoRemoval {
  /** Demo participants deleted, with their answers, numbers and scores. */
  removed: number;
  /** Participants the rebuilt peer statistics hold, and which population that is. */
  statistics: { participants: number; population: PeerPopulation };
}

/**
 * Deletes every demo participant (score population `demo`, or a seeded
 * participant's resume-token "hash") with their answers, numbers and scores
 * (by the foreign keys' cascade), in one transaction, records that the demo
 * data was removed, and rebuilds the peer statistics for the population then
 * in force. Real participants are untouched.
 */
export async function removeDemo(db: Store, instrument: Instrument): Promise<DemoRemoval> {
  const removed = await transaction(
    db,
    async (tx) => {
      const n = await deleteDemoParticipants(tx, SYNTHETIC_PREFIX);
      await setSetting(tx, DEMO_SETTING, 'removed');
      await forgetLandingCounts(tx);
      return n;
    },
    // No keys: deleting every demo participant and their scores (maintenance, run rarely) has the whole database to
    // itself, as on SQLite.
    { behavior: 'immediate' },
  );
  const participants = await rebuildPeerStats(db, instrument);
  return { removed, statistics: { participants, population: await storedStatsPopulation(db, instrument) } };
}
