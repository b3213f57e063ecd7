// A batch held by a quality gate waits for an analyst: release promotes its fast lane (and runs
// remediation as the run's approval mode says), reject keeps everything out of production and
// moves the held rows to quarantine with the decision as their reason. Both are audited.
import { UserError } from '../contract/errors.js';
import { runTables, streamTables } from '../store/tables.js';
import { sqlIdent, sqlString } from '../store/duckdb.js';
import { nowIso } from '../store/sqlite.js';
import { contractOfRun } from '../export/exportRun.js';
import { remediateRun } from '../remediate/remediate.js';
import { fillCounts, promoteFastLane } from './runBatch.js';
import { reconcile } from './reconcile.js';
import { restoreArrivedTokens } from '../validate/route.js';
import type { Engine } from './context.js';
import type { ApprovalMode, RunSummary } from './types.js';

function heldRun(engine: Engine, runId: string): { summary: RunSummary; approval: ApprovalMode } {
  const row = engine.sqlite.prepare('SELECT status, options_json FROM runs WHERE run_id = ?').get(runId) as { status: string; options_json: string } | undefined;
  if (!row) throw new UserError(`run ${runId} is not in this workspace. List runs with: airlock runs`);
  if (row.status !== 'held') throw new UserError(`run ${runId} is ${row.status}, not held by a quality gate: there is nothing to release or reject.`);
  const { summary } = contractOfRun(engine, runId);
  return { summary, approval: (JSON.parse(row.options_json) as { approval: ApprovalMode }).approval };
}

function finish(engine: Engine, s: RunSummary): RunSummary {
  engine.sqlite.prepare('UPDATE runs SET status = ?, summary_json = ?, finished_at = ? WHERE run_id = ?').run(s.status, JSON.stringify(s), nowIso(), s.runId);
  return s;
}

export async function releaseRun(engine: Engine, runId: string, by: string): Promise<RunSummary> {
  const { summary, approval } = heldRun(engine, runId);
  const { contract } = contractOfRun(engine, runId);
  const st = streamTables(contract);
  const rt = runTables(runId);
  engine.audit.append({ runId, kind: 'release', payload: { decision: 'released', by, gates: summary.gates.filter((g) => !g.passed).map((g) => g.name) } });
  const recs = [...summary.reconciliation];
  await promoteFastLane(engine, contract, runId, st, rt, recs, summary.timingsMs);
  const rem = await remediateRun(engine, { contract, runId, st, rt, approval, options: { modelPath: null, embedderDir: null } });
  const s = await fillCounts(engine, { ...summary, status: 'completed', message: `released by ${by}`, clusters: rem.clusters, proposals: rem.proposals, modelCalls: rem.modelCalls }, st, rt, recs);
  return finish(engine, s.reconciled ? s : { ...s, status: 'failed' });
}

export async function rejectRun(engine: Engine, runId: string, by: string): Promise<RunSummary> {
  const { summary } = heldRun(engine, runId);
  const { contract } = contractOfRun(engine, runId);
  const st = streamTables(contract);
  const rt = runTables(runId);
  const cols = contract.columns.map((c) => sqlIdent(c.name)).join(', ');
  const conn = engine.duck.conn;
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`INSERT INTO ${st.quarantine} (${cols}, _airlock_row_id, _airlock_run_id, _airlock_reasons, _airlock_raw_line)
      SELECT ${cols}, _airlock_row_id, ${sqlString(runId)}, 'batch:REJECTED_BY_ANALYST', NULL FROM ${rt.fast}`);
    await restoreArrivedTokens(conn, contract, runId, st);
    await conn.run(`DROP TABLE ${rt.fast}`);
    const rec = await reconcile(conn, runId, 'reject', st, rt);
    await conn.run(rec.ok ? 'COMMIT' : 'ROLLBACK');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  engine.audit.append({ runId, kind: 'release', payload: { decision: 'rejected', by } });
  const s = await fillCounts(engine, { ...summary, status: 'rejected', message: `rejected by ${by}: nothing from this batch was promoted` }, st, rt, [...summary.reconciliation]);
  return finish(engine, s);
}
