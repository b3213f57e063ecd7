// Crash safety. The command line (`node bin/airlock.js run`) is killed with SIGKILL at seeded
// random moments inside every stage: while it starts (vault, recovery of earlier runs), during
// ingest, validation and routing, inside the promotion transaction, and at every step of
// remediation (clustering, proposals, applying fixes) up to the final write. Each trial starts
// from the same workspace, which already holds production data from an earlier run (so the killed
// run's upserts replace rows that recovery must restore), and feeds it the same file.
//
// After each kill, before anything repairs the workspace:
//   - the vault holds no partial entry (temp file, fsync, rename): every entry hashes to its name;
//   - the audit chain verifies (SQLite transactions);
//   - once routing is done, the killed run reconciles as it stands (source = success +
//     quarantine + duplicates + pending): the promotion and fix transactions are all or nothing.
// Then a new run of the same file (in-process, or through the command line with a replay) must
// complete and reconcile. A run killed after its fast lane was promoted (status 'remediating')
// has its remediation job finished by that new run, which then answers as a re-run of a processed
// file; any other killed run must be marked failed with nothing of it left in the
// stream's tables; production must hold no duplicated row or key; and the stream's data must be
// identical, row for row, to a reference workspace where the same run was never interrupted. The
// audit chain verifies and the vault holds the input with the right SHA-256.
import { closeSync, cpSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContractFile } from '../../main/contract/load.js';
import type { Contract } from '../../main/contract/types.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { storeInVault } from '../../main/ingest/vault.js';
import { reconcile } from '../../main/pipeline/reconcile.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { queryValue, sqlIdent, sqlString } from '../../main/store/duckdb.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { customerCsv, seeded } from '../../scripts/make-demo-sample.js';
import { tempDir } from '../helpers/tmp.js';
import { airlock, startAirlock, type Finished } from './helpers/proc.js';
import { checkVault, leftoversOf, stageAtKill, StageWatcher, streamDigest, type RunProgress } from './helpers/crashKit.js';

const TRIALS = 32;
const ROWS = 1000;
const SEED = 6_030;

// The demo contract with fewer checks: remediation still clusters, proposes and applies, in
// about a second, so that 30+ kills and recoveries fit the time budget.
const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: crash-customers
name: customers
version: 1.0.0
schema:
  - name: customers
    properties:
      - { name: customer_id, logicalType: integer, primaryKey: true, required: true }
      - { name: full_name, logicalType: string, required: true, customProperties: [{ property: pii, value: name }] }
      - name: email
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}' }
        customProperties: [{ property: pii, value: email }]
      - { name: phone, logicalType: string, required: true }
      - { name: state, logicalType: string, required: true }
      - { name: signup_date, logicalType: date, required: true, logicalTypeOptions: { format: '%Y-%m-%d' } }
      - { name: lifetime_value, logicalType: string }
      - { name: status, logicalType: string, required: true, enum: [active, inactive, pending] }
    quality:
      - { metric: rowCount, mustBeGreaterThan: 0 }
