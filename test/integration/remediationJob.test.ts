// Remediation as a durable job, through the real command line (node bin/airlock.js): the fast
// lane is committed and reported first, remediation is a job in the store that survives a
// SIGKILL and resumes at its first unfinished step, `run --no-wait` returns after the fast lane,
// and `airlock remediate RUN` finishes the job. Each case ends with production's content equal to
// an uninterrupted run of the same file in another workspace, and the store's record of which
// process committed which step shows that no committed step was done again.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { queryValue } from '../../main/store/duckdb.js';
import { committedSteps } from '../../main/remediate/jobSteps.js';
import { AIRLOCK_BIN, REPO_ROOT, describeResult, expectUserError, runCli, summaryOf, type CliResult } from '../helpers/cli.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const BENCH = join(SHARED, 'bench', 'hospital');
const CONTRACT = join(BENCH, 'contract.odcs.yaml');
/** The public hospital table, cut to its first rows: remediation still takes two rounds that change cells. */
const ROWS = 600;
const FLAGS = ['--approve-all', '--no-model', '--no-embedder'];

let dir: string;
let input: string;
let reference: { hash: string; steps: number[]; cellChanges: number; runId: string; stepsDone: number };

interface JobRecord { state: string; steps_done: number; owner_pid: number | null; progress: { committedBy: Array<{ step: number; pid: number }> } | null; error: string | null }

function jobOf(ws: string, runId: string): JobRecord {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    const r = db.prepare('SELECT state, steps_done, owner_pid, progress_json, error FROM remediation_jobs WHERE run_id = ?').get(runId) as Record<string, unknown>;
    return { state: String(r.state), steps_done: Number(r.steps_done), owner_pid: r.owner_pid as number | null, progress: JSON.parse(String(r.progress_json)), error: r.error as string | null };
  } finally {
    db.close();
  }
}

function storeValue(ws: string, sql: string, ...args: unknown[]): unknown {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    return Object.values(db.prepare(sql).get(...args) as Record<string, unknown>)[0];
  } finally {
    db.close();
  }
}

/** Production's content (every column but the run id, which differs between workspaces), and the steps DuckDB holds for the run. */
async function productionOf(ws: string, runId: string): Promise<{ hash: string; steps: number[] }> {
  const engine = await openEngine(ws, [], { create: false });
  try {
    const hash = String(await queryValue(engine.duck.conn, `SELECT count(*) || ':' || md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)))
      FROM (SELECT * EXCLUDE (_airlock_run_id) FROM prod."hospital") t`));
    return { hash, steps: await committedSteps(engine.duck.conn, runId) };
  } finally {
    engine.close();
  }
}

const runArgs = (ws: string) => ['run', input, '--contract', CONTRACT, '--workspace', ws, '--json', ...FLAGS];

/** Starts `airlock run`, and SIGKILLs it as soon as stderr says `line` (or when its own crash hook fires). */
function runUntil(ws: string, line: RegExp | null, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killedAt: string | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [AIRLOCK_BIN, ...runArgs(ws)], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killedAt: string | null = null;
    child.stdout.resume();
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      if (line && killedAt === null) {
        const hit = stderr.split('\n').find((l) => line.test(l));
        if (hit) {
          killedAt = hit;
          child.kill('SIGKILL');
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stderr, killedAt });
    });
  });
}

function runIdIn(ws: string): string {
  return String(storeValue(ws, 'SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1'));
}

function expectReconciledCompletion(res: CliResult): void {
  expect(res.code, describeResult(res)).toBe(0);
  const s = summaryOf(res);
  expect(s.status).toBe('completed');
  expect(s.reconciled).toBe(true);
  expect(s.sourceRows).toBe(s.successRows + s.quarantineRows + s.duplicateRows);
}

beforeAll(async () => {
  dir = tempDir('remediation-job');
  input = join(dir, 'hospital.csv');
  const lines = readFileSync(join(BENCH, 'dirty.csv'), 'utf8').split('\n');
  writeFileSync(input, `${lines.slice(0, ROWS + 1).join('\n')}\n`);
  // The reference: the same file, never interrupted, in its own workspace.
  const ws = join(dir, 'reference');
  const res = await runCli(runArgs(ws));
  expectReconciledCompletion(res);
  const runId = summaryOf(res).runId;
  const prod = await productionOf(ws, runId);
  const cellChanges = Number(storeValue(ws, "SELECT count(*) FROM audit WHERE run_id = ? AND kind = 'cell_change'", runId));
  reference = { ...prod, cellChanges, runId, stepsDone: jobOf(ws, runId).steps_done };
  // The table this test needs: the recipe step, then at least two rounds that committed changes.
  const changing = Number(storeValue(ws, "SELECT count(*) FROM audit WHERE run_id = ? AND kind = 'stage' AND json_extract(payload, '$.stage') = 'remediation-round' AND json_extract(payload, '$.changedCells') > 0", runId));
  expect(changing, 'the test table needs two rounds that change cells').toBeGreaterThanOrEqual(2);
  expect(reference.steps.length).toBeGreaterThanOrEqual(2);
  expect(jobOf(ws, runId).state).toBe('done');
}, 300_000);

