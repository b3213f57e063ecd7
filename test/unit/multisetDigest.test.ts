// The replay's digest of a run's production rows (store/multisetDigest.ts) must depend on the
// multiset of rows only: any order gives the same digest, one row more, less, doubled or changed
// gives another; and it must finish in a memory budget where the ordered string_agg it replaced
// cannot hold its one state (64 bytes per row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { multisetDigestSql } from '../../main/store/multisetDigest.js';
import { queryValue, sqlString } from '../../main/store/duckdb.js';
import { seeded } from '../helpers/seeded.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => instance.closeSync());

async function digestOf(values: Array<string | null>): Promise<string> {
  const from = values.length ? `(SELECT * FROM (VALUES ${values.map((v) => `(${v === null ? 'NULL' : sqlString(v)})`).join(', ')}) t(x))` : '(SELECT CAST(NULL AS VARCHAR) AS x WHERE false)';
  return String(await queryValue(conn, multisetDigestSql(from, 'x')));
}

describe('the multiset digest', () => {
  it('is the same for any order and differs for any other multiset (200 random multisets)', async () => {
    const rng = seeded(28);
    const alphabet = ['a', 'b', 'é', "'", ':', '', ' ', '0'];
    for (let t = 0; t < 200; t++) {
      const n = rng.int(1, 12);
      const values = Array.from({ length: n }, () => (rng.chance(0.1) ? null : Array.from({ length: rng.int(0, 3) }, () => rng.pick(alphabet)).join('')));
      const shuffled = [...values].sort(() => rng.next() - 0.5);
      const base = await digestOf(values);
      expect(await digestOf(shuffled)).toBe(base);
      const i = rng.int(0, n - 1);
      expect(await digestOf([...values, values[i]])).not.toBe(base); // one doubled
      expect(await digestOf(values.filter((_, j) => j !== i))).not.toBe(base); // one less
      expect(await digestOf(values.map((v, j) => (j === i ? `${v ?? ''}x` : v)))).not.toBe(base); // one changed
    }
    // {a, a, b} and {a, b, b}: the same distinct values, another multiset
    expect(await digestOf(['a', 'a', 'b'])).not.toBe(await digestOf(['a', 'b', 'b']));
    expect(await digestOf([])).toBe('');
  });

  it('digests four million rows in a 64 MB budget, where the ordered string_agg runs out', async () => {
    const small = await DuckDBInstance.create(':memory:', { memory_limit: '64MB', threads: '2', preserve_insertion_order: 'false' });
    const c = await small.connect();
    try {
      const rows = '(SELECT CAST(range AS VARCHAR) AS x FROM range(4000000))';
      await expect(queryValue(c, `SELECT sha256(string_agg(sha256(x), '' ORDER BY x)) FROM ${rows}`)).rejects.toThrow(/memory|Out of Memory/i);
      const d = String(await queryValue(c, multisetDigestSql(rows, 'x')));
      expect(d).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      small.closeSync();
    }
  }, 120_000);
});
