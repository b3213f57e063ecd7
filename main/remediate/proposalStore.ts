// Proposals and clusters as the review screen and the bundle see them, in SQLite. A proposal's
// status moves: proposed → rejected-by-sandbox | unverified | verified → approved | rejected →
// applied.
import { nowIso, type Sqlite } from '../store/sqlite.js';
import type { Cluster, Proposal } from './types.js';
import type { TypedRule } from './rules/ruleTypes.js';

export type ProposalStatus = 'proposed' | 'rejected-by-sandbox' | 'unverified' | 'verified' | 'approved' | 'rejected' | 'applied';

/**
 * A proposal's rule as stored: the typed rule (`op`) plus where it came from. Rules stored before
 * typed rules existed have only `set`/`where` (an expression); `ruleOp` reads both.
 */
export interface StoredRule extends Omit<Proposal, 'id' | 'clusterId' | 'set'> {
  op?: TypedRule;
  /** the expression of an `expression` rule (legacy field, mirrors `op.set`) */
  set?: Record<string, string>;
  /** model file, size and sha256 when a language model wrote it */
  model?: { fileName: string; sizeBytes: number; sha256: string };
  verification?: Record<string, number>;
  /** what promotion did with it (set when it is applied) */
  applied?: AppliedOutcome;
}

/** What promoting a fix did: cells it changed when it ran, how many of those changes were kept, and why none were. */
export interface AppliedOutcome {
  cellsMatched: number;
  cellsKept: number;
  /** why it changed nothing (null when it changed cells) */
  why: string | null;
}

export interface StoredProposal {
  id: string;
  runId: string;
  clusterId: string;
  column: string;
  rule: StoredRule;
  proposer: string;
  confidence: number;
  status: ProposalStatus;
  sandboxReason: string | null;
  coverage: number | null;
  fixedRows: number | null;
  clusterRows: number | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

type Row = Record<string, string | number | null>;

function fromRow(r: Row): StoredProposal {
  return {
    id: String(r.proposal_id), runId: String(r.run_id), clusterId: String(r.cluster_id), column: String(r.column_name),
    rule: JSON.parse(String(r.rule_json)) as StoredRule, proposer: String(r.proposer), confidence: Number(r.confidence),
    status: r.status as ProposalStatus, sandboxReason: r.sandbox_reason as string | null,
    coverage: r.coverage === null ? null : Number(r.coverage), fixedRows: r.fixed_rows === null ? null : Number(r.fixed_rows),
    clusterRows: r.cluster_rows === null ? null : Number(r.cluster_rows),
    decidedBy: r.decided_by as string | null, decidedAt: r.decided_at as string | null, createdAt: String(r.created_at),
  };
}

/** The typed rule of a stored rule (a legacy rule is an expression). */
export function ruleOp(r: Pick<StoredRule, 'op' | 'set' | 'where'>): TypedRule {
  if (r.op) return r.op;
  return { kind: 'expression', set: r.set ?? {}, ...(r.where ? { where: r.where } : {}) };
}

export function saveProposal(db: Sqlite, p: Omit<StoredProposal, 'createdAt' | 'decidedAt' | 'decidedBy'> & { decidedBy?: string | null }): void {
  db.prepare(`INSERT OR REPLACE INTO proposals (proposal_id, run_id, cluster_id, column_name, rule_json, proposer, confidence, status, sandbox_reason, coverage, fixed_rows, cluster_rows, decided_by, decided_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    p.id, p.runId, p.clusterId, p.column, JSON.stringify(p.rule), p.proposer, p.confidence, p.status, p.sandboxReason,
    p.coverage, p.fixedRows, p.clusterRows, p.decidedBy ?? null, p.decidedBy ? nowIso() : null, nowIso());
}

export function listProposals(db: Sqlite, runId: string): StoredProposal[] {
  return (db.prepare('SELECT * FROM proposals WHERE run_id = ? ORDER BY rowid').all(runId) as Row[]).map(fromRow);
}

export function getProposal(db: Sqlite, id: string): StoredProposal | null {
  const r = db.prepare('SELECT * FROM proposals WHERE proposal_id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : null;
}

export function setProposalStatus(db: Sqlite, id: string, status: ProposalStatus, decidedBy?: string): void {
  db.prepare('UPDATE proposals SET status = ?, decided_by = coalesce(?, decided_by), decided_at = CASE WHEN ? IS NULL THEN decided_at ELSE ? END WHERE proposal_id = ?')
    .run(status, decidedBy ?? null, decidedBy ?? null, nowIso(), id);
}

export function saveClusters(db: Sqlite, runId: string, clusters: Cluster[]): void {
  const stmt = db.prepare(`INSERT OR REPLACE INTO clusters (cluster_id, run_id, column_name, reason, signatures_json, size, distinct_values, samples_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const c of clusters) stmt.run(c.id, runId, c.column, (c.reasons ?? [c.reason]).join('+'), JSON.stringify(c.signatures), c.size, c.distinctValues, JSON.stringify(c.samples));
  })();
}

