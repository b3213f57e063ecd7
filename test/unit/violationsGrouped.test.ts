// Keys and functional dependencies are judged by grouped aggregations joined back to the batch
// (compileViolations.ts), not by windows over it. They must flag exactly the rows the window
// definitions flag: every row of a typed key but the first by row id (NULL keys, missing tokens,
// '01' vs '1' included), and within a determinant group every row whose dependent value holds no
// clear majority (NULL dependents and determinants included). Checked on generated batches
// against the window queries written out here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseContract } from '../../main/contract/load.js';
import { compileViolations, determinantUsableSql, missingSql } from '../../main/validate/compileViolations.js';
import { keyPartitionSql } from '../../main/validate/keyValue.js';
import { queryRows, sqlIdent, sqlString } from '../../main/store/duckdb.js';

const CONTRACT = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: g
version: 1.0.0
schema:
  - name: g
    properties:
      - {name: k, logicalType: integer, primaryKey: true}
      - {name: zip, logicalType: string, logicalTypeOptions: {pattern: '[0-9]{2}'}}
      - {name: state, logicalType: string}
      - {name: a, logicalType: string}
      - {name: b, logicalType: integer}
    quality:
      - {type: library, metric: duplicateValues, arguments: {properties: [a, b]}}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [state]}
`, 'g.yaml');

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

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

async function batch(seed: number, n: number): Promise<void> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const keys = ['1', '01', ' 1', '+1', '2', '3', 'x', '', null, '4', '5'];
  const zips = ['10', '11', '12', '1x', '', null];
  const states = ['A', 'B', 'C', null];
  const rows: string[] = [];
  // Rows are inserted out of id order: "first" is by row id, never by position.
  const ids = Array.from({ length: n }, (_, i) => i + 1).sort(() => rand() - 0.5);
  for (const id of ids) {
    const v = (x: string | null) => (x === null ? 'NULL' : sqlString(x));
    rows.push(`(${v(pick(keys))}, ${v(pick(zips))}, ${v(pick(states))}, ${v(pick(['p', 'q', null]))}, ${v(pick(['7', '07', '8', null]))}, ${id})`);
  }
  await conn.run('CREATE OR REPLACE TABLE src (k VARCHAR, zip VARCHAR, state VARCHAR, a VARCHAR, b VARCHAR, _airlock_row_id BIGINT)');
  await conn.run(`INSERT INTO src VALUES ${rows.join(', ')}`);
}

/** The window definitions the grouped aggregations replace. */
function windowReference(): string {
  const col = (n: string) => CONTRACT.columns.find((c) => c.name === n)!;
  const k = col('k');
  const kPart = keyPartitionSql(k, '"k"').join(', ');
  const abPart = [...keyPartitionSql(col('a'), '"a"'), ...keyPartitionSql(col('b'), '"b"')].join(', ');
  const usable = determinantUsableSql(col('zip'), sqlIdent('zip'));
  return `WITH w AS (SELECT *,
      row_number() OVER (PARTITION BY ${kPart} ORDER BY _airlock_row_id) AS dk,
      row_number() OVER (PARTITION BY ${abPart} ORDER BY _airlock_row_id) AS dab,
      count(*) OVER (PARTITION BY zip) AS n,
      count(*) OVER (PARTITION BY zip, coalesce(state, chr(0))) AS c
    FROM src)
    SELECT _airlock_row_id AS row_id, 'k' AS "column" FROM w WHERE NOT ${missingSql(k, '"k"')} AND dk > 1
    UNION ALL SELECT _airlock_row_id, 'a+b' FROM w WHERE a IS NOT NULL AND b IS NOT NULL AND dab > 1
    UNION ALL SELECT _airlock_row_id, 'state' FROM w WHERE ${usable} AND 2 * c <= n`;
}

describe('grouped key and dependency checks', () => {
  it('flag exactly the rows the window definitions flag (40 generated batches)', async () => {
    const { sql } = compileViolations(CONTRACT, 'src');
    for (let seed = 1; seed <= 40; seed++) {
      await batch(seed, 20 + seed * 5);
      const got = await queryRows<{ row_id: number; column: string }>(conn, `SELECT row_id, "column" FROM (${sql})
        WHERE reason IN ('DUPLICATE_KEY', 'FD_VIOLATION') ORDER BY 1, 2`);
      const want = await queryRows<{ row_id: number; column: string }>(conn, `SELECT * FROM (${windowReference()}) ORDER BY 1, 2`);
      expect(got, `seed ${seed}`).toEqual(want);
      expect(want.length, `seed ${seed}: the batch has duplicates and disagreements to find`).toBeGreaterThan(0);
    }
  });

  it("an FD violation's detail carries the agreeing rows and the group's rows", async () => {
    await batch(7, 200);
    const rows = await queryRows<{ detail: string; zip: string | null; state: string | null }>(conn, `SELECT v.detail, s.zip, s.state FROM (${compileViolations(CONTRACT, 'src').sql}) v
      JOIN src s ON s._airlock_row_id = v.row_id WHERE v.reason = 'FD_VIOLATION'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const d = JSON.parse(r.detail) as { agreeing: number; group: number };
      const [g] = await queryRows<{ n: number; c: number }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE state IS NOT DISTINCT FROM ${r.state === null ? 'NULL' : sqlString(r.state)}) AS c FROM src WHERE zip = ${sqlString(r.zip!)}`);
      expect([d.agreeing, d.group]).toEqual([Number(g.c), Number(g.n)]);
    }
  });
});
