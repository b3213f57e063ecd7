// The table the Spark translation writes lower() and upper() from (main/export/dbt/duckdbCase.ts)
// is DuckDB's own: read again from the DuckDB installed (a DuckDB upgrade that changes a mapping
// fails here until `npm run case-table` is run), and DuckDB maps whole strings one code point at a
// time, with no context (no final sigma, no 'ß' to 'SS'): 3,000 generated strings checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { DUCKDB_CASE, DUCKDB_VERSION } from '../../main/export/dbt/duckdbCaseTable.js';
import { duckdbCaseMapping } from '../../main/export/dbt/duckdbCase.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { readDuckdbCaseTable } from '../helpers/duckdbCase.js';

let duck: LockedDuckDB;
beforeAll(async () => {
  duck = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
});
afterAll(() => duck?.close());

/** What translate(s, from, to) gives, code point by code point (Spark's translate, checked in real Spark by adversarialSparkModel.test.ts). */
const maps = new Map<string, Map<string, string>>();
function mapped(s: string, kind: 'lower' | 'upper'): string {
  if (!maps.has(kind)) {
    const { from, to } = duckdbCaseMapping(kind);
    const targets = [...to];
    expect(targets.length).toBe([...from].length);
    maps.set(kind, new Map([...from].map((c, i) => [c, targets[i]!])));
  }
  const m = maps.get(kind)!;
  return [...s].map((c) => m.get(c) ?? c).join('');
}

describe('DuckDB case table', () => {
  it('is what the installed DuckDB maps, code point by code point', async () => {
    const now = await readDuckdbCaseTable(duck.conn);
    expect(now.version).toBe(DUCKDB_VERSION);
    expect(now.rows.length).toBe(DUCKDB_CASE.length);
    expect(now.rows).toEqual(DUCKDB_CASE.map((r) => [...r]));
  }, 120_000);

  it('gives DuckDB\'s lower() and upper() of whole strings: no context, one code point for one', async () => {
    const rand = seededRandom(77);
    const cased = DUCKDB_CASE.map((r) => String.fromCodePoint(r[0]));
    // cased letters beside ASCII, spaces, punctuation and combining marks (the contexts of a final sigma and of İ)
    const others = ['a', 'Z', ' ', '.', '\u0307', '\u0301', 'Σ', 'İ', 'ß', 'ﬃ', '1', '😀', '\u0345'];
    const strings = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(rand() * 10) }, () => (rand() < 0.6 ? cased[Math.floor(rand() * cased.length)]! : others[Math.floor(rand() * others.length)]!)).join(''));
    const values = strings.map((s, i) => `(${i}, ${sqlString(s)})`).join(', ');
    const rows = await queryRows<{ i: number; l: string; u: string }>(duck.conn, `SELECT i, lower(s) AS l, upper(s) AS u FROM (VALUES ${values}) v(i, s) ORDER BY i`);
    expect(rows.length).toBe(strings.length);
    const wrong = rows.filter((r) => r.l !== mapped(strings[Number(r.i)]!, 'lower') || r.u !== mapped(strings[Number(r.i)]!, 'upper'));
    expect(wrong.slice(0, 3)).toEqual([]);
    // the strings do hold what Java maps differently
    expect(strings.some((s) => /[^\s]Σ/u.test(s))).toBe(true);
  }, 120_000);
});
