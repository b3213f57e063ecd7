// Promotion of approved fixes. The approved rules are applied, in order, to a working copy of
// the run's quarantined rows; every changed cell is attributed to the rule that last changed it;
// the rows that now pass every check (in the batch's context) are upserted into production with
// each changed cell recorded, leave quarantine, and reconciliation is checked before COMMIT.
// Rows that still fail stay in quarantine exactly as they arrived.
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { upsertIntoProduction } from '../pipeline/promote.js';
import { reconcile } from '../pipeline/reconcile.js';
import { auditTableChanges } from '../pipeline/auditChanges.js';
import type { Engine } from '../pipeline/context.js';
import type { Reconciliation } from '../pipeline/types.js';
import { nowIso } from '../store/sqlite.js';
import { rowHashSql } from '../validate/route.js';
import { clusterRowIds, type RemediationScope } from './context.js';
import { createWorkingCopy, updateSql, violationsOf } from './verify.js';
import type { StoredProposal } from './proposalStore.js';

export interface ApplyResult {
  promotedRows: number;
  changedCells: number;
  reconciliation: Reconciliation;
}

export async function applyApproved(engine: Engine, s: RemediationScope, proposals: StoredProposal[], rowIdsFor?: (p: StoredProposal) => string): Promise<ApplyResult> {
  const conn = engine.duck.conn;
  const r = sqlString(s.runId);
  const work = await createWorkingCopy(conn, s, '_apply');
  await conn.run('CREATE OR REPLACE TEMP TABLE _orig AS SELECT * FROM _apply');
  await conn.run(`CREATE OR REPLACE TEMP TABLE _chg (row_id BIGINT, "column" VARCHAR, new_value VARCHAR, rule VARCHAR, proposer VARCHAR, confidence DOUBLE, seq INTEGER)`);
  let seq = 0;
  for (const p of proposals) {
    seq += 1;
    const ids = rowIdsFor ? rowIdsFor(p) : clusterRowIds(s, p.clusterId);
    // The cells this rule will change, recorded before the UPDATE (no copy of the working table).
    const where = `_airlock_row_id IN ${ids}${p.rule.where ? ` AND coalesce((${p.rule.where}), false)` : ''}`;
    for (const [c, expr] of Object.entries(p.rule.set)) {
      await conn.run(`INSERT INTO _chg SELECT _airlock_row_id, ${sqlString(c)}, (${expr}), ${sqlString(p.id)}, ${sqlString(p.proposer)}, ${p.confidence}, ${seq}
        FROM ${work} WHERE ${where} AND (${expr}) IS DISTINCT FROM ${sqlIdent(c)}`);
    }
    await conn.run(updateSql(work, p.rule.set, ids, p.rule.where));
  }
  // Only the checks the changed columns can affect are run again; the rest carry over.
  const changedColumns = [...new Set(proposals.flatMap((p) => Object.keys(p.rule.set)))];
  await conn.run(`CREATE OR REPLACE TEMP TABLE _arrived_viol AS SELECT row_id, "column", reason, rule, detail FROM ${s.st.violations} WHERE run_id = ${r} AND reason <> 'MALFORMED_RECORD'`);
  await violationsOf(conn, s, work, work, `(SELECT _airlock_row_id FROM ${work})`, '_left', changedColumns, '_arrived_viol');
  await conn.run('DROP TABLE _arrived_viol');
  await conn.run(`CREATE OR REPLACE TEMP TABLE _ready AS
    SELECT w.*, ${rowHashSql(s.contract, 'o')} AS _airlock_row_hash FROM ${work} w JOIN _orig o USING (_airlock_row_id)
    WHERE w._airlock_row_id NOT IN (SELECT row_id FROM _left)
      AND w._airlock_row_id IN (SELECT row_id FROM _chg)`);
  const ts = nowIso();
  let promoted = 0;
  let rec: Reconciliation;
  const ruleIds = proposals.map((p) => p.id);
  await conn.run('BEGIN TRANSACTION');
  try {
    // The cell's final value, attributed to the last rule that changed it; old = as it arrived.
    await conn.run(`INSERT INTO ${s.st.changes}
      SELECT ${r}, c.row_id, c."column", ${valueOf(s, 'o', 'c."column"')}, ${valueOf(s, 'w', 'c."column"')},
             coalesce(v.reasons, 'FIXED'), c.rule, c.confidence, c.proposer, ${sqlString(ts)}
      FROM (SELECT row_id, "column", arg_max(rule, seq) AS rule, arg_max(proposer, seq) AS proposer, arg_max(confidence, seq) AS confidence FROM _chg GROUP BY ALL) c
      JOIN _orig o ON o._airlock_row_id = c.row_id JOIN _ready w ON w._airlock_row_id = c.row_id
      LEFT JOIN (SELECT row_id, "column", string_agg(DISTINCT reason, '+' ORDER BY reason) AS reasons FROM ${s.st.violations} WHERE run_id = ${r} GROUP BY ALL) v
        ON v.row_id = c.row_id AND v."column" = c."column"
      WHERE ${valueOf(s, 'o', 'c."column"')} IS DISTINCT FROM ${valueOf(s, 'w', 'c."column"')}`);
    promoted = await upsertIntoProduction(conn, s.contract, s.runId, s.st, '_ready');
    await conn.run(`DELETE FROM ${s.st.quarantine} WHERE _airlock_run_id = ${r} AND _airlock_row_id IN (SELECT _airlock_row_id FROM _ready)`);
    rec = await reconcile(conn, s.runId, 'promote-remediated', s.st, s.rt);
    await conn.run(rec.ok ? 'COMMIT' : 'ROLLBACK');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  const changedCells = Number(await queryValue(conn, `SELECT count(*) FROM ${s.st.changes} WHERE run_id = ${r} AND rule IN (${ruleIds.length ? ruleIds.map(sqlString).join(', ') : "''"}) AND ts = ${sqlString(ts)}`));
  await conn.run('DROP TABLE IF EXISTS _apply; DROP TABLE IF EXISTS _orig; DROP TABLE IF EXISTS _chg; DROP TABLE IF EXISTS _left; DROP TABLE IF EXISTS _ready;');
  if (rec.ok && promoted > 0) {
    await auditTableChanges(engine, s.contract, s.runId, s.st, undefined, ruleIds, ts);
    engine.audit.append({ runId: s.runId, kind: 'promote', payload: { lane: 'remediated', rows: promoted, cells: changedCells, rules: ruleIds, reconciliation: rec } });
  }
  return { promotedRows: rec.ok ? promoted : 0, changedCells, reconciliation: rec };
}

function valueOf(s: RemediationScope, alias: string, columnExpr: string): string {
  return `CASE ${columnExpr} ${s.contract.columns.map((c) => `WHEN ${sqlString(c.name)} THEN ${alias}.${sqlIdent(c.name)}`).join(' ')} END`;
}
