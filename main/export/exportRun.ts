// Export of a run: clean rows (CSV or Parquet, written by DuckDB's COPY), the rows still in
// quarantine as they arrived with their reasons, and the signed audit bundle. Files are written
// under temporary names and renamed, so a crash never leaves a half-written export behind.
import { mkdirSync, renameSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseContract } from '../contract/load.js';
import type { Contract } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { streamTables } from '../store/tables.js';
import { formatSql } from '../validate/typedValue.js';
import type { Engine } from '../pipeline/context.js';
import type { RunSummary } from '../pipeline/types.js';
import { collectBundleInput } from './bundleInput.js';
import { writeBundle, type BundleResult } from '../audit/bundle.js';

export interface ExportOptions {
  runId?: string;
  outDir: string;
  format: 'csv' | 'parquet';
  includePii?: boolean;
}

export interface ExportResult {
  runId: string;
  files: { name: string; path: string; rows: number }[];
  bundle: BundleResult;
}

export function resolveRunId(engine: Engine, runId?: string): string {
  if (runId && runId !== 'latest') {
    const row = engine.sqlite.prepare('SELECT run_id FROM runs WHERE run_id = ?').get(runId);
    if (!row) throw new UserError(`run ${runId} is not in workspace ${engine.ws.root}. List runs with: airlock runs`);
    return runId;
  }
  const row = engine.sqlite.prepare(`SELECT run_id FROM runs WHERE status IN ('completed', 'held', 'halted') ORDER BY started_at DESC, rowid DESC LIMIT 1`).get() as { run_id: string } | undefined;
  if (!row) throw new UserError(`workspace ${engine.ws.root} has no finished run yet. Run a file first: airlock run <file> --contract <c.odcs.yaml>`);
  return row.run_id;
}

export function contractOfRun(engine: Engine, runId: string): { contract: Contract; summary: RunSummary } {
  const run = engine.sqlite.prepare('SELECT contract_id, contract_sha256, summary_json FROM runs WHERE run_id = ?').get(runId) as { contract_id: string; contract_sha256: string; summary_json: string | null };
  const summary = JSON.parse(run.summary_json ?? '{}') as RunSummary;
  const versions = engine.sqlite.prepare('SELECT yaml, columns_json, signature FROM contract_versions WHERE contract_id = ? AND yaml_sha256 = ?').all(run.contract_id, run.contract_sha256) as Array<{ yaml: string; columns_json: string; signature: string }>;
  if (versions.length === 0) throw new Error(`contract of run ${runId} is not registered`);
  let contract = parseContract(versions[0].yaml, `contract ${run.contract_id}`);
  // An additively evolved version carries extra trailing text columns.
  const wanted = versions.find((v) => v.signature === summary.contract?.signature);
  if (wanted && wanted.signature !== contract.signature) {
    const cols = JSON.parse(wanted.columns_json) as { name: string }[];
    const extra = cols.slice(contract.columns.length).map((c) => c.name);
    contract = { ...contract, columns: [...contract.columns, ...extra.map((name) => ({ name, logicalType: 'string' as const, required: false, unique: false, primaryKey: false, missingTokens: [], quality: [], line: 0 }))], signature: wanted.signature };
  }
  return { contract, summary };
}

export async function exportRun(engine: Engine, opts: ExportOptions): Promise<ExportResult> {
  const runId = resolveRunId(engine, opts.runId);
  const { contract } = contractOfRun(engine, runId);
  const out = resolve(opts.outDir);
  mkdirSync(out, { recursive: true });
  const conn = engine.duck.conn;
  const st = streamTables(contract);
  const r = sqlString(runId);
  const cols = contract.columns.map((c) => `${formatSql(c, sqlIdent(c.name))} AS ${sqlIdent(c.name)}`);
  const ext = opts.format === 'parquet' ? 'parquet' : 'csv';
  const copyOpts = opts.format === 'parquet' ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)';
  const files: ExportResult['files'] = [];
  const write = async (name: string, select: string, fmt: string) => {
    const final = join(out, name);
    const tmp = join(out, `.${name}.tmp-${process.pid}`);
    await conn.run(`COPY (${select}) TO ${sqlString(tmp)} ${fmt}`);
    renameSync(tmp, final);
    const rows = Number(await queryValue(conn, `SELECT count(*) FROM (${select})`));
    files.push({ name, path: final, rows });
  };
  await write(`clean.${ext}`, `SELECT ${cols.join(', ')}, _airlock_row_id FROM ${st.prod} WHERE _airlock_run_id = ${r} ORDER BY _airlock_row_id`, copyOpts);
  await write('quarantine.csv', `SELECT ${contract.columns.map((c) => sqlIdent(c.name)).join(', ')}, _airlock_row_id, _airlock_reasons, _airlock_raw_line FROM ${st.quarantine} WHERE _airlock_run_id = ${r} ORDER BY _airlock_row_id`, '(FORMAT csv, HEADER true)');
  const bundleDir = join(out, 'bundle');
  if (existsSync(bundleDir)) rmSync(bundleDir, { recursive: true, force: true });
  const input = await collectBundleInput(engine, runId, contract, files, opts.includePii ?? false);
  const bundle = await writeBundle(out, input);
  engine.audit.append({ runId, kind: 'export', payload: { outDir: out, files: files.map((f) => ({ name: f.name, rows: f.rows })), includePii: opts.includePii ?? false } });
  void queryRows;
  return { runId, files, bundle };
}
