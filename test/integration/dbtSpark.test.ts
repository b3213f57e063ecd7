// The exported dbt project on Spark (dbt-spark `method: session`, PySpark local mode), for a file
// of CSV quoting edge cases and the hospital and beers tables.
// What runs on Spark: staging (the delivered file read as text, each record's ordinal and
// Airlock's row hash, exact re-deliveries, missing-value tokens normalised), validation (the
// contract's checks compiled by the engine's compiler and translated, sparkModel.ts: one row per
// failed check with its reason and detail; the fast lane; the quarantined rows as they arrived),
// and the recipe's rule models: expression and map rules, and agreedValue rules with their
// evidence models (ballots, votes, suspects, final vote), then the do-no-harm passes, the quarantine
// with its reasons and the clean table, typed. Spark's clean table must hold what Airlock's own
// export holds, the contract's dbt tests and the reconciliation test pass on Spark, and one
// corrupted clean value fails the test named for its reason.
// Hospital (14 agreedValue rules among 21) and the bench orders table at 100,000 rows run with
// their whole recipes; beers with its recipe but for the ABV rule, whose DOUBLE arithmetic has no
// exact Spark translation (docs/dbt-spark.md): Airlock cleans the file with the same kept rules.
// Every relation built must hold the same rows on both engines: Spark's Parquet
// tables and DuckDB's database are both read by a fresh DuckDB in the test, compared as multisets
// (EXCEPT ALL both ways), so neither engine's models judge their own output. One JVM per project.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { loadContractFile } from '../../main/contract/load.js';
import { runCli, describeResult, summaryOf } from '../helpers/cli.js';
import { dbtVenv, runDbt as runDbtSpark } from '../helpers/dbtEnv.js';
import { airlockWithRecipe, contentHash, failedNodes, recipeOf, runDbt as runDbtDuckdb } from '../helpers/dbtExport.js';
import { modelNames } from '../../main/export/dbt/names.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { generate } from '../../bench/generate.js';
import { writtenColumns, type TypedRule } from '../../main/remediate/rules/ruleTypes.js';

/**
 * `approve`: the run approves its proposals (the project carries a recipe), or approves nothing
 * (an empty recipe: the clean table is the fast lane). `onSpark`: the models built on Spark, every
 * one (`all`: the clean table is compared with Airlock's own export too) or staging and validation
 * (the recipe holds a rule whose model is refused for Spark).
 */
interface Case {
  name: string; table: string; approve: boolean; onSpark: 'all' | 'staging validation'; file: () => Promise<{ csv: string; contract: string }>;
  /** the recipe's rules the project carries (the run approves all; the rest are left out, and Airlock cleans with the same) */
  keep?: (rule: TypedRule) => boolean;
  /** where the whole project runs: one clean value made wrong (an SQL value), and the dbt test that must then fail */
  corrupt?: { column: string; value: string; test: string };
}

/**
 * What a CSV reader can get wrong: a byte-order mark, CRLF records, a quoted empty field (empty
 * text) beside an unquoted one (no value), a record spanning lines, doubled quotes, a backslash,
 * spaces kept, a delimiter inside quotes, and two records equal but for "" against nothing.
 */
function edgeFile(): { csv: string; contract: string } {
  const dir = tempDir('dbt-spark-edge-data');
  const csv = join(dir, 'edge.csv');
  writeFileSync(csv, '\ufeffid,a,b\r\n1,"",x\r\n2,,"line1\nline2"\r\n3,"say ""hi""",back\\slash\r\n4, sp ,"a,b"\r\n5,"",\r\n5,,\r\n5,"",\r\n');
  const contract = join(dir, 'edge.odcs.yaml');
  writeFileSync(contract, `apiVersion: v3.1.0
kind: DataContract
id: edge-quoting
name: edge-quoting
version: 1.0.0
schema:
  - name: edge
    properties:
      - {name: id, logicalType: integer, required: true}
      - {name: a, logicalType: string}
      - {name: b, logicalType: string}
`);
  return { csv, contract };
}

