// A run that was killed mid-way leaves status 'running'; a run whose process hit an internal
// error is closed the same way at once. Everything such a run wrote to DuckDB is undone
// (production rows it upserted are restored from history), its staging tables dropped, and it is
// marked failed, audited. A run is never left 'running' by a process that is still alive: when
// the undo itself fails (DuckDB out of memory again), the run is recorded failed with its undo
// pending ('undoPending' in its options), and the next opening finishes the undo first.
import { loadContractFile, parseContract } from '../contract/load.js';
import type { Contract } from '../contract/types.js';
import { streamTables, runTables } from '../store/tables.js';
import { nowIso } from '../store/sqlite.js';
import { undoRun } from './promote.js';
import { finishInterruptedUndos, pruneFinalImages } from '../remediate/history.js';
import { forgetSourceCount } from './reconcile.js';
import { forgetJob } from '../remediate/job.js';
import { forgetStepMarkers } from '../remediate/jobSteps.js';
import type { Engine } from './context.js';
import type { RunEnding } from './types.js';

interface OpenRun { run_id: string; contract_id: string; yaml: string | null; options_json: string }

const runsIn = (statuses: string) => `SELECT r.run_id, r.contract_id, r.contract_sha256, r.options_json, v.yaml, v.columns_json
    FROM runs r LEFT JOIN contract_versions v ON v.contract_id = r.contract_id AND v.yaml_sha256 = r.contract_sha256
    WHERE r.status IN (${statuses})`;
const OPEN_RUNS = runsIn("'running'");
/** Runs recorded failed whose undo could not finish in their own process. */
const UNDO_PENDING = `${runsIn("'failed'")} AND (CASE WHEN json_valid(r.options_json) THEN json_extract(r.options_json, '$.undoPending') END) IS NOT NULL`;

/** The first line of the error the run failed with, when its undo is still to be finished. */
function undoPendingOf(run: OpenRun): string | null {
  try {
    const pending = (JSON.parse(run.options_json) as { undoPending?: unknown }).undoPending;
    return typeof pending === 'string' ? pending : null;
  } catch {
    return null;
  }
}

/** The runs recorded failed whose writes are not undone yet: the next run on the workspace undoes them first. */
export function runsLeftToUndo(engine: Engine): string[] {
  return (engine.sqlite.prepare(`${UNDO_PENDING} GROUP BY r.run_id ORDER BY r.started_at`).all() as OpenRun[]).map((r) => r.run_id);
}

const firstLine = (e: unknown, max: number): string => String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, max);

/** Undoes one run's writes and marks it failed with `reason` (audited, alerted). */
async function closeRun(engine: Engine, run: OpenRun, reason: string, code: string, decision: string, ended: RunEnding): Promise<void> {
  let contract: Contract | null = null;
  try {
    contract = run.yaml ? parseContract(run.yaml, `contract of ${run.run_id}`) : loadContractFile(JSON.parse(run.options_json).contractPath);
  } catch {
    contract = null;
  }
  const conn = engine.duck.conn;
  // A statement that failed inside a transaction may have left it open.
  try { await conn.run('ROLLBACK'); } catch { /* no transaction was open */ }
  if (contract) {
    const st = streamTables(contract);
    const exists = (await (await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'prod' AND table_name = '${contract.table.replace(/'/g, "''")}'`)).getRows())[0][0];
    if (Number(exists) > 0) await undoRun(conn, contract, run.run_id, st);
  }
  const rt = runTables(run.run_id);
  await conn.run(`DROP TABLE IF EXISTS ${rt.stage}; DROP TABLE IF EXISTS ${rt.malformed}; DROP TABLE IF EXISTS ${rt.fast};`);
  await forgetSourceCount(conn, run.run_id);
  // Rules the run approved were never promoted: they leave the recipe.
  engine.sqlite.prepare('DELETE FROM recipes WHERE proposal_id IN (SELECT proposal_id FROM proposals WHERE run_id = ?)').run(run.run_id);
  // A run stopped while remediating has the summary of its fast lane, and one whose undo was
  // pending says so; neither holds any more.
  const pending = undoPendingOf(run) !== null ? 1 : 0;
  const failed = JSON.stringify({ runId: run.run_id, status: 'failed', reconciled: false, message: reason, ended });
  engine.sqlite.prepare(`UPDATE runs SET status = 'failed', finished_at = ?,
      summary_json = CASE WHEN status = 'remediating' OR ? THEN ? ELSE coalesce(summary_json, ?) END,
      options_json = CASE WHEN ? THEN json_remove(options_json, '$.undoPending') ELSE options_json END WHERE run_id = ?`)
    .run(nowIso(), pending, failed, failed, pending, run.run_id);
  engine.sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(run.run_id, 'warning', code, `run ${run.run_id}: ${reason}`, nowIso());
  engine.audit.append({ runId: run.run_id, kind: 'stage', payload: { stage: 'recovered', decision, reason, ended } });
}

