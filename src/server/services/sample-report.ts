import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { firstWithNumbers } from '../repositories/participants.ts';

/** The demo participant whose reports the landing page links as samples, named so nobody takes them for a real company's. */
export function sampleParticipant(database: Db): Participant | undefined {
  const sample = firstWithNumbers(database);
  return sample && { ...sample, companyName: `${sample.companyName} (sample, demo data)` };
}
