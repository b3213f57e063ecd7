// Runs test/helpers/sparkSql.py with the dbt venv's python: many Spark SQL expressions over one
// small table, evaluated in a single local SparkSession (one JVM start for the whole batch).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbtRunEnv, dbtVenv } from './dbtEnv.js';

const SCRIPT = fileURLToPath(new URL('./sparkSql.py', import.meta.url));

export type SparkRow = [number, string | null, string | null];
export type SparkResult = { values: Array<string | null> } | { error: string };

/** Evaluates each expression over t(id, a, b) in Spark; one answer per expression, in order. */
export function evaluateInSpark(rows: SparkRow[], exprs: string[]): SparkResult[] {
  const { python } = dbtVenv();
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-spark-'));
  const r = spawnSync(python, [SCRIPT], {
    input: JSON.stringify({ rows, exprs }),
    env: dbtRunEnv(scratch, 'local[1]'),
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`Spark evaluation failed (exit ${r.status}): ${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as SparkResult[];
}

const QUERY_SCRIPT = fileURLToPath(new URL('./sparkQuery.py', import.meta.url));

export interface SparkTable { name: string; columns: string[]; rows: Array<Array<string | null>> }
export type SparkRows = Array<Array<string | null>>;
export type SparkQueryResult = { ansi: SparkRows; legacy: SparkRows } | { error: string };

/**
 * Runs whole statements over the given tables in one local SparkSession (sparkQuery.py), each
 * with ANSI mode on and off; every value comes back as text.
 */
export function querySpark(tables: SparkTable[], queries: string[]): SparkQueryResult[] {
  const { python } = dbtVenv();
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-spark-'));
  const r = spawnSync(python, [QUERY_SCRIPT], {
    input: JSON.stringify({ tables, queries }),
    env: dbtRunEnv(scratch, 'local[1]'),
    encoding: 'utf8',
    timeout: 1_200_000,
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`Spark query failed (exit ${r.status}): ${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as SparkQueryResult[];
}