describe('remediation as a durable job', () => {
  it('a SIGKILL during remediation, then `airlock remediate RUN`: it resumes after the committed rounds and ends as an uninterrupted run', async () => {
    const ws = join(dir, 'killed');
    const killed = await runUntil(ws, /^\[apply\] round 1 committed/);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.killedAt).not.toBeNull();
    const runId = runIdIn(ws);
    // The fast lane was committed and reported before remediation started.
    expect(killed.stderr).toMatch(/\[promote\] fast lane promoted/);
    expect(storeValue(ws, 'SELECT status FROM runs WHERE run_id = ?', runId)).toBe('remediating');
    const before = jobOf(ws, runId);
    expect(before.state).toBe('running'); // its owner is dead: stale
    expect(before.steps_done).toBeGreaterThanOrEqual(2); // the recipe step and round 1
    expect(before.steps_done, 'the kill came before the last round').toBeLessThan(reference.stepsDone);
    const firstPid = before.progress!.committedBy[0].pid;

    const res = await runCli(['remediate', runId, '--workspace', ws, '--json']);
    expectReconciledCompletion(res);
    const after = jobOf(ws, runId);
    expect(after.state).toBe('done');
    // Steps committed before the kill were not done again: each step was committed once, by the
    // first process up to the kill and by the resuming process after it.
    const by = after.progress!.committedBy;
    expect(by.map((c) => c.step)).toEqual([...Array(reference.stepsDone).keys()].map((i) => i + 1));
    expect(by.filter((c) => c.pid === firstPid).map((c) => c.step)).toEqual(before.progress!.committedBy.map((c) => c.step));
    expect(by.filter((c) => c.pid !== firstPid).every((c) => c.step > before.steps_done)).toBe(true);
    const prod = await productionOf(ws, runId);
    expect(prod.steps).toEqual(reference.steps);
    expect(prod.hash).toBe(reference.hash);
    expect(Number(storeValue(ws, "SELECT count(*) FROM audit WHERE run_id = ? AND kind = 'cell_change'", runId))).toBe(reference.cellChanges);
  }, 400_000);

  it('a SIGKILL between a round\'s DuckDB commit and its SQLite record: the resume records the round from its marker and does not apply it twice', async () => {
    const ws = join(dir, 'window');
    // Test hook: the process SIGKILLs itself right after step 2 (round 1) committed in DuckDB.
    const killed = await runUntil(ws, null, { AIRLOCK_TEST_CRASH_AFTER_COMMIT: '2' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const runId = runIdIn(ws);
    expect(jobOf(ws, runId).steps_done).toBe(1); // SQLite recorded the recipe step only
    // DuckDB holds round 1 (step 2; the recipe step of a new workspace applies nothing)
    expect((await productionOf(ws, runId)).steps).toEqual([2]);

    const res = await runCli(['remediate', runId, '--workspace', ws, '--json']);
    expectReconciledCompletion(res);
    const prod = await productionOf(ws, runId);
    expect(prod.hash).toBe(reference.hash);
    expect(prod.steps).toEqual(reference.steps);
    const by = jobOf(ws, runId).progress!.committedBy.map((c) => c.step);
    expect(by).toEqual([...Array(reference.stepsDone).keys()].map((i) => i + 1));
    expect(Number(storeValue(ws, "SELECT count(*) FROM audit WHERE run_id = ? AND kind = 'stage' AND json_extract(payload, '$.stage') = 'remediation-step-recorded'", runId))).toBe(1);
    // Round 1's cell changes are in the audit once, as in the uninterrupted run.
    expect(Number(storeValue(ws, "SELECT count(*) FROM audit WHERE run_id = ? AND kind = 'cell_change'", runId))).toBe(reference.cellChanges);
  }, 400_000);

  it('`run --no-wait` returns after the fast lane; `airlock remediate RUN` finishes the job, and refuses a run already done or unknown', async () => {
    const ws = join(dir, 'no-wait');
    const fast = await runCli([...runArgs(ws), '--no-wait']);
    expect(fast.code, describeResult(fast)).toBe(0);
    const s = summaryOf(fast);
    expect(s.status).toBe('remediating');
    expect(s.reconciled).toBe(true);
    expect(s.remediatedRows).toBe(0);
    expect(s.quarantineRows).toBeGreaterThan(0);
    expect(fast.stderr).toContain(`airlock remediate ${s.runId}`);
    const job = jobOf(ws, s.runId);
    expect(job.state).toBe('pending');
    expect(job.steps_done).toBe(0);

    const res = await runCli(['remediate', s.runId, '--workspace', ws, '--json']);
    expectReconciledCompletion(res);
    expect((await productionOf(ws, s.runId)).hash).toBe(reference.hash);
    expect(jobOf(ws, s.runId).state).toBe('done');

    expect(expectUserError(await runCli(['remediate', s.runId, '--workspace', ws]))).toMatch(/is completed and its remediation is done/);
    expect(expectUserError(await runCli(['remediate', 'run_20990101T000000_abcdef', '--workspace', ws]))).toMatch(/is not in this workspace/);
  }, 400_000);
});
