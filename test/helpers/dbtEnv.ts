// dbt and PySpark for the dbt-export tests: one venv OUTSIDE the repository
// (~/.cache/airlock/venv-dbt), created from PyPI the first time a test needs it, so `npm test` on
// a bare machine is enough and the repository never holds a virtualenv.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DBT_VENV = join(homedir(), '.cache', 'airlock', 'venv-dbt');

/**
 * Exact pins that resolve and run together on Python 3.11 + Java 17 (December 2026): dbt-core
 * stays at 1.11 (1.12 pulls a parser wheel that is not on PyPI), dbt-spark's `session` method
 * runs PySpark 4.3 in local mode inside the dbt process, and DuckDB is held at the engine's own
 * version (@duckdb/node-api 1.5.6) so the exported SQL runs on the DuckDB Airlock itself runs.
 */
export const DBT_PACKAGES = [
  'dbt-core==1.11.16',
  'dbt-duckdb==1.11.1',
  'dbt-spark==1.11.0',
  'pyspark==4.3.0',
  'duckdb==1.5.6',
];

/** Python that prints True when every pinned package is installed at its pinned version. */
const PINNED_CHECK = `import importlib.metadata as m, sys
want = ${JSON.stringify(Object.fromEntries(DBT_PACKAGES.map((p) => p.split('=='))))}
def have(n):
    try: return m.version(n)
    except Exception: return None
sys.stdout.write(str(all(have(n) == v for n, v in want.items())))`;

/** The venv's python and dbt, installed (or brought to the pinned versions) when needed. Idempotent. */
export function dbtVenv(): { python: string; dbt: string } {
  const bin = join(DBT_VENV, 'bin');
  const python = join(bin, 'python');
  const dbt = join(bin, 'dbt');
  const complete = () => existsSync(dbt) && existsSync(python) && execFileSync(python, ['-c', PINNED_CHECK], { encoding: 'utf8' }) === 'True';
  if (complete()) return { python, dbt };
  // Test files run two at a time: a lock folder keeps two of them from building the venv at once
  // (the second waits, then finds it complete).
  mkdirSync(join(homedir(), '.cache', 'airlock'), { recursive: true });
  withLock(`${DBT_VENV}.lock`, INSTALL_TIMEOUT_MS, () => {
    if (complete()) return;
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', DBT_VENV], { stdio: 'inherit', timeout: 300_000 });
    // dbt-spark[session] is dbt-spark plus pyspark, pinned here rather than through the extra
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...DBT_PACKAGES], {
      stdio: 'inherit',
      timeout: INSTALL_TIMEOUT_MS,
    });
  });
  return { python, dbt };
}

const INSTALL_TIMEOUT_MS = 1_800_000;

/** Runs `fn` holding a lock folder; a lock older than `staleMs` was left by a killed run. */
function withLock(lock: string, staleMs: number, fn: () => void): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > staleMs) rmdirSync(lock);
      Atomics.wait(pause, 0, 0, 2_000);
    }
  }
  try {
    fn();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * The environment for running dbt: no version check against the network, no anonymous usage
 * events, and for dbt-spark's `session` method the Spark master (local[N]) plus a warehouse,
 * Derby metastore and scratch space under the caller's directory, so runs do not share state.
 */
export function dbtRunEnv(scratch: string, sparkMaster = 'local[2]'): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_VERSION_CHECK: 'false',
    DO_NOT_TRACK: '1',
    SPARK_LOCAL_IP: '127.0.0.1',
    SPARK_LOCAL_DIRS: scratch,
    PYSPARK_PYTHON: join(DBT_VENV, 'bin', 'python'),
    // read by PySpark when dbt-spark's session method starts its SparkSession
    PYSPARK_SUBMIT_ARGS: [
      '--master', sparkMaster,
      '--conf', `spark.sql.warehouse.dir=${join(scratch, 'warehouse')}`,
      '--conf', 'spark.ui.enabled=false',
      '--driver-java-options', `-Dderby.system.home=${scratch}`,
      'pyspark-shell',
    ].join(' '),
  };
}

/** Runs dbt with the given arguments in a project directory; never throws on a non-zero exit. */
export function runDbt(
  args: string[],
  opts: { projectDir: string; profilesDir: string; scratch: string; sparkMaster?: string; timeoutMs?: number },
): { code: number | null; stdout: string; stderr: string } {
  const { dbt } = dbtVenv();
  const r = spawnSync(dbt, [...args, '--project-dir', opts.projectDir, '--profiles-dir', opts.profilesDir], {
    cwd: opts.projectDir,
    env: dbtRunEnv(opts.scratch, opts.sparkMaster),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 1_200_000,
    maxBuffer: 256 << 20,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
