// One batch, start to finish: vault, contract, ingest, drift, dedupe, normalise, validate,
// route, gates, promote the fast lane, remediate, reconcile after every stage. Each stage is a
// set operation in DuckDB; each decision is an audit entry.
import { unconfirmedRules } from '../contract/inferredRules.js';
import { randomBytes } from 'node:crypto';
import { loadContractForRun } from '../contract/duckdbChecks.js';
import { compareHeader, describeDrift } from '../contract/drift.js';
import { protectHeaderNames } from '../audit/protectHeader.js';
import { evolveAdditively, registerContractVersion } from '../contract/versions.js';
import type { Contract } from '../contract/types.js';
import { storeInVault, type VaultEntry } from '../ingest/vault.js';
import { readInput } from '../ingest/readInput.js';
import { assertTableFitsContract, ensureStreamTables, runTables, type RunTables, type StreamTables } from '../store/tables.js';
import { nowIso } from '../store/sqlite.js';
import { normaliseMissingTokens, routeBatch, rowHashSql, setAsideDuplicates, validateBatch, candidatesSql } from '../validate/route.js';
import { variantsOf, withBatchVariants } from '../validate/variants.js';
import { evaluateGates } from '../validate/gates.js';
import { reconcile, reconcileIngest, recordSourceCount } from './reconcile.js';
import type { CsvScan } from '../ingest/csvScan.js';
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from '../ingest/recordScanner.js';
import { realpathSync, rmSync } from 'node:fs';
import { sep } from 'node:path';
import { UserError } from '../contract/errors.js';
import { upsertIntoProduction } from './promote.js';
import { auditTableChanges } from './auditChanges.js';
import { cancelRunOnRequest, failRunOnError, recoverInterruptedRuns } from './recover.js';
import { assertInputHeaderNotReserved } from './inputHeader.js';
import type { Engine } from './context.js';
import type { ApprovalMode, Progress, Reconciliation, RunSummary } from './types.js';
import { duckResourceSettings, sqlString } from '../store/duckdb.js';
import type { RemediationOptions } from '../remediate/remediate.js';
import { createJob, jobInputOf } from '../remediate/job.js';
import { finishStaleJobs, runRemediationJob } from './remediationJob.js';
import { checkEmbedderDir, checkGgufFile } from '../models/modelFiles.js';
import { rerunOfProcessedFile } from './waitingReview.js';
import { storedVaultPath } from './vaultFile.js';

export interface RunOptions {
  file: string;
  contractPath: string;
  approval: ApprovalMode;
  remediation?: RemediationOptions;
  /** the record scan's limits (record size, runaway quotes); defaults suit real files */
  scanLimits?: Partial<ScanLimits>;
  /** re-run of an earlier run from the vault (replay) */
  replayOf?: string;
  onProgress?: (p: Progress) => void;
  /**
   * whether the analyst has asked the run to stop: a run that ends while this says yes (by the
   * caller's own error, or DuckDB's interrupt) is recorded as cancelled, not as failed
   */
  cancelRequested?: () => boolean;
  /**
   * false: return once the fast lane is promoted, with the run 'remediating' and its remediation
   * job pending (`airlock remediate RUN` finishes it). Default: the job runs to its end here.
   */
  wait?: boolean;
  /**
   * The app's background remediation job (api/session.ts), when one may be running: this run
   * vaults and counts its file alongside it, then waits for it before its first write. wait()
   * throws when the run is cancelled or the app closes while it waits.
   */
  alongside?: { running(): string | null; wait(): Promise<void> };
  /** test hook: called with the stage name as each stage starts (crash tests kill here) */
  onStage?: (stage: string) => void;
}

export class ReconciliationError extends Error {
  constructor(public readonly rec: Reconciliation) {
    super(`Reconciliation failed after ${rec.stage}: source ${rec.sourceRows} != success ${rec.successRows} + quarantine ${rec.quarantineRows} + duplicates ${rec.duplicateRows} + pending ${rec.pendingRows}`);
  }
}

/**
 * run_<date>T<time>_<random>: the 'T' keeps the digits in short runs, so that no run id can be
 * mistaken for a card or phone number by the personal-data detector (which would tokenise it).
 */
