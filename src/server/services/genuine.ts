import { createHmac, randomBytes } from 'node:crypto';
import type { Participant } from '../../../db/schema.ts';
import { NETWORK_WINDOW_MS, needsNetworkPlace, populationOf, type Population } from '../../domain/population.ts';
import type { Store } from '../data/store.ts';
import { networkOf } from '../http/client-address.ts';
import { takeRateSlot } from '../repositories/rate-limits.ts';
import { settingOrCreate } from '../repositories/settings.ts';

/** The settings row holding the network hashes' key: 32 random bytes, made once per database. */
const SALT_SETTING = 'network-hash-salt';
/** rate_limit_hits bucket: one hit per counted open-enrolment participant, keyed by their network's hash. */
export const COUNTED_NETWORK_BUCKET = 'counted-network';

/**
 * A network (src/server/http/client-address.ts, networkOf) as it is stored:
 * HMAC-SHA-256 under a random key kept in the database's settings, so neither
 * the address nor the network is ever written down, and a hash means nothing
 * in another database.
 */
export async function networkHash(db: Store, network: string): Promise<string> {
  const key = await settingOrCreate(db, SALT_SETTING, () => randomBytes(32).toString('hex'));
  return createHmac('sha256', Buffer.from(key, 'hex')).update(network).digest('hex');
}

/**
 * The population a real participant joins as they finish, by the one rule of
 * src/domain/population.ts: invited through a consultant's link, they count;
 * open enrolment counts only as the first participant to finish from their
 * network in 30 days, which this takes (a hit in rate_limit_hits under the
 * network's hash). Call it inside the finish transaction (BEGIN IMMEDIATE) with
 * that transaction's store, so two finishes from one network cannot both take
 * the place.
 */
export async function arrivalPopulation(db: Store, participant: Participant, clientAddress: string | null, at: Date): Promise<Exclude<Population, 'demo'>> {
  const invited = participant.studyId !== null || participant.companyId !== null;
  if (!needsNetworkPlace({ invited })) return populationOf({ invited, networkPlaceFree: null });
  const network = clientAddress ? networkOf(clientAddress) : null;
  if (network === null) return populationOf({ invited, networkPlaceFree: null });
  const heldUntil = await takeRateSlot(db, { bucket: COUNTED_NETWORK_BUCKET, key: await networkHash(db, network), max: 1, windowMs: NETWORK_WINDOW_MS }, at);
  return populationOf({ invited, networkPlaceFree: heldUntil === null });
}
