import type { Consultant } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { checkAccent, checkBrandName } from '../../domain/brand.ts';
import type { ReportBrand } from '../../domain/report-model.ts';
import { prepareLogo, type StoredLogo } from '../brand/logo.ts';
import { brandOfStudy, findLogo, studyOf, updateStudyBrand } from '../repositories/studies.ts';

/** The product's own colour, used for a brand whose consultant chose no accent. */
export const PRODUCT_ACCENT = '#0b5cad';

/** A study's brand as a page shows it: the logo by its address, never inline. */
export interface PageBrand {
  name: string;
  /** '#rrggbb'; null when the consultant chose none (the page keeps the product's colours). */
  accent: string | null;
  logo: { url: string; width: number; height: number } | null;
}

/** Where a stored logo is served: by its content key, so the address changes when the logo does and reveals no study. */
export const logoUrl = (key: string) => `/brand/${key}.png`;

/** A study's brand for its pages (the brand form, the invite page); null when it has none. A study is branded once it has a display name. */
export async function studyBrand(db: Store, studyId: number | null): Promise<PageBrand | null> {
  if (studyId === null) return null;
  const b = await brandOfStudy(db, studyId);
  if (!b?.name) return null;
  const logo = b.key && b.width && b.height ? { url: logoUrl(b.key), width: b.width, height: b.height } : null;
  return { name: b.name, accent: b.accent, logo };
}

/** A study's brand for its reports, the logo embedded as a data URI (a PDF cannot fetch it); null when it has none. */
export async function reportBrand(db: Store, studyId: number | null): Promise<ReportBrand | null> {
  if (studyId === null) return null;
  const b = await brandOfStudy(db, studyId);
  if (!b?.name) return null;
  const png = b.key ? await findLogo(db, b.key) : undefined;
  const logo = png && b.width && b.height ? { dataUri: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, width: b.width, height: b.height } : null;
  return { name: b.name, accent: b.accent ?? PRODUCT_ACCENT, logo };
}

/** The brand form as posted: text fields, the uploaded file's bytes (empty when none was chosen). */
export interface BrandForm {
  action: 'brand' | 'unbrand';
  name: string;
  accent: string;
  logo: Uint8Array;
  removeLogo: boolean;
}

export type BrandErrors = Partial<Record<'name' | 'accent' | 'logo', string>>;
export type BrandOutcome = { ok: true } | { ok: false; errors: BrandErrors };

/**
 * Sets or removes the brand of one of the consultant's own studies. Every
 * field is checked before anything is written, so a refused form changes
 * nothing. Null when the study is not theirs (the page answers 404).
 */
export async function changeStudyBrand(db: Store, consultant: Consultant, studyId: number, form: BrandForm): Promise<BrandOutcome | null> {
  if (!(await studyOf(db, consultant.id, studyId))) return null;
  if (form.action === 'unbrand') {
    return write(db, studyId, { name: null, accent: null, logo: null });
  }
  const errors: BrandErrors = {};
  const name = checkBrandName(form.name);
  if (!name.ok) errors.name = name.error;
  const accent = form.accent.trim() === '' ? ({ ok: true, value: null } as const) : checkAccent(form.accent);
  if (!accent.ok) errors.accent = accent.error;
  let logo: StoredLogo | null | undefined;
  if (form.removeLogo) logo = null;
  else if (form.logo.length > 0) {
    const prepared = await prepareLogo(form.logo);
    if (prepared.ok) logo = prepared.value;
    else errors.logo = prepared.error;
  }
  if (!name.ok || !accent.ok || errors.logo) return { ok: false, errors };
  return write(db, studyId, { name: name.value, accent: accent.value, logo });
}

async function write(db: Store, studyId: number, change: Parameters<typeof updateStudyBrand>[2]): Promise<BrandOutcome> {
  return (await updateStudyBrand(db, studyId, change, new Date())) ? { ok: true } : { ok: false, errors: { name: 'The brand could not be saved. Try again.' } };
}
