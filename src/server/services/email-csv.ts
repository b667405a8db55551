import { parse } from 'csv-parse/sync';
import { emailsFromCsvRows, type CsvRow, type EmailList } from '../../domain/email-list.ts';

/** The largest CSV file of addresses accepted: 2,000 rows with a few columns fit easily. */
export const MAX_CSV_BYTES = 512 * 1024;

const lineBreaks = (cell: string) => cell.match(/\r\n|\r|\n/g)?.length ?? 0;

/**
 * The addresses in an uploaded CSV file (comma or semicolon separated, as
 * spreadsheets in different locales write them), through the pure
 * email-list rules. A file that is not CSV at all comes back as a refusal
 * naming the line where reading stopped.
 */
export function emailsFromCsv(text: string): EmailList {
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return {
      addresses: [],
      duplicates: 0,
      rejected: [],
      refusal: `The file could not be read as CSV${line ? ` (line ${line})` : ''}. Save it from your spreadsheet as “CSV”, or paste the addresses instead.`,
    };
  }
  // info.lines is where a record ends; a quoted cell may span lines, so the start is counted back.
  const rows: CsvRow[] = records.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, cell) => n + lineBreaks(cell), 0),
    cells: record,
  }));
  return emailsFromCsvRows(rows);
}
