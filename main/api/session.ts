// The engine behind the handler table: opened once for the process (it holds the workspace lock
// and DuckDB's single writer), with calls that write or use the main connection taken one at a
// time, a second connection for the grid's read-only pages (so scrolling never waits behind a
// run), and the cancel switch of the run in progress.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEngine, type Engine } from '../pipeline/context.js';
import { contractOfRun } from '../export/exportRun.js';
import { UserError } from '../contract/errors.js';
import type { Contract } from '../contract/types.js';
import type { ApiEvents, CallInput, CallName, CallOutput, EventName } from './contract.js';
import { RunCancelledError } from './errors.js';
import { finishCancelledJobs, runRemediationJob } from '../pipeline/remediationJob.js';
import { cancelRunOnRequest, runsLeftToUndo } from '../pipeline/recover.js';
import { cancellingJobs, requestCancel, staleJobs } from '../remediate/job.js';
import type { RemediationOptions } from '../remediate/remediate.js';
import { progressTracker } from './progress.js';

/**
 * The remediation job this process runs in the background (or the jobs it resumes, one after the
 * other), on a DuckDB connection of its own: the run that made it has answered with its fast lane.
 */
interface BackgroundJob {
  /** the run whose job runs now */
  runId: string;
  /** the engine it runs on: its store records a cancel before the job is stopped */
  engine: Engine;
  conn: DuckDBConnection | null;
  /** the analyst asked to stop it: the run is then undone and recorded cancelled */
  cancel: boolean;
  /** the app is closing: the job stops and stays pending, resumed when the workspace opens again */
  closing: boolean;
  /** settles (never rejects) when the job has ended, however it ended */
  done: Promise<void>;
}

export interface HandlerContext {
  /** the workspace folder: vault, databases, keys, exports */
  workspace: string;
  /** where the GGUF model and the embedder folder are looked for */
  modelsDir: string;
  /** who approves, rejects and releases, as the audit log records it */
  analyst: string;
  version: string;
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
}

export class EngineSession {
  private opened: Promise<Engine> | null = null;
  private readers = new Map<string, Promise<DuckDBConnection>>();
  private tail: Promise<unknown> = Promise.resolve();
  private running = false;
  private cancelFlag = false;
  private contracts = new Map<string, Contract>();
  private job: BackgroundJob | null = null;
  /** the app is closing: a run waiting for the job stops waiting */
  private closing = false;

  constructor(readonly ctx: HandlerContext) {}

  engine(): Promise<Engine> {
    if (!this.opened) this.closing = false;
    this.opened ??= openEngine(this.ctx.workspace).then(async (engine) => {
      await this.resumeStaleJobs(engine);
      return engine;
    }, (e: unknown) => {
      this.opened = null;
      throw e;
    });
    return this.opened;
  }

  /**
   * On opening the workspace: remediation jobs a closed (or killed) app left unfinished go on in
   * the background, after the runs of jobs the analyst cancelled (an app killed before their undo
   * finished) are undone, never resumed. Not while a run is left 'running': the next run undoes it
   * first, and then finishes the jobs in arrival order (runBatch.ts).
   */
  private async resumeStaleJobs(engine: Engine): Promise<void> {
    const open = engine.sqlite.prepare(`SELECT 1 FROM runs WHERE status = 'running' LIMIT 1`).get();
    // A failed run whose undo is still pending has rows in production: the next run undoes it first.
    if (open || runsLeftToUndo(engine).length > 0) return;
    await finishCancelledJobs(engine, (runId, e) => {
      this.ctx.emit('job', e === undefined ? { runId, state: 'cancelled' }
        : { runId, state: 'failed', error: `the cancel could not undo the run: ${String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 400)}` });
    });
    // A cancelled run whose undo failed again is still in production: no job writes on top of it.
    if (cancellingJobs(engine.sqlite).length > 0) return;
    const ids = staleJobs(engine.sqlite);
    if (ids.length > 0) this.startJobs(engine, ids);
  }

  /** whether close() has begun: no new run starts */
  get isClosing(): boolean {
    return this.closing;
  }

  /** the run whose remediation job runs in the background now, if any */
  get jobRunId(): string | null {
    return this.job?.runId ?? null;
  }

