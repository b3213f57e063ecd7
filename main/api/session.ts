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

  constructor(readonly ctx: HandlerContext) {}

  engine(): Promise<Engine> {
    this.opened ??= openEngine(this.ctx.workspace).catch((e: unknown) => {
      this.opened = null;
      throw e;
    });
    return this.opened;
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

  /** Runs fn when every earlier exclusive call has finished: one user of the main connection at a time. */
  exclusive<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => fn(await this.engine()));
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
   * now is interrupted. Returns false when nothing is running.
   */
  async cancel(): Promise<boolean> {
    if (!this.running) return false;
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
    await this.tail;
    for (const r of this.readers.values()) (await r).closeSync();
    this.readers.clear();
    if (this.opened) (await this.opened).close();
    this.opened = null;
  }
}

/** The engine's side of a call: the input already checked, the output plain data, errors thrown. */
export type CallImpl = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };
