import type { Participant } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { pagesOf, type Page } from '../../domain/journey.ts';
import { db } from '../db.ts';
import { finishParticipation, savePage, type Refusal } from '../services/participation.ts';
import { reportStorageFault, STORAGE_RETRY_AFTER_SECONDS } from '../storage-fault.ts';

export const ACTIONS = ['next', 'back', 'save', 'finish'] as const;
export type PageAction = (typeof ACTIONS)[number];

/** Where a participant whose answers are final is sent: the results, with a note that nothing was changed. */
export const resultsAfterRefusal = (token: string) => `/r/${token}/results?already-finished=1`;

export type PageOutcome =
  | { ok: true; location: string }
  | { ok: false; errors: Record<string, string> }
  | { ok: false; refused: Exclude<Refusal, 'completed'> }
  /** A storage fault refused the save (nothing stored) or the finish (the page's answers stored, the finish not). */
  | { ok: false; notSaved: 'save' | 'finish' };

/** Runs a write; a storage fault is logged with its cause and answered as `null`, any other error is thrown on. */
async function storing<T>(where: string, write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (e) {
    if (reportStorageFault(e, where)) return null;
    throw e;
  }
}

/**
 * A questionnaire page's POST. Every button saves the page first; Next and
 * Finish also require every question of the page to be answered. A post
 * for a participant who has finished meanwhile (a slow or repeated post)
 * stores nothing and goes to the results. `clientAddress` (src/server/http/
 * client-address.ts) decides, on finishing, whether an open-enrolment
 * participant counts towards the benchmark.
 */
export async function handlePagePost(
  instrument: Instrument,
  participant: Participant,
  token: string,
  page: Page,
  posted: Record<string, string>,
  clientAddress: string | null = null,
): Promise<PageOutcome> {
  const { action: rawAction, ...form } = posted;
  const action = ACTIONS.find((a) => a === rawAction) ?? 'next';
  const base = `/r/${token}`;
  const last = page.number === pagesOf(instrument).length;
  const outcome = await storing(`saving page ${page.number}`, () => savePage(db(), instrument, participant, page, form, action === 'next' || action === 'finish'));
  if (!outcome) return { ok: false, notSaved: 'save' };
  if (!outcome.saved) {
    if ('errors' in outcome) return { ok: false, errors: outcome.errors };
    if (outcome.refused === 'completed') return { ok: true, location: resultsAfterRefusal(token) };
    return { ok: false, refused: outcome.refused };
  }
  if (action === 'back') return { ok: true, location: `${base}/${Math.max(1, page.number - 1)}` };
  if (action === 'save') return { ok: true, location: `${base}/saved` };
  if (!last) return { ok: true, location: `${base}/${page.number + 1}` };
  const finished = await storing('finishing', () => finishParticipation(db(), instrument, participant.id, new Date(), { clientAddress }));
  if (!finished) return { ok: false, notSaved: 'finish' };
  if (finished.finished) return { ok: true, location: `${base}/results` };
  if ('openPage' in finished) return { ok: true, location: `${base}/${finished.openPage}?incomplete=1` };
  return { ok: false, refused: finished.refused };
}

/** Marks a post as the page script's autosave (src/scripts/autosave.ts): it is answered with JSON, never a page or a redirect. */
export const AUTOSAVE_FIELD = 'autosave';

export function isAutosave(form: Record<string, string>): boolean {
  return form[AUTOSAVE_FIELD] === '1';
}

function json(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/** The autosave's answer to a storage fault: the page script shows `message` and tries again. */
export const AUTOSAVE_NOT_SAVED = 'Couldn’t save just now (a fault on our side) — we’ll keep trying; your answers are still on this page';

const REFUSAL_REPLY = {
  completed: { status: 409, message: 'You have already finished, so nothing on this page was changed.' },
  closed: { status: 410, message: 'This study is closed and takes no more answers.' },
  gone: { status: 404, message: 'These answers no longer exist.' },
} as const;

/**
 * An autosave of one questionnaire page: stored exactly as "Save and finish
 * later" stores it (an incomplete page keeps what it has, a value the form
 * could not have produced stores nothing), answered in JSON. 200
 * {saved:true}; 422 with the field messages; 409/410/404 when the
 * participant has finished, the study is closed or the answers are gone,
 * with `location` for where the page should go instead; 503 with
 * Retry-After when a storage fault refused the save (the script retries).
 */
export async function autosaveReply(
  instrument: Instrument | null,
  participant: Participant | null,
  token: string,
  page: Page | undefined,
  posted: Record<string, string>,
): Promise<Response> {
  if (!participant || !instrument || !page) return json(404, { saved: false, message: REFUSAL_REPLY.gone.message });
  const { action: _action, [AUTOSAVE_FIELD]: _marker, ...form } = posted;
  const outcome = await storing(`autosaving page ${page.number}`, () => savePage(db(), instrument, participant, page, form, false));
  if (!outcome) return json(503, { saved: false, message: AUTOSAVE_NOT_SAVED }, { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) });
  if (outcome.saved) return json(200, { saved: true });
  if ('errors' in outcome) return json(422, { saved: false, errors: outcome.errors });
  const reply = REFUSAL_REPLY[outcome.refused];
  const location = outcome.refused === 'completed' ? resultsAfterRefusal(token) : undefined;
  return json(reply.status, { saved: false, refused: outcome.refused, message: reply.message, ...(location ? { location } : {}) });
}
