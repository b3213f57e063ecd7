// The recipe as the analyst manages it: every rule approved on earlier files of a contract's
// stream, switched off or on again, written out as JSON and read back in. A rule read from a file
// is untrusted: it passes the same rule gate (sandbox for expressions, shape and bounds for the
// other kinds) against the contract before it joins, and a file with one bad rule is refused
// whole, naming the rule. Every change is audited.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AuditLog } from '../audit/log.js';
import type { Contract } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';
import { ruleOp, type StoredRule } from './proposalStore.js';
import { describeRule } from './rules/describeRule.js';
import type { TypedRule } from './rules/ruleTypes.js';
import { validateRule } from './rules/validateRule.js';

export const RECIPE_FORMAT = 'airlock-recipe';
export const RECIPE_FORMAT_VERSION = 1;
/** a recipe file far larger than any real one is refused before it is parsed */
export const MAX_RECIPE_BYTES = 20 * 1024 * 1024;
const MAX_RULES = 10_000;

export interface RecipeEntry {
  proposalId: string;
  column: string;
  rule: TypedRule;
  sentence: string;
  proposer: string;
  confidence: number;
  addedAt: string;
  /** the contract version's SHA-256 the rule was approved under */
  contractSha256: string;
  enabled: boolean;
  disabledBy: string | null;
}

interface Row { proposal_id: string; rule_json: string; added_at: string; contract_sha256: string; disabled_by: string | null }

export function listRecipe(db: Sqlite, contractId: string): RecipeEntry[] {
  const rows = db.prepare(`SELECT r.proposal_id, r.rule_json, r.added_at, r.contract_sha256, d.disabled_by
      FROM recipes r LEFT JOIN recipe_disabled d ON d.contract_id = r.contract_id AND d.proposal_id = r.proposal_id
      WHERE r.contract_id = ? ORDER BY r.added_at, r.rowid`).all(contractId) as Row[];
  return rows.map((r) => {
    const stored = JSON.parse(r.rule_json) as StoredRule & { column: string };
    const rule = ruleOp(stored);
    return {
      proposalId: r.proposal_id, column: stored.column, rule, sentence: describeRule(rule).sentence,
      proposer: String(stored.proposer ?? ''), confidence: Number(stored.confidence ?? 0), addedAt: r.added_at,
      contractSha256: r.contract_sha256, enabled: r.disabled_by === null, disabledBy: r.disabled_by,
    };
  });
}

/** The contracts that have a recipe, with their rule counts. */
export function recipeContracts(db: Sqlite): Array<{ contractId: string; rules: number; disabled: number }> {
  return (db.prepare(`SELECT r.contract_id AS contractId, count(*) AS rules, count(d.proposal_id) AS disabled
      FROM recipes r LEFT JOIN recipe_disabled d ON d.contract_id = r.contract_id AND d.proposal_id = r.proposal_id
      GROUP BY r.contract_id ORDER BY r.contract_id`).all() as Array<{ contractId: string; rules: number; disabled: number }>);
}

export function setRecipeRuleEnabled(db: Sqlite, audit: AuditLog, contractId: string, proposalId: string, enabled: boolean, by: string): RecipeEntry {
  const entry = listRecipe(db, contractId).find((e) => e.proposalId === proposalId);
  if (!entry) throw new UserError(`the recipe of ${contractId} has no rule ${proposalId}.`);
  if (entry.enabled === enabled) return entry;
  db.transaction(() => {
    if (enabled) db.prepare('DELETE FROM recipe_disabled WHERE contract_id = ? AND proposal_id = ?').run(contractId, proposalId);
    else db.prepare('INSERT INTO recipe_disabled (contract_id, proposal_id, disabled_at, disabled_by) VALUES (?, ?, ?, ?)').run(contractId, proposalId, nowIso(), by);
    audit.append({ runId: null, kind: 'recipe', payload: { event: enabled ? 'enabled' : 'disabled', contract: contractId, proposal: proposalId, column: entry.column, by } });
  })();
  return listRecipe(db, contractId).find((e) => e.proposalId === proposalId)!;
}

/** The recipe as a JSON document: the rules (switched-off ones included, marked), in order. */
export function exportRecipe(db: Sqlite, contractId: string): string {
  const rules = listRecipe(db, contractId).map((e) => ({
    proposalId: e.proposalId, column: e.column, rule: e.rule, proposer: e.proposer, confidence: e.confidence, enabled: e.enabled, sentence: e.sentence,
  }));
  return `${JSON.stringify({ format: RECIPE_FORMAT, version: RECIPE_FORMAT_VERSION, contractId, rules }, null, 2)}\n`;
}

type Json = Record<string, unknown>;

