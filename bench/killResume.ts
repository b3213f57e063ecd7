// `npm run bench -- --kill-resume [--rows 5m]`: a SIGKILL during remediation, then `airlock remediate
// RUN` (issue 13). For each kill point, a fresh workspace runs `airlock run --approve-all --no-model`
// until stderr shows the point's progress line, the process is SIGKILLed, and `airlock remediate`
// finishes the job, measured like the run. Reported beside an uninterrupted run of the same file in
// its own workspace: the resume's wall time against starting over (the whole run), and whether
// production's content hash (every row and column except the run id) equals the uninterrupted one.
//
// Kill points: inside round 1's apply (the round has to be done again: the resume saves ingest,
// validate and promote) and right after round 1 committed (the resume starts at round 2).
// The correctness of the same resume on a small table, with no timing, is
// test/integration/remediationJob.test.ts; this file only measures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openEngine } from '../main/pipeline/context.js';
import { queryRows, queryValue } from '../main/store/duckdb.js';
import type { Generated } from './generate.js';
import { DATA_DIR } from './generate.js';
import { measureRun, runMeasured, stageTimes, type StageTime } from './perf.js';
import type { RunSummary } from '../main/pipeline/types.js';

const AIRLOCK = join(import.meta.dirname, '..', 'bin', 'airlock.js');

export const KILL_POINTS: Array<{ name: string; line: RegExp }> = [
  { name: 'inside round 1 apply', line: /^\[apply\] applying approved fixes/ },
  { name: 'after round 1 committed', line: /^\[apply\] round 1 committed/ },
];

export interface KillResumeResult {
  point: string;
  /** wall ms from spawn to the SIGKILL's reaping */
  killedAfterMs: number;
  /** job steps committed when the process died */
  stepsDoneAtKill: number;
  resumeWallMs: number;
  resumeCpuMs: number;
  resumePeakRssMb: number;
  resumeStages: StageTime[];
  status: string;
  reconciled: boolean;
  hashEqual: boolean;
}

export interface KillResumeReport {
  rows: number;
  referenceWallMs: number;
  referenceRemediateMs: number;
  referenceHash: string;
  points: KillResumeResult[];
}

/**
 * count:sum:sum of production's rows (all columns but the run id): the sums of each row text's md5
 * halves, a multiset hash that needs no order and no string of the whole table (a string_agg of
 * 5,000,000 rows needs more memory than the engine's budget).
 */
export async function productionHash(ws: string): Promise<string> {
  const engine = await openEngine(ws, [], { create: false });
  try {
    const tables = await queryRows<{ t: string }>(engine.duck.conn, `SELECT table_name AS t FROM duckdb_columns() WHERE schema_name = 'prod' AND column_name = '_airlock_run_id' ORDER BY 1`);
    const parts: string[] = [];
    for (const { t } of tables) {
      const q = `"${t.replace(/"/g, '""')}"`;
      parts.push(`${t}=${String(await queryValue(engine.duck.conn, `SELECT count(*) || ':' || coalesce(sum(md5_number_upper(r)::HUGEINT), 0) || ':' || coalesce(sum(md5_number_lower(r)::HUGEINT), 0)
        FROM (SELECT CAST(x AS VARCHAR) AS r FROM (SELECT * EXCLUDE (_airlock_run_id) FROM prod.${q}) x)`))}`);
    }
    return parts.join(';');
  } finally {
    engine.close();
  }
}

function stepsDone(ws: string, runId: string): number {
  return Number(storeGet(ws, 'SELECT steps_done AS n FROM remediation_jobs WHERE run_id = ?', runId)?.n ?? -1);
}

function storeGet(ws: string, sql: string, ...args: unknown[]): Record<string, unknown> | undefined {
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).get(...args) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

