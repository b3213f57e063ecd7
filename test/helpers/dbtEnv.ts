// PLACEHOLDER: replaced by the dbt-spark branch (which adds dbt-spark[session] and pyspark).
// dbt with its DuckDB adapter, in a venv OUTSIDE the repository, created from PyPI the first
// time a test needs it, so that `npm test` works on a bare machine (see pythonTools.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DBT_VENV = join(homedir(), '.cache', 'airlock', 'venv-dbt');
/** Exact pins: what pip resolved for dbt-core 1.11.x with dbt-duckdb 1.11.1 (December 2026). */
const DBT_PACKAGES = ['dbt-core==1.11.16', 'dbt-duckdb==1.11.1', 'duckdb==2.0.1'];

/** The venv's python and dbt, installed when missing. */
export function dbtVenv(): { python: string; dbt: string } {
  const bin = join(DBT_VENV, 'bin');
  const python = join(bin, 'python');
  const dbt = join(bin, 'dbt');
  const hasDuckdbAdapter = existsSync(python)
    && execFileSync(python, ['-c', 'import importlib.util,sys; sys.stdout.write(str(importlib.util.find_spec("dbt.adapters.duckdb") is not None))'], { encoding: 'utf8' }) === 'True';
  if (!existsSync(dbt) || !hasDuckdbAdapter) {
    mkdirSync(join(homedir(), '.cache', 'airlock'), { recursive: true });
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', DBT_VENV], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', ...DBT_PACKAGES], { stdio: 'inherit', timeout: 900_000 });
  }
  return { python, dbt };
}
