import { z } from 'zod';
import type { Consultant } from '../../../db/schema.ts';
import { chosenAccent, MAX_LOGO_BYTES } from '../../domain/brand.ts';
import { db } from '../db.ts';
import { BodyTooLargeError, readLimitedBody } from '../http/form.ts';
import { changeStudyBrand, PRODUCT_ACCENT, studyBrand, type BrandErrors, type BrandForm } from '../services/study-brand.ts';

/**
 * The most a brand form's body may be: the logo's limit with room for the
 * other fields and the multipart framing. A larger body is not read on; the
 * form says the file is too large (not a bare 413).
 */
export const MAX_BRAND_BODY_BYTES = MAX_LOGO_BYTES + 64 * 1024;

const Fields = z.object({
  action: z.enum(['brand', 'unbrand'], { error: 'Unknown action.' }),
  name: z.string().max(2000).default(''),
  accent: z.string().max(200).default(''),
  accentPicker: z.string().max(200).default(''),
  removeLogo: z.string().max(10).optional(),
});

export type BrandPost =
  | { ok: true }
  | { ok: false; status: 413 | 415 | 422; errors: BrandErrors; values: { name: string; accent: string } }
  | { ok: false; status: 404 };

/**
 * The study page's brand form (multipart, with the logo file): parse, call
 * the service, return what the page shows. The owner check is the service's
 * (another consultant's study reads as missing, 404); bad input comes back as
 * messages per field with the typed values kept, and nothing is written.
 */
export async function handleBrandPost(request: Request, consultant: Consultant, studyId: number): Promise<BrandPost> {
  const sent = { name: '', accent: '' };
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) {
    return { ok: false, status: 415, errors: { logo: 'Send this form from the page (multipart/form-data).' }, values: sent };
  }
  let data: FormData;
  try {
    const body = await readLimitedBody(request, MAX_BRAND_BODY_BYTES);
    data = await new Response(body as BlobPart, { headers: { 'content-type': type } }).formData();
  } catch (e) {
    const logo = e instanceof BodyTooLargeError ? `The logo file is larger than ${MAX_LOGO_BYTES / 1024} KB. Choose a smaller one.` : 'The form could not be read. Try again.';
    return { ok: false, status: e instanceof BodyTooLargeError ? 413 : 422, errors: { logo }, values: sent };
  }
  const text: Record<string, string> = {};
  for (const [key, value] of data) if (typeof value === 'string') text[key] = value;
  const fields = Fields.safeParse(text);
  if (!fields.success) return { ok: false, status: 422, errors: { name: fields.error.issues[0]!.message }, values: sent };
  const f = fields.data;
  const file = data.get('logo');
  const logo = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
  const stored = (await studyBrand(db(), studyId))?.accent ?? null;
  const form: BrandForm = {
    action: f.action,
    name: f.name,
    accent: chosenAccent({ text: f.accent, picker: f.accentPicker, stored, pickerDefault: stored ?? PRODUCT_ACCENT }),
    logo,
    removeLogo: f.removeLogo !== undefined,
  };
  const outcome = await changeStudyBrand(db(), consultant, studyId, form);
  if (!outcome) return { ok: false, status: 404 };
  return outcome.ok ? { ok: true } : { ok: false, status: 422, errors: outcome.errors, values: { name: f.name, accent: form.accent } };
}