`;

type Phase = 'startup' | 'ingest' | 'validate' | 'gates' | 'promote' | 'remediate:cluster' | 'remediate:propose' | 'remediate:apply' | 'finish';
const PHASES: Phase[] = ['startup', 'ingest', 'validate', 'promote', 'remediate:cluster', 'remediate:propose', 'remediate:apply', 'gates', 'finish'];
/** The event that opens each phase, and the one that ends it (to size the random delay). */
const WINDOWS: Record<Phase, [string, string]> = {
  startup: ['spawn', 'registered'],
  ingest: ['ingest', 'ingest.end'],
  validate: ['validate', 'validate.end'],
  gates: ['validate.end', 'promote'],
  promote: ['promote', 'promote.end'],
  'remediate:cluster': ['cluster', 'propose'],
  'remediate:propose': ['propose', 'apply'],
  'remediate:apply': ['apply', 'done'],
  finish: ['done', 'exit'],
};

let dir: string;
let contractPath: string;
let contract: Contract;
let input: string;
let inputSha: string;
let template: string;
let templateRun: string;
let reference: { summary: RunSummary; digest: Awaited<ReturnType<typeof streamDigest>>; prodRows: number };
let timeline: Record<string, number>;

interface TrialRecord {
  trial: number;
  target: Phase;
  killedIn: string;
  doubleKill?: string;
  completion: 'in-process' | 'cli';
  /** for a kill inside a promotion transaction: what the workspace held afterwards */
  transaction?: 'rolled back' | 'committed';
  /** when this trial's run was first seen registered (ms after spawn), if it was */
  registeredAt?: number;
}
const trials: TrialRecord[] = [];

function copyTemplate(name: string): string {
  const ws = join(dir, name);
  rmSync(ws, { recursive: true, force: true });
  cpSync(template, ws, { recursive: true });
  return ws;
}

const runArgs = (ws: string) => ['run', input, '--contract', contractPath, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder'];

interface Watched {
  events: Record<string, number>;
  progress: RunProgress;
  lastLine: string;
  exit: Finished;
}

/**
 * Runs the command line on `ws`, following its progress (its SQLite rows every 2 ms, its
 * progress lines as they come). With `kill`, sends SIGKILL `delayMs` after `event` is first seen.
 */
async function watchRun(ws: string, kill?: { event: string; delayMs: number }, known: string[] = []): Promise<Watched> {
  const watcher = new StageWatcher(join(ws, 'airlock.sqlite'), new Set([templateRun, ...known]));
  const events: Record<string, number> = {};
  const t0 = Date.now();
  let lastLine = '';
  let killTimer: NodeJS.Timeout | undefined;
  let sigkill = () => undefined as unknown;
  const mark = (ev: string) => {
    if (events[ev] !== undefined) return;
    events[ev] = Date.now() - t0;
    if (kill && ev === kill.event && !killTimer) killTimer = setTimeout(() => sigkill(), kill.delayMs);
  };
  const { child, done } = startAirlock(runArgs(ws), (line) => {
    lastLine = line;
    const m = /^\[(cluster|propose|apply|done)\]/.exec(line);
    if (m) mark(m[1]);
  });
  sigkill = () => child.kill('SIGKILL');
  mark('spawn');
  let progress: RunProgress = { runId: null, status: null, stages: [] };
  let exited = false;
  const poll = async () => {
    while (!exited) {
      progress = watcher.read();
      if (progress.runId) mark('registered');
      for (const s of progress.stages) {
        mark(s.stage);
        if (s.finished) mark(`${s.stage}.end`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const polling = poll();
  const exit = await done;
  exited = true;
  await polling;
  if (killTimer) clearTimeout(killTimer);
  mark('exit');
  progress = watcher.read();
  watcher.close();
  return { events, progress, lastLine, exit };
}

beforeAll(async () => {
  dir = tempDir('proof-crash');
  contractPath = join(dir, 'customers.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  contract = loadContractFile(contractPath);
  const earlier = join(dir, 'customers-earlier.csv');
  writeFileSync(earlier, customerCsv(ROWS, SEED));
  input = join(dir, 'customers.csv');
  writeFileSync(input, customerCsv(ROWS, SEED + 1));
  inputSha = createHash('sha256').update(readFileSync(input)).digest('hex');

  // The template: production already holds an earlier delivery of the same customers (approved
  // by nobody, so it leaves no recipe behind); every trial's run replaces most of its rows.
  template = join(dir, 'template');
  const engine = await openEngine(template);
  try {
    const s = await runBatch(engine, { file: earlier, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
    expect(s.status).toBe('completed');
    templateRun = s.runId;
  } finally {
    engine.close();
  }

  // The reference: the same run, never interrupted, in-process.
  const refWs = copyTemplate('reference');
  const ref = await openEngine(refWs);
  try {
    const summary = await runBatch(ref, { file: input, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
    const prodRows = Number(await queryValue(ref.duck.conn, `SELECT count(*) FROM ${streamTables(contract).prod} WHERE _airlock_run_id = ${sqlString(summary.runId)}`));
    reference = { summary, prodRows, digest: await streamDigest(ref, contract, { [templateRun]: 'earlier', [summary.runId]: 'this' }) };
  } finally {
    ref.close();
  }

  // The timeline of an unkilled command-line run, to spread the kills over each stage.
  const timed = copyTemplate('timeline');
  const w = await watchRun(timed);
  expect(w.exit.code, w.exit.stderr).toBe(0);
  timeline = w.events;
  // the command line and the in-process run did the same work
  const cliEngine = await openEngine(timed);
  try {
    expect(await streamDigest(cliEngine, contract, { [templateRun]: 'earlier', [w.progress.runId!]: 'this' })).toEqual(reference.digest);
  } finally {
    cliEngine.close();
  }
  rmSync(timed, { recursive: true, force: true });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the reference run', () => {
  it('completes, reconciles and goes through every stage, with remediation promoting fixes', () => {
    const s = reference.summary;
    expect(s).toMatchObject({ status: 'completed', reconciled: true, sourceRows: ROWS });
    expect(s.remediatedRows).toBeGreaterThan(0);
    expect(s.clusters).toBeGreaterThan(2);
    for (const ev of ['registered', 'ingest', 'validate', 'promote', 'remediate', 'cluster', 'propose', 'apply', 'done', 'exit']) {
      expect(timeline[ev], ev).toBeGreaterThan(0);
    }
    // most rows of the earlier delivery were replaced, so recovery has history to restore
    expect(reference.digest.history.rows).toBeGreaterThan(ROWS / 2);
  });
});

/** Runs one trial; returns where the process was killed. */
async function trial(i: number, target: Phase, rnd: () => number, startupSpan?: number): Promise<TrialRecord> {
  const ws = copyTemplate(`trial-${i}`);
  const [from, to] = WINDOWS[target];
  // the last window closes at the final write, a few milliseconds after [done], not at exit
  const span = startupSpan ?? Math.max(1, Math.min(target === 'finish' ? 20 : Infinity, (timeline[to] ?? timeline.exit) - timeline[from]));
  // a kill while starting is most useful late (vault, recovery), not while modules load
  const frac = target === 'startup' ? 0.6 + 0.4 * rnd() : rnd();
  const killed = await watchRun(ws, { event: from, delayMs: Math.round(frac * span) });
  const record: TrialRecord = { trial: i, target, killedIn: stageAtKill(killed.progress, killed.lastLine), completion: i % 10 === 0 ? 'cli' : 'in-process', registeredAt: killed.events.registered };
  const killedRun = killed.progress.runId;
  if (record.killedIn !== 'after-finish') {
    expect(killed.exit.signal, `trial ${i}: the process was not killed (exit ${killed.exit.code}): ${killed.exit.stderr.slice(-500)}`).toBe('SIGKILL');
  }

  // --- the workspace exactly as the kill left it
  const vault = checkVault(join(ws, 'vault'));
  expect(vault.corrupt, 'partial vault entry').toEqual([]);

  // A second kill, this time of the next run while it starts and recovers the first.
  let secondFinished = false;
  if (i % 8 === 3 && killedRun) {
    const again = await watchRun(ws, { event: 'spawn', delayMs: Math.round((0.6 + 0.5 * rnd()) * timeline.registered) }, [killedRun]);
    const first = new StageWatcher(join(ws, 'airlock.sqlite'), new Set());
    const firstStatus = first.statusOf(killedRun);
    first.close();
    // On a fast moment the second run can finish before its kill lands: then it is the run that
    // completed (and recovered the first), and the next run of the file is the idempotent answer.
    secondFinished = again.exit.signal !== 'SIGKILL' && again.exit.code === 0;
    record.doubleKill = secondFinished
      ? 'too late: the second run finished before the kill'
      : `${stageAtKill(again.progress, again.lastLine)} (first run ${firstStatus === 'running' ? 'not yet recovered' : 'recovered'})`;
    expect(checkVault(join(ws, 'vault')).corrupt).toEqual([]);
  }

  let engine: Engine = await openEngine(ws);
  try {
    expect(engine.audit.verify().ok, 'audit chain after the kill').toBe(true);
    const run = killedRun ? (engine.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(killedRun) as { status: string }) : undefined;
    // Killed after its fast lane was committed and reported: the run's remediation job is resumed
    // by the next run (remediate/job.ts), not undone.
    // (A second kill can land after the second run's own fast lane: that run is the one resumed.)
    const remediating = (engine.sqlite.prepare(`SELECT run_id FROM runs WHERE status = 'remediating'`).all() as { run_id: string }[]).map((r) => r.run_id);
    expect(remediating.length, 'one run at most is left remediating').toBeLessThanOrEqual(1);
    const resumable = remediating.length === 1;
    const st = streamTables(contract);
    if (killedRun && (run?.status === 'running' || run?.status === 'remediating') && killed.progress.stages.some((s) => s.stage === 'validate' && s.finished)) {
      const rt = runTables(killedRun);
      // Routing is done: at any commit point after it, the killed run reconciles as it stands.
      const rec = await reconcile(engine.duck.conn, killedRun, 'after-kill', st, rt);
      expect(rec, `trial ${i}: killed in ${record.killedIn}, the run does not reconcile as it stands`).toMatchObject({ ok: true, sourceRows: ROWS });
      // ...and it left rows behind for recovery to undo (the check below is not vacuous)
      expect((await leftoversOf(engine, killedRun)).length).toBeGreaterThan(0);
      // All or nothing: a kill inside the promotion of the fast lane, or of the approved fixes,
      // leaves production with none of that promotion or all of it.
      const inProd = Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM ${st.prod} WHERE _airlock_run_id = ${sqlString(killedRun)}`));
      const fast = reference.summary.fastLaneRows;
      if (record.killedIn === 'promote') {
        expect([0, fast], `trial ${i}: ${inProd} rows of the fast lane in production`).toContain(inProd);
        expect(rec.pendingRows).toBe(inProd === 0 ? fast : 0);
        record.transaction = inProd === 0 ? 'rolled back' : 'committed';
      }
      if (record.killedIn === 'remediate:apply') {
        expect([fast, reference.prodRows], `trial ${i}: ${inProd} rows in production during the fixes' promotion`).toContain(inProd);
        record.transaction = inProd === fast ? 'rolled back' : 'committed';
      }
    }

    // --- a new run of the same file completes
    let summary: RunSummary;
    if (record.completion === 'cli') {
      engine.close();
      const r = await airlock([...runArgs(ws), '--json']);
      expect(r.code, r.stderr).toBe(0);
      summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as RunSummary;
      const replay = await airlock(['replay', summary.runId, '--workspace', ws]);
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stderr).toMatch(/identical/);
      engine = await openEngine(ws);
    } else {
      summary = await runBatch(engine, { file: input, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
    }
    if (record.killedIn === 'after-finish' || secondFinished || resumable) {
      // the kill came too late (the run had finished), or after the fast lane (the new run
      // finished the killed run's remediation first): this one is the idempotent answer
      expect(summary.idempotent).toBe(true);
      if (resumable) expect(summary.previousRunId).toBe(remediating[0]);
      summary = { ...summary, runId: summary.previousRunId! };
    } else {
      expect(summary.idempotent ?? false).toBe(false);
    }
    expect(summary).toMatchObject({ status: 'completed', reconciled: true, sourceRows: ROWS });

    // the interrupted run: marked failed, nothing of it left in the stream
    if (killedRun && killedRun !== summary.runId) {
      const status = (engine.sqlite.prepare('SELECT status FROM runs WHERE run_id = ?').get(killedRun) as { status: string }).status;
      expect(status).toBe('failed');
      // Recovery leaves the cluster cells of an undone run in quarantine."<table>__clusters"
      // (reported to the engine's owners); of everything else the run wrote, nothing is left.
      const left = await leftoversOf(engine, killedRun);
      expect(left.filter((l) => !l.includes('__clusters'))).toEqual([]);
    }

    // every other run of this workspace (the killed ones) is marked failed
    const others = engine.sqlite.prepare('SELECT run_id, status FROM runs WHERE run_id NOT IN (?, ?)').all(templateRun, summary.runId) as { run_id: string; status: string }[];
    expect(others.filter((r) => r.status !== 'failed')).toEqual([]);

    // production: no row twice, no key twice, no row lost: identical to the uninterrupted run
    const dupIds = Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM (SELECT _airlock_run_id, _airlock_row_id FROM ${st.prod} GROUP BY ALL HAVING count(*) > 1)`));
    const dupKeys = Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM (SELECT ${sqlIdent('customer_id')} FROM ${st.prod} GROUP BY ALL HAVING count(*) > 1)`));
    expect([dupIds, dupKeys]).toEqual([0, 0]);
    expect(await streamDigest(engine, contract, { [templateRun]: 'earlier', [summary.runId]: 'this' })).toEqual(reference.digest);
    expect(engine.audit.verify().ok, 'audit chain after recovery').toBe(true);
  } finally {
    engine.close();
  }
  const after = checkVault(join(ws, 'vault'));
  expect(after.corrupt).toEqual([]);
  expect(after.entries).toContain(`${inputSha}.csv`);
  rmSync(ws, { recursive: true, force: true });
  return record;
}

