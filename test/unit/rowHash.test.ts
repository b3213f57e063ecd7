// A5: the row hash identifies a row as it arrived. Generated rows full of separators, NULs,
// empty strings and NULLs must hash equal exactly when they are equal (the truth is computed
// here in JavaScript from the generated values, not by the code under test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../main/contract/types.js';
import { rowHashSql } from '../../main/validate/route.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';

const contract = { columns: ['a', 'b', 'c'].map((name) => ({ name })) } as unknown as Contract;
// Characters that break naive encodings: the unit separator, NUL, the length-prefix syntax.
const ALPHABET = [0, 31, 0x3a, 0x2d, 0x2c, 0x31, 0x78, 0x79, 0xe9];

type Cell = number[] | null;
const cellSql = (c: Cell) => (c === null ? 'NULL::VARCHAR' : c.length === 0 ? "''" : c.map((cp) => `chr(${cp})`).join(' || '));

let conn: DuckDBConnection;
let db: DuckDBInstance;
beforeAll(async () => { db = await DuckDBInstance.create(':memory:'); conn = await db.connect(); });
afterAll(() => { conn.closeSync(); db.closeSync(); });

async function distinctHashes(rows: Cell[][]): Promise<number> {
  await conn.run('CREATE OR REPLACE TABLE g (a VARCHAR, b VARCHAR, c VARCHAR)');
  await conn.run(`INSERT INTO g VALUES ${rows.map((r) => `(${r.map(cellSql).join(', ')})`).join(', ')}`);
  const res = await conn.runAndReadAll(`SELECT count(DISTINCT ${rowHashSql(contract)}) FROM g`);
  return Number(res.getRows()[0][0]);
}

describe('row hash (A5)', () => {
  it('the reported collisions are distinct rows: separator moved between fields, NUL against empty', async () => {
    const x = 0x78, y = 0x79, z = 0x7a;
    expect(await distinctHashes([[[0x31], [x, 31, y], [z]], [[0x31], [x], [y, 31, z]]])).toBe(2);
    expect(await distinctHashes([[[0x31], [0], [z]], [[0x31], [], [z]], [[0x31], null, [z]]])).toBe(3);
  });

  it('generated rows collide only when equal (600 rows per seed, 5 seeds)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = seededRandom(seed);
      const cell = (): Cell => {
        const r = rand();
        if (r < 0.1) return null;
        if (r < 0.2) return [];
        return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]);
      };
      // Half the rows are built by moving characters of another row across a field boundary.
      const rows: Cell[][] = [];
      for (let i = 0; i < 600; i++) {
        if (i % 2 === 1) {
          const [a, b, c] = rows[i - 1];
          const flat = [...(a ?? []), 31, ...(b ?? []), ...(c ?? [])];
          const cut = Math.floor(rand() * flat.length);
          rows.push([flat.slice(0, cut), flat.slice(cut), c === null ? [] : null]);
        } else rows.push([cell(), cell(), cell()]);
      }
      const truth = new Set(rows.map((r) => JSON.stringify(r))).size;
      expect(await distinctHashes(rows), `seed ${seed}`).toBe(truth);
    }
  });

  it('is a SHA-256 (64 hex digits), not md5', async () => {
    const res = await conn.runAndReadAll(`SELECT ${rowHashSql(contract)} FROM (SELECT 'p' AS a, 'q' AS b, NULL AS c)`);
    expect(String(res.getRows()[0][0])).toMatch(/^[0-9a-f]{64}$/);
  });
});