export function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run_${d}_${randomBytes(3).toString('hex')}`;
}

export async function runBatch(engine: Engine, opts: RunOptions): Promise<RunSummary> {
  let opened: string | undefined;
  try {
    return await processBatch(engine, opts, (runId) => { opened = runId; });
  } catch (e) {
    // Whatever went wrong (a user's mistake found late, or an internal error), the run this
    // process opened is undone and marked failed, never left 'running'.
    if (opened) await (opts.cancelRequested?.() ? cancelRunOnRequest(engine, opened) : failRunOnError(engine, opened, e));
    throw e;
  }
}

async function processBatch(engine: Engine, opts: RunOptions, onOpened: (runId: string) => void): Promise<RunSummary> {
  const t0 = Date.now();
  opts.onStage?.('vault');
  // A file inside the workspace (its key, its database) is refused before a byte is copied.
  if (!opts.replayOf) refuseWorkspaceInput(opts.file, engine.ws.root);
  // The raw bytes go into the vault before anything else, even before the contract is read; the
  // same read counts the records, apart from the parser that will read them.
  const vault = await storeInVault(opts.file, engine.ws.vault, { scratchDir: engine.ws.tmp, limits: { ...DEFAULT_SCAN_LIMITS, ...opts.scanLimits } });
  try {
    return await runVaulted(engine, opts, vault, t0, onOpened);
  } finally {
    if (vault.scan) for (const f of [vault.scan.parsePath, vault.scan.malformedPath]) rmSync(f, { force: true });
  }
}

function refuseWorkspaceInput(file: string, wsRoot: string): void {
  let input: string;
  let root: string;
  try {
    input = realpathSync(file);
    root = realpathSync(wsRoot);
  } catch {
    return; // a missing input is reported by the vault copy
  }
  if (input === root || input.startsWith(root + sep)) {
    throw new UserError(`${file}: the file is inside the workspace ${wsRoot}, which holds Airlock's own data and keys. Pass a file from outside the workspace.`, file);
  }
}