describe('SIGKILL at random moments across every stage', () => {
  const schedule = Array.from({ length: TRIALS }, (_, i) => [i, PHASES[i % PHASES.length]] as const);
  it.each(schedule)('trial %i, aimed at %s: after the kill a new run completes, reconciles and matches the uninterrupted run', async (i, target) => {
    const rec = await trial(i, target, seeded(SEED + i));
    trials.push(rec);
  }, 180_000);

  it('the kills landed in every stage: ingest, validation and routing, promotion, remediation', async () => {
    // Kills are aimed by timing, so a stage can be missed on a loaded machine: aim again at any
    // stage no kill reached yet (seeded, at most 8 more trials), then require all of them.
    // A start-up kill is aimed from the timeline run's registration time; when the trials start
    // faster than that run did (a warm cache), aim again within the quickest registration a trial
    // has shown, halving it each time it still lands late.
    const reached = () => new Set(trials.map((t) => t.killedIn.split(':')[0]));
    const wanted: Array<[string, Phase]> = [['startup', 'startup'], ['ingest', 'ingest'], ['validate', 'validate'], ['promote', 'promote'], ['remediate', 'remediate:propose']];
    let startupSpan = Math.min(timeline.registered, ...trials.map((t) => t.registeredAt ?? Infinity));
    for (let extra = 0; extra < 8; extra++) {
      const missing = wanted.find(([stage]) => !reached().has(stage));
      if (!missing) break;
      const aimed = missing[1] === 'startup' ? (startupSpan = Math.max(1, startupSpan / 2)) : undefined;
      trials.push(await trial(TRIALS + extra, missing[1], seeded(SEED + 1000 + extra), aimed));
    }
    const where = trials.map((t) => `${t.trial}:${t.target}->${t.killedIn}${t.doubleKill ? `+${t.doubleKill}` : ''}`).join(' ');
    expect(trials.length, where).toBeGreaterThanOrEqual(30);
    expect([...reached()], where).toEqual(expect.arrayContaining(['startup', 'ingest', 'validate', 'promote', 'remediate']));
    const subStages = new Set(trials.map((t) => t.killedIn).filter((k) => k.startsWith('remediate:')));
    expect(subStages.size).toBeGreaterThanOrEqual(3);
    expect(trials.filter((t) => t.doubleKill).length).toBeGreaterThanOrEqual(3);
    expect(trials.filter((t) => t.completion === 'cli').length).toBeGreaterThanOrEqual(3);
  }, 900_000);
});

