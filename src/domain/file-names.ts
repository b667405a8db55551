/** "Zoë O'Brien & Co." → "zoe-obrien-co": safe in any file system and header. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // Latin letters that do not decompose into a base letter and a mark.
    .replace(/[łøđħı]/g, (c) => ({ ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i' })[c]!)
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/þ/g, 'th')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return s || 'company';
}

/** velocity-index-<company>-<date>.pdf, and velocity-index-personal-<company>-<date>.pdf. */
export function reportFileName(kind: 'company' | 'personal', company: string, date: string): string {
  return `velocity-index-${kind === 'personal' ? 'personal-' : ''}${slug(company)}-${date}.pdf`;
}