async function runVaulted(engine: Engine, opts: RunOptions, vault: VaultEntry & { scan?: CsvScan }, t0: number, onOpened: (runId: string) => void): Promise<RunSummary> {
  const { sqlite, audit } = engine;
  const conn = engine.duck.conn;
  // The remediation job of this process's previous run, still running in the background (the
  // app): the file is in the vault and counted (the scan, most of reading it); everything from here
  // writes the store, which the job is writing (its SQLite transaction spans DuckDB work), so the
  // run waits for the job here, before its first write. A cancel or close while waiting throws.
  const alongside = opts.alongside?.running() ?? null;
  if (alongside) {
    opts.onProgress?.({ runId: '', stage: 'ingest', done: 0, total: vault.bytes, message: `${vault.originalName} is in the vault; waiting for the remediation of ${alongside} to finish` });
    await opts.alongside!.wait();
  }
  await recoverInterruptedRuns(engine);
  // Remediation jobs left pending or cut short are finished first, in the order their runs came.
  await finishStaleJobs(engine, opts.onProgress);
  // The contract is checked whole now, before a run exists (its patterns, formats, bounds and SQL
  // checks by DuckDB itself): a refused one is the contract's mistake (exit 2), not a run left half-done.
  let contract = await loadContractForRun(conn, opts.contractPath);
  await assertTableFitsContract(conn, contract);
  // A model the user named must be usable before anything is promoted.
  if (opts.remediation?.modelPath) checkGgufFile(opts.remediation.modelPath);
  if (opts.remediation?.embedderDir) checkEmbedderDir(opts.remediation.embedderDir);
  registerContractVersion(sqlite, contract, 'loaded');

  if (!opts.replayOf) {
    const prev = sqlite.prepare(`SELECT run_id, summary_json FROM runs WHERE input_sha256 = ? AND contract_id = ? AND contract_sha256 = ?
      AND status IN ('completed', 'held', 'halted', 'remediating') AND replay_of IS NULL ORDER BY started_at LIMIT 1`).get(vault.sha256, contract.id, contract.yamlSha256) as
      { run_id: string; summary_json: string } | undefined;
    if (prev) {
      audit.append({ runId: prev.run_id, kind: 'idempotent', payload: { input: vault.originalName, sha256: vault.sha256, contract: contract.id, version: contract.version, approval: opts.approval.kind } });
      return rerunOfProcessedFile(engine, prev.run_id, opts.approval, `${vault.originalName} (sha256 ${vault.sha256.slice(0, 12)}) was already processed with contract ${contract.id} ${contract.version} by ${prev.run_id}`);
    }
  }

  // A header using Airlock's reserved column prefix is refused before a run exists.
  await assertInputHeaderNotReserved(conn, vault.vaultPath, vault.originalName, vault.scan);
  const runId = newRunId();
  const emit = (stage: Progress['stage'], done: number, total: number, message: string, started?: number) =>
    opts.onProgress?.({ runId, stage, done, total, message, rowsPerSecond: started && done ? Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) : undefined });
  // The run keeps the memory budget, threads and spill folder its DuckDB ran with, as DuckDB reports them.
  const duckdb = await duckResourceSettings(conn);
  sqlite.prepare(`INSERT INTO runs (run_id, contract_id, contract_version, contract_sha256, table_name, input_path, input_name, input_sha256, input_bytes, vault_path, status, replay_of, options_json, started_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`).run(
    runId, contract.id, contract.version, contract.yamlSha256, contract.table, opts.file, vault.originalName, vault.sha256, vault.bytes, storedVaultPath(engine.ws, vault.vaultPath),
    opts.replayOf ?? null, JSON.stringify({ approval: opts.approval, contractPath: opts.contractPath, pid: process.pid, duckdb }), nowIso());
  onOpened(runId);
  audit.append({ runId, kind: 'ingest', payload: { event: 'vaulted', input: vault.originalName, sha256: vault.sha256, bytes: vault.bytes, vaultPath: storedVaultPath(engine.ws, vault.vaultPath), replayOf: opts.replayOf ?? null } });
  audit.append({ runId, kind: 'contract', payload: { id: contract.id, version: contract.version, signature: contract.signature, yamlSha256: contract.yamlSha256 } });

  const rt = runTables(runId);
  const recs: Reconciliation[] = [];
  const timings = { ingest: 0, validate: 0, remediate: 0, promote: 0, total: 0 };
  const stageStart = (stage: string) => {
    opts.onStage?.(stage);
    sqlite.prepare('INSERT OR REPLACE INTO stages (run_id, stage, started_at) VALUES (?, ?, ?)').run(runId, stage, nowIso());
    return Date.now();
  };
  const stageEnd = (stage: string, started: number, rows: number, rec?: Reconciliation) => {
    const ms = Date.now() - started;
    sqlite.prepare('UPDATE stages SET finished_at = ?, ms = ?, rows = ?, reconciliation_json = ? WHERE run_id = ? AND stage = ?')
      .run(nowIso(), ms, rows, rec ? JSON.stringify(rec) : null, runId, stage);
    audit.append({ runId, kind: 'stage', payload: { stage, ms, rows, reconciliation: rec ?? null } });
    return ms;
  };

  // ---- ingest
  let started = stageStart('ingest');
  emit('ingest', 0, vault.bytes, `reading ${vault.originalName}`);
  await conn.run('CREATE SCHEMA IF NOT EXISTS staging');
  // The row hash is computed while the file is read when the header is the contract's own (no
  // drift: the usual case); otherwise after the drift decision, over the contract then in force.
  const hashWhenExact = (header: string[]) => (compareHeader(contract, header).changes.length === 0 ? rowHashSql(contract) : null);
  const ingest = await readInput(conn, vault.vaultPath, vault.originalName, rt.stage, rt.malformed, engine.ws.tmp, vault.scan, hashWhenExact);
  await recordSourceCount(conn, runId, ingest.sourceRecords, ingest.format === 'csv' ? 'record-scan' : 'parquet-metadata');
  audit.append({ runId, kind: 'ingest', payload: { event: 'counted', sourceRecords: ingest.sourceRecords, countedBy: ingest.format === 'csv' ? 'record-scan' : 'parquet-metadata', parsed: ingest.goodRows, malformed: ingest.malformedRows, hints: ingest.hints } });
  const ing = await reconcileIngest(conn, rt, ingest.sourceRecords);
  timings.ingest = stageEnd('ingest', started, ing.records);
  emit('ingest', ing.records, ing.records, `${ing.records} records (${ingest.malformedRows} malformed)`, started);
  if (!ing.ok || ingest.parserDisagreement) {
    const why = ingest.parserDisagreement ?? `the parser staged ${ing.staged} records where the independent scan counted ${ing.records}`;
    return failReconciliation(engine, runId, contract, vault, ingest.format, { stage: 'ingest', sourceRows: ing.records, successRows: 0, quarantineRows: 0, duplicateRows: 0, pendingRows: ing.staged, ok: false }, recs, timings, t0, why);
  }

  // ---- schema signature and drift
  const drift = compareHeader(contract, ingest.header);
  let driftInfo: RunSummary['drift'];
  if (drift.changes.length > 0) {
    if (contract.schemaEvolution === 'additive' && drift.additiveOnly) {
      const added = drift.changes.map((c) => c.column);
      contract = evolveAdditively(contract, added);
      registerContractVersion(sqlite, contract, 'additive-evolution');
      driftInfo = { changes: drift.changes, decision: `accepted as contract version ${contract.version}` };
      audit.append({ runId, kind: 'drift', payload: { decision: 'additive', newVersion: contract.version, signature: contract.signature, changes: drift.changes } });
    } else {
      // The file's unknown header names may be data (a headerless file): tokens, never clear.
      const shown = protectHeaderNames(engine.pii, contract, ingest.header);
      const seen = { ...compareHeader(contract, shown.header), fileSignature: drift.fileSignature };
      const hint = shown.unknown === ingest.header.length ? ' None of the file\'s column names is in the contract: if the file has no header row, add one.' : '';
      const message = `${vault.originalName}: schema drift against contract ${contract.id} ${contract.version}: ${describeDrift(seen)}.${hint} The stream is halted and nothing was promoted; the raw file is in the vault. Fix the file, or update the contract${contract.schemaEvolution === 'strict' ? ' (or set schemaEvolution: additive for new trailing columns)' : ''}.`;
      sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, 'critical', 'SCHEMA_DRIFT', message, nowIso());
      audit.append({ runId, kind: 'drift', payload: { decision: 'halt', fileSignature: drift.fileSignature, contractSignature: drift.contractSignature, changes: seen.changes } });
      await conn.run(`DROP TABLE IF EXISTS ${rt.stage}; DROP TABLE IF EXISTS ${rt.malformed};`);
      const summary = baseSummary(runId, 'halted', contract, vault, ingest.format, timings, t0);
      summary.sourceRows = ing.records;
      summary.quarantineRows = 0;
      summary.pendingRows = ing.records;
      summary.reconciled = true;
      summary.drift = { changes: seen.changes, decision: 'halted' };
      summary.message = message;
      return finish(engine, summary);
    }
  } else {
    audit.append({ runId, kind: 'contract', payload: { event: 'signature-match', signature: drift.fileSignature } });
  }

  const st = await ensureStreamTables(conn, contract);

  // ---- dedupe, normalise, validate, route
  started = stageStart('validate');
  emit('validate', 0, ing.records, 'checking the contract');
  const duplicates = await setAsideDuplicates(conn, contract, runId, st, rt, ingest.rowHashed);
  if (duplicates > 0) audit.append({ runId, kind: 'dedupe', payload: { duplicateRows: duplicates, rule: 'exact re-delivery of a row already loaded' } });
  const normalised = await normaliseMissingTokens(conn, contract, runId, st, rt);
  await auditTableChanges(engine, contract, runId, st, 'rule:missing-token');
  // Rare spellings of a value the batch holds often become LIKELY_VARIANT checks of this run.
  contract = await withBatchVariants(conn, contract, candidatesSql(runId, st, rt));
  const variantColumns = contract.columns.filter((c) => c.variants?.length);
  if (variantColumns.length) audit.append({ runId, kind: 'contract', payload: { event: 'variants', columns: variantColumns.map((c) => ({ column: c.name, values: c.variants!.length, rows: c.variants!.reduce((n, x) => n + x.count, 0) })) } });
  const badRows = await validateBatch(conn, contract, runId, st, rt);
  const routed = await routeBatch(conn, contract, runId, st, rt);
  const recRoute = await reconcile(conn, runId, 'route', st, rt);
  recs.push(recRoute);
  timings.validate = stageEnd('validate', started, ing.records, recRoute);
  audit.append({ runId, kind: 'route', payload: { fastLane: routed.fast, quarantined: routed.quarantined, duplicates, normalisedCells: normalised, rowsWithViolations: badRows } });
  emit('validate', ing.records, ing.records, `${routed.fast} clean, ${routed.quarantined} quarantined`, started);
  if (!recRoute.ok) return failReconciliation(engine, runId, contract, vault, ingest.format, recRoute, recs, timings, t0);

  // ---- gates
  const gates = await evaluateGates(conn, contract, candidatesSql(runId, st, rt), `(SELECT * FROM ${st.violations} WHERE run_id = ${sqlString(runId)})`);
  for (const g of gates) audit.append({ runId, kind: 'gate', payload: { ...g } });
  const held = gates.some((g) => !g.passed);

  const summary = baseSummary(runId, held ? 'held' : 'completed', contract, vault, ingest.format, timings, t0);
  summary.gates = gates;
  summary.drift = driftInfo;
  summary.fastLaneRows = routed.fast;
  summary.malformedRows = ingest.malformedRows;
  if (ingest.hints.length) summary.hints = ingest.hints;
  if (held) {
    const failed = gates.filter((g) => !g.passed).map((g) => `${g.name} = ${g.value} (${g.operator} ${JSON.stringify(g.threshold)})`);
    summary.message = `held by quality gate: ${failed.join('; ')}. Nothing was promoted; release or reject the batch.`;
    sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, 'warning', 'GATE_HELD', summary.message, nowIso());
    summary.reconciliation = recs;
    return finish(engine, await fillCounts(engine, summary, st, rt, recs));
  }

  // ---- promote the fast lane
  await promoteFastLane(engine, contract, runId, st, rt, recs, timings);
  const recPromote = recs[recs.length - 1];
  if (!recPromote.ok) return failReconciliation(engine, runId, contract, vault, ingest.format, recPromote, recs, timings, t0);

  // ---- remediation: a durable job (remediate/job.ts). The fast lane is committed and reported
  // first: the run is recorded 'remediating' with the job, in one SQLite transaction; the job
  // then runs here (or, with wait: false, later: `airlock remediate RUN`, or the next run).
  summary.reconciliation = recs;
  summary.timingsMs = { ...timings, total: Date.now() - t0 };
  const reported = await fillCounts(engine, { ...summary, status: 'remediating' }, st, rt, [...recs]);
  const wait = opts.wait !== false;
  reported.message = wait ? `remediation of the quarantine is running as a job: if it is stopped, finish it with: airlock remediate ${runId}`
    : opts.alongside ? `the fast lane is promoted; the remediation of the ${reported.quarantineRows} quarantined rows runs in the background`
      : `the fast lane is promoted; remediation of the ${reported.quarantineRows} quarantined rows is pending: finish it with: airlock remediate ${runId}`;
  sqlite.transaction(() => {
    createJob(sqlite, runId, jobInputOf(opts.approval, opts.remediation ?? {}), wait ? 'running' : 'pending');
    finish(engine, reported);
  })();
  emit('promote', reported.fastLaneRows, reported.fastLaneRows, `fast lane promoted: ${reported.successRows} rows in production; remediation ${wait ? 'running' : 'pending'}`);
  if (!wait) return reported;
  return runRemediationJob(engine, runId, { onProgress: opts.onProgress, options: opts.remediation ?? {}, cancelRequested: opts.cancelRequested, onStage: opts.onStage });
}

