import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressOf, describeRejected, emailsFromCsvRows, MAX_ADDRESSES, parsePastedList, type CsvRow } from '../../src/domain/email-list.ts';

const rows = (...lines: string[][]): CsvRow[] => lines.map((cells, i) => ({ line: i + 1, cells }));

describe('addressOf', () => {
  it.each([
    ['ann@example.com', 'ann@example.com'],
    ['  <ann@example.com> ', 'ann@example.com'],
    ['Ann Lee <ann@example.com>', 'ann@example.com'],
    ['"Lee, Ann" <ann@example.com>', 'ann@example.com'],
    ['mailto:ann@example.com', 'ann@example.com'],
  ])('%s → %s', (entry, address) => expect(addressOf(entry)).toBe(address));
});

describe('parsePastedList', () => {
  it('reads new lines, commas, semicolons and Name <address> forms', () => {
    const list = parsePastedList('ann@example.com, bob@example.com;carl@example.com\n"Lee, Dee" <dee@example.com>\r\n\n  Eve <eve@example.com>  ');
    expect(list.addresses).toEqual(['ann@example.com', 'bob@example.com', 'carl@example.com', 'dee@example.com', 'eve@example.com']);
    expect(list.rejected).toEqual([]);
    expect(list.refusal).toBeNull();
  });

  it('drops repeats case-insensitively, keeping the first spelling', () => {
    const list = parsePastedList('Ann@Example.com\nann@example.COM\nbob@example.com, ANN@EXAMPLE.COM');
    expect(list.addresses).toEqual(['Ann@Example.com', 'bob@example.com']);
    expect(list.duplicates).toBe(2);
  });

  it('reports every rejected entry with its line number and why, and keeps the valid ones', () => {
    const list = parsePastedList(['ann@example.com', 'not an address', 'carl@example.com', "bob@", `${'x'.repeat(250)}@example.com`].join('\n'));
    expect(list.addresses).toEqual(['ann@example.com', 'carl@example.com']);
    expect(list.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'is not a valid e-mail address'],
      [4, 'is not a valid e-mail address'],
      [5, 'is too long to be an e-mail address'],
    ]);
    expect(describeRejected(list.rejected[1]!)).toBe('line 4 ‘bob@’ is not a valid e-mail address');
    expect(list.rejected[2]!.text.length).toBeLessThanOrEqual(60);
  });

  it('refuses an empty list and one with no valid address', () => {
    expect(parsePastedList(' \n , ;\n').refusal).toMatch(/empty/);
    const none = parsePastedList('bob@\nalice');
    expect(none.refusal).toMatch(/No valid e-mail address/);
    expect(none.addresses).toEqual([]);
    expect(none.rejected).toHaveLength(2);
  });

  it(`refuses more than ${MAX_ADDRESSES} addresses whole, and takes exactly ${MAX_ADDRESSES}`, () => {
    const make = (n: number) => Array.from({ length: n }, (_, i) => `p${i}@example.com`).join('\n');
    expect(parsePastedList(make(MAX_ADDRESSES)).addresses).toHaveLength(MAX_ADDRESSES);
    const over = parsePastedList(make(MAX_ADDRESSES + 1));
    expect(over.addresses).toEqual([]);
    expect(over.refusal).toMatch(/2,001 addresses; at most 2,000/);
  });
});

describe('emailsFromCsvRows', () => {
  it('finds the column by its header name and skips the header', () => {
    for (const header of ['email', 'E-mail', 'MAIL', 'Email address']) {
      const list = emailsFromCsvRows(rows(['Name', header], ['Ann', 'ann@example.com'], ['Bob', 'bob@example.com']));
      expect(list.addresses, header).toEqual(['ann@example.com', 'bob@example.com']);
    }
  });

  it('without a known header, takes the first column holding an @ and skips a header row without one', () => {
    const list = emailsFromCsvRows(rows(['Name', 'Work', 'Private'], ['Ann', 'ann@example.com', 'ann@home.example'], ['Bob', 'bob@example.com', '']));
    expect(list.addresses).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('keeps a first row that is data', () => {
    expect(emailsFromCsvRows(rows(['ann@example.com'], ['bob@example.com'])).addresses).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('reports bad and blank cells with the line they are on', () => {
    const list = emailsFromCsvRows([
      { line: 1, cells: ['name', 'email'] },
      { line: 2, cells: ['Ann', 'ann@example.com'] },
      { line: 4, cells: ['Bob', 'bob@'] },
      { line: 5, cells: ['Carl', ''] },
    ]);
    expect(list.addresses).toEqual(['ann@example.com']);
    expect(list.rejected.map(describeRejected)).toEqual(['line 4 ‘bob@’ is not a valid e-mail address', 'line 5 has no address in the e-mail column']);
  });

  it('refuses a file with no e-mail column', () => {
    expect(emailsFromCsvRows(rows(['Name'], ['Ann'])).refusal).toMatch(/No column/);
    expect(emailsFromCsvRows([]).refusal).toMatch(/empty/);
  });
});

describe('properties', () => {
  const local = fc.stringMatching(/^[a-z0-9]{1,12}$/);
  const domain = fc.stringMatching(/^[a-z]{1,10}\.(com|org|co\.uk)$/);
  const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

  it('any valid addresses, however separated and cased, come back once each', () => {
    fc.assert(
      fc.property(fc.array(address, { maxLength: 40 }), fc.array(fc.constantFrom('\n', ', ', ';', '\r\n', ' ;\n'), { minLength: 1 }), fc.boolean(), (list, seps, upper) => {
        const text = list.map((a, i) => (upper && i % 2 ? a.toUpperCase() : a) + seps[i % seps.length]).join('');
        const parsed = parsePastedList(text);
        const distinct = new Set(list.map((a) => a.toLowerCase()));
        if (distinct.size === 0) return parsed.refusal !== null;
        return (
          parsed.addresses.length === distinct.size &&
          new Set(parsed.addresses.map((a) => a.toLowerCase())).size === distinct.size &&
          parsed.addresses.every((a) => distinct.has(a.toLowerCase())) &&
          parsed.duplicates === list.length - distinct.size &&
          parsed.rejected.length === 0
        );
      }),
    );
  });

  it('never returns an address that is not in the input, and every rejected line number is a line of it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parsePastedList(text);
        const lines = text.split(/\r\n|\r|\n/).length;
        return parsed.addresses.every((a) => text.includes(a)) && parsed.rejected.every((r) => r.line >= 1 && r.line <= lines);
      }),
    );
  });
});
