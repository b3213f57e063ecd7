// `airlock export-dbt` end to end on DuckDB: the hospital and beers tables and the bench table at
// 100,000 rows. Airlock learns a recipe (run --approve-all --no-model), exports the project, and
// `dbt build` (dbt-duckdb, venv outside the repository) must pass every test, reconciliation
// included, and produce a clean table whose content hash, computed by Airlock's DuckDB, equals
// Airlock's own export of the same file cleaned with the same recipe. A value corrupted in the
// built clean table fails exactly the test named for its reason.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { loadContractFile } from '../../main/contract/load.js';
import { runCli, describeResult } from '../helpers/cli.js';
import { dbtVenv } from '../helpers/dbtEnv.js';
import { airlockWithRecipe, contentHash, failedNodes, recipeOf, runDbt } from '../helpers/dbtExport.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

interface Case { name: string; file: () => Promise<{ csv: string; contract: string }>; table: string; corrupt: { column: string; value: string; test: string } }

const cases: Case[] = [
  { name: 'hospital', table: 'hospital', file: async () => ({ csv: join(SHARED, 'bench/hospital/dirty.csv'), contract: join(SHARED, 'bench/hospital/contract.odcs.yaml') }), corrupt: { column: 'zip', value: '3562x', test: 'pattern_mismatch__hospital_clean__zip' } },
  { name: 'beers', table: 'beers', file: async () => ({ csv: join(SHARED, 'bench/beers/dirty.csv'), contract: join(SHARED, 'bench/beers/contract.odcs.yaml') }), corrupt: { column: 'state', value: 'ORx', test: 'pattern_mismatch__beers_clean__state' } },
  {
    name: 'bench orders, 100,000 rows', table: 'orders',
    file: async () => { const g = await generate({ rows: 100_000, dir: tempDir('dbt-bench-data') }); return { csv: g.csv, contract: g.contract }; },
    corrupt: { column: 'status', value: 'shiped', test: 'not_in_set__orders_clean__status' },
  },
];

async function corruptOne(database: string, table: string, column: string, value: string): Promise<void> {
  const db = await DuckDBInstance.create(database);
  const conn = await db.connect();
  try {
    await conn.run(`UPDATE main."${table}_clean" SET "${column}" = '${value}' WHERE _airlock_row_id = (SELECT min(_airlock_row_id) FROM main."${table}_clean")`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe.each(cases)('dbt export of $name on DuckDB', (c) => {
  it('builds, passes every test, and cleans to the same content as Airlock; a corrupted value fails its named test', async () => {
    const { dbt } = dbtVenv();
    const dir = tempDir(`dbt-${c.table}`);
    const { csv, contract } = await c.file();
    const ws = join(dir, 'ws');
    const learned = await runCli(['run', csv, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', '--json'], { timeoutMs: 1_200_000 });
    expect([0, 4], describeResult(learned)).toContain(learned.code);
    const spec = loadContractFile(contract);
    const project = join(dir, 'project');
    const exported = await runCli(['export-dbt', '--workspace', ws, '--contract', spec.id, '--out', project, '--source-file', csv]);
    expect(exported.code, describeResult(exported)).toBe(0);

    const database = join(dir, 'dbt.duckdb');
    const build = runDbt(dbt, project, database, ['build']);
    expect(failedNodes(build.stdout), build.stdout.slice(-4000)).toEqual([]);
    expect(build.code, build.stdout.slice(-4000)).toBe(0);
    expect(build.stdout).toMatch(/reconciliation__\w+ \.+ \[\S*PASS/);

    mkdirSync(join(dir, 'b'), { recursive: true });
    const airlock = await airlockWithRecipe(csv, contract, await recipeOf(ws, spec.id), join(dir, 'b', 'ws'), join(dir, 'b', 'out'));
    const columns = spec.columns.map((x) => x.name);
    const ours = await contentHash({ csv: airlock.clean }, columns);
    const theirs = await contentHash({ duckdbFile: database, table: `${c.table}_clean` }, columns);
    expect(ours.rows).toBe(airlock.summary.successRows);
    expect(theirs).toEqual(ours);

    await corruptOne(database, c.table, c.corrupt.column, c.corrupt.value);
    const test = runDbt(dbt, project, database, ['test']);
    expect(test.code).not.toBe(0);
    expect(failedNodes(test.stdout)).toContain(c.corrupt.test);
  }, 2_400_000);
});
