// PLACEHOLDER: replaced by the dbt-spark branch (which adds dbt-spark[session] and pyspark).
// dbt with its DuckDB adapter, in a venv OUTSIDE the repository, created from PyPI the first
// time a test needs it, so that `npm test` works on a bare machine (see pythonTools.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DBT_VENV = join(homedir(), '.cache', 'airlock', 'venv-dbt');
/**
 * Exact pins: what pip resolved for dbt-core 1.11.x with dbt-duckdb 1.11.1 (December 2026), with
 * DuckDB held at the engine's own version (@duckdb/node-api 1.5.6): the exported SQL is the SQL
 * Airlock runs, and DuckDB 2 refuses some of it (the `x -> ...` lambda).
 */
const DBT_PACKAGES = ['dbt-core==1.11.16', 'dbt-duckdb==1.11.1', 'duckdb==1.5.6'];

/** The venv's python and dbt, installed when missing. */
export function dbtVenv(): { python: string; dbt: string } {
  const bin = join(DBT_VENV, 'bin');
  const python = join(bin, 'python');
  const dbt = join(bin, 'dbt');
  // Installed, and at the pinned versions (a venv left by an older pin is brought up to date).
  const pinned = `import importlib.metadata as m, sys
want = ${JSON.stringify(Object.fromEntries(DBT_PACKAGES.map((p) => p.split('=='))))}
def have(n):
    try: return m.version(n)
    except Exception: return None
sys.stdout.write(str(all(have(n) == v for n, v in want.items())))`;
  const complete = existsSync(python) && execFileSync(python, ['-c', pinned], { encoding: 'utf8' }) === 'True';
  if (!existsSync(dbt) || !complete) {
    mkdirSync(join(homedir(), '.cache', 'airlock'), { recursive: true });
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', DBT_VENV], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', ...DBT_PACKAGES], { stdio: 'inherit', timeout: 900_000 });
  }
  return { python, dbt };
}
