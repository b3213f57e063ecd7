// The exported dbt project on Spark (dbt-spark `method: session`, PySpark local mode), for a file
// of CSV quoting edge cases and the hospital and beers tables.
// What runs on Spark so far is
// staging (the delivered file read as text, each record's ordinal and Airlock's row hash, exact
// re-deliveries, missing-value tokens normalised) and validation (the contract's checks compiled
// by the engine's compiler and translated, sparkModel.ts: one row per failed check with its reason
// and detail; the fast lane; the quarantined rows as they arrived). The recipe's models are not
// yet translated (docs/dbt-spark.md). The same project is run with `dbt run --select staging
// validation` on DuckDB and on Spark, and the six relations must hold the same rows: Spark's Parquet
// tables and DuckDB's database are both read by a fresh DuckDB in the test, compared as multisets
// (EXCEPT ALL both ways), so neither engine's models judge their own output. One JVM per project.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { loadContractFile } from '../../main/contract/load.js';
import { runCli, describeResult, summaryOf } from '../helpers/cli.js';
import { dbtVenv, runDbt as runDbtSpark } from '../helpers/dbtEnv.js';
import { failedNodes, runDbt as runDbtDuckdb } from '../helpers/dbtExport.js';
import { modelNames } from '../../main/export/dbt/names.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

interface Case { name: string; table: string; file: () => Promise<{ csv: string; contract: string }> }

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

const cases: Case[] = [
  { name: 'a file of quoting edge cases', table: 'edge', file: async () => edgeFile() },
  { name: 'hospital', table: 'hospital', file: async () => ({ csv: join(SHARED, 'bench/hospital/dirty.csv'), contract: join(SHARED, 'bench/hospital/contract.odcs.yaml') }) },
  { name: 'beers', table: 'beers', file: async () => ({ csv: join(SHARED, 'bench/beers/dirty.csv'), contract: join(SHARED, 'bench/beers/contract.odcs.yaml') }) },
  // The bench table at 100,000 rows is measured by `npm run bench -- --dbt-spark --rows 100k`, not
  // here: its Airlock run and two dbt runs would add tens of minutes to `npm test` on two cores.
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

describe.each(cases)('dbt export of $name on Spark', (c) => {
  it('stages and validates the delivery on Spark exactly as on DuckDB: ordinals, row hashes, re-deliveries, every failed check with its detail, the fast lane', async () => {
    const { dbt } = dbtVenv();
    const dir = tempDir(`dbt-spark-${c.table}`);
    const { csv, contract } = await c.file();
    const ws = join(dir, 'ws');
    const learned = await runCli(['run', csv, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', '--json'], { timeoutMs: 1_200_000 });
    expect([0, 4], describeResult(learned)).toContain(learned.code);
    const spec = loadContractFile(contract);
    const project = join(dir, 'project');
    const exported = await runCli(['export-dbt', '--workspace', ws, '--contract', spec.id, '--out', project, '--source-file', csv]);
    expect(exported.code, describeResult(exported)).toBe(0);

    const database = join(dir, 'dbt.duckdb');
    const onDuckdb = runDbtDuckdb(dbt, project, database, ['run', '--select', 'staging', 'validation']);
    expect(failedNodes(onDuckdb.stdout), onDuckdb.stdout.slice(-4000)).toEqual([]);
    expect(onDuckdb.code, onDuckdb.stdout.slice(-4000)).toBe(0);

    const scratch = join(dir, 'spark');
    const onSpark = runDbtSpark(['run', '--select', 'staging', 'validation', '--target', 'spark'], { projectDir: project, profilesDir: project, scratch, sparkMaster: 'local[2]' });
    expect(failedNodes(onSpark.stdout), onSpark.stdout.slice(-4000)).toEqual([]);
    expect(onSpark.code, onSpark.stdout.slice(-4000)).toBe(0);

    const n = modelNames(spec.table);
    const got = await compare(database, join(scratch, 'warehouse', 'airlock.db'), [n.staged, n.duplicates, n.candidates, n.violations, n.fastLane, n.arrived]);
    // Airlock's own count of the delivery's records (its parser), beside the staged rows of both engines.
    const summary = summaryOf(learned);
    expect(got[n.staged].duckdb).toBe(summary.sourceRows);
    expect(got[n.duplicates].duckdb).toBe(summary.duplicateRows);
    // the checks found something to compare, and every checked row is in exactly one lane
    expect(got[n.fastLane].duckdb + got[n.arrived].duckdb).toBe(summary.sourceRows - summary.duplicateRows);
    for (const [relation, r] of Object.entries(got)) {
      expect({ relation, ...r }).toEqual({ relation, duckdb: r.duckdb, spark: r.duckdb, onlyDuckdb: 0, onlySpark: 0 });
    }
  }, 2_400_000);
});
