// The analyst's review of a run's proposals: approve, reject, or edit a rule (an edit is a new
// proposal that goes through the sandbox and verification again), then promote what was
// approved. Every decision is an audit entry. Used by the app; the CLI approves by mode.
import { UserError } from '../contract/errors.js';
import { contractOfRun } from '../export/exportRun.js';
import type { Engine } from '../pipeline/context.js';
import { fillCounts } from '../pipeline/runBatch.js';
import type { RunSummary } from '../pipeline/types.js';
import { nowIso } from '../store/sqlite.js';
import { queryRows, sqlIdent } from '../store/duckdb.js';
import { runTables, streamTables } from '../store/tables.js';
import { clusterRowIds, evidenceRows, quarantinedRows, type RemediationScope } from './context.js';
import { getProposal, listClusters, listProposals, ruleOp, saveProposal, setProposalStatus, type StoredProposal } from './proposalStore.js';
import { promoteApproved, storedRule } from './remediate.js';
import { acceptable, createWorkingCopy, initWorkingViolations, updateSql, verifyTypedRule } from './verify.js';
import { validateRule } from './rules/validateRule.js';
import { approvalOf } from './approval.js';
import { referenceTables } from '../contract/referenceData.js';
import { withCompiledRule } from './rules/runRule.js';
import { writtenColumns, type TypedRule } from './rules/ruleTypes.js';

export function scopeOf(engine: Engine, runId: string): RemediationScope {
  const { contract } = contractOfRun(engine, runId);
  return { contract, runId, st: streamTables(contract), rt: runTables(runId) };
}

export function proposalOf(engine: Engine, runId: string, proposalId: string): StoredProposal {
  const p = getProposal(engine.sqlite, proposalId);
  if (!p || p.runId !== runId) throw new UserError(`proposal ${proposalId} is not part of run ${runId}.`);
  return p;
}

export function decideProposal(engine: Engine, runId: string, proposalId: string, decision: 'approve' | 'reject', by: string): StoredProposal {
  const p = proposalOf(engine, runId, proposalId);
  if (p.status === 'applied') throw new UserError(`proposal ${proposalId} is already applied.`);
  const verdict = approvalOf(p);
  if (decision === 'approve' && !verdict.allowed) throw new UserError(`proposal ${proposalId} cannot be approved. ${verdict.reason}`);
  setProposalStatus(engine.sqlite, p.id, decision === 'approve' ? 'approved' : 'rejected', by);
  engine.audit.append({ runId, kind: 'decision', payload: { proposal: p.id, decision: decision === 'approve' ? 'approved' : 'rejected', by, at: nowIso() } });
  return getProposal(engine.sqlite, p.id)!;
}

/**
 * An edited rule: gated (sandbox for an expression, shape checks for the other kinds) and verified
 * on the cluster like any proposal, stored as a new proposal; the one it edits stays on record.
 * An expression edit is `{set, where}`; a value map is edited as its lines (`{op}` of kind map).
 */
export async function editProposal(engine: Engine, runId: string, proposalId: string, edit: { set: Record<string, string>; where?: string } | { op: TypedRule }, by: string): Promise<StoredProposal> {
  const p = proposalOf(engine, runId, proposalId);
  const op: TypedRule = 'op' in edit ? edit.op : { kind: 'expression', set: edit.set, ...(edit.where ? { where: edit.where } : {}) };
  return proposeRule(engine, runId, { clusterId: p.clusterId, column: p.column, op, patternType: p.rule.patternType, reasoning: `edited by ${by} from ${p.id}`, editOf: p }, by);
}

/**
 * The analyst's own values for chosen quarantined cells: a `manual` rule, verified like any
 * proposal (on the rows it names) and applied once approved, with every cell in the audit.
 */
export async function proposeManualEdit(engine: Engine, runId: string, column: string, cells: Array<{ rowId: number; value: string | null }>, by: string): Promise<StoredProposal> {
  const op: TypedRule = { kind: 'manual', column, runId, cells };
  return proposeRule(engine, runId, { clusterId: `manual:${column}`, column, op, patternType: 'manual-edit', reasoning: `cells set by ${by}` }, by);
}