const hospital = async () => ({ csv: join(SHARED, 'bench/hospital/dirty.csv'), contract: join(SHARED, 'bench/hospital/contract.odcs.yaml') });
const beers = async () => ({ csv: join(SHARED, 'bench/beers/dirty.csv'), contract: join(SHARED, 'bench/beers/contract.odcs.yaml') });
const cases: Case[] = [
  { name: 'a file of quoting edge cases', table: 'edge', approve: true, onSpark: 'all', file: async () => edgeFile(), corrupt: { column: 'id', value: 'NULL', test: 'required_missing__edge_clean__id' } },
  // A project whose rule models stop on Spark still builds its staging and validation there (dbt
  // renders every model when it parses the project): beers with its whole recipe.
  { name: 'beers with its recipe', table: 'beers', approve: true, onSpark: 'staging validation', file: beers },
  { name: 'beers with its recipe but the ABV rule', table: 'beers', approve: true, onSpark: 'all', file: beers, keep: (r) => !writtenColumns(r).includes('abv'), corrupt: { column: 'state', value: "'Oregon'", test: 'pattern_mismatch__beers_clean__state' } },
  { name: 'hospital with its recipe', table: 'hospital', approve: true, onSpark: 'all', file: hospital, corrupt: { column: 'zip', value: "'3562x'", test: 'pattern_mismatch__hospital_clean__zip' } },
  {
    // the whole recipe: expression and map rules (dates, amounts, states, statuses, e-mail, SKUs,
    // phones) and an agreedValue rule (a city's state) with its evidence models, and the do-no-harm passes
    name: 'orders 100k with its recipe', table: 'orders', approve: true, onSpark: 'all',
    file: async () => { const g = await generate({ rows: 100_000, dir: tempDir('dbt-spark-bench-recipe-data') }); return { csv: g.csv, contract: g.contract }; },
    corrupt: { column: 'sku', value: "'abc-1234'", test: 'pattern_mismatch__orders_clean__sku' },
  },
];

interface Compared { duckdb: number; spark: number; onlyDuckdb: number; onlySpark: number }

/** Rows of each relation in DuckDB's database and in Spark's Parquet warehouse, and the rows only one side holds. */
async function compare(database: string, warehouse: string, relations: string[]): Promise<Record<string, Compared>> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`ATTACH '${database.replace(/'/g, "''")}' AS d (READ_ONLY)`);
    const out: Record<string, Compared> = {};
    for (const r of relations) {
      const spark = `read_parquet('${join(warehouse, r).replace(/'/g, "''")}/*.parquet')`;
      const duck = `d.main."${r}"`;
      const [row] = (await conn.runAndReadAll(`SELECT (SELECT count(*) FROM ${duck}), (SELECT count(*) FROM ${spark}),
        (SELECT count(*) FROM (SELECT * FROM ${duck} EXCEPT ALL SELECT * FROM ${spark})),
        (SELECT count(*) FROM (SELECT * FROM ${spark} EXCEPT ALL SELECT * FROM ${duck}))`)).getRows();
      out[r] = { duckdb: Number(row[0]), spark: Number(row[1]), onlyDuckdb: Number(row[2]), onlySpark: Number(row[3]) };
    }
    return out;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Sets `column` of the first row of a table Spark wrote to `value`: the part files are read,
 * written again as one file by DuckDB, and the originals (with their checksum files) removed.
 */
async function corruptOneRow(tableDir: string, column: string, value: string): Promise<void> {
  const parts = readdirSync(tableDir).filter((f) => f.endsWith('.parquet'));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${join(tableDir, '*.parquet').replace(/'/g, "''")}')`);
    await conn.run(`UPDATE t SET "${column}" = ${value} WHERE _airlock_row_id = (SELECT min(_airlock_row_id) FROM t)`);
    await conn.run(`COPY t TO '${join(tableDir, 'part-99999-corrupted.parquet').replace(/'/g, "''")}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  for (const f of parts) {
    rmSync(join(tableDir, f));
    rmSync(join(tableDir, `.${f}.crc`), { force: true });
  }
}