function cancelWasRequested(run: OpenRun): boolean {
  try {
    return (JSON.parse(run.options_json) as { cancelRequested?: unknown }).cancelRequested === true;
  } catch {
    return false;
  }
}

export async function recoverInterruptedRuns(engine: Engine): Promise<string[]> {
  // An undo of a review cut short between DuckDB's commit and SQLite's is finished first.
  await finishInterruptedUndos(engine);
  await pruneFinalImages(engine);
  // A failed run whose own process could not finish its undo (out of memory again) is undone now.
  const pending = engine.sqlite.prepare(`${UNDO_PENDING} GROUP BY r.run_id ORDER BY r.started_at`).all() as OpenRun[];
  for (const run of pending) {
    await closeRun(engine, run, `failed and undone: ${undoPendingOf(run)} (the undo its own process could not finish was finished later)`, 'RUN_FAILED', 'undone after an error', 'error');
  }
  const stale = engine.sqlite.prepare(`${OPEN_RUNS} GROUP BY r.run_id`).all() as OpenRun[];
  for (const run of stale) {
    // The analyst cancelled it, and its process was ended before it could stop by itself.
    if (cancelWasRequested(run)) await closeRun(engine, run, 'cancelled by the analyst; its writes were undone', 'RUN_CANCELLED', 'cancelled and undone', 'cancelled');
    else await closeRun(engine, run, 'interrupted; its writes were undone', 'RUN_INTERRUPTED', 'undone', 'interrupted');
  }
  return [...pending, ...stale].map((r) => r.run_id);
}

/**
 * Closes the run the analyst cancelled, in this process: undone like an interrupted run, but
 * recorded as cancelled (summary, alert and audit), because stopping a run on purpose is
 * neither a crash nor a failure.
 */
export async function cancelRunOnRequest(engine: Engine, runId: string): Promise<void> {
  // A run stopped while its remediation job runs ('remediating', its fast lane promoted) is
  // cancelled the same way: the analyst stopped the run, and nothing of it is kept. A job cut
  // short by a crash, not by the analyst, is resumed instead (remediationJob.ts).
  const run = engine.sqlite.prepare(`${runsIn("'running', 'remediating'")} AND r.run_id = ? GROUP BY r.run_id`).get(runId) as OpenRun | undefined;
  if (!run) return;
  await closeRun(engine, run, 'cancelled by the analyst; its writes were undone', 'RUN_CANCELLED', 'cancelled and undone', 'cancelled');
  await forgetStepMarkers(engine.duck.conn, runId);
  forgetJob(engine, runId);
}

/**
 * Closes a run whose own process failed with an error: its writes are undone and it is marked
 * failed with the error's first line, so that no run is left 'running' behind an error. When the
 * undo fails too (DuckDB out of its memory budget again, most often), the run is recorded failed
 * all the same, with its undo pending: the next run on the workspace finishes it first
 * (recoverInterruptedRuns), and runsLeftToUndo names it meanwhile. Answers whether it was undone.
 */
export async function failRunOnError(engine: Engine, runId: string, error: unknown): Promise<boolean> {
  const run = engine.sqlite.prepare(`${OPEN_RUNS} AND r.run_id = ? GROUP BY r.run_id`).get(runId) as OpenRun | undefined;
  if (!run) return true;
  const first = firstLine(error, 500);
  try {
    await closeRun(engine, run, `failed and undone: ${first}`, 'RUN_FAILED', 'undone after an error', 'error');
    return true;
  } catch (undo) {
    const reason = `failed: ${first}; undoing its writes failed too (${firstLine(undo, 300)}): the next run on this workspace undoes them first`;
    const failed = JSON.stringify({ runId, status: 'failed', reconciled: false, message: reason, ended: 'error', undoPending: true });
    engine.sqlite.transaction(() => {
      engine.sqlite.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, summary_json = ?,
          options_json = json_set(options_json, '$.undoPending', ?) WHERE run_id = ? AND status = 'running'`)
        .run(nowIso(), failed, first, runId);
      engine.sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(runId, 'warning', 'RUN_UNDO_PENDING', `run ${runId}: ${reason}`, nowIso());
      engine.audit.append({ runId, kind: 'stage', payload: { stage: 'recovered', decision: 'undo pending after an error', reason, ended: 'error' } });
    })();
    return false;
  }
}