  /**
   * Runs remediation jobs in the background, one after the other, on a connection of their own:
   * the caller's answer (the fast lane) is not held up, a new file can be read in meanwhile, and
   * calls that write wait for the job (exclusive). Each job reports 'job' events: its progress,
   * then how it ended. `options`: this process's remediation options (the models chosen), else
   * each job's stored ones.
   */
  startJobs(engine: Engine, runIds: string[], options?: RemediationOptions): void {
    const slot: BackgroundJob = { runId: runIds[0], engine, conn: null, cancel: false, closing: false, done: Promise.resolve() };
    const previous = this.job?.done ?? Promise.resolve();
    this.job = slot;
    slot.done = (async () => {
      await previous;
      let conn: DuckDBConnection | null = null;
      try {
        conn = await engine.duck.instance.connect();
        slot.conn = conn;
        // The same engine with the job's own connection: its transactions never mix with the main one's.
        const view: Engine = { ...engine, duck: { ...engine.duck, conn } };
        for (const runId of runIds) {
          // A cancel that came before this run's job started undoes it all the same.
          if (slot.cancel && runId === slot.runId) await this.undoCancelled(view, runId);
          if (slot.cancel || slot.closing) break;
          slot.runId = runId;
          await this.runOneJob(view, slot, runId, options);
        }
      } catch (e) {
        // Only the connection can fail here (runOneJob reports its own ends): the jobs stay pending.
        this.ctx.emit('job', { runId: slot.runId, state: 'pending', error: String(e instanceof Error ? e.message : e).split('\n')[0] });
      } finally {
        conn?.closeSync();
        if (this.job === slot) this.job = null;
      }
    })();
  }

