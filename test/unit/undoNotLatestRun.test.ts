// Undoing a run that later runs wrote over (a cancelled background job undone after the next
// file's run): production must equal what replaying every other run, in order, would give. The
// oracle replays the runs in JavaScript over a map, apart from the SQL under test; 200 random
// sequences of upserts over a few keys (integer and number keys), one run undone in each, at any
// place in the sequence. Before the fix, the undone run's predecessors came back beside the later
// run's rows: a key twice in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseContract } from '../../main/contract/load.js';
import { undoRun, upsertIntoProduction } from '../../main/pipeline/promote.js';
import { queryRows, sqlString } from '../../main/store/duckdb.js';
import { ensureStreamTables } from '../../main/store/tables.js';
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

const contractFor = (table: string, keyType: 'integer' | 'number') => parseContract(`apiVersion: v3.1.0
kind: DataContract
id: ${table}
version: 1.0.0
schema:
  - name: ${table}
    properties:
      - {name: id, logicalType: ${keyType}, primaryKey: true, required: true}
      - {name: v, logicalType: string}
`, `${table}.yaml`);

describe('undoRun of a run that is not the latest', () => {
  it('leaves production as replaying every other run would, over 200 random sequences', async () => {
    const rng = seeded(20261207);
    const r = (n: number) => Math.floor(rng.next() * n);
    const problems: string[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const keyType = trial % 2 === 0 ? 'integer' : 'number';
      const table = `u${trial}`;
      const contract = contractFor(table, keyType);
      const st = await ensureStreamTables(conn, contract);
      // a run promotes once or twice (its fast lane, then its remediated rows, which may hold a
      // key the fast lane wrote); a number key may arrive as 3 or 3.0: one key, as production compares them
      const wave = (i: number, w: number) => [...new Set(Array.from({ length: 1 + r(5) }, () => 1 + r(6)))]
        .map((k) => ({ key: k, text: keyType === 'number' && r(2) ? `${k}.0` : String(k), v: `${i}.${w}:${k}` }));
      const runs = Array.from({ length: 2 + r(4) }, (_, i) => ({ id: `r${i}`, waves: Array.from({ length: 1 + r(2) }, (_, w) => wave(i, w)) }));
      let rowId = 0;
      for (const run of runs) {
        for (const rows of run.waves) {
          const values = rows.map((x) => `(${sqlString(x.text)}, ${sqlString(x.v)}, ${++rowId}, 'h${rowId}')`).join(', ');
          await conn.run(`CREATE OR REPLACE TEMP TABLE _src AS SELECT * FROM (VALUES ${values}) t(id, v, _airlock_row_id, _airlock_row_hash)`);
          await upsertIntoProduction(conn, contract, run.id, st, '_src');
        }
      }
      const undone = runs[r(runs.length)];
      await undoRun(conn, contract, undone.id, st);
      const want = new Map<number, string>();
      for (const run of runs) if (run !== undone) for (const rows of run.waves) for (const x of rows) want.set(x.key, x.v);
      const got = await queryRows<{ k: number; v: string }>(conn, `SELECT CAST(id AS DOUBLE) AS k, v FROM ${st.prod} ORDER BY k, v`);
      const expected = [...want].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}=${v}`);
      const actual = got.map((g) => `${Number(g.k)}=${g.v}`);
      if (actual.join(',') !== expected.join(',')) problems.push(`trial ${trial} (${keyType}), undo ${undone.id} of ${runs.map((x) => `${x.id}[${x.waves.map((w) => w.map((y) => y.text).join(' ')).join(' | ')}]`).join(' ')}: ${actual.join(',')} != ${expected.join(',')}`);
      // history holds no row of the undone run, and nothing it superseded waits to be restored by it
      const left = Number((await queryRows<{ n: number }>(conn, `SELECT count(*)::INTEGER AS n FROM ${st.history} WHERE _airlock_run_id = ${sqlString(undone.id)} OR _airlock_superseded_by = ${sqlString(undone.id)}`))[0].n);
      if (left) problems.push(`trial ${trial}: ${left} history row(s) still name ${undone.id}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  }, 300_000);
});
