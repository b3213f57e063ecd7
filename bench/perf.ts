// `npm run bench`: the throughput benchmark. Generates a large dirty order table (bench/generate.ts),
// times DuckDB's own `COPY (FROM read_csv('file.csv')) TO 'out.parquet'` in a fresh process with
// the same memory limit (the floor: what reading the file at all costs), then `airlock run
// --approve-all --no-model --no-embedder --json` on the same file as a child process, and prints
// the ratio, peak memory (VmHWM, sampled from /proc every 100 ms), per-stage times and rows/s,
// clusters, proposals and suspect rows per proposal.
//
//   npm run bench                                  # one run at 5,000,000 rows (issue 2)
//   npm run bench -- --full                        # 0.25 GiB and 1 GiB of CSV: flat memory (issue 6)
//   npm run bench -- --rows 1m,5m                  # any sizes (also BENCH_ROWS=1m,5m)
//   npm run bench -- --rows 1m --profile           # in-process run, DuckDB time per engine call site
//   npm run bench -- --rows 1m --peer              # also the Polars peer (bench/peer/polars_route.py, venv
//                                                  # ~/.cache/airlock/venv-bench made on first use): validate +
//                                                  # route + write only; its time, CPU, peak RSS, ratio to the floor
//                                                  # and its routing counts against Airlock's
//   node --cpu-prof --cpu-prof-dir bench/.data/cpuprof --import tsx bench/perf.ts --rows 5m --profile
//   node --import tsx bench/perf.ts --cpu-summary bench/.data/cpuprof/CPU...cpuprofile [top]   # JS hot spots
//   options: --memory-limit 1GB (default: the engine's own, $AIRLOCK_MEMORY_LIMIT or openEngine's; the
//            floor runs in a DuckDB opened by the same openEngine), --error-scale 1, --no-fd,
//            --keep (keep CSVs and workspaces in bench/.data), --json (results on stdout), --verbose,
//            --kill-resume (instead of the floor: an uninterrupted run, then runs SIGKILLed during remediation and
//            finished by `airlock remediate`: bench/killResume.ts),
//            --dbt-spark (also export the run's dbt project and time it on Spark local[2]: bench/dbtSpark.ts)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DATA_DIR, generate, parseCount, type Generated } from './generate.js';
import { measureDbtSpark, type DbtSparkResult } from './dbtSpark.js';
import { sqlString } from '../main/store/duckdb.js';
import type { RunSummary } from '../main/pipeline/types.js';
import { peerPython } from './peerEnv.js';
import { benchKillResume, printKillResume, type KillResumeReport } from './killResume.js';

const ROOT = resolve(import.meta.dirname, '..');
const AIRLOCK = join(ROOT, 'bin', 'airlock.js');
const PERF = join(ROOT, 'bench', 'perf.ts');
const MB = 1024 * 1024;

export interface ChildResult {
  code: number | null;
  wallMs: number;
  /** peak resident set (VmHWM) in bytes, as last read from /proc before exit */
  peakRss: number;
  /** user + system CPU time of the child in ms, as last read from /proc (robust to other load) */
  cpuMs: number;
  /** peak VmRSS seen while each progress stage (the `[stage]` prefix of stderr lines) was current */
  stagePeakRss: Record<string, number>;
  stdout: string;
  stderr: string;
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

function readStatus(pid: number): { rss: number; hwm: number; cpuMs: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    // /proc/<pid>/stat: fields after the ')' of the command; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), cpuMs: (Number(f[11]) + Number(f[12])) * CLOCK_TICK_MS };
  } catch {
    return null;
  }
}

/** Runs `node args...` (or `cmd args...`), sampling its memory every 100 ms; stderr `[stage]` lines mark stages. */
export function runMeasured(args: string[], env: NodeJS.ProcessEnv = {}, echo = false, cmd: string = process.execPath): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', stage = 'start', peak = 0, cpuMs = 0;
    const stagePeakRss: Record<string, number> = {};
    const sample = () => {
      const st = child.pid ? readStatus(child.pid) : null;
      if (!st) return;
      peak = Math.max(peak, st.hwm);
      cpuMs = Math.max(cpuMs, st.cpuMs);
      stagePeakRss[stage] = Math.max(stagePeakRss[stage] ?? 0, st.rss);
    };
    const timer = setInterval(sample, 100);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      for (const line of text.split('\n')) {
        const m = /^\[([a-z]+)\]/.exec(line);
        if (m && m[1] !== stage) { sample(); stage = m[1]; }
        if (echo && line.trim()) process.stderr.write(`    ${line.slice(0, 160)}\n`);
      }
    });
    // 'exit' comes before the pid is reaped only in principle: sample on every chance we get.
    child.on('exit', () => sample());
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(timer);
      done({ code, wallMs: Math.round(performance.now() - t0), peakRss: peak, cpuMs, stagePeakRss, stdout, stderr });
    });
  });
}

