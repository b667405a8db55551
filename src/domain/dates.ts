/**
 * Report dates written out ("1 December 2026"): an ISO date reads as a
 * database field, and 01/12/2026 means a different day to an American reader.
 */
const LONG = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A yyyy-mm-dd date written out; anything else is returned unchanged rather than turned into "Invalid Date". */
export function longDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? iso : LONG.format(d);
}
