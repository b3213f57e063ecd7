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
