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
