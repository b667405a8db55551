import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFloatArray, parseIntArray } from '../../src/server/repositories/pg/array-text.ts';
import { freshDatabase } from '../helpers/pg.ts';

/**
 * The statistics' arrays read as text (src/server/repositories/pg/array-text.ts)
 * give what node-postgres's own parser gives for the same values, as
 * PostgreSQL prints them.
 */
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: await freshDatabase('array_text') });
  await client.connect();
});

afterAll(() => client.end());

/** The array sent, read back both ways: as node-postgres parses it, and as its text. */
async function both(values: number[], type: 'int[]' | 'float8[]'): Promise<{ parsed: number[]; text: string }> {
  const { rows } = await client.query<{ a: number[]; t: string }>(`SELECT $1::${type} AS a, $1::${type}::text AS t`, [values]);
  return { parsed: rows[0]!.a, text: rows[0]!.t };
}

describe('parseIntArray', () => {
  it('reads integer arrays as node-postgres does: zeros, negatives, the int4 limits, one element and none', async () => {
    const cases = [[0, 3, 0, 17, 250000], [-1, 0, -2147483648, 2147483647], [7], [], Array.from({ length: 100 }, (_, i) => (i * 7919) % 1000)];
    for (const values of cases) {
      const { parsed, text } = await both(values, 'int[]');
      expect(Array.from(parseIntArray(text)), text).toEqual(parsed);
      expect(parsed).toEqual(values);
    }
  });

  it('refuses what is not a flat integer array instead of reading it wrong', () => {
    for (const text of ['{1,NULL,3}', '{1,,3}', '{{1,2},{3,4}}', '[0:1]={1,2}', '1,2', '{1.5}', '{1,2', '{-}', '{1-2}']) {
      expect(() => parseIntArray(text), text).toThrow(/array/);
    }
  });
});

describe('parseFloatArray', () => {
  it('reads double precision arrays as the same doubles node-postgres gives', async () => {
    const values = [0, -0.5, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-300, 123456789.123456, -1.7976931348623157e308, 5e-324, 42];
    const { parsed, text } = await both(values, 'float8[]');
    expect(Array.from(parseFloatArray(text))).toEqual(parsed);
    expect(parsed).toEqual(values);
    expect(Array.from(parseFloatArray((await both([], 'float8[]')).text))).toEqual([]);
  });

  it('refuses NULLs and empty elements', () => {
    for (const text of ['{1,NULL}', '{1,,2}', '{abc}', '1.5']) expect(() => parseFloatArray(text), text).toThrow(/array/);
  });
});
