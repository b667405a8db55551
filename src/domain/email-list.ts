import { z } from 'zod';

/** The most addresses one paste or upload may invite: a larger list is refused whole, so it is split on purpose rather than cut off silently. */
export const MAX_ADDRESSES = 2000;

/** A line that gave no address, with its number (1-based, as an editor or spreadsheet counts) and why. */
export interface RejectedLine {
  line: number;
  /** What was on the line (shortened), to show back. */
  text: string;
  reason: string;
}

export interface EmailList {
  /** Valid, de-duplicated (case-insensitively) addresses in the order given. */
  addresses: string[];
  /** Addresses that appeared again in the same list. */
  duplicates: number;
  rejected: RejectedLine[];
  /** Set when the list cannot be used at all (empty, too many): nothing is invited. */
  refusal: string | null;
}

/** One row of a parsed CSV file with the line it starts on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

const emailSchema = z.email();
/** RFC 5321: a path is at most 256 octets including the brackets. */
const MAX_ADDRESS_LENGTH = 254;
const SHOWN_TEXT = 60;

const shorten = (text: string) => (text.length > SHOWN_TEXT ? `${text.slice(0, SHOWN_TEXT - 1)}…` : text);

/**
 * The address in one entry: `ann@example.com`, `<ann@example.com>`,
 * `Ann Lee <ann@example.com>` or `"Lee, Ann" <ann@example.com>`.
 */
export function addressOf(entry: string): string {
  const trimmed = entry.trim();
  const angled = /<([^<>]*)>\s*$/.exec(trimmed);
  const bare = angled ? angled[1]!.trim() : trimmed;
  return bare.replace(/^mailto:/i, '');
}

/** Why an address is refused, or null when it is a valid one. */
export function addressProblem(address: string): string | null {
  if (address === '') return 'has no address';
  if (address.length > MAX_ADDRESS_LENGTH) return 'is too long to be an e-mail address';
  if (!emailSchema.safeParse(address).success) return 'is not a valid e-mail address';
  return null;
}

/** Splits a pasted line on commas and semicolons that are not inside quotes or angle brackets. */
function entriesOf(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const ch of line) {
    if (ch === '"' && !angled) quoted = !quoted;
    else if (ch === '<' && !quoted) angled = true;
    else if (ch === '>' && !quoted) angled = false;
    if ((ch === ',' || ch === ';') && !quoted && !angled) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((e) => e.trim()).filter((e) => e !== '');
}

/** Collects entries into an EmailList: validates, de-duplicates case-insensitively, applies the size limit. */
function collect(entries: { line: number; entry: string }[]): EmailList {
  const seen = new Set<string>();
  const addresses: string[] = [];
  const rejected: RejectedLine[] = [];
  let duplicates = 0;
  for (const { line, entry } of entries) {
    const address = addressOf(entry);
    const problem = addressProblem(address);
    if (problem) {
      rejected.push({ line, text: shorten(entry.trim()), reason: problem });
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    addresses.push(address);
  }
  let refusal: string | null = null;
  if (addresses.length > MAX_ADDRESSES) {
    refusal = `The list holds ${addresses.length.toLocaleString('en-GB')} addresses; at most ${MAX_ADDRESSES.toLocaleString('en-GB')} can be invited at once. Split it into smaller lists.`;
  } else if (addresses.length === 0) {
    refusal = entries.length === 0 ? 'The list is empty: paste or upload at least one e-mail address.' : 'No valid e-mail address was found in the list.';
  }
  return { addresses: refusal ? [] : addresses, duplicates, rejected, refusal };
}

/** A pasted list: addresses separated by new lines, commas or semicolons, each bare or as `Name <address>`. */
export function parsePastedList(text: string): EmailList {
  const entries: { line: number; entry: string }[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    for (const entry of entriesOf(line)) entries.push({ line: i + 1, entry });
  });
  return collect(entries);
}

const HEADER = /^\s*(e-?mail|mail)(\s*address)?\s*$/i;

/**
 * The e-mail column of a CSV file: the one whose header is email, e-mail or
 * mail (any case, "address" allowed after it), else the first column that
 * holds an @ anywhere. Without a recognised header, a first row with no @
 * in it is taken as a header and skipped.
 */
export function emailsFromCsvRows(rows: CsvRow[]): EmailList {
  if (rows.length === 0) return collect([]);
  const first = rows[0]!;
  let column = first.cells.findIndex((c) => HEADER.test(c));
  let body = rows;
  if (column >= 0) body = rows.slice(1);
  else {
    for (const row of rows) {
      column = row.cells.findIndex((c) => c.includes('@'));
      if (column >= 0) break;
    }
    if (column < 0) return { ...collect([]), refusal: 'No column of the file holds e-mail addresses: name its header “email”, or put the addresses in a column of their own.' };
    if (!first.cells.some((c) => c.includes('@'))) body = rows.slice(1);
  }
  const entries = body
    .filter((row) => row.cells.some((c) => c.trim() !== ''))
    .map((row) => ({ line: row.line, entry: row.cells[column] ?? '' }));
  // A row whose e-mail cell is blank is reported, not skipped: the consultant may expect that person to be invited.
  return collectRows(entries);
}

function collectRows(entries: { line: number; entry: string }[]): EmailList {
  const list = collect(entries.filter((e) => e.entry.trim() !== ''));
  const blank = entries.filter((e) => e.entry.trim() === '').map((e) => ({ line: e.line, text: '', reason: 'has no address in the e-mail column' }));
  const rejected = [...list.rejected, ...blank].sort((a, b) => a.line - b.line);
  return { ...list, rejected };
}

/** "line 4 ‘bob@’ is not a valid e-mail address" */
export function describeRejected(r: RejectedLine): string {
  return r.text === '' ? `line ${r.line} ${r.reason}` : `line ${r.line} ‘${r.text}’ ${r.reason}`;
}