export interface StageTime { stage: string; ms: number; rows: number }

/** `airlock run` exited with an error: what it said, the last stage it reached, what it measured. */
export class RunFailed extends Error {
  readonly lastStage: string;
  readonly stages: StageTime[];
  constructor(readonly child: ChildResult, workspace: string) {
    const err = child.stderr.split('\n').find((l) => l.startsWith('airlock:')) ?? child.stderr.trim().split('\n').pop() ?? '';
    super(`airlock run exited ${child.code}: ${err.slice(0, 300)}`);
    this.lastStage = [...child.stderr.matchAll(/^\[([a-z]+)\]/gm)].pop()?.[1] ?? 'start';
    let stages: StageTime[] = [];
    try {
      const db = new Database(join(workspace, 'airlock.sqlite'), { readonly: true });
      stages = db.prepare('SELECT stage, ms, rows FROM stages WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1) ORDER BY started_at').all() as StageTime[];
      db.close();
    } catch { /* no store yet */ }
    this.stages = stages;
  }
}

/** Stage times as the engine recorded them (the `stages` table of the workspace). */
export function stageTimes(workspace: string, runId: string): StageTime[] {
  const db = new Database(join(workspace, 'airlock.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT stage, ms, rows FROM stages WHERE run_id = ? ORDER BY started_at').all(runId) as StageTime[];
  } finally {
    db.close();
  }
}

export interface RunMeasurement {
  child: ChildResult;
  summary: RunSummary;
  stages: StageTime[];
  /** rows quarantined by routing (before remediation): the suspects remediation works on */
  suspects: number;
}

/** `airlock run <csv> --contract <c> --approve-all --no-model --no-embedder --json` in a fresh workspace. */
/** `memoryLimit` undefined: the engine's own default (AIRLOCK_MEMORY_LIMIT as inherited, else openEngine's). */
export async function measureRun(csv: string, contract: string, workspace: string, memoryLimit: string | undefined, echo = false): Promise<RunMeasurement> {
  rmSync(workspace, { recursive: true, force: true });
  const child = await runMeasured([AIRLOCK, 'run', csv, '--contract', contract, '--workspace', workspace, '--approve-all', '--no-model', '--no-embedder', '--json'],
    memoryLimit ? { AIRLOCK_MEMORY_LIMIT: memoryLimit } : {}, echo);
  if (child.code !== 0 && child.code !== 4) throw new RunFailed(child, workspace);
  const summary = JSON.parse(child.stdout.trim().split('\n').pop()!) as RunSummary;
  const route = summary.reconciliation.find((r) => r.stage === 'route');
  return { child, summary, stages: stageTimes(workspace, summary.runId), suspects: route?.quarantineRows ?? summary.sourceRows - summary.fastLaneRows - summary.duplicateRows };
}

/** The floor: DuckDB's own CSV → Parquet copy of the file, in a fresh process with the same memory limit. */
export async function measureFloor(csv: string, out: string, memoryLimit: string | undefined): Promise<{ ms: number; memoryLimit: string; child: ChildResult }> {
  rmSync(out, { force: true });
  const child = await runMeasured(['--import', 'tsx', PERF, '--floor-child', csv, out], memoryLimit ? { AIRLOCK_MEMORY_LIMIT: memoryLimit } : {});
  if (child.code !== 0) throw new Error(`floor failed (${child.code}): ${child.stderr.slice(-2000)}`);
  const res = JSON.parse(child.stdout.trim()) as { ms: number; memoryLimit: string };
  rmSync(out, { force: true });
  return { ...res, child };
}

/**
 * The floor's process: DuckDB opened exactly as the engine opens it (openEngine on a scratch
 * workspace: same memory_limit, threads, spill folder, lock-down), then the one COPY statement.
 */
