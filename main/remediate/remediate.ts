// Remediation of a run's quarantine, after its fast lane is promoted: the contract version's
// recipe first, then clustering, proposals (row-context strategies, value strategies, then the
// local language model for what they cannot fix), the sandbox, verification, approval by the
// chosen mode, and promotion of the rows that pass. Model output is logic, never data.
import type { Contract } from '../contract/types.js';
import type { Engine } from '../pipeline/context.js';
import type { ApprovalMode, Progress } from '../pipeline/types.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { applyApproved, auditApplied, type AppliedStep } from './apply.js';
import { stepMarkersAfter } from './jobSteps.js';
import { clusterQuarantine, clusterValues, mergeClusterCells, summarizeClusters } from './clusterCells.js';
import { batchRows, evidenceColumns, materializeEvidence, quarantinedRows, type RemediationScope } from './context.js';
import { addToRecipe, recipeEligible, getProposal, setAppliedOutcome, listProposals, recipeRules, ruleOp, saveClusters, saveProposal, setProposalStatus, type AppliedOutcome, type StoredProposal, type StoredRule } from './proposalStore.js';
import { createWorkingCopy, initWorkingViolations, verifyTypedRule, violationsBefore } from './verify.js';
import { validateRule } from './rules/validateRule.js';
import { releaseKeptRules } from './rules/runRule.js';
import { referenceTables } from '../contract/referenceData.js';
import { writtenColumns, type TypedRule } from './rules/ruleTypes.js';
import { acceptable } from './verify.js';
import { FdEvidence, fdAgreedValue } from './strategies/fdAgreedValue.js';
import { valueInOtherColumn } from './strategies/valueInOtherColumn.js';
import { swappedColumns } from './strategies/swappedColumns.js';
import { currencyColumns, currencyOfRow } from './strategies/currencyOfRow.js';
import { invalidKeyTypo } from './strategies/invalidKeyTypo.js';
import { fdDeterminantTypo } from './strategies/fdDeterminantTypo.js';
import { synthesizeValueRules } from './synth/index.js';
import type { Cluster, ValueCount } from './types.js';
import { ModelSession, type ModelChoice } from './modelSession.js';

export interface RemediationOptions extends ModelChoice {
  /** clusters merged when their representatives' embeddings are at least this similar */
  mergeThreshold?: number;
  maxModelCalls?: number;
  /** rounds of cluster → propose → verify → apply at most (DEFAULT_ROUNDS) */
  maxRounds?: number;
}

export interface RemediationInput {
  contract: Contract;
  runId: string;
  st: StreamTables;
  rt: RunTables;
  approval: ApprovalMode;
  options: RemediationOptions;
  emit?: (p: Omit<Progress, 'runId'>) => void;
  /** the run's durable job (job.ts): its steps are recorded as they commit, and a resumed job skips those done */
  durable?: DurableJob;
}

export interface RemediationResult {
  clusters: number;
  proposals: number;
  modelCalls: number;
  remediatedRows: number;
  models: { llm: string | null; embedder: string | null };
  /** recipe rules (approved on earlier files): applied under this run's approval, or waiting for review */
  recipe: RecipeCounts;
}

/** `skipped`: rules that no longer pass the rule gate on this contract (a dropped column), with why */
export interface RecipeCounts { applied: number; waiting: number; skipped?: Array<{ proposalId: string; column: string; reason: string }> }


export function approver(mode: ApprovalMode): string | null {
  if (mode.kind === 'all') return 'cli:--approve-all';
  if (mode.kind === 'min-confidence') return `cli:--approve-min-confidence ${mode.min}`;
  return null;
}

export function approves(mode: ApprovalMode, confidence: number): boolean {
  return mode.kind === 'all' || (mode.kind === 'min-confidence' && confidence >= mode.min);
}

