import { EN_NUMBERS, type NumberStyle } from './number-format.ts';

/**
 * The reader's number separators from their browser's Accept-Language: the
 * first language the runtime knows decides. The text stays English; only how
 * numbers are written follows the reader (12.345,6 for a German reader).
 * A space used as a group separator becomes a no-break space, which every
 * report face has and which keeps a number on one line.
 */
const MAX_TAGS = 8;

export function numberStyleFor(acceptLanguage: string | null | undefined): NumberStyle {
  if (!acceptLanguage) return EN_NUMBERS;
  const tags = acceptLanguage
    .slice(0, 256)
    .split(',')
    .map((part) => part.split(';')[0]!.trim())
    .filter((tag) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag))
    .slice(0, MAX_TAGS);
  for (const tag of tags) {
    let parts: Intl.NumberFormatPart[];
    try {
      if (Intl.NumberFormat.supportedLocalesOf([tag]).length === 0) continue;
      parts = new Intl.NumberFormat(tag, { useGrouping: 'always', minimumFractionDigits: 1 }).formatToParts(1234567.5);
    } catch {
      continue;
    }
    const group = parts.find((p) => p.type === 'group')?.value;
    const decimal = parts.find((p) => p.type === 'decimal')?.value;
    // Only separators a report can print: Latin digits' usual marks, never a script's own.
    if (!group || !decimal || group === decimal || !/^[.,'’\s\u00a0\u202f]$/.test(group) || !/^[.,]$/.test(decimal)) continue;
    return { group: /\s|\u00a0|\u202f/.test(group) ? '\u00a0' : group, decimal };
  }
  return EN_NUMBERS;
}