/** The rule with only the fields of its kind: a file may carry others, which nothing should store. */
function ruleFields(rule: TypedRule): TypedRule {
  switch (rule.kind) {
    case 'map':
      return {
        kind: 'map', column: rule.column, match: rule.match,
        entries: rule.entries.map((e) => ({ from: e.from, to: e.to, ...(typeof e.count === 'number' ? { count: e.count } : {}), ...(typeof e.enabled === 'boolean' ? { enabled: e.enabled } : {}) })),
      };
    case 'agreedValue':
      return { kind: 'agreedValue', column: rule.column, determinants: rule.determinants, minSupport: rule.minSupport, minMargin: rule.minMargin, ...(rule.sourceColumn !== undefined ? { sourceColumn: rule.sourceColumn } : {}) };
    case 'lookup':
      return { kind: 'lookup', column: rule.column, table: rule.table, form: rule.form, style: rule.style, ...(rule.members !== undefined ? { members: rule.members } : {}) };
    default:
      return rule;
  }
}

/** A rule's identity whatever the order of its keys (a recipe edited by hand is the same rule). */
function sameRuleKey(column: string, rule: TypedRule): string {
  const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted)
    : typeof v === 'object' && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Json)[k])])) : v);
  return `${column}\u0000${JSON.stringify(sorted(rule))}`;
}
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a recipe file into the contract's recipe. Every rule must pass the rule gate against
 * `contract`; the first one that does not refuses the whole file (nothing is added). A rule the
 * recipe already holds (same column, same logic) is not added twice. Returns what was added.
 */
export async function importRecipe(
  db: Sqlite, audit: AuditLog, conn: DuckDBConnection, contract: Contract, text: string, origin: string, by: string,
): Promise<{ added: number; alreadyThere: number }> {
  if (Buffer.byteLength(text) > MAX_RECIPE_BYTES) throw new UserError(`${origin}: the recipe file is over ${MAX_RECIPE_BYTES / 1024 / 1024} MB.`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${origin}: not a JSON recipe file (${(e as Error).message}).`);
  }
  if (!isObj(doc) || doc.format !== RECIPE_FORMAT) throw new UserError(`${origin}: not an Airlock recipe (its "format" must be "${RECIPE_FORMAT}").`);
  if (doc.version !== RECIPE_FORMAT_VERSION) throw new UserError(`${origin}: recipe format version ${JSON.stringify(doc.version)} is not one this Airlock reads (${RECIPE_FORMAT_VERSION}).`);
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) throw new UserError(`${origin}: the recipe has no rules.`);
  if (doc.rules.length > MAX_RULES) throw new UserError(`${origin}: the recipe has ${doc.rules.length} rules (at most ${MAX_RULES}).`);
  const checked: Array<{ column: string; rule: TypedRule; proposer: string; confidence: number; enabled: boolean }> = [];
  for (const [i, r] of (doc.rules as unknown[]).entries()) {
    const where = `${origin}: rule ${i + 1}`;
    if (!isObj(r) || !isObj(r.rule) || typeof r.rule.kind !== 'string') throw new UserError(`${where} needs a "rule" with a "kind".`);
    // A manual edit names rows of one run by their ids: approval never adds one to a recipe.
    if (r.rule.kind === 'manual') throw new UserError(`${where} (${String(r.column ?? r.rule.kind)}) is refused: a manual edit names rows of one run and belongs to no recipe. Nothing was imported.`);
    const gate = await validateRule(conn, r.rule as unknown as TypedRule, contract);
    if (!gate.ok) throw new UserError(`${where} (${String(r.column ?? r.rule.kind)}) is refused: ${gate.reason}. Nothing was imported.`);
    const column = gate.rule.kind === 'expression' ? Object.keys(gate.rule.set)[0] ?? '' : gate.rule.column;
    const confidence = typeof r.confidence === 'number' && r.confidence >= 0 && r.confidence <= 1 ? r.confidence : 0;
    checked.push({ column, rule: ruleFields(gate.rule), proposer: `import:${String(r.proposer ?? 'file').slice(0, 100)}`, confidence, enabled: r.enabled !== false });
  }
  const held = new Set(listRecipe(db, contract.id).map((e) => sameRuleKey(e.column, e.rule)));
  const fileSha = createHash('sha256').update(text).digest('hex').slice(0, 12);
  let added = 0;
  let alreadyThere = 0;
  db.transaction(() => {
    for (const [i, c] of checked.entries()) {
      if (held.has(sameRuleKey(c.column, c.rule))) { alreadyThere++; continue; }
      held.add(sameRuleKey(c.column, c.rule));
      const proposalId = `import:${fileSha}:${i + 1}`;
      const stored = { op: c.rule, column: c.column, proposer: c.proposer, confidence: c.confidence, reasoning: `imported from ${origin} by ${by}`, patternType: 'imported' };
      db.prepare('INSERT OR IGNORE INTO recipes (contract_id, contract_sha256, proposal_id, rule_json, added_at) VALUES (?, ?, ?, ?, ?)')
        .run(contract.id, contract.yamlSha256, proposalId, JSON.stringify(stored), nowIso());
      if (!c.enabled) db.prepare('INSERT OR IGNORE INTO recipe_disabled (contract_id, proposal_id, disabled_at, disabled_by) VALUES (?, ?, ?, ?)').run(contract.id, proposalId, nowIso(), by);
      added++;
    }
    audit.append({ runId: null, kind: 'recipe', payload: { event: 'imported', contract: contract.id, from: origin, sha256: createHash('sha256').update(text).digest('hex'), added, alreadyThere, by } });
  })();
  return { added, alreadyThere };
}
