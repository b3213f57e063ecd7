// `b` is `a` with one character written for another wherever it occurs: the SQL predicate against
// a plain reading of the definition (every character of `a` equal to `b`'s but for one
// character p, which always reads q in `b`), over thousands of generated pairs: the replacement
// itself, pairs one more edit away, and unrelated pairs; and the fixed cases the repairs lean on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { oneCharacterReplacedSql } from '../../main/validate/oneCharacterReplaced.js';
import { sqlString } from '../../main/store/duckdb.js';
import { seeded } from '../helpers/seeded.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

/** The definition, read literally: one p ≠ q with b = a where every p is q, and a ≠ b. */
function reference(a: string, b: string): boolean {
  const x = [...a], y = [...b];
  if (x.length !== y.length || a === b) return false;
  for (const p of new Set(x)) for (const q of new Set(y)) {
    if (p !== q && x.every((c, i) => (c === p ? y[i] === q : y[i] === c))) return true;
  }
  return false;
}

async function judge(pairs: Array<[string, string]>): Promise<boolean[]> {
  const values = pairs.map(([a, b], i) => `(${i}, ${sqlString(a)}, ${sqlString(b)})`).join(', ');
  const rows = (await conn.runAndReadAll(`SELECT i, ${oneCharacterReplacedSql('a', 'b')} FROM (VALUES ${values}) t(i, a, b) ORDER BY i`)).getRows();
  return rows.map((r) => r[1] === true);
}

describe('oneCharacterReplacedSql', () => {
  it('reads the corruptions it is for, in their direction', async () => {
    expect(await judge([
      ['cac-1', 'xax-1'], ['po box 287', 'poxboxx287'], ['heart failure', 'hearx failure'], ['Ogden Ale House', 'Ogdxn Alx Housx'],
    ])).toEqual([true, true, true, true]);
    // the merge of x and space cannot be undone by one replacement; equal values, other lengths,
    // two characters replaced are not one
    expect(await judge([
      ['poxboxx287', 'po box 287'], ['abc', 'abc'], ['abc', 'abcd'], ['aba', 'xyx'], ['', ''],
    ])).toEqual([false, false, false, false, false]);
  });

  it('agrees with the definition over 6,000 generated pairs', async () => {
    const rng = seeded(20261207);
    const r = (n: number) => Math.floor(rng.next() * n);
    const alphabet = 'ab x-1é';
    const word = () => Array.from({ length: 1 + r(9) }, () => alphabet[r(alphabet.length)]).join('');
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < 6000; i++) {
      const a = word();
      const p = a[r(a.length)], q = alphabet[r(alphabet.length)];
      let b = [...a].map((c) => (c === p ? q : c)).join('');
      const kind = r(3);
      if (kind === 1) { const j = r(b.length); b = b.slice(0, j) + alphabet[r(alphabet.length)] + b.slice(j + 1); } // one more edit
      if (kind === 2) b = word(); // unrelated
      pairs.push([a, b]);
    }
    const got = await judge(pairs);
    const wrong = pairs.filter((pair, i) => got[i] !== reference(...pair));
    expect(wrong.slice(0, 5)).toEqual([]);
    // the generator reaches both answers often
    expect(got.filter(Boolean).length).toBeGreaterThan(1500);
    expect(got.filter((x) => !x).length).toBeGreaterThan(1500);
  });
});
