import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../src/domain/csv-cells.ts';

describe('neutraliseCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['Acme, Inc.', 'Acme, Inc.'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('turns %j into %j', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });

  it('keeps numbers as numbers and empties nulls', () => {
    expect(neutraliseCell(-3.5)).toBe(-3.5);
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
  });
});
