// Gathers what the audit bundle says about a run, from the stores: summary, reconciliation,
// gates, the exact contract, the approved rules, the run's own audit entries, the models,
// inputs and outputs, failures and clusters, and the personal values to keep out of it.
import { ruleOp, type StoredRule } from '../remediate/proposalStore.js';
import { describeRule } from '../remediate/rules/describeRule.js';
import { createRequire } from 'node:module';
import type { Contract } from '../contract/types.js';
import type { BundleInput, RecipeRule, ShippedChange } from '../audit/bundle.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { streamTables } from '../store/tables.js';
import type { Engine } from '../pipeline/context.js';
import type { RunSummary } from '../pipeline/types.js';
import { packageVersion } from '../models/runtimeVersions.js';

export function airlockVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

export async function collectBundleInput(engine: Engine, runId: string, contract: Contract, outputs: { name: string; path: string; rows: number }[], includePii: boolean): Promise<BundleInput> {
  const run = engine.sqlite.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Record<string, string | number>;
  const summary = JSON.parse(String(run.summary_json ?? '{}')) as RunSummary;
  const versionRow = engine.sqlite.prepare('SELECT yaml FROM contract_versions WHERE contract_id = ? AND yaml_sha256 = ? LIMIT 1').get(run.contract_id, run.contract_sha256) as { yaml: string };
  // Only this run's entries: other runs' entries between them stay out (the statement pins the
  // run's ranges of the chain, see auditSlice.ts).
  const auditEntries = engine.audit.entries(runId);
  const st = streamTables(contract);
  const r = sqlString(runId);
  const conn = engine.duck.conn;
  const failures = await queryRows<{ column: string; reason: string; count: number }>(conn,
    `SELECT "column", reason, count(*) AS count FROM ${st.violations} WHERE run_id = ${r} GROUP BY ALL ORDER BY count DESC`);
  // The cells the run's cell_changes entries seal, in their audit form (see pipeline/auditChanges.ts).
  const cellRows = await queryRows<Omit<ShippedChange, 'seq' | 'row_id'> & { seq: bigint | number; row_id: bigint | number }>(conn,
    `SELECT seq, row_id, "column", old_value AS old, new_value AS new, reason, rule, confidence, proposer, ts FROM ${st.auditCells}
     WHERE run_id = ${r} ORDER BY seq, row_id, "column"`);
  const cellChanges: ShippedChange[] = cellRows.map((c) => ({ ...c, seq: Number(c.seq), row_id: Number(c.row_id) }));
  const proposals = engine.sqlite.prepare(`SELECT * FROM proposals WHERE run_id = ? ORDER BY created_at`).all(runId) as Array<Record<string, string | number | null>>;
  const rules: RecipeRule[] = proposals.filter((p) => p.status === 'applied' || p.status === 'approved').map((p) => {
    const rule = JSON.parse(String(p.rule_json)) as StoredRule;
    const op = ruleOp(rule);
    return {
      id: String(p.proposal_id), column: String(p.column_name), rule: op, description: describeRule(op),
      set: op.kind === 'expression' ? op.set : {}, ...(op.kind === 'expression' && op.where ? { where: op.where } : {}), proposer: String(p.proposer),
      confidence: Number(p.confidence), coverage: Number(p.coverage ?? 0), approver: String(p.decided_by ?? ''), patternType: rule.patternType, reasoning: rule.reasoning,
    };
  });
  const clusterRows = engine.sqlite.prepare('SELECT * FROM clusters WHERE run_id = ? ORDER BY size DESC').all(runId) as Array<Record<string, string | number>>;
  const clusters = clusterRows.map((c) => {
    const p = proposals.find((x) => x.cluster_id === c.cluster_id && (x.status === 'applied' || x.status === 'approved'))
      ?? proposals.find((x) => x.cluster_id === c.cluster_id);
    return {
      id: String(c.cluster_id), column: String(c.column_name), reason: String(c.reason), size: Number(c.size),
      samples: JSON.parse(String(c.samples_json)) as { value: string | null; count: number }[],
      rule: p ? String(p.proposal_id) : undefined, status: p ? String(p.status) : 'no proposal',
    };
  });
  const models = (engine.sqlite.prepare('SELECT role, info_json FROM models_used WHERE run_id = ?').all(runId) as Array<{ role: string; info_json: string }>)
    .map((m) => ({ role: m.role, ...(JSON.parse(m.info_json) as Record<string, unknown>) }));
  // Every value of a pii column that this run holds, in production or quarantine.
  const piiValues = new Map<string, string>();
  for (const col of contract.columns.filter((c) => c.pii)) {
    const v = sqlIdent(col.name);
    const rows = await queryRows<{ v: string }>(conn, `SELECT DISTINCT CAST(${v} AS VARCHAR) AS v FROM ${st.prod} WHERE _airlock_run_id = ${r} AND ${v} IS NOT NULL
      UNION SELECT DISTINCT ${v} FROM ${st.quarantine} WHERE _airlock_run_id = ${r} AND ${v} IS NOT NULL
      UNION SELECT DISTINCT old_value FROM ${st.changes} WHERE run_id = ${r} AND "column" = ${sqlString(col.name)} AND old_value IS NOT NULL`);
    const values = rows.map((row) => row.v).filter((x) => !isNoValueWord(x, contract, col.name));
    for (const [clear, token] of engine.pii.tokenMany(values, col.pii!)) piiValues.set(clear, token);
  }
  return {
    runSummary: summary as unknown as Record<string, unknown>,
    reconciliation: summary.reconciliation ?? [],
    gates: summary.gates ?? [],
    contractYaml: versionRow.yaml,
    contractSignature: summary.contract?.signature ?? contract.signature,
    contractSha256: String(run.contract_sha256),
    recipe: { rules },
    auditEntries,
    cellChanges,
    models,
    runtime: {
      airlock: airlockVersion(),
      duckdb: packageVersion('@duckdb/node-api'),
      node: process.version,
      llamaCpp: packageVersion('node-llama-cpp'),
      onnxruntime: packageVersion('onnxruntime-node'),
    },
    inputs: [{ name: String(run.input_name), bytes: Number(run.input_bytes), sha256: String(run.input_sha256) }],
    outputs,
    failures,
    clusters,
    piiValues,
    includePii,
    keysDir: engine.ws.keys,
  };
}

/** Words that stand for "no value" in exports everywhere, declared or not. */
// Short words that are also names (Na, Nan, Nil) are not on it: a surname must stay a token.
const NO_VALUE_WORDS = new Set(['n/a', '#n/a', 'null', 'none', 'unknown', 'missing', 'empty', 'tbd']);

/**
 * Whether a value of a personal-data column is no personal data at all: a missing-value token
 * ('N/A', 'empty') whatever column declares it, a common no-value word, or text without a letter
 * or digit ('-', '?'). An 'N/A' in an e-mail column says no more about a person than the same
 * 'N/A' elsewhere, and treating it as personal would flag every audit entry quoting it.
 */
export function isNoValueWord(value: string, contract: Contract, column?: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || !/[\p{L}\p{N}]/u.test(v) || NO_VALUE_WORDS.has(v)) return true;
  // A token the column itself declares; another column's token only when it is no plain word
  // ('N/A', '-'): a bare 'X' declared elsewhere may be someone's initial here.
  return contract.columns.some((c) => c.missingTokens.some((t) => t.trim().toLowerCase() === v && (c.name === column || /[^\p{L}]/u.test(v))));
}
