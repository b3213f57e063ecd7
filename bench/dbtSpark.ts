// `npm run bench -- --dbt-spark`: the dbt project `airlock export-dbt` writes for the bench run,
// run on Spark (dbt-spark `method: session`, PySpark local[2], the venv of test/helpers/dbtEnv.ts),
// timed beside Airlock's own run. What runs on Spark so far is the staging models (the file read
// as text, ordinals, row hashes, re-deliveries, normalised candidates); the checks and the recipe
// are still DuckDB SQL (docs/dbt-spark.md), so this times staging only and says so.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadContractFile } from '../main/contract/load.js';
import { runDbt } from '../test/helpers/dbtEnv.js';

const AIRLOCK = join(resolve(import.meta.dirname, '..'), 'bin', 'airlock.js');

/** What runs on Spark today; `build` (every model and test) once the rest of the project is portable. */
export const SPARK_SCOPE = { args: ['run', '--select', 'staging'], label: 'dbt run --select staging (staging models only)' };

export interface DbtSparkResult {
  scope: string;
  master: string;
  exportMs: number;
  dbtMs: number;
  code: number | null;
  models: number;
  error?: string;
}

export function measureDbtSpark(workspace: string, contractPath: string, csv: string, dir: string, master = 'local[2]'): DbtSparkResult {
  const project = join(dir, 'dbt-project');
  const scratch = join(dir, 'dbt-spark');
  rmSync(project, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  const t0 = performance.now();
  const exported = spawnSync(process.execPath, [AIRLOCK, 'export-dbt', '--workspace', workspace, '--contract', loadContractFile(contractPath).id, '--out', project, '--source-file', csv], { encoding: 'utf8' });
  const exportMs = Math.round(performance.now() - t0);
  const base = { scope: SPARK_SCOPE.label, master, exportMs };
  if (exported.status !== 0) return { ...base, dbtMs: 0, code: exported.status, models: 0, error: `export-dbt: ${exported.stderr.trim()}` };
  const t1 = performance.now();
  const r = runDbt([...SPARK_SCOPE.args, '--target', 'spark'], { projectDir: project, profilesDir: project, scratch, sparkMaster: master, timeoutMs: 6 * 3_600_000 });
  const dbtMs = Math.round(performance.now() - t1);
  const models = (r.stdout.match(/ OK created /g) ?? []).length;
  const result: DbtSparkResult = { ...base, dbtMs, code: r.code, models, ...(r.code === 0 ? {} : { error: r.stdout.slice(-2000) }) };
  // The Spark warehouse holds copies of the staged file: free the disk.
  rmSync(scratch, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
  return result;
}