export async function remediateRun(engine: Engine, input: RemediationInput): Promise<RemediationResult> {
  const s: RemediationScope = { contract: input.contract, runId: input.runId, st: input.st, rt: input.rt };
  const emit = input.emit ?? (() => undefined);
  const models = new ModelSession(engine, input.runId, input.options);
  const maxRounds = Math.max(1, input.options.maxRounds ?? DEFAULT_ROUNDS);
  try {
    let prog = input.durable?.progress ?? freshProgress();
    if (input.durable) prog = await resumePoint(engine, s, input.durable, prog);
    // 1. The recipe of this contract: rules approved on earlier files of the stream, first. They
    // follow this run's approval mode: approved on an earlier file is not approved for this one.
    if (prog.stepsDone < 1) {
      input.durable?.reached('recipe');
      prog = await applyRecipe(engine, s, input.approval, prog, input.durable);
    }
    // 2. Rounds, each one step of the job (step 1 + N is round N), until a fixpoint: nothing
    // changed, or nothing new to try.
    while (!prog.finished && prog.stepsDone <= maxRounds) {
      const round = prog.stepsDone;
      prog = await remediationRound(engine, s, input, models, round, round >= maxRounds, prog, emit, input.options.maxModelCalls ?? 50);
      emit({ stage: 'apply', done: round, total: maxRounds, message: `round ${round} committed (step ${prog.stepsDone})` });
    }
    return { clusters: prog.clusters.length, proposals: prog.proposals, modelCalls: prog.modelCalls, remediatedRows: prog.remediatedRows, models: models.names(), recipe: prog.recipe };
  } finally {
    await models.dispose();
  }
}

/**
 * What a remediation job has done, step by step (job.ts keeps it in SQLite): the counts so far,
 * and the state a later step depends on (clusters already tried, the columns' valid samples), so
 * that a resumed job takes the same decisions as one never interrupted.
 */
export interface JobProgress {
  /** committed steps: 0 none, 1 the recipe, 1 + N round N */
  stepsDone: number;
  /** a fixpoint was reached, or the last round is done */
  finished: boolean;
  recipe: RecipeCounts;
  clusters: string[];
  tried: string[];
  proposals: number;
  modelCalls: number;
  remediatedRows: number;
  /** the run's stored proposals when the step committed: a step done again drops those after */
  proposalRows: number;
  validSamples: Record<string, ValueCount[]>;
  /** which process committed each step */
  committedBy: Array<{ step: number; pid: number }>;
}

/** The store's side of a durable job (job.ts). */
export interface DurableJob {
  /** the committed steps' progress (a resumed job), or null for a new one */
  progress: JobProgress | null;
  /** the step the job is working on, for listings */
  reached(step: string): void;
  /** records a committed step; called inside the SQLite transaction that records the step's decisions */
  record(p: JobProgress): void;
}

export function freshProgress(): JobProgress {
  return { stepsDone: 0, finished: false, recipe: { applied: 0, waiting: 0 }, clusters: [], tried: [], proposals: 0, modelCalls: 0, remediatedRows: 0, proposalRows: 0, validSamples: {}, committedBy: [] };
}

/** What a step records in SQLite besides the changes it committed in DuckDB (its marker carries it). */
interface StepPayload {
  kind: 'recipe' | 'round';
  round: number;
  last: boolean;
  /** the progress once the step is done, less what its application did */
  base: JobProgress;
  /** proposals this step approved and applied */
  newly: string[];
  /** rounds record each fix's outcome and add it to the recipe; the recipe step does not */
  outcomes: boolean;
  roundClusters: number;
  roundProposals: number;
  recipeAudit?: Record<string, unknown>;
}

interface StepMarker { payload: StepPayload; applied: AppliedStep }

/**
 * Where a resumed job starts: a step whose DuckDB transaction committed but whose SQLite record
 * did not (a kill between the two) is recorded from its marker, never applied again; proposals
 * of the step that never committed are dropped, as that step is done again from its start.
 */
async function resumePoint(engine: Engine, s: RemediationScope, durable: DurableJob, from: JobProgress): Promise<JobProgress> {
  let prog = from;
  for (const m of await stepMarkersAfter<StepMarker>(engine.duck.conn, s.runId, prog.stepsDone)) {
    if (m.step !== prog.stepsDone + 1) throw new Error(`remediation job of ${s.runId}: DuckDB holds step ${m.step} but the store recorded only ${prog.stepsDone} steps`);
    prog = await finishStep(engine, s, durable, m.step, m.info.payload, m.info.applied);
    engine.audit.append({ runId: s.runId, kind: 'stage', payload: { stage: 'remediation-step-recorded', step: m.step, from: 'the DuckDB marker of a step committed before the process stopped' } });
  }
  const dropped = engine.sqlite.prepare(`DELETE FROM proposals WHERE run_id = ? AND rowid NOT IN (SELECT rowid FROM proposals WHERE run_id = ? ORDER BY rowid LIMIT ?)`)
    .run(s.runId, s.runId, prog.proposalRows).changes;
  if (from.stepsDone > 0 || dropped > 0) {
    engine.audit.append({ runId: s.runId, kind: 'stage', payload: { stage: 'remediation-resumed', stepsDone: prog.stepsDone, droppedProposals: dropped } });
  }
  preloadValidSamples(s.runId, prog.validSamples);
  return prog;
}