export async function promoteFastLane(engine: Engine, contract: Contract, runId: string, st: StreamTables, rt: RunTables, recs: Reconciliation[], timings: RunSummary['timingsMs']): Promise<void> {
  const conn = engine.duck.conn;
  const started = Date.now();
  engine.sqlite.prepare('INSERT OR REPLACE INTO stages (run_id, stage, started_at) VALUES (?, ?, ?)').run(runId, 'promote', nowIso());
  await conn.run('BEGIN TRANSACTION');
  let n = 0;
  let rec: Reconciliation;
  try {
    n = await upsertIntoProduction(conn, contract, runId, st, rt.fast);
    await conn.run(`DROP TABLE ${rt.fast}`);
    // Reconciled inside the transaction: a mismatch rolls the promotion back.
    rec = await reconcile(conn, runId, 'promote', st, rt);
    await conn.run(rec.ok ? 'COMMIT' : 'ROLLBACK');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  recs.push(rec);
  timings.promote = Date.now() - started;
  engine.sqlite.prepare('UPDATE stages SET finished_at = ?, ms = ?, rows = ?, reconciliation_json = ? WHERE run_id = ? AND stage = ?')
    .run(nowIso(), timings.promote, n, JSON.stringify(rec), runId, 'promote');
  engine.audit.append({ runId, kind: 'promote', payload: { lane: 'fast', rows: n, reconciliation: rec } });
}

function baseSummary(runId: string, status: RunSummary['status'], contract: Contract, vault: VaultEntry, format: string, timings: RunSummary['timingsMs'], t0: number): RunSummary {
  return {
    runId, status,
    sourceRows: 0, successRows: 0, quarantineRows: 0, fastLaneRows: 0, remediatedRows: 0, duplicateRows: 0, malformedRows: 0, pendingRows: 0,
    clusters: 0, proposals: 0, modelCalls: 0, reconciled: true, gates: [],
    timingsMs: { ...timings, total: Date.now() - t0 },
    reconciliation: [],
    contract: { id: contract.id, version: contract.version, signature: contract.signature, sha256: contract.yamlSha256, table: contract.table },
    input: { name: vault.originalName, sha256: vault.sha256, bytes: vault.bytes, format },
    ...unconfirmedOf(contract),
    ...variantsOf(contract),
  };
}

/** The profiler's rules this contract enforces without an analyst's confirmation, so the run can say so. */
function unconfirmedOf(contract: Contract): Pick<RunSummary, 'unconfirmedRules'> {
  const rules = unconfirmedRules(contract);
  return rules.length ? { unconfirmedRules: rules } : {};
}

/** Final counts, read from the tables. */
export async function fillCounts(engine: Engine, summary: RunSummary, st: StreamTables, rt: RunTables, recs: Reconciliation[]): Promise<RunSummary> {
  const rec = await reconcile(engine.duck.conn, summary.runId, 'final', st, rt);
  recs.push(rec);
  const r = sqlString(summary.runId);
  const remediated = Number((await engine.duck.conn.runAndReadAll(`SELECT count(DISTINCT row_id) FROM ${st.changes} WHERE run_id = ${r} AND proposer NOT LIKE 'rule:missing-token'
    AND row_id IN (SELECT _airlock_row_id FROM ${st.prod} WHERE _airlock_run_id = ${r})`)).getRows()[0][0]);
  return {
    ...summary,
    timingsMs: { ...summary.timingsMs, total: summary.timingsMs.total },
    sourceRows: rec.sourceRows,
    successRows: rec.successRows,
    quarantineRows: rec.quarantineRows,
    duplicateRows: rec.duplicateRows,
    pendingRows: rec.pendingRows,
    remediatedRows: remediated,
    reconciled: rec.ok,
    reconciliation: recs,
  };
}

/** Records the run's summary and status. */
export function finishRun(engine: Engine, summary: RunSummary): RunSummary {
  return finish(engine, summary);
}

function finish(engine: Engine, summary: RunSummary): RunSummary {
  summary.timingsMs.total = summary.timingsMs.total || 0;
  engine.sqlite.prepare('UPDATE runs SET status = ?, summary_json = ?, finished_at = ? WHERE run_id = ?')
    .run(summary.status, JSON.stringify(summary), nowIso(), summary.runId);
  engine.audit.append({ runId: summary.runId, kind: 'stage', payload: { stage: 'finish', status: summary.status, sourceRows: summary.sourceRows, successRows: summary.successRows, quarantineRows: summary.quarantineRows, duplicateRows: summary.duplicateRows, reconciled: summary.reconciled } });
  return summary;
}

async function failReconciliation(engine: Engine, runId: string, contract: Contract, vault: VaultEntry, format: string, rec: Reconciliation, recs: Reconciliation[], timings: RunSummary['timingsMs'], t0: number, why?: string): Promise<RunSummary> {
  const message = `Sev-1: reconciliation failed after ${rec.stage}: source ${rec.sourceRows} != success ${rec.successRows} + quarantine ${rec.quarantineRows} + duplicates ${rec.duplicateRows} + pending ${rec.pendingRows}${why ? ` (${why})` : ''}. Nothing more is promoted.`;
  engine.sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, 'sev1', 'RECONCILIATION_FAILED', message, nowIso());
  engine.audit.append({ runId, kind: 'alert', payload: { severity: 'sev1', code: 'RECONCILIATION_FAILED', reconciliation: rec } });
  const s = baseSummary(runId, 'failed', contract, vault, format, timings, t0);
  s.reconciled = false;
  s.reconciliation = [...recs, rec];
  s.sourceRows = rec.sourceRows;
  s.successRows = rec.successRows;
  s.quarantineRows = rec.quarantineRows;
  s.duplicateRows = rec.duplicateRows;
  s.pendingRows = rec.pendingRows;
  s.message = message;
  return finish(engine, s);
}
