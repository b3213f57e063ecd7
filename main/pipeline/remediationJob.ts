// Runs (or resumes) a run's remediation job to its end and closes the run: the run was recorded
// 'remediating' with its fast lane promoted and reported; this finishes its quarantine's
// remediation from the job's first unfinished step, reconciles, and records the run completed.
// An error marks the job failed (never left 'running'); the fast lane stays promoted and
// `airlock remediate RUN` tries the job again from where it stopped. A job the analyst cancelled
// ('cancelling' in the store) is never resumed: its run is undone instead, as the cancel meant.
import { UserError } from '../contract/errors.js';
import { contractOfRun } from '../export/exportRun.js';
import { remediateRun, type RemediationOptions } from '../remediate/remediate.js';
import { cancellingJobs, claimJob, durableJob, endJob, getJob, staleJobs } from '../remediate/job.js';
import { cancelRunOnRequest } from './recover.js';
import { runTables, streamTables } from '../store/tables.js';
import { nowIso } from '../store/sqlite.js';
import { reconcile } from './reconcile.js';
import { fillCounts, finishRun } from './runBatch.js';
import { waitingForReview, waitingMessage } from './waitingReview.js';
import type { Engine } from './context.js';
import type { Progress, RunSummary } from './types.js';

export interface JobRunOptions {
  onProgress?: (p: Progress) => void;
  /** the remediation options of this process (a model loaded in memory); default: the job's stored ones */
  options?: RemediationOptions;
  /** whether the analyst asked to stop: the job is then left pending, not failed */
  cancelRequested?: () => boolean;
  /** whether the app is closing: the job is then left pending, to resume when the workspace opens again */
  pauseRequested?: () => boolean;
  /** test hook: called with 'remediate' as the job starts its work */
  onStage?: (stage: string) => void;
}

/** `airlock remediate RUN`: a clear error for a run that has no remediation left to do. */
export function assertRemediable(engine: Engine, runId: string): void {
  const run = engine.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined;
  if (!run) throw new UserError(`run ${runId} is not in this workspace. List runs with: airlock runs`);
  const job = getJob(engine.sqlite, runId);
  if (run.status !== 'remediating' || !job || job.state === 'done') {
    throw new UserError(`run ${runId} is ${run.status}${job?.state === 'done' ? ' and its remediation is done' : ''}: it has no remediation left to finish.`);
  }
}

/**
 * Undoes the runs whose job the analyst cancelled when the process stopped before their undo
 * finished (as a cancel in the app undoes them: recorded cancelled). `onEach` hears each one's end;
 * an undo that fails again leaves its job 'cancelling', to be tried again, never resumed.
 */
export async function finishCancelledJobs(engine: Engine, onEach?: (runId: string, error?: unknown) => void): Promise<string[]> {
  const undone: string[] = [];
  for (const runId of cancellingJobs(engine.sqlite)) {
    try {
      await cancelRunOnRequest(engine, runId);
      undone.push(runId);
      onEach?.(runId);
    } catch (e) {
      onEach?.(runId, e);
    }
  }
  return undone;
}

/**
 * The cancelled runs whose undo is unfinished are undone now; one whose undo fails again refuses
 * whatever was about to write (a new run, a resumed job): that run is still in production and is
 * undone later all the same, when its undo would put back the rows it superseded beside the newer
 * ones (keys twice in production).
 */
async function finishCancelsOrRefuse(engine: Engine, onProgress?: (p: Progress) => void): Promise<void> {
  const failed: string[] = [];
  await finishCancelledJobs(engine, (runId, e) => {
    if (e === undefined) return;
    const first = String(e instanceof Error ? e.message : e).split('\n')[0];
    failed.push(`${runId} (${first.slice(0, 300)})`);
    onProgress?.({ runId, stage: 'apply', done: 0, total: 1, message: `the undo of the cancelled run ${runId} failed again: ${first}` });
  });
  if (failed.length > 0) {
    throw new UserError(`the undo of the cancelled run${failed.length > 1 ? 's' : ''} ${failed.join(', ')} failed again; nothing was run. `
      + 'Its writes are still in production: run again (with more memory, --memory-limit, if it ran out) to finish the undo first.');
  }
}