async function floorChild(csv: string, out: string): Promise<void> {
  const { openEngine } = await import('../main/pipeline/context.js');
  const ws = join(dirname(out), 'ws-floor');
  rmSync(ws, { recursive: true, force: true });
  const engine = await openEngine(ws, [dirname(csv), dirname(out)]);
  const memoryLimit = String((await engine.duck.conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0][0]);
  const t0 = performance.now();
  await engine.duck.conn.run(`COPY (FROM read_csv(${sqlString(csv)})) TO ${sqlString(out)} (FORMAT parquet)`);
  const ms = Math.round(performance.now() - t0);
  engine.close();
  rmSync(ws, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ ms, memoryLimit })}\n`);
}

const PEER_SCRIPT = join(ROOT, 'bench', 'peer', 'polars_route.py');

export interface PeerResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** the script's own time from reading the contract to the last file written */
  ms: number;
  polars: string;
  threads: number;
  source: number;
  clean: number;
  quarantine: number;
  duplicates: number;
  /** peer wall / floor */
  ratio: number;
  /** Airlock's routing (fast lane, quarantined by routing, duplicates) equals the peer's */
  countsMatch: boolean;
  /** `column:REASON` → [Airlock rows, peer rows], where the two differ */
  reasonDiff: Record<string, [number, number]>;
  reasons: Record<string, number>;
}

/** Rows per `column:REASON` that routing found, read from the run's workspace. */
async function airlockReasons(workspace: string, runId: string): Promise<Record<string, number>> {
  const { openLockedDuckDB, queryRows } = await import('../main/store/duckdb.js');
  const db = await openLockedDuckDB({ path: join(workspace, 'data.duckdb'), allowedDirectories: [workspace] });
  try {
    const [t] = await queryRows<{ name: string }>(db.conn, `SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'quarantine' AND ends_with(table_name, '__violations')`);
    if (!t) return {};
    const rows = await queryRows<{ k: string; n: number }>(db.conn, `SELECT "column" || ':' || reason AS k, count(DISTINCT row_id) AS n
      FROM quarantine."${t.name.replace(/"/g, '""')}" WHERE run_id = ${sqlString(runId)} GROUP BY 1`);
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  } finally {
    db.close();
  }
}

/** The Polars peer on the same file and contract, in its venv, measured like the run. */
export async function measurePeer(csv: string, contract: string, floorMs: number, run: RunMeasurement, airlock: Record<string, number>): Promise<PeerResult> {
  const python = peerPython();
  const out = join(DATA_DIR, 'peer-out');
  rmSync(out, { recursive: true, force: true });
  const child = await runMeasured([PEER_SCRIPT, csv, contract, out], {}, false, python);
  rmSync(out, { recursive: true, force: true });
  if (child.code !== 0) throw new Error(`the Polars peer failed (${child.code}): ${child.stderr.slice(-2000)}`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; polars: string; threads: number; source: number; clean: number; quarantine: number; duplicates: number; reasons: Record<string, number> };
  const s = run.summary;
  const reasonDiff: Record<string, [number, number]> = {};
  for (const k of new Set([...Object.keys(airlock), ...Object.keys(r.reasons)])) {
    if ((airlock[k] ?? 0) !== (r.reasons[k] ?? 0)) reasonDiff[k] = [airlock[k] ?? 0, r.reasons[k] ?? 0];
  }
  return {
    wallMs: child.wallMs, cpuMs: child.cpuMs, peakRssMb: mb(child.peakRss), ms: r.ms, polars: r.polars, threads: r.threads,
    source: r.source, clean: r.clean, quarantine: r.quarantine, duplicates: r.duplicates, reasons: r.reasons,
    ratio: Math.round((child.wallMs / floorMs) * 10) / 10,
    countsMatch: r.clean === s.fastLaneRows && r.quarantine === run.suspects && r.duplicates === s.duplicateRows,
    reasonDiff,
  };
}

export interface SizeResult {
  rows: number;
  bytes: number;
  generateMs: number;
  /** DuckDB's memory_limit as the engine set it (read in the floor's process) */
  memoryLimit: string;
  floorMs: number;
  floorWallMs: number;
  floorCpuMs: number;
  runCpuMs: number;
  floorPeakRssMb: number;
  runWallMs: number;
  runPeakRssMb: number;
  ratio: number;
  stages: Array<StageTime & { rowsPerSec: number }>;
  stagePeakRssMb: Record<string, number>;
  sourceRows: number;
  suspects: number;
  quarantineRows: number;
  remediatedRows: number;
  duplicateRows: number;
  clusters: number;
  proposals: number;
  modelCalls: number;
  suspectsPerProposal: number | null;
  suspectsPerModelCall: number | null;
  status: string;
  /** set when the run failed: the error and the stage it was in */
  error?: string;
  /** the Polars peer on the same file (--peer) */
  peer?: PeerResult;
  /** --dbt-spark: the exported project on Spark */
  dbtSpark?: DbtSparkResult;
  load: [number, number];
}

/** A count as printed; '-' for none (NaN, or the time of a stage a failed run never finished). */
const fmt = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US'));
const mb = (b: number) => Math.round(b / MB);

