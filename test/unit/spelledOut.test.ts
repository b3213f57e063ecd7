// The language model's extra harm test: a value it writes must be spelled out by the value it
// replaces. Evaluated in DuckDB (the SQL the guard runs) over pairs a model could write: the
// accepted ones are re-spellings, the refused ones change what the value means (a dropped
// negation, a flipped sign, a moved decimal point, digits "expanded", a date's parts swapped).
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spelledOutSql } from '../../main/remediate/harmGuard.js';
import { sqlString } from '../../main/store/duckdb.js';

let instance: DuckDBInstance;
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => { instance = await DuckDBInstance.create(':memory:'); conn = await instance.connect(); });
afterAll(() => { conn.closeSync(); instance.closeSync(); });

async function spelled(pairs: Array<[string, string]>): Promise<boolean[]> {
  const values = pairs.map(([o, n], i) => `(${i}, ${sqlString(o)}, ${sqlString(n)})`).join(', ');
  const reader = await conn.runAndReadAll(`SELECT coalesce(${spelledOutSql('o', 'n')}, false) FROM (VALUES ${values}) t(i, o, n) ORDER BY i`);
  return reader.getRows().map((r) => r[0] as boolean);
}

describe("a model's written value must be spelled out by the one it replaces", () => {
  const ACCEPTED: Array<[string, string]> = [
    ['ACTIVE', 'active'], ['  Active ', 'active'], ['NEW YORK', 'New York'], ['new-york', 'New York'],
    ['Y', 'yes'], ['CNL', 'cancelled'], ['12 oz', '12'], ['$1,234.50', '1234.50'], ['york new', 'new york'],
    ['not approved', 'Not Approved'], ['x.y at example dot com', 'x.y@example.com'], ['abc-1234', 'ABC-1234'], ['2021/03/15', '2021-03-15'], ['(-5)', '-5'],
  ];
  const REFUSED: Array<[string, string]> = [
    ['not approved', 'approved'], ['non-smoker', 'smoker'], ['never married', 'married'], ['no', 'N'],
    ['-5', '5'], ['5', '-5'], ['12', '1.2'], ['1,500', '1.500'], ['5', '500000'], ['1', '10000'],
    ['2', '2024-12-31'], ['2023-01-05', '2023-05-01'], ['disabled', 'pending'], ['awaiting', 'active'],
  ];
  it('accepts re-spellings: case, spacing, punctuation, dropped units, re-ordered words, letter abbreviations', async () => {
    expect(await spelled(ACCEPTED)).toEqual(ACCEPTED.map(() => true));
  });
  it('refuses changes of meaning dressed as re-spellings', async () => {
    const got = await spelled(REFUSED);
    expect(REFUSED.filter((_, i) => got[i])).toEqual([]);
  });
});