export async function runRemediationJob(engine: Engine, runId: string, opts: JobRunOptions = {}): Promise<RunSummary> {
  const db = engine.sqlite;
  if (cancellingJobs(db).includes(runId)) {
    // The analyst cancelled it and its process stopped before the undo finished: finished now.
    await cancelRunOnRequest(engine, runId);
    throw new UserError(`run ${runId} was cancelled by the analyst: its undo is finished now, and nothing of it is kept.`);
  }
  assertRemediable(engine, runId);
  // Another run's cancel left unfinished is finished before this job writes (`airlock remediate`
  // resuming a run while an older cancelled one is still in production).
  if (cancellingJobs(db).length > 0) await finishCancelsOrRefuse(engine, opts.onProgress);
  const job = getJob(db, runId)!;
  const { contract, summary: stored } = contractOfRun(engine, runId);
  const st = streamTables(contract);
  const rt = runTables(runId);
  const conn = engine.duck.conn;
  claimJob(db, runId);
  engine.audit.append({ runId, kind: 'stage', payload: { stage: 'remediation-job', event: job.stepsDone > 0 || (job.state === 'running' && job.ownerPid !== process.pid) ? 'resumed' : 'started', stepsDone: job.stepsDone, pid: process.pid } });
  const t0 = Date.now();
  try {
    opts.onStage?.('remediate');
    db.prepare('INSERT OR IGNORE INTO stages (run_id, stage, started_at) VALUES (?, ?, ?)').run(runId, 'remediate', nowIso());
    const rem = await remediateRun(engine, {
      contract, runId, st, rt, approval: job.input.approval, options: opts.options ?? job.input.options,
      emit: (p) => opts.onProgress?.({ ...p, runId }), durable: durableJob(db, job),
    });
    const recs = (stored.reconciliation ?? []).filter((r) => r.stage !== 'final');
    const recRem = await reconcile(conn, runId, 'remediate', st, rt);
    recs.push(recRem);
    const ms = Date.now() - t0;
    db.prepare('UPDATE stages SET finished_at = ?, ms = ?, rows = ?, reconciliation_json = ? WHERE run_id = ? AND stage = ?').run(nowIso(), ms, rem.remediatedRows, JSON.stringify(recRem), runId, 'remediate');
    engine.audit.append({ runId, kind: 'stage', payload: { stage: 'remediate', ms, rows: rem.remediatedRows, reconciliation: recRem } });
    const timingsMs = { ...stored.timingsMs, remediate: ms };
    let summary: RunSummary = { ...stored, status: 'completed', message: undefined, clusters: rem.clusters, proposals: rem.proposals, modelCalls: rem.modelCalls, models: rem.models, recipe: rem.recipe, timingsMs };
    if (!recRem.ok) {
      const message = `Sev-1: reconciliation failed after remediate: source ${recRem.sourceRows} != success ${recRem.successRows} + quarantine ${recRem.quarantineRows} + duplicates ${recRem.duplicateRows} + pending ${recRem.pendingRows}. Nothing more is promoted.`;
      db.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, 'sev1', 'RECONCILIATION_FAILED', message, nowIso());
      engine.audit.append({ runId, kind: 'alert', payload: { severity: 'sev1', code: 'RECONCILIATION_FAILED', reconciliation: recRem } });
      summary = { ...summary, status: 'failed', reconciled: false, message, reconciliation: recs };
    } else {
      summary.waitingForReview = waitingForReview(engine, runId);
      if (summary.waitingForReview > 0) summary.message = waitingMessage(runId, summary.waitingForReview, rem.recipe.waiting);
      opts.onProgress?.({ runId, stage: 'done', done: 1, total: 1, message: 'done' });
      summary = await fillCounts(engine, summary, st, rt, recs);
    }
    db.transaction(() => {
      // A cancel accepted while the last step ran is not overridden: the run is undone instead.
      if (getJob(db, runId)?.state === 'cancelling') throw new Error('cancelled by the analyst');
      finishRun(engine, summary);
      endJob(db, runId, 'done');
    })();
    return summary;
  } catch (e) {
    const first = String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 500);
    // A cancel the store holds stands, whatever else stopped the job.
    const cancelRecorded = getJob(db, runId)?.state === 'cancelling';
    const paused = !cancelRecorded && opts.pauseRequested?.() === true;
    const cancelled = !paused && (cancelRecorded || opts.cancelRequested?.() === true);
    const stopped = paused || cancelled;
    // A cancelled job stays recorded as cancelled until its run is undone (recover.ts forgets it then).
    endJob(db, runId, paused ? 'pending' : cancelled ? 'cancelling' : 'failed', paused ? 'paused: the app closed' : cancelled ? 'cancelled by the analyst' : first);
    engine.audit.append({ runId, kind: 'stage', payload: { stage: 'remediation-job', event: paused ? 'paused' : cancelled ? 'cancelled' : 'failed', error: stopped ? null : first } });
    if (!stopped) {
      db.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(runId, 'warning', 'REMEDIATION_FAILED', `run ${runId}: remediation stopped on an error (${first}); its fast lane stays promoted. Finish it with: airlock remediate ${runId}`, nowIso());
    }
    throw e;
  }
}

/**
 * Before a new run: jobs a killed process left 'running', or that `run --no-wait` left pending,
 * are finished first, so the stream's runs apply in the order they arrived. A job that fails
 * again is left failed (for `airlock remediate`) and does not stop the new run.
 */
export async function finishStaleJobs(engine: Engine, onProgress?: (p: Progress) => void): Promise<string[]> {
  const done: string[] = [];
  // Jobs the analyst cancelled are undone first, never resumed.
  await finishCancelsOrRefuse(engine, onProgress);
  for (const runId of staleJobs(engine.sqlite)) {
    try {
      await runRemediationJob(engine, runId, { onProgress });
      done.push(runId);
    } catch (e) {
      if (!(e instanceof UserError)) onProgress?.({ runId, stage: 'apply', done: 0, total: 1, message: `the remediation of ${runId} failed again: ${String((e as Error).message).split('\n')[0]}` });
    }
  }
  return done;
}
