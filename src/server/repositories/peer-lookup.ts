import type { Measure, StatDimension } from '../../domain/peer-stats.ts';
import type { FineCounts } from '../../domain/peer-counts.ts';
import type { Store } from '../data/store.ts';
import { readFineCounts } from './peer-stats.ts';
import * as pgPeerLookup from './pg/peer-lookup.ts';
import { companyPeerScores, peerScoreOf, type PeerScoreRow } from './scores.ts';
import { getSetting } from './settings.ts';

/** What a peer lookup reads before it can count anyone (services/peer-figures.ts). */
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
 * The settings row, the left-out scores and one group's counts. On
 * PostgreSQL one statement (each round trip to another process costs more
 * than these reads); on SQLite, in-process, the reads one after another.
 */
export async function readLookupStart(db: Store, q: LookupStartQuery): Promise<LookupStart> {
  if (db.backend === 'pg') return pgPeerLookup.readLookupStart(db, q);
  const held = await getSetting(db, q.heldKey);
  const leftOut = q.companyId == null ? [] : await companyPeerScores(db, q.companyId);
  if (q.participantId != null && !leftOut.some((r) => r.participantId === q.participantId)) {
    const own = await peerScoreOf(db, q.participantId);
    if (own) leftOut.push(own);
  }
  leftOut.sort((a, b) => a.participantId - b.participantId);
  const counts = q.group ? await readFineCounts(db, q.group.dimension, q.group.key, q.measure) : null;
  return { held, leftOut, counts };
}
