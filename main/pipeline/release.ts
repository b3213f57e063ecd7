// A batch held by a quality gate waits for an analyst: release promotes its fast lane (and runs
// remediation as the run's approval mode says), reject keeps everything out of production and
// moves the held rows to quarantine with the decision as their reason. Both are audited.
import { UserError } from '../contract/errors.js';
import { runTables, streamTables, type RunTables, type StreamTables } from '../store/tables.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { castSql, keySql } from '../validate/typedValue.js';
import type { Contract } from '../contract/types.js';
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
  if (!row) throw new UserError(`run ${runId} is not in this workspace. List runs with: airlock runs`).inTheApp(`run ${runId} is not in this workspace. Pick a run on the Start screen.`);
  if (row.status !== 'held') throw new UserError(`run ${runId} is ${row.status}, not held by a quality gate: there is nothing to release or reject.`);
  const { summary } = contractOfRun(engine, runId);
  return { summary, approval: (JSON.parse(row.options_json) as { approval: ApprovalMode }).approval };
}

function finish(engine: Engine, s: RunSummary): RunSummary {
  engine.sqlite.prepare('UPDATE runs SET status = ?, summary_json = ?, finished_at = ? WHERE run_id = ?').run(s.status, JSON.stringify(s), nowIso(), s.runId);
  return s;
}

/**
 * A held batch is older than the runs that promoted after it: releasing it must not overwrite
 * their newer rows of the same key. Such a release is refused (the analyst can reject the batch,
 * or deliver the file again so that it runs after them).
 */
async function refuseOverwritingNewer(engine: Engine, contract: Contract, runId: string, st: StreamTables, rt: RunTables): Promise<void> {
  const pk = contract.columns.filter((c) => c.primaryKey);
  if (pk.length === 0) return;
  const started = engine.sqlite.prepare('SELECT started_at FROM runs WHERE run_id = ?').get(runId) as { started_at: string };
  const later = (engine.sqlite.prepare('SELECT run_id FROM runs WHERE started_at > ? AND run_id <> ?').all(started.started_at, runId) as Array<{ run_id: string }>).map((r) => r.run_id);
  if (later.length === 0) return;
  const on = pk.map((c) => (c.logicalType === 'number'
    ? `${keySql(c, `p.${sqlIdent(c.name)}`)} = ${keySql(c, `f.${sqlIdent(c.name)}`)}`
    : `p.${sqlIdent(c.name)} = ${castSql(c, `f.${sqlIdent(c.name)}`)}`)).join(' AND ');
  const rows = await queryRows<{ n: number; newest: string | null }>(engine.duck.conn, `SELECT count(*)::INTEGER AS n, max(p._airlock_run_id) AS newest FROM ${rt.fast} f JOIN ${st.prod} p ON ${on}
    WHERE p._airlock_run_id IN (${later.map(sqlString).join(', ')})`);
  const { n, newest } = rows[0] ?? { n: 0, newest: null };
  if (n > 0) {
    throw new UserError(`run ${runId} cannot be released: ${n} of its held rows have keys that a later run (${String(newest)}) already promoted, and releasing would overwrite those newer rows. Reject it (airlock reject ${runId}), or deliver the file again so it runs after them.`)
      .inTheApp(`This batch cannot be released: ${n} of its held rows have keys that a later run (${String(newest)}) already promoted, and releasing would overwrite those newer rows. Reject the batch instead, or drop the file again so it runs after them.`);
  }
}

export async function releaseRun(engine: Engine, runId: string, by: string): Promise<RunSummary> {
  const { summary, approval } = heldRun(engine, runId);
  const { contract } = contractOfRun(engine, runId);
  const st = streamTables(contract);
  const rt = runTables(runId);
  await refuseOverwritingNewer(engine, contract, runId, st, rt);
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
    await conn.run(`INSERT INTO ${st.quarantine} (${cols}, _airlock_row_id, _airlock_run_id, _airlock_reasons, _airlock_raw_line, _airlock_raw_offset, _airlock_raw_length, _airlock_raw_lineno)
      SELECT ${cols}, _airlock_row_id, ${sqlString(runId)}, 'batch:REJECTED_BY_ANALYST', NULL, _airlock_raw_offset, _airlock_raw_length, _airlock_raw_lineno FROM ${rt.fast}`);
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