async function proposeRule(engine: Engine, runId: string, r: { clusterId: string; column: string; op: TypedRule; patternType: string; reasoning: string; editOf?: StoredProposal }, by: string): Promise<StoredProposal> {
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const id = `${r.editOf?.id ?? `${runId}:${r.clusterId}`}:edit${listProposals(engine.sqlite, runId).length + 1}`;
  const proposer = `analyst:${by}`;
  const base = { id, runId, clusterId: r.clusterId, column: r.column, proposer, confidence: 1 };
  const meta = { confidence: 1, reasoning: r.reasoning, patternType: r.patternType, proposer };
  const clusterRows = r.editOf?.clusterRows ?? null;
  const checked = await validateRule(conn, r.op, s.contract, { maxChars: 20_000 });
  if (!checked.ok) {
    saveProposal(engine.sqlite, { ...base, rule: storedRule(r.op, meta), status: 'rejected-by-sandbox', sandboxReason: checked.reason, coverage: null, fixedRows: null, clusterRows });
    engine.audit.append({ runId, kind: 'proposal', payload: { proposal: id, editOf: r.editOf?.id ?? null, by, kind: r.op.kind, status: 'rejected-by-sandbox', reason: checked.reason } });
    return getProposal(engine.sqlite, id)!;
  }
  const work = await createWorkingCopy(conn, s, '_review');
  const viol = await initWorkingViolations(conn, s, '_review_viol');
  const { harm, ...v } = await verifyTypedRule(conn, s, work, viol, r.clusterId, r.column, checked.rule, false, undefined, proposer);
  await conn.run(`DROP TABLE IF EXISTS ${work}; DROP TABLE IF EXISTS ${viol};`);
  const ok = acceptable({ ...v, harm });
  const why = harm ? `refused by the harm guard: ${harm}` : `fixed ${v.cellsFixed} of ${v.clusterRows} cells, ${v.regressions} regressions`;
  saveProposal(engine.sqlite, { ...base, rule: { ...storedRule(checked.rule, meta), verification: { ...v } }, status: ok ? 'verified' : 'unverified', sandboxReason: ok ? null : why, coverage: v.coverage, fixedRows: v.cellsFixed, clusterRows: v.clusterRows });
  if (r.editOf?.status === 'verified') setProposalStatus(engine.sqlite, r.editOf.id, 'rejected', by);
  engine.audit.append({ runId, kind: 'proposal', payload: { proposal: id, editOf: r.editOf?.id ?? null, by, kind: checked.rule.kind, status: ok ? 'verified' : 'unverified', verification: { ...v } } });
  return getProposal(engine.sqlite, id)!;
}

/** Only checks a rule (for live feedback while the analyst types): the gate's verdict, no storage. */
export async function checkRule(engine: Engine, runId: string, edit: { set: Record<string, string>; where?: string } | { op: TypedRule }): Promise<{ ok: boolean; reason?: string }> {
  const s = scopeOf(engine, runId);
  const op: TypedRule = 'op' in edit ? edit.op : { kind: 'expression', set: edit.set, ...(edit.where ? { where: edit.where } : {}) };
  const r = await validateRule(engine.duck.conn, op, s.contract, { maxChars: 20_000 });
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

/** Promotes every approved rule of the run; returns the updated summary. */
export async function promoteReviewed(engine: Engine, runId: string): Promise<RunSummary> {
  const s = scopeOf(engine, runId);
  const { summary } = contractOfRun(engine, runId);
  await promoteApproved(engine, s);
  // The run's final counts are taken again: the earlier 'final' gives way to the new one (a
  // second 'final' row in the Run screen's table read as two different endings).
  const updated = await fillCounts(engine, summary, s.st, s.rt, (summary.reconciliation ?? []).filter((r) => r.stage !== 'final'));
  engine.sqlite.prepare('UPDATE runs SET summary_json = ? WHERE run_id = ?').run(JSON.stringify(updated), runId);
  return updated;
}

/** Before/after samples of a proposal on its cluster (a handful of rows, for the diff view). */
export async function previewProposal(engine: Engine, runId: string, proposalId: string, limit = 8): Promise<Array<{ rowId: number; column: string; before: string | null; after: string | null }>> {
  const p = proposalOf(engine, runId, proposalId);
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const op = ruleOp(p.rule);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _preview AS SELECT * FROM ${quarantinedRows(s)} WHERE _airlock_row_id IN ${clusterRowIds(s, p.clusterId, p.column)} ORDER BY _airlock_row_id LIMIT ${limit}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _preview_after AS SELECT * FROM _preview`);
  const viol = await initWorkingViolations(conn, s, '_preview_viol');
  const ctx = { contract: s.contract, runId, evidence: evidenceRows(s, '_preview', viol), reference: referenceTables() };
  await withCompiledRule(conn, op, ctx, (c) => conn.run(updateSql('_preview_after', c.set, '(SELECT _airlock_row_id FROM _preview_after)', c.where)));
  const out: Array<{ rowId: number; column: string; before: string | null; after: string | null }> = [];
  for (const col of writtenColumns(op)) {
    const rows = await queryRows<{ id: number; b: string | null; a: string | null }>(conn, `SELECT b._airlock_row_id AS id, b.${sqlIdent(col)} AS b, a.${sqlIdent(col)} AS a
      FROM _preview b JOIN _preview_after a USING (_airlock_row_id) ORDER BY id`);
    for (const r of rows) out.push({ rowId: Number(r.id), column: col, before: r.b, after: r.a });
  }
  await conn.run(`DROP TABLE _preview; DROP TABLE _preview_after; DROP TABLE ${viol};`);
  return out;
}

export function reviewState(engine: Engine, runId: string): { clusters: ReturnType<typeof listClusters>; proposals: StoredProposal[] } {
  return { clusters: listClusters(engine.sqlite, runId), proposals: listProposals(engine.sqlite, runId) };
}