export function listClusters(db: Sqlite, runId: string): Cluster[] {
  return (db.prepare('SELECT * FROM clusters WHERE run_id = ? ORDER BY size DESC, cluster_id').all(runId) as Row[]).map((r) => {
    const reasons = String(r.reason).split('+');
    return {
      id: String(r.cluster_id), column: String(r.column_name), reason: reasons[0] as Cluster['reason'], reasons,
      signatures: JSON.parse(String(r.signatures_json)) as string[], size: Number(r.size), distinctValues: Number(r.distinct_values),
      samples: JSON.parse(String(r.samples_json)) as Cluster['samples'],
    };
  });
}

/** The recipe rules a run applies: every rule of the contract's recipe the analyst has not switched off. */
export function recipeRules(db: Sqlite, contractId: string): Array<{ proposalId: string; column: string; rule: StoredRule }> {
  return (db.prepare(`SELECT proposal_id, rule_json FROM recipes r WHERE contract_id = ?
      AND NOT EXISTS (SELECT 1 FROM recipe_disabled d WHERE d.contract_id = r.contract_id AND d.proposal_id = r.proposal_id)
      ORDER BY added_at, rowid`).all(contractId) as Row[]).map((r) => {
    const parsed = JSON.parse(String(r.rule_json)) as StoredRule & { column: string };
    return { proposalId: String(r.proposal_id), column: parsed.column, rule: parsed };
  });
}

/**
 * Strategies whose map is decided by this batch's rows (which key a misspelt key's row agrees
 * with): replayed on another file the same value may belong to another row's key, and the map
 * cannot see the row. They fix this run only; the next file's typos are judged from its own rows.
 */
const BATCH_EVIDENCE_PROPOSERS = new Set(['synth:invalid-key-typo', 'synth:fd-determinant-typo']);

/** Whether an applied rule joins the contract's recipe: not an analyst's cell edit, not a batch-evidence map. */
export function recipeEligible(p: StoredProposal): boolean {
  return ruleOp(p.rule).kind !== 'manual' && !BATCH_EVIDENCE_PROPOSERS.has(p.proposer);
}

export function addToRecipe(db: Sqlite, contractId: string, contractSha: string, p: StoredProposal): void {
  // A rule the recipe already holds (same column, same logic) is not added again: recipes would
  // otherwise grow with every file and every later run re-check them all.
  const same = (db.prepare('SELECT rule_json FROM recipes WHERE contract_id = ?').all(contractId) as Array<{ rule_json: string }>)
    .some((r) => {
      const x = JSON.parse(r.rule_json) as StoredRule & { column: string };
      return x.column === p.column && JSON.stringify(ruleOp(x)) === JSON.stringify(ruleOp(p.rule));
    });
  if (same) return;
  db.prepare('INSERT OR IGNORE INTO recipes (contract_id, contract_sha256, proposal_id, rule_json, added_at) VALUES (?, ?, ?, ?, ?)')
    .run(contractId, contractSha, p.id, JSON.stringify({ ...p.rule, column: p.column }), nowIso());
}

/** Records what promotion did with an applied fix, in its stored rule. */
export function setAppliedOutcome(db: Sqlite, id: string, outcome: AppliedOutcome): void {
  const r = db.prepare('SELECT rule_json FROM proposals WHERE proposal_id = ?').get(id) as { rule_json: string } | undefined;
  if (!r) return;
  db.prepare('UPDATE proposals SET rule_json = ? WHERE proposal_id = ?').run(JSON.stringify({ ...(JSON.parse(r.rule_json) as StoredRule), applied: outcome }), id);
}
