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
import { clusterRowIds, quarantinedRows, type RemediationScope } from './context.js';
import { getProposal, listClusters, listProposals, saveProposal, setProposalStatus, type StoredProposal } from './proposalStore.js';
import { promoteApproved } from './remediate.js';
import { checkProposal } from './sandbox.js';
import { createWorkingCopy, updateSql, verifyRule } from './verify.js';
import { acceptable } from './verify.js';

function scopeOf(engine: Engine, runId: string): RemediationScope {
  const { contract } = contractOfRun(engine, runId);
  return { contract, runId, st: streamTables(contract), rt: runTables(runId) };
}

function proposalOf(engine: Engine, runId: string, proposalId: string): StoredProposal {
  const p = getProposal(engine.sqlite, proposalId);
  if (!p || p.runId !== runId) throw new UserError(`proposal ${proposalId} is not part of run ${runId}.`);
  return p;
}

export function decideProposal(engine: Engine, runId: string, proposalId: string, decision: 'approve' | 'reject', by: string): StoredProposal {
  const p = proposalOf(engine, runId, proposalId);
  if (decision === 'approve' && p.status !== 'verified' && p.status !== 'rejected') {
    throw new UserError(`proposal ${proposalId} is ${p.status}: only a verified rule can be approved.`);
  }
  if (p.status === 'applied') throw new UserError(`proposal ${proposalId} is already applied.`);
  setProposalStatus(engine.sqlite, p.id, decision === 'approve' ? 'approved' : 'rejected', by);
  engine.audit.append({ runId, kind: 'decision', payload: { proposal: p.id, decision: decision === 'approve' ? 'approved' : 'rejected', by, at: nowIso() } });
  return getProposal(engine.sqlite, p.id)!;
}

/** An edited rule: checked in the sandbox and verified on the cluster like any proposal. */
export async function editProposal(engine: Engine, runId: string, proposalId: string, edit: { set: Record<string, string>; where?: string }, by: string): Promise<StoredProposal> {
  const p = proposalOf(engine, runId, proposalId);
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const columns = s.contract.columns.map((c) => c.name);
  const id = `${p.id}:edit${listProposals(engine.sqlite, runId).length + 1}`;
  const base = { id, runId, clusterId: p.clusterId, column: p.column, proposer: `analyst:${by}`, confidence: 1 };
  const rule = { set: edit.set, where: edit.where, confidence: 1, reasoning: `edited by ${by} from ${p.id}`, patternType: p.rule.patternType, proposer: `analyst:${by}` };
  const checked = await checkProposal(conn, edit, columns, { maxChars: 20_000 });
  if (!checked.ok) {
    saveProposal(engine.sqlite, { ...base, rule, status: 'rejected-by-sandbox', sandboxReason: checked.reason, coverage: null, fixedRows: null, clusterRows: p.clusterRows });
    engine.audit.append({ runId, kind: 'proposal', payload: { proposal: id, editOf: p.id, by, status: 'rejected-by-sandbox', reason: checked.reason } });
    return getProposal(engine.sqlite, id)!;
  }
  const work = await createWorkingCopy(conn, s, '_review');
  const { harm: _harm, ...v } = await verifyRule(conn, s, work, p.clusterId, p.column, checked.set, checked.where, false, undefined, base.proposer);
  await conn.run(`DROP TABLE IF EXISTS ${work}`);
  const ok = acceptable(v);
  saveProposal(engine.sqlite, { ...base, rule: { ...rule, set: checked.set, where: checked.where, verification: { ...v } }, status: ok ? 'verified' : 'unverified', sandboxReason: ok ? null : `fixed ${v.cellsFixed} of ${v.clusterRows} cells, ${v.regressions} regressions`, coverage: v.coverage, fixedRows: v.cellsFixed, clusterRows: v.clusterRows });
  if (p.status === 'verified') setProposalStatus(engine.sqlite, p.id, 'rejected', by);
  engine.audit.append({ runId, kind: 'proposal', payload: { proposal: id, editOf: p.id, by, status: ok ? 'verified' : 'unverified', verification: { ...v } } });
  return getProposal(engine.sqlite, id)!;
}

/** Only checks a rule (for live feedback while the analyst types): sandbox verdict, no storage. */
export async function checkRule(engine: Engine, runId: string, edit: { set: Record<string, string>; where?: string }): Promise<{ ok: boolean; reason?: string }> {
  const s = scopeOf(engine, runId);
  const r = await checkProposal(engine.duck.conn, edit, s.contract.columns.map((c) => c.name), { maxChars: 20_000 });
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

/** Promotes every approved rule of the run; returns the updated summary. */
export async function promoteReviewed(engine: Engine, runId: string): Promise<RunSummary> {
  const s = scopeOf(engine, runId);
  const { summary } = contractOfRun(engine, runId);
  await promoteApproved(engine, s);
  const updated = await fillCounts(engine, summary, s.st, s.rt, [...(summary.reconciliation ?? [])]);
  engine.sqlite.prepare('UPDATE runs SET summary_json = ? WHERE run_id = ?').run(JSON.stringify(updated), runId);
  return updated;
}

/** Before/after samples of a proposal on its cluster (a handful of rows, for the diff view). */
export async function previewProposal(engine: Engine, runId: string, proposalId: string, limit = 8): Promise<Array<{ rowId: number; column: string; before: string | null; after: string | null }>> {
  const p = proposalOf(engine, runId, proposalId);
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  await conn.run(`CREATE OR REPLACE TEMP TABLE _preview AS SELECT * FROM ${quarantinedRows(s)} WHERE _airlock_row_id IN ${clusterRowIds(s, p.clusterId)} ORDER BY _airlock_row_id LIMIT ${limit}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _preview_after AS SELECT * FROM _preview`);
  await conn.run(updateSql('_preview_after', p.rule.set, '(SELECT _airlock_row_id FROM _preview_after)', p.rule.where));
  const out: Array<{ rowId: number; column: string; before: string | null; after: string | null }> = [];
  for (const col of Object.keys(p.rule.set)) {
    const rows = await queryRows<{ id: number; b: string | null; a: string | null }>(conn, `SELECT b._airlock_row_id AS id, b.${sqlIdent(col)} AS b, a.${sqlIdent(col)} AS a
      FROM _preview b JOIN _preview_after a USING (_airlock_row_id) ORDER BY id`);
    for (const r of rows) out.push({ rowId: Number(r.id), column: col, before: r.b, after: r.a });
  }
  await conn.run('DROP TABLE _preview; DROP TABLE _preview_after;');
  return out;
}

export function reviewState(engine: Engine, runId: string): { clusters: ReturnType<typeof listClusters>; proposals: StoredProposal[] } {
  return { clusters: listClusters(engine.sqlite, runId), proposals: listProposals(engine.sqlite, runId) };
}

