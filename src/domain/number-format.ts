/**
 * Whole numbers with comma thousands separators, as `toLocaleString('en-US')`
 * writes them (12,345; -1,234,567), without it: the first call to a locale
 * method loads ICU's number data, about 10 ms of a fresh process's first report.
 */
export function groupThousands(value: number): string {
  const rounded = Math.round(value);
  if (!Number.isFinite(rounded)) return String(rounded);
  const digits = String(Math.abs(rounded));
  return `${rounded < 0 ? '-' : ''}${digits.replace(/\B(?=(\d{3})+$)/g, ',')}`;
}

/** A stage count or ratio as both reports print it: whole from 10 up, one decimal below (4.5 : 2.9 : 1.5 : 1). */
export const formatCount = (value: number): string => (value >= 10 ? groupThousands(value) : String(Math.round(value * 10) / 10));

/** An amount rounded to a whole unit, after the participant's currency code when they gave one (USD 3,629). */
export const formatMoney = (value: number, currency: string | undefined): string => `${currency ? `${currency} ` : ''}${groupThousands(value)}`;