  private async runOneJob(view: Engine, slot: BackgroundJob, runId: string, options?: RemediationOptions): Promise<void> {
    const track = progressTracker();
    const stopped = () => slot.cancel || slot.closing;
    try {
      await runRemediationJob(view, runId, {
        options, cancelRequested: () => slot.cancel, pauseRequested: () => slot.closing,
        onProgress: (p) => {
          if (stopped()) throw new RunCancelledError();
          this.ctx.emit('job', { runId, state: 'running', progress: track(p) });
        },
      });
      this.ctx.emit('job', { runId, state: 'done' });
    } catch (e) {
      if (slot.cancel) {
        await this.undoCancelled(view, runId);
      } else if (slot.closing) {
        this.ctx.emit('job', { runId, state: 'pending' });
      } else {
        // The job is recorded failed with an alert (remediationJob.ts); the run's fast lane stays.
        this.ctx.emit('job', { runId, state: 'failed', error: String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 500) });
      }
    }
  }

  /**
   * As a run stopped in the foreground: undone, recorded cancelled (recover.ts). An undo that fails
   * is said so: the run is then left 'remediating' with its job recorded cancelling (never called
   * cancelled), and the next opening of the workspace (or run, or `airlock remediate`) undoes it.
   */
  private async undoCancelled(view: Engine, runId: string): Promise<void> {
    try {
      await cancelRunOnRequest(view, runId);
      this.ctx.emit('job', { runId, state: 'cancelled' });
    } catch (undo) {
      this.ctx.emit('job', { runId, state: 'failed', error: `the cancel could not undo the run: ${String(undo instanceof Error ? undo.message : undo).split('\n')[0].slice(0, 400)}` });
    }
  }

  /**
   * Waits for the background job to end, or for the analyst to cancel the run that waits: a new
   * run reads its file alongside the job, then waits here before it writes the stream's tables.
   */
  async waitForJob(): Promise<void> {
    while (this.job) {
      if (this.cancelFlag) throw new RunCancelledError();
      if (this.closing) throw new Error('the app closed while this run waited for the remediation of another run; run the file again');
      await Promise.race([this.job.done, new Promise((r) => setTimeout(r, 200))]);
    }
    if (this.cancelFlag) throw new RunCancelledError();
  }

  get exportsDir(): string {
    return join(this.ctx.workspace, 'exports');
  }

  get contractsDir(): string {
    const dir = join(this.ctx.workspace, 'contracts');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The contract a run was checked by (a run's contract never changes, so it is kept). */
  contractOf(engine: Engine, runId: string): Contract {
    let c = this.contracts.get(runId);
    if (!c) {
      if (!engine.sqlite.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(runId)) throw new UserError(`run ${runId} is not in this workspace. Pick a run from the Start screen.`);
      c = contractOfRun(engine, runId).contract;
      this.contracts.set(runId, c);
    }
    return c;
  }

  /**
   * Runs fn when every earlier exclusive call has finished: one user of the main connection at a
   * time, and (unless alongsideJob) after the background remediation job.
   */
  exclusive<T>(fn: (engine: Engine) => Promise<T>, opts: { alongsideJob?: boolean } = {}): Promise<T> {
    // A call that writes waits for the background job too (its writes would conflict with the
    // job's), except a run, which reads its file meanwhile and waits itself (waitForJob).
    const next = this.tail.then(async () => {
      const engine = await this.engine();
      if (!opts.alongsideJob) while (this.job) await this.job.done;
      return fn(engine);
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * A connection of its own for reading (pages, or facets): reads see committed data, never queue
   * behind a run, and the grid's pages never wait behind a facet count over a million rows.
   */
  readConnection(purpose: 'pages' | 'facets' | 'fields' | 'rows'): Promise<DuckDBConnection> {
    let conn = this.readers.get(purpose);
    if (!conn) {
      conn = this.engine().then((e) => e.duck.instance.connect());
      this.readers.set(purpose, conn);
    }
    return conn;
  }

  /** Marks a run as in progress; the returned check throws once the analyst has cancelled. */
  beginRun(): () => void {
    this.running = true;
    this.cancelFlag = false;
    return () => {
      if (this.cancelFlag) throw new RunCancelledError();
    };
  }

  /** whether the analyst has asked the run in progress to stop */
  get cancelRequested(): boolean {
    return this.cancelFlag;
  }

  endRun(): boolean {
    const cancelled = this.cancelFlag;
    this.running = false;
    this.cancelFlag = false;
    return cancelled;
  }

  /**
   * Asks the run in progress to stop: it stops at its next progress report, and the query running
   * now is interrupted. With no run in progress, the background remediation job is stopped and
   * its run undone. Returns false when nothing is running.
   */
  async cancel(runId?: string): Promise<boolean> {
    // A run named is the background job's when it is that run's (the job card's own button).
    const job = this.job;
    // A cancel naming a run that is not the job's now (a card left from a job that ended) stops
    // nothing: never the run in the foreground, which it did not name.
    if (runId !== undefined && job?.runId !== runId) return false;
    if (!this.running || runId !== undefined) {
      if (!job) return false;
      // Once only: a second interrupt could land in the undo that the cancel starts.
      if (!job.cancel && !job.closing) {
        // Recorded in the store first: a process killed before the undo finished leaves the job
        // to be undone when the workspace opens again, never resumed (remediationJob.ts).
        requestCancel(job.engine, job.runId);
        job.cancel = true;
        job.conn?.interrupt();
      }
      return true;
    }
    this.cancelFlag = true;
    if (this.opened) {
      const engine = await this.opened;
      // Written down, so that a run the app has to end by restarting the engine is still
      // recorded as cancelled when the next engine undoes it.
      engine.sqlite.prepare(`UPDATE runs SET options_json = json_set(options_json, '$.cancelRequested', json('true')) WHERE status = 'running'`).run();
      engine.duck.conn.interrupt();
    }
    return true;
  }

  async close(): Promise<void> {
    // The job stops where it is and stays pending (the next opening of the workspace resumes it),
    // before the calls queued behind it: a run waiting for it stops waiting.
    this.closing = true;
    if (this.job && !this.job.cancel && !this.job.closing) {
      this.job.closing = true;
      this.job.conn?.interrupt();
    }
    await this.tail;
    while (this.job) {
      const job = this.job;
      if (!job.cancel && !job.closing) {
        job.closing = true;
        job.conn?.interrupt();
      }
      await job.done;
    }
    for (const r of this.readers.values()) (await r).closeSync();
    this.readers.clear();
    if (this.opened) (await this.opened).close();
    this.opened = null;
  }
}

/** The engine's side of a call: the input already checked, the output plain data, errors thrown. */
export type CallImpl = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };
