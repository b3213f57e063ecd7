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

/** Runs one of the Spark scripts with the dbt venv's python, JSON in on stdin and out on stdout. */
function runSparkScript<T>(script: string, input: unknown, timeout: number): T {
  const { python } = dbtVenv();
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-spark-'));
  const r = spawnSync(python, [script], {
    input: JSON.stringify(input),
    env: dbtRunEnv(scratch, 'local[1]'),
    encoding: 'utf8',
    timeout,
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`Spark script ${script} failed (exit ${r.status}): ${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as T;
}

/** Evaluates each expression over t(id, a, b) in Spark; one answer per expression, in order. */
export function evaluateInSpark(rows: SparkRow[], exprs: string[]): SparkResult[] {
  return runSparkScript<SparkResult[]>(SCRIPT, { rows, exprs }, 900_000);
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
  return runSparkScript<SparkQueryResult[]>(QUERY_SCRIPT, { tables, queries }, 1_200_000);
}
