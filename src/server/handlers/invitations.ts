import { z } from 'zod';
import type { Consultant } from '../../../db/schema.ts';
import { describeRejected, parsePastedList, type EmailList } from '../../domain/email-list.ts';
import { db } from '../db.ts';
import { BodyTooLargeError, MAX_BODY_BYTES, readLimitedBody } from '../http/form.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { mailEnabled } from '../mail/enabled.ts';
import { emailsFromCsv, MAX_CSV_BYTES } from '../services/email-csv.ts';
import { changeReminderSchedule, inviteAddresses, remindNow, type InviteResult } from '../services/invitations.ts';

/** The invite form's body may hold a CSV file up to its limit, with room for the pasted list and the multipart framing. */
export const MAX_INVITE_BODY_BYTES = MAX_CSV_BYTES + MAX_BODY_BYTES;

export const MAIL_OFF_MESSAGE =
  'E-mail is not set up on this server, so nothing can be sent. Ask whoever runs it to set SMTP_URL and MAIL_FROM; until then, share the company links below.';

export type InvitationsForm = 'invite' | 'schedule' | 'remind';

/** What the page shows after a post that did not redirect. */
export type InvitationsPost =
  | { ok: true; message: string; companyId?: number; redirect?: undefined }
  /** Done; the page redirects with this query, so a reload repeats nothing. */
  | { ok: true; redirect: string }
  | { ok: false; status: 404 }
  | { ok: false; status: 400 | 413 | 415 | 422; error: string; companyId?: number; pasted?: string };

const InviteFields = z.object({
  company: z.string({ error: 'Choose the company to invite people to.' }).regex(/^\d{1,9}$/, 'Choose the company to invite people to.').transform(Number),
  addresses: z.string().max(MAX_CSV_BYTES, 'The pasted list is too long: paste at most 2,000 addresses at once.').default(''),
});

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** "12 invited, 2 already invited, 1 rejected: line 4 ‘bob@’ is not a valid e-mail address" */
export function inviteSummary(result: InviteResult, list: EmailList): string {
  const parts = [`${result.invited.toLocaleString('en-GB')} invited`];
  if (result.alreadyInvited) parts.push(`${result.alreadyInvited.toLocaleString('en-GB')} already invited`);
  if (result.unsubscribed) parts.push(`${result.unsubscribed.toLocaleString('en-GB')} skipped because they unsubscribed from this study`);
  if (list.duplicates) parts.push(`${plural(list.duplicates, 'repeat')} in the list ignored`);
  let text = parts.join(', ');
  if (list.rejected.length) {
    const shown = list.rejected.slice(0, 10).map(describeRejected).join('; ');
    const more = list.rejected.length > 10 ? `; and ${list.rejected.length - 10} more` : '';
    text += `, ${list.rejected.length} rejected: ${shown}${more}`;
  }
  return `${text}.`;
}

async function readMultipart(request: Request): Promise<{ ok: true; data: FormData } | { ok: false; status: 413 | 415 | 422; error: string }> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) {
    return { ok: false, status: 415, error: 'Send this form from the page (multipart/form-data).' };
  }
  try {
    const body = await readLimitedBody(request, MAX_INVITE_BODY_BYTES);
    return { ok: true, data: await new Response(body as BlobPart, { headers: { 'content-type': type } }).formData() };
  } catch (e) {
    if (e instanceof BodyTooLargeError) return { ok: false, status: 413, error: `The file is larger than ${MAX_CSV_BYTES / 1024} KB. Upload at most 2,000 addresses at once, or split the file.` };
    return { ok: false, status: 422, error: 'The form could not be read. Try again.' };
  }
}

async function invite(request: Request, consultant: Consultant, studyId: number): Promise<InvitationsPost> {
  const read = await readMultipart(request);
  if (!read.ok) return read;
  const text: Record<string, string> = {};
  for (const [key, value] of read.data) if (typeof value === 'string') text[key] = value;
  const fields = InviteFields.safeParse(text);
  if (!fields.success) return { ok: false, status: 422, error: fields.error.issues[0]!.message };
  const { company, addresses } = fields.data;
  const file = read.data.get('file');
  const hasFile = file instanceof File && file.size > 0;
  if (hasFile && addresses.trim() !== '') return { ok: false, status: 422, error: 'Paste addresses or upload a file, not both at once.', companyId: company, pasted: addresses };
  let list: EmailList;
  if (hasFile) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
      return { ok: false, status: 422, error: 'This looks like an Excel workbook, not a CSV file. In your spreadsheet choose “Save as” → “CSV UTF-8”, then upload that file.', companyId: company };
    }
    if (bytes.includes(0)) return { ok: false, status: 422, error: 'This is not a text file. Upload a CSV file saved from your spreadsheet, or paste the addresses.', companyId: company };
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Excel's plain "CSV" on Windows is Windows-1252: names with accents must not turn a good file away.
      csv = new TextDecoder('windows-1252').decode(bytes);
    }
    list = emailsFromCsv(csv);
  } else list = parsePastedList(addresses);
  if (list.refusal) {
    const rejected = list.rejected.length ? ` ${list.rejected.slice(0, 10).map(describeRejected).join('; ')}.` : '';
    return { ok: false, status: 422, error: `${list.refusal}${rejected} Nobody was invited.`, companyId: company, pasted: addresses };
  }
  const outcome = await inviteAddresses(db(), loadInstrument(), consultant, studyId, company, list.addresses);
  if (!outcome) return { ok: false, status: 404 };
  if (!outcome.ok) return { ok: false, status: 422, error: outcome.error, companyId: company, pasted: addresses };
  return { ok: true, message: inviteSummary(outcome.result, list), companyId: company };
}

/**
 * The invitations page's posts: the invite form (a pasted list or a CSV
 * file), the reminder schedule and "remind now". Parse, call one service,
 * say what happened. Without e-mail set up every post is refused with the
 * reason; another consultant's study is a 404.
 */
export async function handleInvitationsPost(request: Request, consultant: Consultant, studyId: number, form: string | null, parseForm: () => Promise<{ ok: true; form: Record<string, string> } | { ok: false; response: Response }>): Promise<InvitationsPost | Response> {
  if (form !== 'invite' && form !== 'schedule' && form !== 'remind') return { ok: false, status: 400, error: 'Unknown form.' };
  if (!mailEnabled()) return { ok: false, status: 422, error: MAIL_OFF_MESSAGE };
  if (form === 'invite') return invite(request, consultant, studyId);
  const posted = await parseForm();
  if (!posted.ok) return posted.response;
  if (form === 'schedule') {
    const changed = await changeReminderSchedule(db(), consultant, studyId, posted.form);
    if (!changed) return { ok: false, status: 404 };
    return changed.ok ? { ok: true, redirect: 'saved=schedule' } : { ok: false, status: 422, error: changed.error };
  }
  const sent = await remindNow(db(), loadInstrument(), consultant, studyId);
  if (sent === null) return { ok: false, status: 404 };
  return { ok: true, redirect: `reminded=${sent}` };
}