/** The commit the engine was measured at, `+dirty` when main/ has uncommitted changes. */
function engineVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'main', 'bin'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export async function benchSize(g: Generated, memoryLimit: string | undefined, keep: boolean, echo: boolean, peer = false, dbtSpark = false): Promise<SizeResult> {
  const loadBefore = loadavg()[0];
  process.stderr.write(`  floor: COPY (FROM read_csv) TO parquet ...\n`);
  const floor = await measureFloor(g.csv, join(DATA_DIR, `floor-${g.rows}.parquet`), memoryLimit);
  process.stderr.write(`  floor ${fmt(floor.ms)} ms (memory_limit ${floor.memoryLimit}); airlock run ...\n`);
  const ws = join(DATA_DIR, `ws-${g.rows}`);
  let run: RunMeasurement;
  try {
    run = await measureRun(g.csv, g.contract, ws, memoryLimit, echo);
  } catch (e) {
    if (!(e instanceof RunFailed)) throw e;
    if (!keep) rmSync(ws, { recursive: true, force: true });
    process.stderr.write(`  ${e.message} (in stage ${e.lastStage})\n`);
    return {
      rows: g.rows, bytes: g.bytes, generateMs: g.ms, memoryLimit: floor.memoryLimit,
      floorMs: floor.ms, floorWallMs: floor.child.wallMs, floorCpuMs: floor.child.cpuMs, floorPeakRssMb: mb(floor.child.peakRss),
      runWallMs: e.child.wallMs, runCpuMs: e.child.cpuMs, runPeakRssMb: mb(e.child.peakRss), ratio: NaN,
      stages: e.stages.map((st) => ({ ...st, rowsPerSec: st.ms ? Math.round((st.rows / st.ms) * 1000) : 0 })),
      stagePeakRssMb: Object.fromEntries(Object.entries(e.child.stagePeakRss).map(([k, v]) => [k, mb(v)])),
      sourceRows: NaN, suspects: NaN, quarantineRows: NaN, remediatedRows: NaN, duplicateRows: NaN, clusters: NaN, proposals: NaN, modelCalls: NaN,
      suspectsPerProposal: null, suspectsPerModelCall: null, status: 'FAILED', error: `${e.message} (in stage ${e.lastStage})`,
      load: [Math.round(loadBefore * 100) / 100, Math.round(loadavg()[0] * 100) / 100],
    };
  }
  const reasons = peer ? await airlockReasons(ws, run.summary.runId) : {};
  let spark: DbtSparkResult | undefined;
  if (dbtSpark) {
    process.stderr.write(`  airlock run ${fmt(run.child.wallMs)} ms; export-dbt and dbt on Spark ...\n`);
    spark = measureDbtSpark(ws, g.contract, g.csv, DATA_DIR);
    process.stderr.write(`  dbt on Spark: ${fmt(spark.dbtMs)} ms, exit ${spark.code}\n`);
  }
  if (!keep) rmSync(ws, { recursive: true, force: true });
  let peerResult: PeerResult | undefined;
  if (peer) {
    process.stderr.write(`  the Polars peer (bench/peer/polars_route.py) ...\n`);
    peerResult = await measurePeer(g.csv, g.contract, floor.ms, run, reasons);
  }
  const s = run.summary;
  return {
    peer: peerResult,
    rows: g.rows, bytes: g.bytes, generateMs: g.ms, memoryLimit: floor.memoryLimit,
    floorMs: floor.ms, floorWallMs: floor.child.wallMs, floorCpuMs: floor.child.cpuMs, floorPeakRssMb: mb(floor.child.peakRss),
    runWallMs: run.child.wallMs, runCpuMs: run.child.cpuMs, runPeakRssMb: mb(run.child.peakRss),
    ratio: Math.round((run.child.wallMs / floor.ms) * 10) / 10,
    // rows/s over the rows each stage works on: the source for ingest and validate, the fast lane
    // for promote, the suspects (rows quarantined by routing) for remediate.
    stages: run.stages.map((st) => {
      const n = st.stage === 'remediate' ? run.suspects : st.stage === 'promote' ? s.fastLaneRows : s.sourceRows;
      return { ...st, rows: n, rowsPerSec: st.ms ? Math.round((n / st.ms) * 1000) : 0 };
    }),
    stagePeakRssMb: Object.fromEntries(Object.entries(run.child.stagePeakRss).map(([k, v]) => [k, mb(v)])),
    sourceRows: s.sourceRows, suspects: run.suspects, quarantineRows: s.quarantineRows, remediatedRows: s.remediatedRows, duplicateRows: s.duplicateRows,
    clusters: s.clusters, proposals: s.proposals, modelCalls: s.modelCalls,
    suspectsPerProposal: s.proposals ? Math.round(run.suspects / s.proposals) : null,
    suspectsPerModelCall: s.modelCalls ? Math.round(run.suspects / s.modelCalls) : null,
    status: s.status,
    load: [Math.round(loadBefore * 100) / 100, Math.round(loadavg()[0] * 100) / 100],
    ...(spark ? { dbtSpark: spark } : {}),
  };
}