/**
 * Records a committed step in SQLite, in one transaction: the audit of its changes, its
 * proposals applied (with their outcomes, and in the recipe), its audit entry, and the job's
 * progress. Either all of it is recorded or none, and then the resume records it from the marker.
 */
async function finishStep(engine: Engine, s: RemediationScope, durable: DurableJob | undefined, step: number, payload: StepPayload, applied: AppliedStep | null): Promise<JobProgress> {
  const db = engine.sqlite;
  db.exec('BEGIN IMMEDIATE');
  try {
    if (applied) await auditApplied(engine, s, applied);
    const run = db.prepare('SELECT contract_sha256 FROM runs WHERE run_id = ?').get(s.runId) as { contract_sha256: string } | undefined;
    for (const id of payload.newly) {
      setProposalStatus(db, id, 'applied');
      if (!payload.outcomes) continue;
      setAppliedOutcome(db, id, appliedOutcome(applied?.perRule[id] ?? { matched: 0, kept: 0 }));
      const p = getProposal(db, id);
      if (p && run && recipeEligible(p)) addToRecipe(db, s.contract.id, run.contract_sha256, p);
    }
    const promotedRows = applied?.promotedRows ?? 0;
    const changedCells = applied?.changedCells ?? 0;
    if (payload.kind === 'recipe') {
      if (payload.recipeAudit) engine.audit.append({ runId: s.runId, kind: 'recipe', payload: { ...payload.recipeAudit, promotedRows } });
    } else {
      engine.audit.append({ runId: s.runId, kind: 'stage', payload: { stage: 'remediation-round', round: payload.round, clusters: payload.roundClusters, proposals: payload.roundProposals, changedCells, promotedRows } });
    }
    const prog: JobProgress = {
      ...payload.base,
      stepsDone: step,
      remediatedRows: payload.base.remediatedRows + promotedRows,
      finished: payload.kind === 'round' && (changedCells === 0 || payload.last),
      committedBy: [...payload.base.committedBy, { step, pid: process.pid }],
    };
    durable?.record(prog);
    db.exec('COMMIT');
    return prog;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** Applies `approved` as one step (its marker in the same DuckDB transaction), then records it. */
async function commitStep(engine: Engine, s: RemediationScope, durable: DurableJob | undefined, step: number, payload: StepPayload, approved: StoredProposal[]): Promise<JobProgress> {
  if (approved.length === 0) return finishStep(engine, s, durable, step, payload, null);
  const res = await applyApproved(engine, s, approved, { reference: referenceTables(), step: { runId: s.runId, step, payload } });
  if (!res.reconciliation.ok) throw new Error(`Sev-1: reconciliation failed while ${payload.kind === 'recipe' ? 'applying the recipe to' : 'promoting fixes of'} ${s.runId}`);
  if (process.env.AIRLOCK_TEST_CRASH_AFTER_COMMIT === String(step)) process.kill(process.pid, 'SIGKILL');
  return finishStep(engine, s, durable, step, payload, res);
}

/** Rounds of cluster → propose → verify → apply, until nothing changes (bounded). */
export const DEFAULT_ROUNDS = 4;

/** One round, as one step of the job: cluster, propose, verify, approve, apply and record. */
async function remediationRound(engine: Engine, s: RemediationScope, input: RemediationInput, models: ModelSession, round: number, last: boolean, prog: JobProgress,
  emit: (p: Omit<Progress, 'runId'>) => void, maxCalls: number): Promise<JobProgress> {
  const conn = engine.duck.conn;
  const step = 1 + round;
  let modelCalls = prog.modelCalls;
  const tried = new Set(prog.tried);
  input.durable?.reached(`round ${round}: cluster`);
  const stepOf = (clusterIds: string[], roundProposals: number): StepPayload => ({
    kind: 'round', round, last, newly: [], outcomes: true, roundClusters: clusterIds.length, roundProposals,
    base: {
      ...prog, tried: [...tried], clusters: [...new Set([...prog.clusters, ...clusterIds])], proposals: prog.proposals + roundProposals, modelCalls,
      proposalRows: listProposals(engine.sqlite, s.runId).length, validSamples: validSamplesOf(s.runId),
    },
  });
  emit({ stage: 'cluster', done: 0, total: 1, message: `grouping failures into patterns (round ${round})` });
  let clusters = await clusterQuarantine(conn, s.contract, s.runId, s.st);
  clusters = await mergeSimilarClusters(engine, s, clusters, models, input.options.mergeThreshold ?? 0.92);
  clusters = clusters.filter((c) => !tried.has(clusterContent(c)));
  for (const c of clusters) tried.add(clusterContent(c));
  saveClusters(engine.sqlite, s.runId, clusters);
  emit({ stage: 'cluster', done: 1, total: 1, message: `${clusters.length} patterns` });
  if (clusters.length === 0) return commitStep(engine, s, input.durable, step, stepOf([], 0), []);
  const before = listProposals(engine.sqlite, s.runId).length;
  input.durable?.reached(`round ${round}: propose`);

  // Proposals, each proven in the sandbox against a working copy of the quarantine.
  const work = await createWorkingCopy(conn, s, '_work');
  await initWorkingViolations(conn, s);
  // FD evidence is read from the batch as the working copy has it (earlier fixes applied).
  // The evidence table: the rows as they stand when the round starts, rebuilt once (below).
  const evidenceTable = await materializeEvidence(conn, s, work, '_wviol', '_evidence');
  const evidence = new FdEvidence(conn, s.contract, batchRows(s), work, evidenceTable);
  let generation = 1;
  evidence.cacheKey = `${s.runId}:${round}:${generation}`;
  let stale = false;
  let votedOnRepaired = false;
  // Value-level clusters go first, so that groups are judged on repaired values.
  const fdOnly = (c: Cluster) => (c.reasons ?? [c.reason]).every((r) => r === 'FD_VIOLATION');
  clusters = [...clusters.filter((c) => !fdOnly(c)), ...clusters.filter(fdOnly)];
  let done = 0;
  for (const cluster of clusters) {
    emit({ stage: 'propose', done, total: clusters.length, message: `${cluster.column}: ${cluster.reason} (${cluster.size} rows)` });
    const beforeViol = await violationsBefore(conn, s, cluster.id);
    // Votes are rebuilt once, where the value-level clusters end: the dependency clusters then vote
    // on repaired values, and every vote of a round reuses its tables (a later round sees the rest).
    if (stale && fdOnly(cluster) && !votedOnRepaired) {
      votedOnRepaired = true;
      await releaseKeptRules(conn);
      await materializeEvidence(conn, s, work, '_wviol', evidenceTable);
      generation += 1;
      evidence.cacheKey = `${s.runId}:${round}:${generation}`;
      stale = false;
    }
    const ev = { table: evidenceTable, cacheKey: evidence.cacheKey };
    const candidates = await synthCandidates(engine, s, cluster, evidence);
    let verified = false;
    for (const cand of candidates) {
      if (await tryCandidate(engine, s, work, cluster, cand, beforeViol, ev)) {
        verified = true;
        stale = true;
        break;
      }
    }
    if (!verified && modelCalls < maxCalls && (await models.llm())) {
      modelCalls += 1;
      const out = await models.propose(s.contract, cluster, await validSampleOf(engine, s, cluster.column));
      if (out && (await tryCandidate(engine, s, work, cluster, out, beforeViol, ev))) stale = true;
    }
    done += 1;
  }
  await releaseKeptRules(conn);
  await conn.run(`DROP TABLE IF EXISTS ${work}; DROP TABLE IF EXISTS _cluster_before; DROP TABLE IF EXISTS _wviol; DROP TABLE IF EXISTS ${evidenceTable};`);

  // Approval by the chosen mode, then application of what was approved.
  const who = approver(input.approval);
  const all = listProposals(engine.sqlite, s.runId);
  for (const p of all) {
    if (p.status === 'verified' && who && approves(input.approval, p.confidence)) {
      setProposalStatus(engine.sqlite, p.id, 'approved', who);
      engine.audit.append({ runId: s.runId, kind: 'decision', payload: { proposal: p.id, decision: 'approved', by: who, confidence: p.confidence } });
    }
  }
  emit({ stage: 'apply', done: 0, total: 1, message: 'applying approved fixes' });
  input.durable?.reached(`round ${round}: apply`);
  const payload = stepOf(clusters.map((c) => c.id), all.length - before);
  const toApply = await approvedToApply(engine, s);
  return commitStep(engine, s, input.durable, step, { ...payload, newly: toApply.filter((p) => p.status === 'approved').map((p) => p.id) }, toApply);
}

/**
 * The rules an application runs: every approved rule of the run, and those applied earlier
 * again where cells of their columns still fail. None when nothing new was approved.
 */
async function approvedToApply(engine: Engine, s: RemediationScope): Promise<StoredProposal[]> {
  const all = listProposals(engine.sqlite, s.runId).filter((p) => p.status === 'approved' || p.status === 'applied');
  if (!all.some((p) => p.status === 'approved')) return [];
  const failing = new Set((await queryRows<{ c: string }>(engine.duck.conn, `SELECT DISTINCT "column" AS c FROM ${s.st.violations} WHERE run_id = ${sqlString(s.runId)}`)).map((r) => r.c));
  return all.filter((p) => p.status === 'approved' || writtenColumns(ruleOp(p.rule)).some((c) => failing.has(c)));
}

function clusterContent(c: Cluster): string {
  return JSON.stringify([c.id, c.size, c.distinctValues, c.samples]);
}

/**
 * Applies every approved rule of the run (and, again, those applied earlier, in order: a later
 * round may have unlocked cells they match) to every quarantined cell it matches, and promotes
 * the rows that pass. Newly approved rules join the contract's recipe.
 */
export async function promoteApproved(engine: Engine, s: RemediationScope): Promise<{ promotedRows: number; changedCells: number }> {
  // A rule applied before is applied again only where cells of its columns still fail.
  const approved = await approvedToApply(engine, s);
  if (approved.length === 0) return { promotedRows: 0, changedCells: 0 };
  const res = await applyApproved(engine, s, approved, { reference: referenceTables() });
  if (!res.reconciliation.ok) throw new Error(`Sev-1: reconciliation failed while promoting fixes of ${s.runId}`);
  const run = engine.sqlite.prepare('SELECT contract_sha256 FROM runs WHERE run_id = ?').get(s.runId) as { contract_sha256: string };
  for (const p of approved.filter((x) => x.status === 'approved')) {
    setProposalStatus(engine.sqlite, p.id, 'applied');
    setAppliedOutcome(engine.sqlite, p.id, appliedOutcome(res.perRule[p.id] ?? { matched: 0, kept: 0 }));
    if (recipeEligible(p)) addToRecipe(engine.sqlite, s.contract.id, run.contract_sha256, p);
  }
  return { promotedRows: res.promotedRows, changedCells: res.changedCells };
}

/** What an applied fix did, and, when it changed nothing, the sentence that says why. */
function appliedOutcome(r: { matched: number; kept: number }): AppliedOutcome {
  if (r.kept > 0) return { cellsMatched: r.matched, cellsKept: r.kept, why: null };
  if (r.matched === 0) {
    return { cellsMatched: 0, cellsKept: 0, why: 'It matched no cell when it ran: the failing cells of its column no longer held the values it rewrites (an earlier fix had changed them, or the rule changes nothing on its own).' };
  }
  return { cellsMatched: r.matched, cellsKept: 0, why: `Its ${r.matched} change${r.matched === 1 ? ' was' : 's were'} undone: each made its row fail a check it did not fail before, or a later fix rewrote the same cell.` };
}

/** A proposal before the sandbox and verification have seen it. */
interface Candidate {
  op: TypedRule;
  confidence: number;
  reasoning: string;
  patternType: string;
  proposer: string;
  model?: StoredRule['model'];
}

/** A row strategy's answer as a typed rule (one that answers with `set`/`where` writes an expression). */
function opOf(r: { op?: TypedRule; set?: Record<string, string>; where?: string }): TypedRule {
  if (r.op) return r.op;
  return { kind: 'expression', set: r.set ?? {}, ...(r.where ? { where: r.where } : {}) };
}

async function synthCandidates(engine: Engine, s: RemediationScope, cluster: Cluster, evidence: FdEvidence): Promise<Candidate[]> {
  const conn = engine.duck.conn;
  const col = s.contract.columns.find((c) => c.name === cluster.column);
  if (!col) return [];
  const out: Candidate[] = [];
  const universe = batchRows(s);
  const rows = `(SELECT * FROM ${quarantinedRows(s)} WHERE _airlock_row_id IN (SELECT row_id FROM ${clusterTableOf(s)} WHERE run_id = ${sqlString(s.runId)} AND cluster_id = ${sqlString(cluster.id)}))`;
  const fd = await fdAgreedValue(evidence, s.contract, cluster, rows);
  const cross = await valueInOtherColumn(conn, s.contract, cluster, universe, rows);
  const swap = await swappedColumns(conn, s.contract, cluster, universe, rows);
  const det = await fdDeterminantTypo(conn, s.contract, cluster, universe, rows);
  // A value found glued into another column, or swapped with it, explains both cells; a group's
  // agreed value only fills one. The fuller explanation goes first. A misspelt determinant is
  // only ever a cluster of its own reason, so its place does not compete.
  for (const r of [swap, cross, fd, det]) {
    if (r) out.push({ op: opOf(r), confidence: r.confidence, reasoning: r.reasoning, patternType: r.patternType, proposer: `synth:${r.strategy}` });
  }
  const values = await clusterValues(conn, s.st, s.runId, cluster.id);
  const validSample = await validSampleOf(engine, s, col.name);
  const value = await synthesizeValueRules(conn, { contract: s.contract, column: col, cluster, values }, { reference: referenceTables(), validSample });
  // Where a column of the row names a currency, a currency marker is judged against it
  // (currencyOfRow), never stripped from the value alone: '$12.50' on a CAD row is not 12.50 CAD.
  const moneyAsked = col.logicalType === 'number' && (value.some((r) => r.patternType === 'currency') || (cluster.reasons ?? [cluster.reason]).includes('TYPE_MISMATCH'));
  // Measured per cluster, over the batch as it stands (a cache across rounds would let a resumed
  // job, which measures afresh, decide otherwise than the uninterrupted run).
  const money = moneyAsked ? await currencyColumns(conn, s.contract, col.name, universe, referenceTables()) : null;
  for (const r of value) {
    if (money?.currencyLike.length && r.patternType === 'currency') continue;
    out.push({ op: r.op, confidence: r.confidence, reasoning: r.reasoning, patternType: r.patternType, proposer: `synth:${r.strategy}` });
  }
  // A key that fails its checks, singled out by its row's dependents: after the value strategies,
  // which repair a value from its own form, since this one only reaches rows whose dependents are intact.
  const key = await invalidKeyTypo(conn, s.contract, cluster, universe, rows);
  // Amounts in the row's own currency (the value strategies' currency rules were left out above).
  const own = money ? await currencyOfRow(conn, s.contract, cluster, universe, rows, referenceTables(), money) : null;
  for (const r of [key, own]) {
    if (r) out.push({ op: opOf(r), confidence: r.confidence, reasoning: r.reasoning, patternType: r.patternType, proposer: `synth:${r.strategy}` });
  }
  return out;
}

const validSamples = new Map<string, ValueCount[]>();

/** The valid samples this process has taken for the run's columns (a job keeps them: job.ts). */
function validSamplesOf(runId: string): Record<string, ValueCount[]> {
  const out: Record<string, ValueCount[]> = {};
  for (const [k, v] of validSamples) {
    const [run, column] = k.split('\u001f');
    if (run === runId) out[column] = v;
  }
  return out;
}

/** A resumed job's samples, as the process that took them had them. */
function preloadValidSamples(runId: string, samples: Record<string, ValueCount[]>): void {
  for (const [column, v] of Object.entries(samples)) validSamples.set(`${runId}\u001f${column}`, v);
}

/** The column's most common values among rows that pass its checks (once per run and column). */
export async function validSampleOf(engine: Engine, s: RemediationScope, column: string): Promise<ValueCount[]> {
  const key = `${s.runId}\u001f${column}`;
  const hit = validSamples.get(key);
  if (hit) return hit;
  const rows = await queryRows<{ value: string; count: number }>(engine.duck.conn, `SELECT ${sqlIdent(column)} AS value, count(*) AS count FROM ${batchRows(s)}
    WHERE _airlock_row_id NOT IN (SELECT row_id FROM ${s.st.violations} WHERE run_id = ${sqlString(s.runId)} AND "column" = ${sqlString(column)}) AND ${sqlIdent(column)} IS NOT NULL
    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 200`);
  const sample = rows.map((v) => ({ value: v.value, count: Number(v.count) }));
  if (validSamples.size > 1000) validSamples.clear();
  validSamples.set(key, sample);
  return sample;
}

function clusterTableOf(s: RemediationScope): string {
  return s.st.violations.replace(/__violations"$/, '__clusters"');
}

/** The stored form of a typed rule: the op, with the legacy `set`/`where` of an expression. */
export function storedRule(op: TypedRule, meta: Omit<StoredRule, 'op' | 'set' | 'where'>): StoredRule {
  return { ...meta, op, ...(op.kind === 'expression' ? { set: op.set, ...(op.where ? { where: op.where } : {}) } : {}) };
}

/** The gate, then verification; the proposal is stored with its outcome. True when verified. */
async function tryCandidate(engine: Engine, s: RemediationScope, work: string, cluster: Cluster, cand: Candidate, before?: string, evidence?: { table: string; cacheKey: string }): Promise<boolean> {
  const conn = engine.duck.conn;
  const id = `${s.runId}:${cluster.id}:${listProposals(engine.sqlite, s.runId).length + 1}`;
  const base = { id, runId: s.runId, clusterId: cluster.id, column: cluster.column, proposer: cand.proposer, confidence: cand.confidence };
  const meta = { confidence: cand.confidence, reasoning: cand.reasoning, patternType: cand.patternType, proposer: cand.proposer, ...(cand.model ? { model: cand.model } : {}) };
  const checked = await validateRule(conn, cand.op, s.contract);
  if (!checked.ok) {
    saveProposal(engine.sqlite, { ...base, rule: storedRule(cand.op, meta), status: 'rejected-by-sandbox', sandboxReason: checked.reason, coverage: null, fixedRows: null, clusterRows: cluster.size });
    engine.audit.append({ runId: s.runId, kind: 'proposal', payload: { proposal: id, cluster: cluster.id, proposer: cand.proposer, kind: cand.op.kind, status: 'rejected-by-sandbox', reason: checked.reason, model: cand.model ?? null } });
    return false;
  }
  // The round's evidence table holds the columns the contract's dependencies vote on; a rule naming
  // others (a model's) is judged over the full relation instead.
  const covered = checked.rule.kind !== 'agreedValue' || evidenceColumns(s.contract, [checked.rule]).every((c) => evidenceColumns(s.contract).includes(c));
  const v = await verifyTypedRule(conn, s, work, '_wviol', cluster.id, cluster.column, checked.rule, true, before, cand.proposer, covered ? evidence : undefined);
  const ok = acceptable(v);
  const { harm, ...counts } = v;
  const finalRule: StoredRule = { ...storedRule(checked.rule, meta), verification: { ...counts } };
  const why = harm ? `refused by the harm guard: ${harm}` : `fixed ${v.cellsFixed} of ${v.clusterRows} cells, ${v.regressions} regressions`;
  saveProposal(engine.sqlite, { ...base, rule: finalRule, status: ok ? 'verified' : 'unverified', sandboxReason: ok ? null : why, coverage: v.coverage, fixedRows: v.cellsFixed, clusterRows: v.clusterRows });
  engine.audit.append({ runId: s.runId, kind: 'proposal', payload: { proposal: id, cluster: cluster.id, column: cluster.column, proposer: cand.proposer, kind: checked.rule.kind, status: ok ? 'verified' : 'unverified', confidence: cand.confidence, verification: { ...counts }, harm: harm ?? null, model: cand.model ?? null } });
  return ok;
}

/**
 * Recipe rules apply to every cell of this run that fails in a column they write, as far as this
 * run's approval mode allows: `--approve-all` applies them all, `--approve-min-confidence X` those
 * at or above X; every other rule (all of them with no flag) is stored as verified and waits for
 * review, like any proposal of this run. The audit entry says which. A rule that computes its
 * evidence when applied (agreedValue) decides this file's new keys from this file's groups.
 */
async function applyRecipe(engine: Engine, s: RemediationScope, approval: ApprovalMode, prog: JobProgress, durable: DurableJob | undefined): Promise<JobProgress> {
  const rules = recipeRules(engine.sqlite, s.contract.id);
  const payloadOf = (counts: RecipeCounts, newly: string[], recipeAudit?: Record<string, unknown>): StepPayload => ({
    kind: 'recipe', round: 0, last: false, newly, outcomes: false, roundClusters: 0, roundProposals: 0, recipeAudit,
    base: { ...prog, recipe: counts, proposalRows: listProposals(engine.sqlite, s.runId).length, validSamples: validSamplesOf(s.runId) },
  });
  if (rules.length === 0) return finishStep(engine, s, durable, 1, payloadOf({ applied: 0, waiting: 0 }, []), null);
  const conn = engine.duck.conn;
  const who = approver(approval);
  const approvedNow: StoredProposal[] = [];
  const waiting: StoredProposal[] = [];
  const skipped: Array<{ proposalId: string; column: string; reason: string }> = [];
  for (const [i, r] of rules.entries()) {
    const checked = await validateRule(conn, ruleOp(r.rule), s.contract);
    // Never silently: a rule the contract no longer allows is named in the audit and the summary.
    if (!checked.ok) {
      skipped.push({ proposalId: r.proposalId, column: r.column, reason: checked.reason });
      continue;
    }
    const approve = who !== null && approves(approval, r.rule.confidence);
    const { op: _op, set: _set, where: _where, verification: _v, ...meta } = r.rule;
    const p: StoredProposal = {
      id: `${s.runId}:recipe:${i + 1}`, runId: s.runId, clusterId: `recipe:${r.proposalId}`, column: r.column,
      rule: storedRule(checked.rule, { ...meta, reasoning: `recipe fix (approved as ${r.proposalId}): ${r.rule.reasoning}` }),
      proposer: `recipe:${r.rule.proposer}`, confidence: r.rule.confidence, status: approve ? 'approved' : 'verified', sandboxReason: null, coverage: null, fixedRows: null, clusterRows: null,
      decidedBy: approve ? `recipe (${who})` : null, decidedAt: null, createdAt: '',
    };
    saveProposal(engine.sqlite, p);
    (approve ? approvedNow : waiting).push(p);
  }
  const counts: RecipeCounts = { applied: approvedNow.length, waiting: waiting.length, ...(skipped.length ? { skipped } : {}) };
  const audit = { approval: who ?? 'none (review)', rules: approvedNow.map((p) => p.id), waitingForReview: waiting.map((p) => p.id), ...(skipped.length ? { skipped } : {}) };
  return commitStep(engine, s, durable, 1, payloadOf(counts, approvedNow.map((p) => p.id), audit), approvedNow);
}

/**
 * Signature groups of the same column and reasons that mean the same thing are merged when the
 * embeddings of their most common values are close (only representatives are embedded).
 */
async function mergeSimilarClusters(engine: Engine, s: RemediationScope, clusters: Cluster[], models: ModelSession, threshold: number): Promise<Cluster[]> {
  const byKey = new Map<string, Cluster[]>();
  for (const c of clusters) {
    const key = `${c.column}\u001f${(c.reasons ?? [c.reason]).join('+')}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  if (![...byKey.values()].some((g) => g.length > 1)) return clusters;
  const embedder = await models.embedder();
  if (!embedder) return clusters;
  let merged = 0;
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const vectors = await embedder.embed(group.map((c) => c.samples[0]?.value ?? ''));
    const ids = mergeGroups(vectors, threshold, models);
    const buckets = new Map<number, Cluster[]>();
    group.forEach((c, i) => buckets.set(ids[i], [...(buckets.get(ids[i]) ?? []), c]));
    for (const members of buckets.values()) {
      if (members.length < 2) continue;
      await mergeClusterCells(engine.duck.conn, s.st, s.runId, members[0].id, members.slice(1).map((m) => m.id));
      merged += members.length - 1;
    }
  }
  if (merged === 0) return clusters;
  engine.audit.append({ runId: s.runId, kind: 'stage', payload: { stage: 'cluster-merge', merged, threshold, embedder: models.names().embedder } });
  return summarizeClusters(engine.duck.conn, s.runId, s.st);
}

function mergeGroups(vectors: Float32Array[], threshold: number, models: ModelSession): number[] {
  return models.merge(vectors, threshold);
}