describe('the vault copy is atomic: temp file, fsync, rename', () => {
  it('a kill while the input is being copied leaves no entry under its final name; the next copy completes', async () => {
    // large enough that the copy takes a while: the kill lands while the temp file grows
    const big = join(dir, 'big.csv');
    const line = Buffer.from('1,ada lovelace,ada@example.com,526-367-5979,CO,2023-07-12,1459.64,active\n');
    const chunk = Buffer.concat(Array(Math.ceil((1 << 20) / line.length)).fill(line));
    const fd = openSync(big, 'w');
    writeSync(fd, 'customer_id,full_name,email,phone,state,signup_date,lifetime_value,status\n');
    for (let k = 0; k < 96; k++) writeSync(fd, chunk);
    closeSync(fd);
    const size = statSync(big).size;
    const ws = join(dir, 'vault-ws');
    const vaultDir = join(ws, 'vault');
    let partial: { name: string; bytes: number } | undefined;
    for (let attempt = 0; attempt < 3 && !partial; attempt++) {
      rmSync(ws, { recursive: true, force: true });
      const { child, done } = startAirlock(['run', big, '--contract', contractPath, '--workspace', ws, '--no-model', '--no-embedder'], () => undefined);
      let exited = false;
      void done.then(() => (exited = true));
      while (!exited) {
        const incoming = existsSync(vaultDir) ? readdirSync(vaultDir).filter((n) => n.startsWith('.incoming-')) : [];
        const growing = incoming.length > 0 && (statSync(join(vaultDir, incoming[0]), { throwIfNoEntry: false })?.size ?? 0) > 0;
        if (growing) {
          child.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      const exit = await done;
      const v = checkVault(vaultDir);
      expect(v.corrupt).toEqual([]);
      if (exit.signal === 'SIGKILL' && v.incoming.length > 0) {
        const bytes = statSync(join(vaultDir, v.incoming[0])).size;
        // killed mid-copy: the bytes so far sit under the temp name only
        if (bytes < size) {
          partial = { name: v.incoming[0], bytes };
          expect(v.entries).toEqual([]);
        }
      }
    }
    expect(partial, 'no kill landed during the vault copy in 3 attempts').toBeDefined();
    const entry = await storeInVault(big, vaultDir);
    expect(entry.bytes).toBe(size);
    const v = checkVault(vaultDir);
    expect(v.corrupt).toEqual([]);
    expect(v.entries).toEqual([`${entry.sha256}.csv`]);
    rmSync(big, { force: true });
    rmSync(ws, { recursive: true, force: true });
  }, 120_000);
});

describe('the checks can fail (positive controls)', () => {
  it('a lost row, a doubled row, a half promotion, an altered audit entry and a bad vault entry are each caught', async () => {
    const ws = join(dir, 'controls');
    cpSync(join(dir, 'reference'), ws, { recursive: true });
    const runId = reference.summary.runId;
    const roles = { [templateRun]: 'earlier', [runId]: 'this' };
    const st = streamTables(contract);
    const engine = await openEngine(ws);
    try {
      const conn = engine.duck.conn;
      expect(await streamDigest(engine, contract, roles)).toEqual(reference.digest);
      expect((await leftoversOf(engine, runId)).length).toBeGreaterThan(0);
      expect((await reconcile(conn, runId, 'control', st, runTables(runId))).ok).toBe(true);
      // a row lost from production
      await conn.run(`CREATE TEMP TABLE _one AS SELECT * FROM ${st.prod} WHERE _airlock_run_id = ${sqlString(runId)} LIMIT 1`);
      await conn.run(`DELETE FROM ${st.prod} WHERE _airlock_row_id = (SELECT _airlock_row_id FROM _one) AND _airlock_run_id = ${sqlString(runId)}`);
      expect((await streamDigest(engine, contract, roles)).prod).not.toEqual(reference.digest.prod);
      expect((await reconcile(conn, runId, 'control', st, runTables(runId))).ok).toBe(false);
      // the same row twice (half of an upsert applied twice)
      await conn.run(`INSERT INTO ${st.prod} SELECT * FROM _one UNION ALL SELECT * FROM _one`);
      const dupIds = Number(await queryValue(conn, `SELECT count(*) FROM (SELECT _airlock_run_id, _airlock_row_id FROM ${st.prod} GROUP BY ALL HAVING count(*) > 1)`));
      expect(dupIds).toBe(1);
      expect((await reconcile(conn, runId, 'control', st, runTables(runId))).ok).toBe(false);
      // an audit entry altered
      engine.sqlite.prepare("UPDATE audit SET payload = '{}' WHERE seq = 3").run();
      expect(engine.audit.verify().ok).toBe(false);
    } finally {
      engine.close();
    }
    // a vault entry whose bytes do not match its name
    writeFileSync(join(ws, 'vault', `${'0'.repeat(64)}.csv`), 'x');
    expect(checkVault(join(ws, 'vault')).corrupt).toEqual([`${'0'.repeat(64)}.csv`]);
    rmSync(ws, { recursive: true, force: true });
  });
});
