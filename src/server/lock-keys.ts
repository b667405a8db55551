import { needsNetworkPlace } from '../domain/population.ts';
import type { Store } from './data/store.ts';
import { networkOf } from './http/client-address.ts';
import { findParticipant } from './repositories/participants.ts';
import { COUNTED_NETWORK_BUCKET } from './services/genuine.ts';

/*
 * The keys hot write transactions name (TransactionOptions.locks in
 * src/server/data/store.ts), made in one place: two transactions exclude each
 * other only when they spell a key alike. On SQLite they mean nothing (its
 * one write lock covers everything); on PostgreSQL a transaction holding keys
 * runs beside those holding others, and alone among those holding the same.
 */

/** One participant's row, answers, score and invitations. */
export function participantLock(participantId: number): string {
  return `participant:${participantId}`;
}

/** One company's release floor (raised when a published respondent deletes their answers). */
export function companyLock(companyId: number): string {
  return `company:${companyId}`;
}

/** The hits of one key in one rate-limit bucket (repositories/rate-limits.ts takeRateSlot): its count and insert are one step only under this key. */
export function rateLock(bucket: string, key: string): string {
  return `rate:${bucket}:${key}`;
}

/**
 * The counted-network place a finish may take (services/genuine.ts
 * arrivalPopulation), keyed by the network as it derives it; none when the
 * address gives no network (no place is then taken). The place is counted
 * under the network's keyed hash: the network itself names the same place.
 */
export function countedNetworkLocks(clientAddress: string | null | undefined): string[] {
  const network = clientAddress ? networkOf(clientAddress) : null;
  return network === null ? [] : [rateLock(COUNTED_NETWORK_BUCKET, network)];
}

/**
 * What a finish holds (services/participation.ts finishParticipation,
 * services/scoring.ts finishParticipant): the participant, and the
 * counted-network place of the client's network when the participant needs
 * one (open enrolment, as arrivalPopulation decides), so that the finishes of
 * invited participants never take turns by network (a company behind one
 * address, a load test from one machine). Read before the transaction: a
 * participant's study and company are set when they start and never taken
 * away, so this read cannot be outdated in the direction that matters.
 * Nothing to read on SQLite, whose one write lock covers everything.
 */
export async function finishLocks(db: Store, participantId: number, clientAddress: string | null | undefined): Promise<string[]> {
  if (db.backend !== 'pg') return [];
  const p = await findParticipant(db, participantId);
  const open = p !== undefined && needsNetworkPlace({ invited: p.studyId !== null || p.companyId !== null });
  return [participantLock(participantId), ...(open ? countedNetworkLocks(clientAddress) : [])];
}

/**
 * Sign-in attempts (auth/sign-in-limits.ts): the limits count per account,
 * per address and per pair, so a reservation holds its account and its
 * address (the pair is covered by either).
 */
export function signInLocks(account: string, address: string): string[] {
  return [`sign-in:account:${account}`, `sign-in:address:${address}`];
}