export function printTable(results: SizeResult[]): void {
  const stageNames = ['ingest', 'validate', 'promote', 'remediate'];
  const cols: Array<[string, (r: SizeResult) => string]> = [
    ['rows', (r) => fmt(r.rows)],
    ['status', (r) => r.status],
    ['CSV MB', (r) => fmt(mb(r.bytes))],
    ['floor ms', (r) => fmt(r.floorMs)],
    ['run ms', (r) => fmt(r.runWallMs)],
    ['ratio (run wall / floor)', (r) => (Number.isNaN(r.ratio) ? '-' : `${r.ratio}x`)],
    ['CPU s run / floor', (r) => `${(r.runCpuMs / 1000).toFixed(1)} / ${(r.floorCpuMs / 1000).toFixed(1)}`],
    ['peak RSS MB', (r) => `${fmt(r.runPeakRssMb)} (floor ${fmt(r.floorPeakRssMb)})`],
    ...stageNames.map((n): [string, (r: SizeResult) => string] => [`${n} ms (rows/s)`, (r) => {
      const st = r.stages.find((x) => x.stage === n);
      return st ? `${fmt(st.ms)} (${fmt(st.rowsPerSec)})` : '-';
    }]),
    ...(results.some((r) => r.peer) ? [
      ['peer (Polars) wall ms', (r: SizeResult) => (r.peer ? `${fmt(r.peer.wallMs)} (own ${fmt(r.peer.ms)})` : '-')],
      ['peer ratio (peer wall / floor)', (r: SizeResult) => (r.peer ? `${r.peer.ratio}x` : '-')],
      ['run wall / peer wall', (r: SizeResult) => (r.peer ? `${(r.runWallMs / r.peer.wallMs).toFixed(1)}x` : '-')],
      ['peer CPU s', (r: SizeResult) => (r.peer ? (r.peer.cpuMs / 1000).toFixed(1) : '-')],
      ['run CPU / peer CPU', (r: SizeResult) => (r.peer ? `${(r.runCpuMs / r.peer.cpuMs).toFixed(1)}x` : '-')],
      ['peer peak RSS MB', (r: SizeResult) => (r.peer ? fmt(r.peer.peakRssMb) : '-')],
      ['peer clean / quarantine / dups', (r: SizeResult) => (r.peer ? `${fmt(r.peer.clean)} / ${fmt(r.peer.quarantine)} / ${fmt(r.peer.duplicates)}` : '-')],
      ['routing counts match', (r: SizeResult) => (r.peer ? (r.peer.countsMatch ? 'yes' : 'NO') : '-')],
    ] as Array<[string, (r: SizeResult) => string]> : []),
    ['suspects', (r) => fmt(r.suspects)],
    ['clusters', (r) => fmt(r.clusters)],
    ['proposals', (r) => fmt(r.proposals)],
    ['suspects/proposal', (r) => (r.suspectsPerProposal === null ? '-' : fmt(r.suspectsPerProposal))],
    ['suspects/model call', (r) => (r.suspectsPerModelCall === null ? '- (no model)' : fmt(r.suspectsPerModelCall))],
    ['remediated', (r) => fmt(r.remediatedRows)],
    ['left in quarantine', (r) => fmt(r.quarantineRows)],
    ['load avg (start/end)', (r) => `${r.load[0]} / ${r.load[1]}`],
  ];
  const w = Math.max(...cols.map(([h]) => h.length));
  const cells = results.map((r) => cols.map(([, f]) => f(r)));
  const cw = results.map((_, i) => Math.max(...cells[i].map((c) => c.length)));
  for (const [j, [h]] of cols.entries()) {
    console.log(`${h.padEnd(w)}  ${results.map((_, i) => cells[i][j].padStart(cw[i])).join('   ')}`);
  }
  for (const r of results) if (r.error) console.log(`${fmt(r.rows)} rows: ${r.error}`);
  for (const r of results) {
    if (r.peer && Object.keys(r.peer.reasonDiff).length) {
      console.log(`${fmt(r.rows)} rows: rows per reason where Airlock and the peer differ [airlock, peer]: ${Object.entries(r.peer.reasonDiff).map(([k, [a, b]]) => `${k} [${fmt(a)}, ${fmt(b)}]`).join(', ')}`);
    }
    const d = r.dbtSpark;
    if (!d) continue;
    console.log(`dbt on Spark ${d.master} at ${fmt(r.rows)} rows, ${d.scope}: ${d.code === 0 ? `${fmt(d.dbtMs)} ms (${d.models} models)` : `FAILED (exit ${d.code}) after ${fmt(d.dbtMs)} ms`}; export-dbt ${fmt(d.exportMs)} ms; airlock run (whole cleaning) ${fmt(r.runWallMs)} ms`);
    if (d.error) console.log(d.error);
  }
  for (const r of results) {
    console.log(`peak RSS by stage at ${fmt(r.rows)} rows (MB): ${Object.entries(r.stagePeakRssMb).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
}

/** In-process run with every DuckDB call timed and attributed to its engine call site. */
async function profileRun(csv: string, contract: string, memoryLimit: string | undefined, top: number): Promise<void> {
  if (memoryLimit) process.env.AIRLOCK_MEMORY_LIMIT = memoryLimit;
  const { openEngine } = await import('../main/pipeline/context.js');
  const { runBatch } = await import('../main/pipeline/runBatch.js');
  const ws = join(DATA_DIR, 'ws-profile');
  rmSync(ws, { recursive: true, force: true });
  const engine = await openEngine(ws);
  const conn = engine.duck.conn as unknown as Record<string, (sql: string, ...rest: unknown[]) => Promise<unknown>>;
  const sites = new Map<string, { n: number; ms: number; max: number; sql: string }>();
  let stage = 'start';
  let failed: { key: string; sql: string; error: string } | undefined;
  // Frames of the engine's own code (main/ of this checkout, wherever it lives).
  const engineDir = `${join(ROOT, 'main')}/`;
  const site = () => (new Error().stack ?? '').split('\n').slice(2)
    .filter((l) => l.includes(engineDir) && !l.includes('/store/duckdb.ts'))
    .slice(0, 2).map((l) => l.trim().replace(/^at /, '').replace(/\S*?\/main\/(?=[a-z]+\/)/, '').replace(/[()]/g, '').replace(/:\d+$/, '')).join(' < ');
  // runAndReadAll calls run with the same SQL: only the outer call is timed.
  const inReadAll = new Set<string>();
  // DuckDB's own memory accounting (duckdb_memory()), read after every call: the peak per stage.
  const memPeak: Record<string, { total: number; temp: number; tags: string }> = {};
  let sampling = false;
  const rawReadAll = conn.runAndReadAll.bind(engine.duck.conn);
  const sampleMemory = async (at: string) => {
    sampling = true;
    try {
      const reader = (await rawReadAll('SELECT tag, memory_usage_bytes AS m, temporary_storage_bytes AS t FROM duckdb_memory() ORDER BY m DESC')) as { getRowObjectsJS(): Array<{ tag: string; m: bigint; t: bigint }> };
      const rows = reader.getRowObjectsJS().map((r) => ({ tag: r.tag, m: Number(r.m), t: Number(r.t) }));
      const total = rows.reduce((a, r) => a + r.m, 0);
      if (total > (memPeak[at]?.total ?? -1)) {
        memPeak[at] = { total, temp: rows.reduce((a, r) => a + r.t, 0), tags: rows.filter((r) => r.m > 16 * MB).map((r) => `${r.tag} ${mb(r.m)}`).join(', ') };
      }
    } catch { /* not available */ } finally {
      sampling = false;
    }
  };
  for (const m of ['run', 'runAndReadAll']) {
    const orig = conn[m].bind(engine.duck.conn);
    conn[m] = async (sql: string, ...rest: unknown[]) => {
      if (sampling || (m === 'run' && inReadAll.has(sql))) return orig(sql, ...rest);
      if (m === 'runAndReadAll') inReadAll.add(sql);
      const key = `${stage} | ${site()}`;
      const at = stage;
      const t = performance.now();
      try {
        return await orig(sql, ...rest);
      } catch (e) {
        failed ??= { key, sql, error: String((e as Error).message ?? e).split('\n')[0] };
        throw e;
      } finally {
        if (m === 'runAndReadAll') inReadAll.delete(sql);
        const ms = performance.now() - t;
        const s = sites.get(key) ?? { n: 0, ms: 0, max: 0, sql: sql.replace(/\s+/g, ' ').slice(0, 150) };
        s.n += 1; s.ms += ms; s.max = Math.max(s.max, ms);
        sites.set(key, s);
        await sampleMemory(at);
      }
    };
  }
  const t0 = performance.now();
  const stageMs: Record<string, number> = {};
  // CPU time of the whole process (every DuckDB thread included) per stage: robust to other load.
  const stageCpuMs: Record<string, number> = {};
  const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const cpu0 = cpuNow();
  let lastCpu = cpu0;
  let last = t0;
  let summary: RunSummary | undefined;
  try {
    summary = await runBatch(engine, {
      file: csv, contractPath: contract, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null },
      onProgress: (p) => {
        if (p.stage === stage) return;
        stageMs[stage] = (stageMs[stage] ?? 0) + performance.now() - last;
        stageCpuMs[stage] = (stageCpuMs[stage] ?? 0) + cpuNow() - lastCpu;
        last = performance.now();
        lastCpu = cpuNow();
        stage = p.stage;
      },
    });
  } catch (e) {
    console.log(`run FAILED: ${String((e as Error).message ?? e).split('\n')[0]}`);
    if (failed) console.log(`  failing call: ${failed.key}\n  ${failed.sql.replace(/\s+/g, ' ').slice(0, 1500)}`);
  }
  stageMs[stage] = (stageMs[stage] ?? 0) + performance.now() - last;
  stageCpuMs[stage] = (stageCpuMs[stage] ?? 0) + cpuNow() - lastCpu;
  const total = performance.now() - t0;
  const duck = [...sites.values()].reduce((a, s) => a + s.ms, 0);
  engine.close();
  console.log(`profile: ${fmt(summary?.sourceRows ?? 0)} rows in ${fmt(Math.round(total))} ms (DuckDB ${fmt(Math.round(duck))} ms, JS/SQLite ${fmt(Math.round(total - duck))} ms); load ${loadavg()[0].toFixed(2)}; engine ${engineVersion()}`);
  const duckByStage: Record<string, number> = {};
  for (const [k, v] of sites) duckByStage[k.split(' | ')[0]] = (duckByStage[k.split(' | ')[0]] ?? 0) + v.ms;
  console.log(`CPU ms per progress stage (all threads): ${Object.entries(stageCpuMs).map(([k, v]) => `${k} ${fmt(Math.round(v))}`).join(', ')}; total ${fmt(Math.round(cpuNow() - cpu0))}`);
  console.log(`progress stages, ms (of which DuckDB): ${Object.entries(stageMs).map(([k, v]) => `${k} ${fmt(Math.round(v))} (${fmt(Math.round(duckByStage[k] ?? 0))})`).join(', ')}`);
  console.log(`DuckDB memory (duckdb_memory(), peak after a call) per stage, MB: ${Object.entries(memPeak).map(([k, v]) => `${k} ${mb(v.total)}${v.temp ? ` (+${mb(v.temp)} spilled)` : ''} [${v.tags}]`).join('; ')}`);
  if (summary) console.log(`clusters ${summary.clusters}, proposals ${summary.proposals}, suspects ${fmt(summary.reconciliation.find((r) => r.stage === 'route')?.quarantineRows ?? 0)}, left in quarantine ${fmt(summary.quarantineRows)}`);
  console.log(`top ${top} DuckDB call sites (progress stage | engine function:line < caller), total / calls / slowest:`);
  for (const [k, s] of [...sites].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`${fmt(Math.round(s.ms)).padStart(9)} ms ${String(s.n).padStart(5)}x max ${fmt(Math.round(s.max)).padStart(7)}  ${k}\n${' '.repeat(18)}${s.sql}`);
  }
  rmSync(ws, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' }, full: { type: 'boolean' }, 'memory-limit': { type: 'string' }, 'error-scale': { type: 'string' },
      'no-fd': { type: 'boolean' }, keep: { type: 'boolean' }, json: { type: 'boolean' }, profile: { type: 'boolean' }, top: { type: 'string' },
      verbose: { type: 'boolean' }, peer: { type: 'boolean' }, 'dbt-spark': { type: 'boolean' }, 'kill-resume': { type: 'boolean' },
    },
  });
  // Unset: the engine's default limit (the floor reads it from the same openEngine).
  const memoryLimit = values['memory-limit'];
  const errorScale = values['error-scale'] ? Number(values['error-scale']) : 1;
  const fd = !values['no-fd'];
  mkdirSync(DATA_DIR, { recursive: true });
  let sizes: Array<{ rows: number; label: string }>;
  const spec = values.rows ?? process.env.BENCH_ROWS;
  if (spec) sizes = spec.split(',').map((s) => ({ rows: parseCount(s), label: s }));
  else if (values.full) {
    // Rows for 0.25 GiB and 1 GiB of CSV, from the generator's bytes per row on a small sample.
    const probe = await generate({ rows: 200_000, name: 'probe', errorScale, fd });
    rmSync(probe.csv, { force: true });
    rmSync(probe.contract, { force: true });
    const perRow = probe.bytes / probe.rows;
    sizes = [0.25, 1].map((gib) => ({ rows: Math.ceil((gib * 1024 ** 3) / perRow / 1000) * 1000, label: `${gib} GiB` }));
  } else sizes = [{ rows: 5_000_000, label: '5m' }];

  const results: SizeResult[] = [];
  const killReports: KillResumeReport[] = [];
  for (const size of sizes) {
    const name = `perf-${size.rows}${errorScale !== 1 ? `-e${errorScale}` : ''}${fd ? '' : '-nofd'}`;
    const csv = join(DATA_DIR, `${name}.csv`);
    // Free disk for the CSV, the vault copy, the DuckDB database and spills: about 5x the CSV.
    process.stderr.write(`${size.label}: generating ${fmt(size.rows)} rows ...\n`);
    const g = await generate({ rows: size.rows, name, errorScale, fd });
    process.stderr.write(`  ${(g.bytes / 1e6).toFixed(0)} MB in ${fmt(g.ms)} ms, ${fmt(g.expectedSuspects)} rows with a quarantining anomaly\n`);
    try {
      if (values['kill-resume']) killReports.push(await benchKillResume(g, memoryLimit, (t) => process.stderr.write(t)));
      else if (values.profile) await profileRun(g.csv, g.contract, memoryLimit, values.top ? Number(values.top) : 25);
      else results.push(await benchSize(g, memoryLimit, values.keep ?? false, values.verbose ?? false, values.peer ?? false, values['dbt-spark'] ?? false));
    } finally {
      if (!values.keep) {
        rmSync(csv, { force: true });
        rmSync(g.contract, { force: true });
      }
    }
  }
  if (values.profile) return;
  if (values['kill-resume']) {
    writeFileSync(join(DATA_DIR, 'kill-resume-results.json'), JSON.stringify({ engine: engineVersion(), cpus: cpus().length, at: new Date().toISOString(), killReports }, null, 2));
    for (const r of killReports) printKillResume(r);
    return;
  }
  const meta = { memoryLimit: results[0]?.memoryLimit ?? memoryLimit, errorScale, fd, engine: engineVersion(), cpus: cpus().length, at: new Date().toISOString() };
  writeFileSync(join(DATA_DIR, 'perf-results.json'), JSON.stringify({ ...meta, results }, null, 2));
  if (values.json) {
    console.log(JSON.stringify({ ...meta, results }));
    return;
  }
  console.log(`\nairlock run vs DuckDB COPY (FROM read_csv) TO parquet; memory_limit ${results[0]?.memoryLimit ?? memoryLimit}; engine ${engineVersion()}; node ${process.version}; ${cpus().length} CPUs`);
  printTable(results);
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    console.log(`memory: ${fmt(mb(a.bytes))} MB input → ${fmt(a.runPeakRssMb)} MB peak; ${fmt(mb(b.bytes))} MB input → ${fmt(b.runPeakRssMb)} MB peak (${(b.runPeakRssMb / a.runPeakRssMb).toFixed(2)}x for ${(b.bytes / a.bytes).toFixed(1)}x the input)`);
  }
}

/** Self time per package/file and per function of a V8 .cpuprofile (from `node --cpu-prof`). */
function cpuSummary(file: string, top: number): void {
  interface Node { id: number; callFrame: { functionName: string; url: string } }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>(), files = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let total = 0;
  prof.samples.forEach((id, i) => {
    const us = prof.timeDeltas[i] ?? 0;
    const cf = byId.get(id)!.callFrame;
    const url = cf.url.replace(`${pathToFileURL(ROOT).href}/`, '');
    // (line numbers are of tsx's transformed code: left out)
    add(self, `${cf.functionName || '(anonymous)'} ${url}`, us);
    add(files, url.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*/, 'node_modules/$1') || `(${cf.functionName})`, us);
    total += us;
  });
  const ms = (us: number) => fmt(Math.round(us / 1000)).padStart(9);
  console.log(`${file}: ${fmt(Math.round(total / 1000))} ms sampled on the main thread ('(idle)' is waiting, mostly for DuckDB)`);
  console.log('self time by file or package:');
  for (const [k, v] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ms  ${k}`);
  console.log('self time by function:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms  ${k}`);
}

if (process.argv.includes('--cpu-summary')) {
  const i = process.argv.indexOf('--cpu-summary');
  cpuSummary(process.argv[i + 1], Number(process.argv[i + 2] ?? 30));
} else if (process.argv.includes('--floor-child')) {
  const i = process.argv.indexOf('--floor-child');
  await floorChild(process.argv[i + 1], process.argv[i + 2]);
} else if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}

