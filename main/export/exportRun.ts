// Export of a run: clean rows (CSV or Parquet, written by DuckDB's COPY), the rows still in
// quarantine as they arrived with their reasons, and the signed audit bundle. Everything is
// written into a temporary sibling folder that replaces --out only when it is complete
// (exportDir.ts), so a failed export leaves nothing half-written and nothing of the user's is lost.
import { join, relative, resolve } from 'node:path';
import { parseContract } from '../contract/load.js';
import type { Contract } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { ensureStreamTables } from '../store/tables.js';
import type { Engine } from '../pipeline/context.js';
import type { RunSummary } from '../pipeline/types.js';
import { withRunVariants } from '../validate/variants.js';
import { collectBundleInput } from './bundleInput.js';
import { writeBundle, type BundleResult } from '../audit/bundle.js';
import { checkExportTarget, commitStagingDir, createStagingDir, discardStagingDir, writeMarker } from './exportDir.js';
import { assertExportable } from './exportable.js';
import { fsUserError } from '../store/fsErrors.js';
import { cleanSelectList, runRowsSql } from './cleanRows.js';

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
    if (!row) throw new UserError(`run ${runId} is not in workspace ${engine.ws.root}. List runs with: airlock runs`).inTheApp(`run ${runId} is not in this workspace. Pick a run on the Start screen.`);
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
  return { contract: withRunVariants(contract, summary.variants), summary };
}

export async function exportRun(engine: Engine, opts: ExportOptions): Promise<ExportResult> {
  const runId = resolveRunId(engine, opts.runId);
  const summary = assertExportable(engine, runId);
  const { contract } = contractOfRun(engine, runId);
  const out = resolve(opts.outDir);
  checkExportTarget(out);
  let staging: string;
  try {
    staging = createStagingDir(out);
  } catch (e) {
    // Named as the folder the user gave, not the hidden staging folder beside it.
    const err = e as NodeJS.ErrnoException;
    throw fsUserError({ code: err.code, message: err.message, path: `--out ${out}` }, out) ?? e;
  }
  try {
    const res = await writeExport(engine, runId, contract, summary, staging, opts);
    writeMarker(staging, runId);
    commitStagingDir(staging, out);
    engine.audit.append({ runId, kind: 'export', payload: { outDir: out, files: res.files.map((f) => ({ name: f.name, rows: f.rows })), includePii: opts.includePii ?? false } });
    // Paths as they are after the swap.
    const moved = (p: string) => join(out, relative(staging, p));
    return {
      runId,
      files: res.files.map((f) => ({ ...f, path: moved(f.path) })),
      bundle: { ...res.bundle, dir: moved(res.bundle.dir), archive: moved(res.bundle.archive) },
    };
  } catch (e) {
    discardStagingDir(out);
    throw e;
  }
}

async function writeExport(engine: Engine, runId: string, contract: Contract, summary: RunSummary, dir: string, opts: ExportOptions): Promise<Omit<ExportResult, 'runId'>> {
  const conn = engine.duck.conn;
  // A run with no rows at all (every record malformed) may have created no stream tables yet.
  const st = await ensureStreamTables(conn, contract);
  const r = sqlString(runId);
  const ext = opts.format === 'parquet' ? 'parquet' : 'csv';
  const files: ExportResult['files'] = [];
  const write = async (name: string, select: string, fmt: string) => {
    const path = join(dir, name);
    await conn.run(`COPY (${select}) TO ${sqlString(path)} ${fmt}`);
    const rows = Number(await queryValue(conn, `SELECT count(*) FROM (${select})`));
    files.push({ name, path, rows });
  };
  const rows = runRowsSql(contract, st, runId);
  const list = await cleanSelectList(conn, contract, st, rows, opts.format);
  await write(`clean.${ext}`, `SELECT ${list} FROM ${rows} t ORDER BY _airlock_row_id`, opts.format === 'parquet' ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)');
  await write('quarantine.csv', `SELECT ${contract.columns.map((c) => sqlIdent(c.name)).join(', ')}, _airlock_row_id, _airlock_reasons, _airlock_raw_line, _airlock_raw_lineno, _airlock_raw_offset, _airlock_raw_length FROM ${st.quarantine} WHERE _airlock_run_id = ${r} ORDER BY _airlock_row_id`, '(FORMAT csv, HEADER true)');
  // The signed counts are the run's; the files must hold exactly them.
  if (files[0].rows !== summary.successRows) {
    throw new Error(`exportRun: run ${runId} promoted ${summary.successRows} rows but ${files[0].rows} of its rows are in production and history; refusing to sign counts the files do not match`);
  }
  const input = await collectBundleInput(engine, runId, contract, files, opts.includePii ?? false);
  const bundle = await writeBundle(dir, input);
  return { files, bundle };
}
