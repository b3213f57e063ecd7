// The background remediation job against what an adversarial review of it found (each case
// failed before its fix): the same file dropped again while its job runs, Cancel pressed while a
// second run waits (the run's card and the job's card each stop their own), a job whose run is no
// longer remediating, and a run that must not write the store while the job's transaction is open.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../main/api/handlers.js';
import type { ApiResult, RunView } from '../../main/api/contract.js';
import { EngineSession } from '../../main/api/session.js';
import { runCalls } from '../../main/api/calls/runs.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { jobIn, recordingHandlers, storeOf, value, waitForEvent, type EngineEvent } from '../helpers/jobEvents.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');

let dir: string;
let first: string;
let second: string;



const runOf = (h: Handlers, file: string) =>
  h.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false, background: true });


beforeAll(() => {
  dir = tempDir('bg-review');
  first = join(dir, 'first.csv');
  second = join(dir, 'second.csv');
  writeFileSync(first, [LINES[0], ...LINES.slice(1, 401)].join('\n'));
  writeFileSync(second, [LINES[0], ...LINES.slice(401, 801)].join('\n'));
});


describe('background job: what the adversarial review found', () => {
  it('the same file again while its job runs waits for the job, answers with the finished run, and starts no second job', async () => {
    const ws = join(dir, 'ws-idem');
    const events: EngineEvent[] = [];
    let again: Promise<ApiResult<RunView>> | null = null;
    let cancel: Promise<ApiResult<{ cancelling: boolean }>> | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !again) {
        again = runOf(h, first).then((r) => {
          // ... and the analyst presses Cancel right after that answer: nothing is running.
          cancel = h.table.cancelRun({});
          return r;
        });
      }
    });
    try {
      const a = value(await runOf(h, first));
      expect(a.status).toBe('remediating');
      await waitForEvent(events, () => again !== null, 'second call');
      const b = value(await again!);
      expect(b.runId).toBe(a.runId);
      expect(b.idempotent).toBe(true);
      expect(b.status).toBe('completed');
      await waitForEvent(events, () => cancel !== null, 'cancel');
      expect(value(await cancel!).cancelling).toBe(false);
    } finally {
      await h.close();
    }
    // One job, one end: no second slot ran for the same run.
    const ends = events.flatMap((e) => (e.name === 'job' && e.p.state !== 'running' ? [`${e.p.runId}:${e.p.state}`] : []));
    expect(ends).toEqual([`${storeOf(ws).runs[0].run_id}:done`]);
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['completed']);
  }, 300_000);

  it('the run card\'s Cancel, while that run waits for the first job, stops that run (never recorded) and the job goes on', async () => {
    const ws = join(dir, 'ws-wait-cancel');
    const events: EngineEvent[] = [];
    let b: Promise<ApiResult<RunView>> | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !b) b = runOf(h, second);
      if (e.name === 'progress' && /waiting for the remediation/.test(e.p.message)) void h.table.cancelRun({});
    });
    try {
      const a = value(await runOf(h, first));
      await waitForEvent(events, () => b !== null, 'second run');
      const rb = await b!;
      expect(rb.ok ? rb.value.status : rb.error.code).toBe('CANCELLED');
      await waitForEvent(events, jobIn(a.runId, 'done'), 'first job done');
    } finally {
      await h.close();
    }
    // The second run waited before its first write: cancelled there, it left nothing behind.
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['completed']);
  }, 300_000);

  it('the job card\'s Cancel names its run: it stops the job (its run undone), and the run waiting goes on', async () => {
    const ws = join(dir, 'ws-job-cancel');
    const events: EngineEvent[] = [];
    let b: Promise<ApiResult<RunView>> | null = null;
    let jobRun = '';
    let answer: Promise<ApiResult<{ cancelling: boolean }>> | null = null;
    let stray: Promise<ApiResult<{ cancelling: boolean }>> | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !b) {
        jobRun = e.p.runId;
        b = runOf(h, second);
      }
      if (e.name === 'progress' && /waiting for the remediation/.test(e.p.message) && !answer) {
        // A card left from another run names a run that is not the job's: it stops nothing, and
        // never the run waiting in the foreground.
        stray = h.table.cancelRun({ runId: 'run_20000101T000000_000000' });
        answer = h.table.cancelRun({ runId: jobRun });
      }
    });
    try {
      const a = value(await runOf(h, first));
      await waitForEvent(events, () => answer !== null, 'cancel of the job');
      expect(value(await stray!).cancelling).toBe(false);
      expect(value(await answer!).cancelling).toBe(true);
      await waitForEvent(events, jobIn(a.runId, 'cancelled'), 'first job cancelled');
      const rb = value(await b!);
      expect(rb.status).toBe('remediating');
      await waitForEvent(events, jobIn(rb.runId, 'done'), 'second job done');
      expect(value(await h.table.getRun({ runId: a.runId })).summary.ended).toBe('cancelled');
    } finally {
      await h.close();
    }
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['failed', 'completed']);
  }, 300_000);

  it('a job left pending whose run is no longer remediating is not resumed at opening', async () => {
    const ws = join(dir, 'ws-orphan-job');
    const events: EngineEvent[] = [];
    let closing: Promise<void> | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !closing) closing = h.close();
    });
    const a = value(await runOf(h, first));
    await waitForEvent(events, jobIn(a.runId, 'pending'), 'pending');
    await closing;
    // As a cancel cut short after it recorded the run failed, before it forgot the job, leaves it.
    const db = new Database(join(ws, 'airlock.sqlite'));
    db.prepare(`UPDATE runs SET status = 'failed' WHERE run_id = ?`).run(a.runId);
    db.close();
    const session = new EngineSession({ workspace: ws, modelsDir: join(dir, 'no-models'), analyst: 'review', version: 'test', emit: () => undefined });
    try {
      await session.engine();
      expect(session.jobRunId).toBeNull();
      // and a new run does not try it either
      const later = await runCalls(session).runFile({ file: second, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false });
      expect(later.status).toBe('completed');
    } finally {
      await session.close();
    }
    expect(storeOf(ws).jobs.find((j) => j.run_id === a.runId)?.state).toBe('pending');
  }, 300_000);

  it('a run started while the job runs writes nothing to the store until the job has ended (its SQLite transaction spans DuckDB work)', async () => {
    const ws = join(dir, 'ws-order');
    const events: EngineEvent[] = [];
    let b: Promise<ApiResult<RunView>> | null = null;
    let runsWhileWaiting: number | null = null;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !b) b = runOf(h, second);
      if (e.name === 'progress' && /waiting for the remediation/.test(e.p.message)) runsWhileWaiting = storeOf(ws).runs.length;
    });
    try {
      const a = value(await runOf(h, first));
      await waitForEvent(events, () => b !== null, 'second run');
      const rb = value(await b!);
      await waitForEvent(events, jobIn(rb.runId, 'done'), 'second job done');
      // The second run's first report with its own id comes after the first job's end.
      const firstEnd = events.findIndex(jobIn(a.runId, 'done'));
      const secondOpened = events.findIndex((e) => e.name === 'progress' && e.p.runId === rb.runId);
      expect(firstEnd).toBeGreaterThan(-1);
      expect(secondOpened).toBeGreaterThan(firstEnd);
    } finally {
      await h.close();
    }
    expect(runsWhileWaiting).toBe(1);
  }, 300_000);
});