describe.each(cases)('dbt export of $name on Spark', (c) => {
  it('stages and validates the delivery on Spark exactly as on DuckDB: ordinals, row hashes, re-deliveries, every failed check with its detail, the fast lane', async () => {
    const { dbt } = dbtVenv();
    const dir = tempDir(`dbt-spark-${c.table}`);
    const { csv, contract } = await c.file();
    const ws = join(dir, 'ws');
    const learned = await runCli(['run', csv, '--contract', contract, '--workspace', ws, ...(c.approve ? ['--approve-all'] : []), '--no-model', '--no-embedder', '--json'], { timeoutMs: 1_200_000 });
    expect([0, 4], describeResult(learned)).toContain(learned.code);
    const spec = loadContractFile(contract);
    // with `keep`, Airlock cleans the file with the kept rules in a workspace of its own, which is exported
    let recipe = await recipeOf(ws, spec.id);
    let airlock: { summary: { successRows: number }; clean: string } | null = null;
    if (c.keep) {
      const doc = JSON.parse(recipe) as { rules: Array<{ rule: TypedRule }> };
      const kept = doc.rules.filter((r) => c.keep!(r.rule));
      expect(kept.length, 'rules kept').toBeGreaterThan(0);
      expect(kept.length, 'rules left out').toBeLessThan(doc.rules.length);
      recipe = JSON.stringify({ ...doc, rules: kept });
      mkdirSync(join(dir, 'b'), { recursive: true });
      airlock = await airlockWithRecipe(csv, contract, recipe, join(dir, 'b', 'ws'), join(dir, 'b', 'out'));
      expect(airlock.summary.successRows).toBeGreaterThan(summaryOf(learned).fastLaneRows);
    }
    const project = join(dir, 'project');
    const exported = await runCli(['export-dbt', '--workspace', c.keep ? join(dir, 'b', 'ws') : ws, '--contract', spec.id, '--out', project, '--source-file', csv]);
    expect(exported.code, describeResult(exported)).toBe(0);

    const database = join(dir, 'dbt.duckdb');
    // build without the tests: the seeds of map rules, then the models (the tests run below, on Spark)
    const select = ['build', '--exclude-resource-type', 'test', ...(c.onSpark === 'all' ? [] : ['--select', 'staging', 'validation'])];
    const onDuckdb = runDbtDuckdb(dbt, project, database, select);
    expect(failedNodes(onDuckdb.stdout), onDuckdb.stdout.slice(-4000)).toEqual([]);
    expect(onDuckdb.code, onDuckdb.stdout.slice(-4000)).toBe(0);

    const scratch = join(dir, 'spark');
    const onSpark = runDbtSpark([...select, '--target', 'spark'], { projectDir: project, profilesDir: project, scratch, sparkMaster: 'local[2]' });
    expect(failedNodes(onSpark.stdout), onSpark.stdout.slice(-4000)).toEqual([]);
    expect(onSpark.code, onSpark.stdout.slice(-4000)).toBe(0);

    const n = modelNames(spec.table);
    const warehouse = join(scratch, 'warehouse', 'airlock.db');
    const relations = [n.staged, n.duplicates, n.candidates, n.violations, n.fastLane, n.arrived, ...(c.onSpark === 'all' ? [n.remediated, n.quarantine, n.clean] : [])];
    const got = await compare(database, warehouse, relations);
    // Airlock's own count of the delivery's records (its parser), beside the staged rows of both engines.
    const summary = summaryOf(learned);
    expect(got[n.staged].duckdb).toBe(summary.sourceRows);
    expect(got[n.duplicates].duckdb).toBe(summary.duplicateRows);
    expect(got[n.fastLane].duckdb).toBe(summary.fastLaneRows);
    // the checks found something to compare, and every checked row is in exactly one lane
    expect(got[n.fastLane].duckdb + got[n.arrived].duckdb).toBe(summary.sourceRows - summary.duplicateRows);
    for (const [relation, r] of Object.entries(got)) {
      expect({ relation, ...r }).toEqual({ relation, duckdb: r.duckdb, spark: r.duckdb, onlyDuckdb: 0, onlySpark: 0 });
    }
    if (c.onSpark === 'all') {
      // Spark's clean table holds what Airlock itself exports after the same recipe
      if (!airlock) {
        mkdirSync(join(dir, 'b'), { recursive: true });
        airlock = await airlockWithRecipe(csv, contract, recipe, join(dir, 'b', 'ws'), join(dir, 'b', 'out'));
      }
      const columns = spec.columns.map((x) => x.name);
      const ours = await contentHash({ csv: airlock.clean }, columns);
      expect(ours.rows).toBe(airlock.summary.successRows);
      expect(await contentHash({ parquetDir: join(warehouse, n.clean) }, columns)).toEqual(ours);

      // the contract's tests and the reconciliation pass on Spark's tables; one wrong value fails the test named for its reason
      const spark = { projectDir: project, profilesDir: project, scratch, sparkMaster: 'local[2]' };
      const tested = runDbtSpark(['test', '--target', 'spark'], spark);
      expect(failedNodes(tested.stdout), tested.stdout.slice(-4000)).toEqual([]);
      expect(tested.code, tested.stdout.slice(-4000)).toBe(0);
      expect(tested.stdout).toMatch(/reconciliation__\w+ \.+ \[\S*PASS/);
      if (c.corrupt) {
        expect(ours.rows).toBeGreaterThan(0);
        await corruptOneRow(join(warehouse, n.clean), c.corrupt.column, c.corrupt.value);
        const again = runDbtSpark(['test', '--target', 'spark'], spark);
        expect(again.code).not.toBe(0);
        expect(failedNodes(again.stdout)).toContain(c.corrupt.test);
      }
    }
  }, 2_400_000);
});
