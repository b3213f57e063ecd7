// Adversarial probes of 825f4f9 (undoRun of a run that is not the latest). Oracle: undoing runs
// leaves production AND history exactly as if those runs had never been promoted (the remaining
// runs replayed, in order, through the same upsert into a fresh stream). The review-step case
// failed on 825f4f9: the undo of an earlier run relinked to the later run a row its fast lane had
// superseded, after the later run's review image was taken, and undoing that review step put the
// row back beside the later run's (remediate/history.ts now never restores a key production holds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseContract } from '../../main/contract/load.js';
import type { Contract } from '../../main/contract/types.js';
import { undoRun, upsertIntoProduction } from '../../main/pipeline/promote.js';
import { queryRows, sqlString } from '../../main/store/duckdb.js';
import { ensureStreamTables, type StreamTables } from '../../main/store/tables.js';
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

type Kind = 'composite' | 'none' | 'string';
const contractFor = (table: string, kind: Kind): Contract => parseContract(`apiVersion: v3.1.0
kind: DataContract
id: ${table}
version: 1.0.0
schema:
  - name: ${table}
    properties:
      - {name: site, logicalType: string${kind !== 'none' ? ', primaryKey: true' : ''}}
      - {name: n, logicalType: number${kind === 'composite' ? ', primaryKey: true' : ''}}
      - {name: v, logicalType: string}
`, `${table}.yaml`);

type Wave = Array<{ site: string | null; n: string; v: string }>;
interface Run { id: string; waves: Wave[] }

async function promote(contract: Contract, st: StreamTables, runs: Run[], db: DuckDBConnection = conn): Promise<void> {
  let rowId = 0;
  for (const run of runs) {
    for (const rows of run.waves) {
      const values = rows.map((x) => `(${x.site === null ? 'NULL' : sqlString(x.site)}, ${sqlString(x.n)}, ${sqlString(x.v)}, ${++rowId}, 'h${rowId}')`).join(', ');
      await db.run(`CREATE OR REPLACE TEMP TABLE _src AS SELECT * FROM (VALUES ${values}) t(site, n, v, _airlock_row_id, _airlock_row_hash)`);
      await upsertIntoProduction(db, contract, run.id, st, '_src');
    }
  }
}

async function state(st: StreamTables, db: DuckDBConnection = conn): Promise<{ prod: string[]; history: string[] }> {
  const prod = (await queryRows<{ s: string }>(db, `SELECT concat_ws('|', coalesce(site, '∅'), CAST(n AS VARCHAR), v, _airlock_run_id) AS s FROM ${st.prod} ORDER BY s`)).map((r) => r.s);
  const history = (await queryRows<{ s: string }>(db, `SELECT concat_ws('|', coalesce(site, '∅'), CAST(n AS VARCHAR), v, _airlock_run_id, _airlock_superseded_by) AS s FROM ${st.history} ORDER BY s`)).map((r) => r.s);
  return { prod, history };
}

let tableNo = 0;
async function fresh(kind: Kind): Promise<{ contract: Contract; st: StreamTables }> {
  const contract = contractFor(`adv_u${tableNo++}`, kind);
  return { contract, st: await ensureStreamTables(conn, contract) };
}

