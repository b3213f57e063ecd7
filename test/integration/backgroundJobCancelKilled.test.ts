// A cancel of the background remediation job is durable: once the app has accepted it, a process
// killed before the run's undo finished leaves the job recorded as cancelled in the store, and
// the next opening of the workspace, or `airlock remediate RUN`, finishes the undo instead of
// resuming the remediation (which would promote remediated rows of a run the analyst cancelled).
// Two kills: the app's process SIGKILLed right after its cancel answered (a real child process,
// before the job even stopped), and the undo cut short after the job stopped. Each case ends with
// the run recorded cancelled, production's content equal to a workspace where the cancelled file
// was never run, no job left to resume, and the audit chain verifying.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../main/api/handlers.js';
import { openEngine } from '../../main/pipeline/context.js';
import { cancelRunOnRequest } from '../../main/pipeline/recover.js';
import { queryValue } from '../../main/store/duckdb.js';
import { REPO_ROOT, describeResult, runCli } from '../helpers/cli.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { jobIn, recordingHandlers, storeOf, value, waitForEvent, type EngineEvent } from '../helpers/jobEvents.js';

// The test seam of the second case: the undo that a cancel starts can be made to stop at its start.
vi.mock('../../main/pipeline/recover.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/pipeline/recover.js')>();
  return { ...real, cancelRunOnRequest: vi.fn(real.cancelRunOnRequest) };
});

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');

let dir: string;
let first: string;
let second: string;
/** production's content after the first file alone: the second (cancelled) one never run */
let reference: string;

const runOf = (h: Handlers, file: string, background: boolean) =>
  h.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false, background }).then(value);

/** Production's content (every column but the run id), and whether the audit chain verifies. */
async function productionOf(ws: string): Promise<{ prod: string; chainOk: boolean }> {
  const engine = await openEngine(ws, [], { create: false });
  try {
    const prod = String(await queryValue(engine.duck.conn, `SELECT count(*) || ':' || md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)))
      FROM (SELECT * EXCLUDE (_airlock_run_id) FROM prod."hospital") t`));
    return { prod, chainOk: engine.audit.verify().ok };
  } finally {
    engine.close();
  }
}

/** A workspace where the first file ran to its end in the foreground. */
async function workspaceWithFirst(name: string): Promise<string> {
  const ws = join(dir, name);
  const h = recordingHandlers(ws, join(dir, 'no-models'));
  try {
    expect((await runOf(h, first, false)).status).toBe('completed');
  } finally {
    await h.close();
  }
  return ws;
}

/**
 * The app in a process of its own: it runs `second` in the background, cancels its job at the
 * job's first progress report, and is SIGKILLed as soon as the cancel has answered (accepted).
 */
const APP = (handlers: string) => `
import { writeFileSync } from 'node:fs';
const { createHandlers } = await import(${JSON.stringify(handlers)});
const [ws, models, file, contract, out] = process.argv.slice(2);
let asked = false;
const h = createHandlers({ workspace: ws, modelsDir: models, analyst: 'job-analyst', version: 'test', emit: (name, p) => {
  if (name === 'job' && p.progress?.stage === 'cluster' && !asked) {
    asked = true;
    void h.table.cancelRun({}).then((r) => {
      writeFileSync(out, JSON.stringify({ runId: p.runId, cancelling: r.ok && r.value.cancelling }));
      process.kill(process.pid, 'SIGKILL');
    });
  }
} });
await h.table.runFile({ file, contractPath: contract, approval: { kind: 'all' }, useModels: false, background: true });
setTimeout(() => process.exit(3), 240_000);
`;

function appCancelledThenKilled(ws: string, out: string): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const script = join(dir, 'app.mts');
  writeFileSync(script, APP(pathToFileURL(join(REPO_ROOT, 'main', 'api', 'handlers.ts')).href));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ws, join(dir, 'no-models'), second, CONTRACT, out], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolvePromise({ signal, stderr });
    });
  });
}

beforeAll(async () => {
  dir = tempDir('bg-cancel-killed');
  first = join(dir, 'first.csv');
  second = join(dir, 'second.csv');
  writeFileSync(first, [LINES[0], ...LINES.slice(1, 401)].join('\n'));
  writeFileSync(second, [LINES[0], ...LINES.slice(401, 801)].join('\n'));
  reference = (await productionOf(await workspaceWithFirst('ws-reference'))).prod;
}, 600_000);

