// Remediation of a run's quarantine, after its fast lane is promoted: the contract version's
// recipe first, then clustering, proposals (row-context strategies, value strategies, then the
// local language model for what they cannot fix), the sandbox, verification, approval by the
// chosen mode, and promotion of the rows that pass. Model output is logic, never data.
import { resolve } from 'node:path';
import type { Contract } from '../contract/types.js';
import type { Engine } from '../pipeline/context.js';
import type { ApprovalMode, Progress } from '../pipeline/types.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { applyApproved } from './apply.js';
import { clusterQuarantine, clusterValues, mergeClusterCells, summarizeClusters } from './clusterCells.js';
import { batchRows, clusterRowIds, quarantinedRows, type RemediationScope } from './context.js';
import { addToRecipe, listProposals, recipeRules, saveClusters, saveProposal, setProposalStatus, type StoredProposal, type StoredRule } from './proposalStore.js';
import { checkProposal } from './sandbox.js';
import { createWorkingCopy, initWorkingViolations, verifyRule, violationsBefore } from './verify.js';
import { acceptable } from './verify.js';
import { FdEvidence, fdAgreedValue } from './strategies/fdAgreedValue.js';
import { valueInOtherColumn } from './strategies/valueInOtherColumn.js';
import { loadReferenceTables, synthesizeValueRules, type ReferenceTables } from './synth/index.js';
import type { Cluster, ValueCount } from './types.js';
import { ModelSession, type ModelChoice } from './modelSession.js';

export interface RemediationOptions extends ModelChoice {
  /** clusters merged when their representatives' embeddings are at least this similar */
  mergeThreshold?: number;
  maxModelCalls?: number;
}

