// distinctJoinSql must equal `string_agg(DISTINCT v, sep ORDER BY v) GROUP BY keys` on any
// input (random tables, NULLs, empty strings, separators inside values, byte order of case and
// of non-ASCII, dictionaries of several words), and must finish where that aggregate runs out of
// memory: a row's reasons over millions of quarantined rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { distinctJoinSql, MAX_DICTIONARY, orderedStringAggSql, type DistinctJoin } from '../../main/store/distinctJoin.js';
import { queryRows, queryValue } from '../../main/store/duckdb.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => instance.closeSync());

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'B', 'b', 'A', ';', '+', ':', ' ', 'é', 'E', 'z', 'Ω', '😀', '0', '9', "'", '\\', '_'];

/** Rows that differ between the two queries, both ways (multisets). */
async function differences(d: DistinctJoin): Promise<number> {
  const mine = await distinctJoinSql(conn, d);
  const ref = orderedStringAggSql(d);
  const cols = [...d.keys, d.as].join(', ');
  return Number(await queryValue(conn, `SELECT (SELECT count(*) FROM (SELECT ${cols} FROM ${mine} EXCEPT ALL SELECT ${cols} FROM ${ref}))
    + (SELECT count(*) FROM (SELECT ${cols} FROM ${ref} EXCEPT ALL SELECT ${cols} FROM ${mine}))`));
}

describe('distinctJoinSql', () => {
  it('equals the ordered string_agg on 300 random tables', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      // Dictionaries from a handful of values to several 64-bit words.
      const distinct = [1, 3, 20, 64, 65, 130, 300][Math.floor(r() * 7)];
      const values = Array.from({ length: distinct }, (_, i) => {
        if (i === 0 && r() < 0.3) return '';
        const len = 1 + Math.floor(r() * 4);
        return Array.from({ length: len }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('') + (r() < 0.5 ? String(i) : '');
      });
      const rows = 1 + Math.floor(r() * 400);
      const lines: string[] = [];
      for (let i = 0; i < rows; i++) {
        const k1 = r() < 0.05 ? 'NULL' : String(Math.floor(r() * 30));
        const k2 = r() < 0.05 ? 'NULL' : `'c${Math.floor(r() * 3)}'`;
        const v = r() < 0.1 ? 'NULL' : `'${values[Math.floor(r() * values.length)].replaceAll("'", "''")}'`;
        lines.push(`(${k1}, ${k2}, ${v})`);
      }
      await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES ${lines.join(', ')}) v(row_id, "column", reason)`);
      const sep = [`';'`, `'+'`, `''`][seed % 3];
      expect(await differences({ from: 't', keys: ['row_id', '"column"'], value: 'reason', sep, as: 'reasons' }), `seed ${seed}`).toBe(0);
      expect(await differences({ from: 't', keys: ['row_id'], value: `"column" || ':' || reason`, sep, as: 'reasons' }), `seed ${seed}`).toBe(0);
    }
  });

  it('gives NULL for a group whose values are all NULL, and keeps a group holding only the empty string', async () => {
    await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (1, NULL), (1, NULL), (2, ''), (3, 'x'), (3, NULL)) v(row_id, reason)`);
    const rows = await queryRows<{ row_id: number; reasons: string | null }>(conn,
      `SELECT row_id, reasons FROM ${await distinctJoinSql(conn, { from: 't', keys: ['row_id'], value: 'reason', sep: `';'`, as: 'reasons' })} ORDER BY row_id`);
    expect(rows.map((x) => [Number(x.row_id), x.reasons])).toEqual([[1, null], [2, ''], [3, 'x']]);
  });

  it('a contract column named like its own work columns keeps its meaning', async () => {
    await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES (1, 'b', 'x'), (1, 'a', 'y'), (2, 'c', 'z')) v(s, d, _dj_v)`);
    expect(await differences({ from: 't', keys: ['s'], value: `d || _dj_v`, sep: `','`, as: 'out' })).toBe(0);
  });

  it('falls back to the plain aggregate beyond its dictionary size, with the same answer', async () => {
    await conn.run(`CREATE OR REPLACE TABLE t AS SELECT i % 7 AS row_id, 'v' || i AS reason FROM range(${MAX_DICTIONARY + 10}) r(i)`);
    const sql = await distinctJoinSql(conn, { from: 't', keys: ['row_id'], value: 'reason', sep: `';'`, as: 'reasons' });
    expect(sql).toContain('string_agg');
    expect(await differences({ from: 't', keys: ['row_id'], value: 'reason', sep: `';'`, as: 'reasons' })).toBe(0);
  });

  it('finishes under a memory budget the ordered aggregate cannot meet (a reason list per row over 2 million rows)', async () => {
    const spill = mkdtempSync(join(tmpdir(), 'airlock-dj-'));
    const small = await DuckDBInstance.create(':memory:', { memory_limit: '200MB', temp_directory: spill, threads: '2' });
    const c = await small.connect();
    try {
      await c.run(`CREATE TABLE v AS SELECT i // 2 AS row_id, 'col' || (i % 7) AS "column",
        CASE WHEN i % 3 = 0 THEN 'PATTERN_MISMATCH' ELSE 'FD_VIOLATION' END AS reason FROM range(4000000) r(i)`);
      const d: DistinctJoin = { from: 'v', keys: ['row_id'], value: `"column" || ':' || reason`, sep: `';'`, as: 'reasons' };
      // The aggregate this replaces fails here: the reason the 50M run died.
      await expect(c.run(`CREATE TEMP TABLE ref AS ${orderedStringAggSql(d)}`)).rejects.toThrow(/Out of Memory/);
      await c.run(`CREATE TEMP TABLE mine AS SELECT * FROM ${await distinctJoinSql(c, d)}`);
      expect(Number(await queryValue(c, 'SELECT count(*) FROM mine'))).toBe(2_000_000);
      // Spot-check against the aggregate on a slice small enough for it.
      const slice: DistinctJoin = { ...d, from: '(SELECT * FROM v WHERE row_id < 20000)' };
      await c.run(`CREATE TEMP TABLE ref_slice AS ${orderedStringAggSql(slice)}`);
      expect(Number(await queryValue(c, `SELECT count(*) FROM (SELECT row_id, reasons FROM mine WHERE row_id < 20000 EXCEPT ALL SELECT row_id, reasons FROM ref_slice)`))).toBe(0);
    } finally {
      small.closeSync();
      rmSync(spill, { recursive: true, force: true });
    }
  }, 120_000);
});