describe('undoRun: undone runs leave production and history as if never promoted', () => {
  it('random sequences, composite (string, number) keys, several runs undone in any order', async () => {
    const rng = seeded(7331);
    const r = (n: number) => Math.floor(rng.next() * n);
    const problems: string[] = [];
    for (let trial = 0; trial < 120; trial++) {
      const kind: Kind = (['composite', 'none', 'string'] as const)[trial % 3];
      const wave = (i: number, w: number): Wave => {
        const seen = new Set<string>();
        const out: Wave = [];
        for (let j = 0; j < 1 + r(4); j++) {
          const site = ['a', 'b', "o'k"][r(3)];
          const k = 1 + r(3);
          const id = kind === 'string' ? site : `${site}:${k}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.push({ site, n: r(2) ? `${k}.0` : String(k), v: `${i}.${w}:${id}` });
        }
        return out;
      };
      const runs: Run[] = Array.from({ length: 3 + r(3) }, (_, i) => ({ id: `r${i}'x`, waves: Array.from({ length: 1 + r(2) }, (_, w) => wave(i, w)) }));
      const undo = [...new Set(Array.from({ length: 1 + r(2) }, () => runs[r(runs.length)].id))];
      const a = await fresh(kind);
      await promote(a.contract, a.st, runs);
      for (const id of undo) await undoRun(conn, a.contract, id, a.st);
      const b = await fresh(kind);
      await promote(b.contract, b.st, runs.filter((x) => !undo.includes(x.id)));
      const got = await state(a.st);
      const want = await state(b.st);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        problems.push(`trial ${trial} (${kind}) undo ${undo.join(',')} of ${runs.map((x) => `${x.id}[${x.waves.map((w) => w.map((y) => `${y.site}:${y.n}`).join(' ')).join(' | ')}]`).join(' ')}:\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`);
      }
    }
    expect(problems.slice(0, 3)).toEqual([]);
  }, 120_000);

  it('a key superseded by two later runs: undo the first, then the middle, then the latest', async () => {
    const runs: Run[] = [
      { id: 'p', waves: [[{ site: 'a', n: '3', v: 'p' }]] },
      { id: 'r', waves: [[{ site: 'a', n: '3.0', v: 'r' }]] },
      { id: 'l1', waves: [[{ site: 'a', n: '3.00', v: 'l1' }]] },
      { id: 'l2', waves: [[{ site: 'a', n: '+3', v: 'l2' }]] },
    ];
    const a = await fresh('composite');
    await promote(a.contract, a.st, runs);
    await undoRun(conn, a.contract, 'r', a.st);
    await undoRun(conn, a.contract, 'l1', a.st);
    expect((await state(a.st)).prod.map((h) => h.split('|').slice(2).join('|'))).toEqual(['l2|l2']);
    expect((await state(a.st)).history.map((h) => h.split('|').slice(2).join('|'))).toEqual(['p|p|l2']);
    await undoRun(conn, a.contract, 'l2', a.st);
    expect((await state(a.st)).prod.map((h) => h.split('|').slice(2).join('|'))).toEqual(['p|p']);
    expect((await state(a.st)).history).toEqual([]);
  });

  it('undo of the same run twice changes nothing the second time', async () => {
    const runs: Run[] = [
      { id: 'p', waves: [[{ site: 'a', n: '1', v: 'p' }, { site: 'b', n: '1', v: 'p' }]] },
      { id: 'r', waves: [[{ site: 'a', n: '1', v: 'r' }], [{ site: 'a', n: '1.0', v: 'r2' }]] },
      { id: 'l', waves: [[{ site: 'a', n: '1', v: 'l' }, { site: 'b', n: '1', v: 'l' }]] },
    ];
    const a = await fresh('composite');
    await promote(a.contract, a.st, runs);
    await undoRun(conn, a.contract, 'r', a.st);
    const once = await state(a.st);
    await undoRun(conn, a.contract, 'r', a.st);
    expect(await state(a.st)).toEqual(once);
  });

  it('a key with a NULL part: undo of a middle run keeps what replaying the others gives', async () => {
    const runs: Run[] = [
      { id: 'p', waves: [[{ site: null, n: '1', v: 'p' }]] },
      { id: 'r', waves: [[{ site: null, n: '1', v: 'r' }]] },
      { id: 'l', waves: [[{ site: null, n: '1', v: 'l' }]] },
    ];
    const a = await fresh('composite');
    await promote(a.contract, a.st, runs);
    await undoRun(conn, a.contract, 'r', a.st);
    const b = await fresh('composite');
    await promote(b.contract, b.st, runs.filter((x) => x.id !== 'r'));
    expect(await state(a.st)).toEqual(await state(b.st));
  });
});

// ---- interaction with the review history (remediate/history.ts): an operation's before-image
// taken before an earlier run's cancel-undo relinked history onto this run ----
import { openEngine } from '../../main/pipeline/context.js';
import { recordOperation, undoLast } from '../../main/remediate/history.js';
import { recordSourceCount } from '../../main/pipeline/reconcile.js';
import { runTables } from '../../main/store/tables.js';
import { tempDir } from '../helpers/tmp.js';

describe('undoRun of an earlier run, then the later run undoes a review step', () => {
  it('production never holds a key twice', async () => {
    const dir = tempDir('adv-undo-review');
    const engine = await openEngine(dir);
    try {
      const c = engine.duck.conn;
      const contract = contractFor('adv_review', 'string');
      const st = await ensureStreamTables(c, contract);
      const ins = engine.sqlite.prepare(`INSERT INTO runs (run_id, contract_id, contract_version, contract_sha256, table_name, input_path, input_name, input_sha256, input_bytes, vault_path, status, options_json, started_at)
        VALUES (?, 'adv_review', '1.0.0', 'x', 'adv_review', 'f', 'f', ?, 1, 'v', ?, '{}', ?)`);
      ins.run('p', 'sp', 'completed', '2026-01-01T00:00:01Z');
      ins.run('r', 'sr', 'completed', '2026-01-01T00:00:02Z');
      ins.run('l', 'sl', 'held', '2026-01-01T00:00:03Z');
      // p writes k; r overwrites k; l's fast lane overwrites k (r's row to history, superseded by l)
      await promote(contract, st, [
        { id: 'p', waves: [[{ site: 'k', n: '1', v: 'p' }]] },
        { id: 'r', waves: [[{ site: 'k', n: '1', v: 'r' }]] },
        { id: 'l', waves: [[{ site: 'k', n: '1', v: 'l' }]] },
      ], c);
      await c.run(`CREATE SCHEMA IF NOT EXISTS staging`);
      await c.run(`CREATE TABLE ${runTables('l').stage} AS SELECT 'm' AS site, '1' AS n, 'l2' AS v, 2::BIGINT AS _airlock_row_id WHERE false`);
      await recordSourceCount(c, 'l', 2, 'test');
      await c.run(`INSERT INTO ${st.quarantine} (site, n, v, _airlock_row_id, _airlock_run_id, _airlock_reasons) VALUES ('m', '1', 'l2', 99, 'l', 'X')`);
      // l's analyst promotes another key (a data-changing step: its before-image is taken now)
      await recordOperation(engine, contract, 'l', { kind: 'promote', label: 'promote m', by: 'a', dataChanging: true }, async () => {
        await c.run(`CREATE OR REPLACE TEMP TABLE _src AS SELECT 'm' AS site, '1' AS n, 'l2' AS v, 99::BIGINT AS _airlock_row_id, 'h99' AS _airlock_row_hash`);
        await upsertIntoProduction(c, contract, 'l', st, '_src');
        await c.run(`DELETE FROM ${st.quarantine} WHERE _airlock_row_id = 99`);
      });
      // r's background job is cancelled: its undo relinks p's row of k to l
      await undoRun(c, contract, 'r', st);
      engine.sqlite.prepare("UPDATE runs SET status = 'failed' WHERE run_id = 'r'").run();
      expect((await state(st, c)).prod).toEqual(['k|1|l|l', 'm|1|l2|l']);
      // l's analyst undoes the promotion of m
      await undoLast(engine, contract, 'l', 'a');
      expect((await state(st, c)).prod).toEqual(['k|1|l|l']);
      expect((await state(st, c)).history).toEqual(['k|1|p|p|l']);
    } finally {
      engine.close();
    }
  }, 60_000);
});