export interface RemediationInput {
  contract: Contract;
  runId: string;
  st: StreamTables;
  rt: RunTables;
  approval: ApprovalMode;
  options: RemediationOptions;
  emit?: (p: Omit<Progress, 'runId'>) => void;
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

export interface RecipeCounts { applied: number; waiting: number }

const RESOURCES = resolve(import.meta.dirname, '..', '..', 'resources');
let referenceCache: ReferenceTables | null = null;

export function approver(mode: ApprovalMode): string | null {
  if (mode.kind === 'all') return 'cli:--approve-all';
  if (mode.kind === 'min-confidence') return `cli:--approve-min-confidence ${mode.min}`;
  return null;
}

export function approves(mode: ApprovalMode, confidence: number): boolean {
  return mode.kind === 'all' || (mode.kind === 'min-confidence' && confidence >= mode.min);
}

export async function remediateRun(engine: Engine, input: RemediationInput): Promise<RemediationResult> {
  const conn = engine.duck.conn;
  const s: RemediationScope = { contract: input.contract, runId: input.runId, st: input.st, rt: input.rt };
  const emit = input.emit ?? (() => undefined);
  const columns = input.contract.columns.map((c) => c.name);
  const models = new ModelSession(engine, input.runId, input.options);
  let modelCalls = 0;
  let remediatedRows = 0;
  try {
    // 1. The recipe of this contract: rules approved on earlier files of the stream, first. They
    // follow this run's approval mode: approved on an earlier file is not approved for this one.
    const recipe = await applyRecipe(engine, s, columns, input.approval);
    remediatedRows += recipe.promotedRows;

    // 2. Clusters of what is left.
    emit({ stage: 'cluster', done: 0, total: 1, message: 'grouping failures into patterns' });
    let clusters = await clusterQuarantine(conn, input.contract, input.runId, input.st);
    clusters = await mergeSimilarClusters(engine, s, clusters, models, input.options.mergeThreshold ?? 0.92);
    saveClusters(engine.sqlite, input.runId, clusters);
    emit({ stage: 'cluster', done: 1, total: 1, message: `${clusters.length} patterns` });
    if (clusters.length === 0) return { clusters: 0, proposals: 0, modelCalls: 0, remediatedRows, models: models.names(), recipe: recipe.counts };

    // 3. Proposals, each proven in the sandbox against a working copy of the quarantine.
    referenceCache ??= loadReferenceTables(RESOURCES);
    const work = await createWorkingCopy(conn, s, '_work');
    await initWorkingViolations(conn, s);
    const maxCalls = input.options.maxModelCalls ?? 50;
    // FD evidence is read from the batch as the working copy has it (earlier fixes applied), and
    // value-level clusters go first, so that groups are judged on repaired values.
    const cols = input.contract.columns.map((c) => sqlIdent(c.name)).join(', ');
    const current = `(SELECT ${cols}, _airlock_row_id FROM ${batchRows(s)} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${work})
      UNION ALL SELECT ${cols}, _airlock_row_id FROM ${work})`;
    const evidence = new FdEvidence(conn, input.contract, current, work);
    const fdOnly = (c: Cluster) => (c.reasons ?? [c.reason]).every((r) => r === 'FD_VIOLATION');
    clusters = [...clusters.filter((c) => !fdOnly(c)), ...clusters.filter(fdOnly)];
    let done = 0;
    for (const cluster of clusters) {
      emit({ stage: 'propose', done, total: clusters.length, message: `${cluster.column}: ${cluster.reason} (${cluster.size} rows)` });
      const before = await violationsBefore(conn, s, cluster.id);
      const candidates = await synthCandidates(engine, s, cluster, evidence);
      let verified = false;
      for (const cand of candidates) {
        if (await tryCandidate(engine, s, work, cluster, cand, columns, before)) {
          verified = true;
          break;
        }
      }
      if (!verified && modelCalls < maxCalls && (await models.llm())) {
        modelCalls += 1;
        const cand = await models.propose(input.contract, cluster);
        if (cand) await tryCandidate(engine, s, work, cluster, cand, columns, before);
      }
      done += 1;
    }
    await conn.run(`DROP TABLE IF EXISTS ${work}; DROP TABLE IF EXISTS _cluster_before; DROP TABLE IF EXISTS _wviol;`);

    // 4. Approval by the chosen mode, then promotion of what was approved.
    const who = approver(input.approval);
    const proposals = listProposals(engine.sqlite, input.runId);
    for (const p of proposals) {
      if (p.status === 'verified' && who && approves(input.approval, p.confidence)) {
        setProposalStatus(engine.sqlite, p.id, 'approved', who);
        engine.audit.append({ runId: input.runId, kind: 'decision', payload: { proposal: p.id, decision: 'approved', by: who, confidence: p.confidence } });
      }
    }
    emit({ stage: 'apply', done: 0, total: 1, message: 'promoting approved fixes' });
    remediatedRows += await promoteApproved(engine, s);
    return { clusters: clusters.length, proposals: proposals.length, modelCalls, remediatedRows, models: models.names(), recipe: recipe.counts };
  } finally {
    await models.dispose();
  }
}

/** Applies every approved (not yet applied) proposal of the run and promotes the rows that pass. */
export async function promoteApproved(engine: Engine, s: RemediationScope): Promise<number> {
  const approved = listProposals(engine.sqlite, s.runId).filter((p) => p.status === 'approved' || p.status === 'applied');
  if (!approved.some((p) => p.status === 'approved')) return 0;
  // A recipe rule has no cluster of its own in this run: it applies to the rows failing in its column.
  const res = await applyApproved(engine, s, approved, (p) => (isRecipeProposal(p) ? failingIn(s, p.column) : clusterRowIds(s, p.clusterId)));
  if (!res.reconciliation.ok) throw new Error(`Sev-1: reconciliation failed while promoting fixes of ${s.runId}`);
  const run = engine.sqlite.prepare('SELECT contract_sha256 FROM runs WHERE run_id = ?').get(s.runId) as { contract_sha256: string };
  for (const p of approved.filter((x) => x.status === 'approved')) {
    setProposalStatus(engine.sqlite, p.id, 'applied');
    addToRecipe(engine.sqlite, s.contract.id, run.contract_sha256, p);
  }
  return res.promotedRows;
}

/** A proposal before the sandbox and verification have seen it. */
type Candidate = Omit<StoredRule, 'verification'>;

async function synthCandidates(engine: Engine, s: RemediationScope, cluster: Cluster, evidence: FdEvidence): Promise<Candidate[]> {
  const conn = engine.duck.conn;
  const col = s.contract.columns.find((c) => c.name === cluster.column);
  if (!col) return [];
  const out: Candidate[] = [];
  const universe = batchRows(s);
  const rows = `(SELECT * FROM ${quarantinedRows(s)} WHERE _airlock_row_id IN (SELECT row_id FROM ${clusterTableOf(s)} WHERE run_id = ${sqlString(s.runId)} AND cluster_id = ${sqlString(cluster.id)}))`;
  const keyCache = new Map<string, Set<string>>();
  const clusterKeys = async (fdef: { determinant: string[] }) => {
    const key = fdef.determinant.length === 1 ? sqlIdent(fdef.determinant[0]) : `concat_ws(chr(31), ${fdef.determinant.map(sqlIdent).join(', ')})`;
    if (!keyCache.has(key)) keyCache.set(key, new Set((await queryRows<{ k: string }>(conn, `SELECT DISTINCT ${key} AS k FROM ${rows} WHERE ${key} IS NOT NULL`)).map((r) => r.k)));
    return keyCache.get(key)!;
  };
  const fd = await fdAgreedValue(evidence, s.contract, cluster, clusterKeys);
  const cross = await valueInOtherColumn(conn, s.contract, cluster, universe, rows);
  // A value found glued into another column explains both cells (the missing one and the noisy
  // one); a group's agreed value only fills the missing one. The fuller explanation goes first.
  for (const r of cross ? [cross, fd] : [fd]) if (r) out.push({ ...r, proposer: `synth:${r.strategy}` });
  const values = await clusterValues(conn, s.st, s.runId, cluster.id);
  const validSample = await validSampleOf(engine, s, col.name);
  const value = synthesizeValueRules({ contract: s.contract, column: col, cluster, values }, { reference: referenceCache!, validSample });
  for (const r of value) {
    out.push({ set: { [col.name]: r.expr }, where: r.where, confidence: r.confidence, reasoning: r.reasoning, patternType: r.patternType, proposer: `synth:${r.strategy}` });
  }
  return out;
}

const validSamples = new Map<string, ValueCount[]>();

/** The column's most common values among rows that pass its checks (once per run and column). */
async function validSampleOf(engine: Engine, s: RemediationScope, column: string): Promise<ValueCount[]> {
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

/** Sandbox, then verification; the proposal is stored with its outcome. True when verified. */
async function tryCandidate(engine: Engine, s: RemediationScope, work: string, cluster: Cluster, cand: Candidate, columns: string[], before?: string): Promise<boolean> {
  const conn = engine.duck.conn;
  const id = `${s.runId}:${cluster.id}:${listProposals(engine.sqlite, s.runId).length + 1}`;
  const base = { id, runId: s.runId, clusterId: cluster.id, column: cluster.column, proposer: cand.proposer, confidence: cand.confidence };
  const rule: StoredRule = { set: cand.set, where: cand.where, confidence: cand.confidence, reasoning: cand.reasoning, patternType: cand.patternType, proposer: cand.proposer, model: cand.model };
  const checked = await checkProposal(conn, { set: cand.set, where: cand.where }, columns);
  if (!checked.ok) {
    saveProposal(engine.sqlite, { ...base, rule, status: 'rejected-by-sandbox', sandboxReason: checked.reason, coverage: null, fixedRows: null, clusterRows: cluster.size });
    engine.audit.append({ runId: s.runId, kind: 'proposal', payload: { proposal: id, cluster: cluster.id, proposer: cand.proposer, status: 'rejected-by-sandbox', reason: checked.reason, model: cand.model ?? null } });
    return false;
  }
  const v = await verifyRule(conn, s, work, cluster.id, cluster.column, checked.set, checked.where, true, before, cand.proposer);
  const ok = acceptable(v);
  const { harm, ...counts } = v;
  const finalRule: StoredRule = { ...rule, set: checked.set, where: checked.where, verification: { ...counts } };
  const why = harm ? `refused by the harm guard: ${harm}` : `fixed ${v.cellsFixed} of ${v.clusterRows} cells, ${v.regressions} regressions`;
  saveProposal(engine.sqlite, { ...base, rule: finalRule, status: ok ? 'verified' : 'unverified', sandboxReason: ok ? null : why, coverage: v.coverage, fixedRows: v.cellsFixed, clusterRows: v.clusterRows });
  engine.audit.append({ runId: s.runId, kind: 'proposal', payload: { proposal: id, cluster: cluster.id, column: cluster.column, proposer: cand.proposer, status: ok ? 'verified' : 'unverified', confidence: cand.confidence, verification: { ...counts }, harm: harm ?? null, model: cand.model ?? null } });
  return ok;
}

function isRecipeProposal(p: StoredProposal): boolean {
  return p.clusterId.startsWith('recipe:');
}

function failingIn(s: RemediationScope, column: string): string {
  return `(SELECT DISTINCT row_id FROM ${s.st.violations} WHERE run_id = ${sqlString(s.runId)} AND "column" = ${sqlString(column)})`;
}

/**
 * Recipe rules apply to the rows of this run that fail in the rule's column, as far as this run's
 * approval mode allows: `--approve-all` applies them all, `--approve-min-confidence X` those at or
 * above X; every other rule (all of them with no flag) is stored as verified and waits for review,
 * like any proposal of this run. The audit entry says which.
 */
async function applyRecipe(engine: Engine, s: RemediationScope, columns: string[], approval: ApprovalMode): Promise<{ promotedRows: number; counts: RecipeCounts }> {
  const rules = recipeRules(engine.sqlite, s.contract.id);
  if (rules.length === 0) return { promotedRows: 0, counts: { applied: 0, waiting: 0 } };
  const conn = engine.duck.conn;
  const who = approver(approval);
  const approvedNow: StoredProposal[] = [];
  const waiting: StoredProposal[] = [];
  for (const [i, r] of rules.entries()) {
    const checked = await checkProposal(conn, { set: r.rule.set, where: r.rule.where }, columns);
    if (!checked.ok) continue;
    const approve = who !== null && approves(approval, r.rule.confidence);
    const p: StoredProposal = {
      id: `${s.runId}:recipe:${i + 1}`, runId: s.runId, clusterId: `recipe:${r.proposalId}`, column: r.column,
      rule: { ...r.rule, set: checked.set, where: checked.where, reasoning: `recipe fix (approved as ${r.proposalId}): ${r.rule.reasoning}` },
      proposer: `recipe:${r.rule.proposer}`, confidence: r.rule.confidence, status: approve ? 'approved' : 'verified', sandboxReason: null, coverage: null, fixedRows: null, clusterRows: null,
      decidedBy: approve ? `recipe (${who})` : null, decidedAt: null, createdAt: '',
    };
    saveProposal(engine.sqlite, p);
    (approve ? approvedNow : waiting).push(p);
  }
  let promotedRows = 0;
  if (approvedNow.length > 0) {
    const res = await applyApproved(engine, s, approvedNow, (p) => failingIn(s, p.column));
    if (!res.reconciliation.ok) throw new Error(`Sev-1: reconciliation failed while applying the recipe to ${s.runId}`);
    for (const p of approvedNow) setProposalStatus(engine.sqlite, p.id, 'applied');
    promotedRows = res.promotedRows;
  }
  engine.audit.append({
    runId: s.runId, kind: 'recipe',
    payload: { approval: who ?? 'none (review)', rules: approvedNow.map((p) => p.id), waitingForReview: waiting.map((p) => p.id), promotedRows },
  });
  return { promotedRows, counts: { applied: approvedNow.length, waiting: waiting.length } };
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

