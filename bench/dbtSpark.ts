// `npm run bench -- --dbt-spark`: the dbt project `airlock export-dbt` writes for the bench run,
// run on Spark (dbt-spark `method: session`, PySpark local[2], the venv of test/helpers/dbtEnv.ts),
// timed beside Airlock's own run. The whole project is built (the bench table's recipe translates
// whole: staging, validation, every rule model with an agreedValue rule's evidence, the clean
// table), without its tests, as dbtSpark.test.ts builds it.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadContractFile } from '../main/contract/load.js';
import { runDbt } from '../test/helpers/dbtEnv.js';

const AIRLOCK = join(resolve(import.meta.dirname, '..'), 'bin', 'airlock.js');

/** What runs on Spark: the seeds, then every model (the contract's tests are timed by nothing here). */
export const SPARK_SCOPE = { args: ['build', '--exclude-resource-type', 'test'], label: 'dbt build --exclude-resource-type test (seeds and every model)' };

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
