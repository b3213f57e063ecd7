// What the background-job tests share: the engine's events as a test records them, a wait for
// one of them, the handler table over a workspace with those events, and the runs and jobs the
// workspace's SQLite store holds, read apart from the engine.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, JobEvent, RunProgress } from '../../main/api/contract.js';

export type EngineEvent = { name: 'progress'; p: RunProgress } | { name: 'job'; p: JobEvent };

export function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The handler table over workspace `ws`, recording every event in `events` (and passing it to `on`). */
export function recordingHandlers(ws: string, modelsDir: string, events: EngineEvent[] = [], on?: (e: EngineEvent) => void): Handlers {
  return createHandlers({
    workspace: ws, modelsDir, analyst: 'job-analyst', version: 'test',
    emit: (name, p) => {
      const e = { name, p } as EngineEvent;
      events.push(e);
      on?.(e);
    },
  });
}

/** Resolves with the first event that `match` accepts, or fails after `ms`. */
export function waitForEvent(events: EngineEvent[], match: (e: EngineEvent) => boolean, what: string, ms = 240_000): Promise<EngineEvent> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const look = () => {
      const hit = events.find(match);
      if (hit) resolvePromise(hit);
      else if (Date.now() - started > ms) reject(new Error(`no ${what} event`));
      else setTimeout(look, 10);
    };
    look();
  });
}

/** Matches the job event of `runId` in `state`. */
export const jobIn = (runId: string, state: JobEvent['state']) => (e: EngineEvent) => e.name === 'job' && e.p.runId === runId && e.p.state === state;

/** Runs and jobs as the store holds them, oldest first. */
export function storeOf(ws: string): { runs: Array<{ run_id: string; status: string }>; jobs: Array<{ run_id: string; state: string }> } {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT run_id, status FROM runs ORDER BY started_at').all() as Array<{ run_id: string; status: string }>,
      jobs: db.prepare('SELECT run_id, state FROM remediation_jobs ORDER BY created_at').all() as Array<{ run_id: string; state: string }>,
    };
  } finally {
    db.close();
  }
}
