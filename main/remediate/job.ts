// A run's remediation as a durable job in the SQLite store. The fast lane is promoted and
// reported first; then the job runs its steps (the recipe, then each round), each committed in one
// DuckDB transaction with a marker row (jobSteps.ts) and recorded here right after. A job cut short
// (the process killed, or `run --no-wait`) is resumed at its first unfinished step by
// `airlock remediate RUN` or by the next run on the workspace; a job that stops on an error is
// marked failed, never left 'running'. A job the analyst cancelled is marked 'cancelling' as the
// cancel is accepted, before anything else: whoever finds it so finishes the undo of its run
// (finishCancelledJobs), never its remediation, even after the process was killed.
import type { Engine } from '../pipeline/context.js';
import type { ApprovalMode } from '../pipeline/types.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';
import type { DurableJob, JobProgress, RemediationOptions } from './remediate.js';

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelling';

/** What the job needs to run in another process: the run's approval mode and model choice. */
export interface JobInput {
  approval: ApprovalMode;
  options: Pick<RemediationOptions, 'modelPath' | 'embedderDir' | 'mergeThreshold' | 'maxModelCalls' | 'maxRounds'>;
}

export interface JobRow {
  runId: string;
  state: JobState;
  ownerPid: number | null;
  stepsDone: number;
  step: string | null;
  input: JobInput;
  progress: JobProgress | null;
  error: string | null;
}

/** The job's input as stored: only what survives JSON (a model loaded in memory does not). */
export function jobInputOf(approval: ApprovalMode, o: RemediationOptions): JobInput {
  const options: JobInput['options'] = {};
  if (o.modelPath !== undefined) options.modelPath = o.modelPath;
  if (o.embedderDir !== undefined) options.embedderDir = o.embedderDir;
  if (o.mergeThreshold !== undefined) options.mergeThreshold = o.mergeThreshold;
  if (o.maxModelCalls !== undefined) options.maxModelCalls = o.maxModelCalls;
  if (o.maxRounds !== undefined) options.maxRounds = o.maxRounds;
  return { approval, options };
}

export function createJob(db: Sqlite, runId: string, input: JobInput, state: 'pending' | 'running'): void {
  const now = nowIso();
  db.prepare(`INSERT INTO remediation_jobs (run_id, state, owner_pid, steps_done, step, input_json, progress_json, created_at, updated_at)
    VALUES (?, ?, ?, 0, NULL, ?, 'null', ?, ?)`).run(runId, state, state === 'running' ? process.pid : null, JSON.stringify(input), now, now);
}

export function getJob(db: Sqlite, runId: string): JobRow | null {
  const r = db.prepare('SELECT * FROM remediation_jobs WHERE run_id = ?').get(runId) as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    runId: String(r.run_id), state: r.state as JobState, ownerPid: r.owner_pid === null ? null : Number(r.owner_pid), stepsDone: Number(r.steps_done),
    step: r.step === null ? null : String(r.step), input: JSON.parse(String(r.input_json)) as JobInput,
    progress: JSON.parse(String(r.progress_json)) as JobProgress | null, error: r.error === null ? null : String(r.error),
  };
}

/**
 * Whether a job is waiting for a process: pending, failed, or 'running' (its owner, when another
 * process, is gone: the reader holds the workspace lock, pipeline/runOwner.ts; this process
 * resumes its own).
 */
export function resumable(job: JobRow): boolean {
  return job.state === 'pending' || job.state === 'failed' || job.state === 'running';
}

/** Jobs the next run on the workspace finishes first: pending, or left 'running' by a killed process. */
export function staleJobs(db: Sqlite): string[] {
  // Only a run still 'remediating' has a job to finish: one undone or failed since (a cancel cut
  // short before it forgot its job) is not tried again on every opening and every run.
  const rows = db.prepare(`SELECT j.run_id FROM remediation_jobs j JOIN runs r ON r.run_id = j.run_id AND r.status = 'remediating'
    WHERE j.state IN ('pending', 'running') ORDER BY j.created_at`).all() as Array<{ run_id: string }>;
  return rows.map((r) => getJob(db, r.run_id)!).filter((j) => j.state === 'pending' || resumable(j)).map((j) => j.runId);
}

/** This process takes the job over. */
export function claimJob(db: Sqlite, runId: string): void {
  db.prepare(`UPDATE remediation_jobs SET state = 'running', owner_pid = ?, error = NULL, updated_at = ? WHERE run_id = ?`).run(process.pid, nowIso(), runId);
}

export function endJob(db: Sqlite, runId: string, state: 'done' | 'failed' | 'pending' | 'cancelling', error?: string): void {
  db.prepare(`UPDATE remediation_jobs SET state = ?, owner_pid = NULL, error = ?, updated_at = ?, finished_at = CASE WHEN ? = 'done' THEN ? ELSE finished_at END WHERE run_id = ?`)
    .run(state, error ?? null, nowIso(), state, nowIso(), runId);
}

/**
 * The analyst cancelled the job: recorded (and audited) in the store before the job is stopped,
 * so that a process killed before the undo of the run finished leaves a job to undo, not to resume.
 */
export function requestCancel(engine: Engine, runId: string): void {
  engine.sqlite.transaction(() => {
    const marked = engine.sqlite.prepare(`UPDATE remediation_jobs SET state = 'cancelling', error = 'cancelled by the analyst', updated_at = ? WHERE run_id = ? AND state IN ('pending', 'running', 'failed')`)
      .run(nowIso(), runId).changes;
    if (marked > 0) engine.audit.append({ runId, kind: 'stage', payload: { stage: 'remediation-job', event: 'cancel requested', pid: process.pid } });
  })();
}

/** Jobs the analyst cancelled whose run is not undone yet (the process stopped before the undo finished). */
export function cancellingJobs(db: Sqlite): string[] {
  const rows = db.prepare(`SELECT j.run_id FROM remediation_jobs j JOIN runs r ON r.run_id = j.run_id AND r.status = 'remediating'
    WHERE j.state = 'cancelling' ORDER BY j.created_at`).all() as Array<{ run_id: string }>;
  return rows.map((r) => r.run_id);
}

/** The store's side of remediateRun's durable job. */
export function durableJob(db: Sqlite, job: JobRow): DurableJob {
  return {
    progress: job.progress,
    reached: (step) => { db.prepare('UPDATE remediation_jobs SET step = ?, updated_at = ? WHERE run_id = ?').run(step, nowIso(), job.runId); },
    record: (p) => {
      db.prepare('UPDATE remediation_jobs SET steps_done = ?, progress_json = ?, updated_at = ? WHERE run_id = ?').run(p.stepsDone, JSON.stringify(p), nowIso(), job.runId);
    },
  };
}

/** A job that ran is no longer the run's to finish when the run is undone. */
export function forgetJob(engine: Engine, runId: string): void {
  engine.sqlite.prepare('DELETE FROM remediation_jobs WHERE run_id = ?').run(runId);
}
