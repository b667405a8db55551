import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { pagesOf, type Page } from '../../domain/journey.ts';
import { db } from '../db.ts';
import { finishParticipation, savePage, type Refusal } from '../services/participation.ts';

export const ACTIONS = ['next', 'back', 'save', 'finish'] as const;
export type PageAction = (typeof ACTIONS)[number];

/** Where a participant whose answers are final is sent: the results, with a note that nothing was changed. */
export const resultsAfterRefusal = (token: string) => `/r/${token}/results?already-finished=1`;

export type PageOutcome =
  | { ok: true; location: string }
  | { ok: false; errors: Record<string, string> }
  | { ok: false; refused: Exclude<Refusal, 'completed'> };

/**
 * A questionnaire page's POST. Every button saves the page first; Next and
 * Finish also require every question of the page to be answered. A post
 * for a participant who has finished meanwhile (a slow or repeated post)
 * stores nothing and goes to the results. `clientAddress` (src/server/http/
 * client-address.ts) decides, on finishing, whether an open-enrolment
 * participant counts towards the benchmark.
 */
export function handlePagePost(
  instrument: Instrument,
  participant: Participant,
  token: string,
  page: Page,
  posted: Record<string, string>,
  clientAddress: string | null = null,
): PageOutcome {
  const { action: rawAction, ...form } = posted;
  const action = ACTIONS.find((a) => a === rawAction) ?? 'next';
  const base = `/r/${token}`;
  const last = page.number === pagesOf(instrument).length;
  const outcome = savePage(db(), instrument, participant, page, form, action === 'next' || action === 'finish');
  if (!outcome.saved) {
    if ('errors' in outcome) return { ok: false, errors: outcome.errors };
    if (outcome.refused === 'completed') return { ok: true, location: resultsAfterRefusal(token) };
    return { ok: false, refused: outcome.refused };
  }
  if (action === 'back') return { ok: true, location: `${base}/${Math.max(1, page.number - 1)}` };
  if (action === 'save') return { ok: true, location: `${base}/saved` };
  if (!last) return { ok: true, location: `${base}/${page.number + 1}` };
  const finished = finishParticipation(db(), instrument, participant.id, new Date(), { clientAddress });
  if (finished.finished) return { ok: true, location: `${base}/results` };
  if ('openPage' in finished) return { ok: true, location: `${base}/${finished.openPage}?incomplete=1` };
  return { ok: false, refused: finished.refused };
}
