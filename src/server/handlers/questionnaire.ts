import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { firstOpenPage, pagesOf, type Page } from '../../domain/journey.ts';
import { db } from '../db.ts';
import { loadAnswers } from '../repositories/participants.ts';
import { savePage } from '../services/participation.ts';
import { finishParticipant } from '../services/scoring.ts';

export const ACTIONS = ['next', 'back', 'save', 'finish'] as const;
export type PageAction = (typeof ACTIONS)[number];

export type PageOutcome = { ok: true; location: string } | { ok: false; errors: Record<string, string> };

/**
 * A questionnaire page's POST. Every button saves the page first; Next and
 * Finish also require every question of the page to be answered.
 */
export function handlePagePost(instrument: Instrument, participant: Participant, token: string, page: Page, posted: Record<string, string>): PageOutcome {
  const { action: rawAction, ...form } = posted;
  const action = ACTIONS.find((a) => a === rawAction) ?? 'next';
  const base = `/r/${token}`;
  const pages = pagesOf(instrument);
  const last = page.number === pages.length;
  const outcome = savePage(db(), instrument, participant, page, form, action === 'next' || action === 'finish');
  if (!outcome.saved) return { ok: false, errors: outcome.errors };
  if (action === 'back') return { ok: true, location: `${base}/${Math.max(1, page.number - 1)}` };
  if (action === 'save') return { ok: true, location: `${base}/saved` };
  if (!last) return { ok: true, location: `${base}/${page.number + 1}` };
  return finish(instrument, participant, base);
}

function finish(instrument: Instrument, participant: Participant, base: string): PageOutcome {
  const open = firstOpenPage(instrument, loadAnswers(db(), participant.id));
  const pages = pagesOf(instrument);
  if (open !== pages.length) return { ok: true, location: `${base}/${open}?incomplete=1` };
  finishParticipant(db(), instrument, participant.id);
  return { ok: true, location: `${base}/results` };
}