describe('a cancel of the background job survives a kill before its undo finished', () => {
  let killed: { ws: string; runId: string; jobAfterKill: string | undefined };

  it('the app killed right after it accepted the cancel: opening the workspace again finishes the undo, never the remediation', async () => {
    const ws = await workspaceWithFirst('ws-killed');
    const out = join(dir, 'cancel.json');
    const app = await appCancelledThenKilled(ws, out);
    expect(app.signal, app.stderr).toBe('SIGKILL');
    expect(existsSync(out), app.stderr).toBe(true);
    const said = JSON.parse(readFileSync(out, 'utf8')) as { runId: string; cancelling: boolean };
    expect(said.cancelling).toBe(true);
    const runId = said.runId;
    // Killed before the undo: the run is still 'remediating', its fast lane promoted.
    expect(storeOf(ws).runs.find((r) => r.run_id === runId)?.status).toBe('remediating');
    killed = { ws: join(dir, 'ws-killed-cli'), runId, jobAfterKill: storeOf(ws).jobs.find((j) => j.run_id === runId)?.state };
    cpSync(ws, killed.ws, { recursive: true });

    const events: EngineEvent[] = [];
    const h = recordingHandlers(ws, join(dir, 'no-models'), events);
    try {
      value(await h.table.listRuns({}));
      await waitForEvent(events, (e) => e.name === 'job' && e.p.runId === runId && e.p.state !== 'running', 'job end after reopening');
      const detail = value(await h.table.getRun({ runId }));
      expect(detail.summary.ended).toBe('cancelled');
      expect(detail.badges.state).toBe('cancelled');
      expect(value(await h.table.auditLog({ limit: 1 })).chain.ok).toBe(true);
      expect(events.some(jobIn(runId, 'done'))).toBe(false);
    } finally {
      await h.close();
    }
    // The cancel was in the store before the kill: the job was recorded cancelling, not left to resume.
    expect(killed.jobAfterKill).toBe('cancelling');
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['completed', 'failed']);
    expect(storeOf(ws).jobs.map((j) => j.state)).toEqual(['done']);
    const after = await productionOf(ws);
    expect(after.prod).toBe(reference);
    expect(after.chainOk).toBe(true);
  }, 600_000);

  it('the same killed workspace, then `airlock remediate RUN`: it finishes the undo and says so, and remediates nothing', async () => {
    expect(killed, 'the first case left its killed workspace').toBeDefined();
    const res = await runCli(['remediate', killed.runId, '--workspace', killed.ws]);
    expect(res.code, describeResult(res)).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`run ${killed.runId} was cancelled by the analyst`));
    expect(storeOf(killed.ws).runs.map((r) => r.status)).toEqual(['completed', 'failed']);
    expect(storeOf(killed.ws).jobs.map((j) => j.state)).toEqual(['done']);
    const after = await productionOf(killed.ws);
    expect(after.prod).toBe(reference);
    expect(after.chainOk).toBe(true);
    // ... and the run is recorded cancelled, as the app shows it.
    const h = recordingHandlers(killed.ws, join(dir, 'no-models'));
    try {
      expect(value(await h.table.getRun({ runId: killed.runId })).summary.ended).toBe('cancelled');
    } finally {
      await h.close();
    }
  }, 600_000);

  it('the undo cut short after the job stopped: opening the workspace again finishes it', async () => {
    const ws = await workspaceWithFirst('ws-undo-cut');
    const events: EngineEvent[] = [];
    // The process "dies" as the undo starts: nothing of the undo is done.
    vi.mocked(cancelRunOnRequest).mockImplementationOnce(() => Promise.reject(new Error('killed as the undo started')));
    let asked = false;
    const h: Handlers = recordingHandlers(ws, join(dir, 'no-models'), events, (e) => {
      if (e.name === 'job' && e.p.progress?.stage === 'cluster' && !asked) {
        asked = true;
        void h.table.cancelRun({});
      }
    });
    let runId = '';
    try {
      runId = (await runOf(h, second, true)).runId;
      await waitForEvent(events, jobIn(runId, 'failed'), 'the cancel cut short');
    } finally {
      await h.close();
    }
    expect(vi.mocked(cancelRunOnRequest)).toHaveBeenCalled();
    expect(storeOf(ws).runs.find((r) => r.run_id === runId)?.status).toBe('remediating');
    const jobAfterCut = storeOf(ws).jobs.find((j) => j.run_id === runId)?.state;

    const later: EngineEvent[] = [];
    const h2 = recordingHandlers(ws, join(dir, 'no-models'), later);
    try {
      value(await h2.table.listRuns({}));
      await waitForEvent(later, (e) => e.name === 'job' && e.p.runId === runId && e.p.state !== 'running', 'job end after reopening');
      expect(value(await h2.table.getRun({ runId })).summary.ended).toBe('cancelled');
      expect(later.some(jobIn(runId, 'done'))).toBe(false);
    } finally {
      await h2.close();
    }
    expect(jobAfterCut).toBe('cancelling');
    expect(storeOf(ws).runs.map((r) => r.status)).toEqual(['completed', 'failed']);
    expect(storeOf(ws).jobs.map((j) => j.state)).toEqual(['done']);
    const after = await productionOf(ws);
    expect(after.prod).toBe(reference);
    expect(after.chainOk).toBe(true);
  }, 600_000);
});
