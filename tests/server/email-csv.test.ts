import { describe, expect, it } from 'vitest';
import { describeRejected } from '../../src/domain/email-list.ts';
import { emailsFromCsv } from '../../src/server/services/email-csv.ts';

describe('emailsFromCsv', () => {
  it('reads a spreadsheet export with a BOM, CRLF lines and quoted cells, reporting bad rows by line', () => {
    const csv = '\uFEFFName,Email\r\n"Lee, Ann",ann@example.com\r\n"Two\nlines",bob@\r\n\r\nCarl,carl@example.com\r\n';
    const list = emailsFromCsv(csv);
    expect(list.addresses).toEqual(['ann@example.com', 'carl@example.com']);
    expect(list.rejected.map(describeRejected)).toEqual(['line 3 ‘bob@’ is not a valid e-mail address']);
  });

  it('reads semicolon-separated files', () => {
    expect(emailsFromCsv('name;e-mail\nAnn;ann@example.com\n').addresses).toEqual(['ann@example.com']);
  });

  it('refuses what is not CSV with the line where reading stopped', () => {
    const list = emailsFromCsv('email\nann@example.com\n"bob@example.com');
    expect(list.refusal).toMatch(/could not be read as CSV \(line 3\)/);
    expect(list.addresses).toEqual([]);
  });
});