/** `airlock run` in a fresh workspace, SIGKILLed on the first stderr line matching `line`. */
function runUntilKilled(csv: string, contract: string, ws: string, line: RegExp, env: NodeJS.ProcessEnv): Promise<{ ms: number; killed: boolean; stderr: string }> {
  rmSync(ws, { recursive: true, force: true });
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [AIRLOCK, 'run', csv, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', '--json'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '', killed = false, pending = '';
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (!killed && lines.some((l) => line.test(l))) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', fail);
    child.on('close', () => done({ ms: Math.round(performance.now() - t0), killed, stderr }));
  });
}

export async function benchKillResume(g: Generated, memoryLimit: string | undefined, log: (s: string) => void): Promise<KillResumeReport> {
  const env: NodeJS.ProcessEnv = memoryLimit ? { AIRLOCK_MEMORY_LIMIT: memoryLimit } : {};
  const refWs = join(DATA_DIR, `ws-kill-ref-${g.rows}`);
  log(`  uninterrupted run (the reference) ...\n`);
  const ref = await measureRun(g.csv, g.contract, refWs, memoryLimit);
  const referenceHash = await productionHash(refWs);
  const referenceRemediateMs = ref.stages.find((s) => s.stage === 'remediate')?.ms ?? NaN;
  rmSync(refWs, { recursive: true, force: true });
  log(`  reference: ${ref.child.wallMs} ms, remediate ${referenceRemediateMs} ms\n`);
  const points: KillResumeResult[] = [];
  for (const p of KILL_POINTS) {
    const ws = join(DATA_DIR, `ws-kill-${g.rows}`);
    log(`  run, SIGKILL ${p.name} ...\n`);
    const k = await runUntilKilled(g.csv, g.contract, ws, p.line, env);
    if (!k.killed) throw new Error(`the run ended before the kill point ${p.line}: ${k.stderr.slice(-1500)}`);
    const runId = String(storeGet(ws, 'SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1')?.run_id);
    const atKill = stepsDone(ws, runId);
    log(`  killed after ${k.ms} ms (${atKill} steps committed); airlock remediate ...\n`);
    const res = await runMeasured([AIRLOCK, 'remediate', runId, '--workspace', ws, '--json'], env);
    if (res.code !== 0 && res.code !== 4) throw new Error(`airlock remediate exited ${res.code}: ${res.stderr.slice(-1500)}`);
    const summary = JSON.parse(res.stdout.trim().split('\n').pop()!) as RunSummary;
    const hash = await productionHash(ws);
    points.push({
      point: p.name, killedAfterMs: k.ms, stepsDoneAtKill: atKill,
      resumeWallMs: res.wallMs, resumeCpuMs: res.cpuMs, resumePeakRssMb: Math.round(res.peakRss / 2 ** 20),
      resumeStages: stageTimes(ws, runId).filter((s) => s.stage === 'remediate'),
      status: summary.status, reconciled: summary.reconciled, hashEqual: hash === referenceHash,
    });
    rmSync(ws, { recursive: true, force: true });
  }
  return { rows: g.rows, referenceWallMs: ref.child.wallMs, referenceRemediateMs, referenceHash, points };
}

export function printKillResume(r: KillResumeReport): void {
  const f = (n: number) => n.toLocaleString('en-US');
  console.log(`\nSIGKILL during remediation, then airlock remediate; ${f(r.rows)} rows`);
  console.log(`uninterrupted run: ${f(r.referenceWallMs)} ms wall, its remediate stage ${f(r.referenceRemediateMs)} ms; production ${r.referenceHash.slice(0, 60)}`);
  for (const p of r.points) {
    console.log(`${p.point.padEnd(26)} killed at ${f(p.killedAfterMs)} ms (${p.stepsDoneAtKill} steps committed); resume ${f(p.resumeWallMs)} ms wall`
      + ` (${(p.resumeWallMs / r.referenceWallMs * 100).toFixed(0)}% of starting over), CPU ${f(Math.round(p.resumeCpuMs / 1000))} s, peak RSS ${f(p.resumePeakRssMb)} MB;`
      + ` ${p.status}, reconciled ${p.reconciled ? 'yes' : 'NO'}, same production hash ${p.hashEqual ? 'yes' : 'NO'}`);
  }
}
