import type { Measure, StatDimension } from '../../domain/peer-stats.ts';
import type { FineCounts } from '../../domain/peer-counts.ts';
import { onSqlite, type Store } from '../data/store.ts';
import { readFineCountsOn } from './peer-stats.ts';
import * as pgPeerLookup from './pg/peer-lookup.ts';
import { companyPeerScoresOn, peerScoreOfOn, type PeerScoreRow } from './scores.ts';
import { getSettingOn } from './settings.ts';

/** What a peer figure reads before it can count anyone (services/peer-figures.ts). */
export interface LookupStartQuery {
  /** The settings row saying what the kept statistics hold. */
  heldKey: string;
  /** Whose scores are left out of every group: a company's participants, and one participant. */
  companyId?: number | null;
  participantId?: number | null;
  /** The group whose counts of `measure` are read along, when the caller knows it will ask for them. */
  group?: { dimension: StatDimension; key: string };
  measure: Measure;
}

export interface LookupStart {
  held: string | undefined;
  /** The company's participants' peer scores and the participant's, once each, by participant id. */
  leftOut: PeerScoreRow[];
  /** The group's counts; null when no group was asked for. */
  counts: FineCounts | null;
}

/**
 * The settings row, the left-out scores and one group's counts, read at one
 * moment: a colleague who finishes meanwhile is either in both the counts and
 * the rows left out, or in neither, so no figure ever counts them. On
 * PostgreSQL one statement (one snapshot, and one round trip: each costs more
 * than these reads); on SQLite one piece of synchronous work on the
 * connection, which no other request's write can come between.
 */
export async function readLookupStart(db: Store, q: LookupStartQuery): Promise<LookupStart> {
  if (db.backend === 'pg') return pgPeerLookup.readLookupStart(db, q);
  return onSqlite(db, (h) => {
    const held = getSettingOn(h, q.heldKey);
    const leftOut = q.companyId == null ? [] : companyPeerScoresOn(h, q.companyId);
    if (q.participantId != null && !leftOut.some((r) => r.participantId === q.participantId)) {
      const own = peerScoreOfOn(h, q.participantId);
      if (own) leftOut.push(own);
    }
    leftOut.sort((a, b) => a.participantId - b.participantId);
    const counts = q.group ? readFineCountsOn(h, q.group.dimension, q.group.key, q.measure) : null;
    return { held, leftOut, counts };
  });
}
