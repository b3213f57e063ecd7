// Application of approved fixes. The approved rules are applied, in order, to a working copy of
// the run's quarantined rows, each to every cell it matches (every quarantined cell failing in
// the column it writes, whichever cluster it belongs to); every changed cell is attributed to the
// rule that last changed it. A row whose change made it fail a check it did not fail before gets
// its values back (do no harm). Then, in one transaction: rows that now pass every check (in the
// batch's context) are upserted into production and leave quarantine; rows that still fail keep
// their new values in quarantine with the reasons that remain (their arrival bytes stay in the
// vault, untouched); every change is in the changes table; reconciliation is checked before COMMIT.
// The row hash stays the one of the row as it arrived (from the stage), so that a re-delivery of
// the same raw row is still recognised.
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { distinctJoinSql } from '../store/distinctJoin.js';
import { upsertIntoProduction } from '../pipeline/promote.js';
import { reconcile } from '../pipeline/reconcile.js';
import { auditTableChanges } from '../pipeline/auditChanges.js';
import type { Engine } from '../pipeline/context.js';
import type { Reconciliation } from '../pipeline/types.js';
import { nowIso } from '../store/sqlite.js';
import { materializeEvidence, type RemediationScope } from './context.js';
import { createWorkingCopy, updateSql, violationsOf } from './verify.js';
import { REVEALED_REASON, sameEntitySql } from './sameEntity.js';
import { ruleOp, type StoredProposal } from './proposalStore.js';
import { withCompiledRule } from './rules/runRule.js';
import { writtenColumns, type AgreedValueRule } from './rules/ruleTypes.js';
import type { ReferenceTables } from '../contract/reference.js';
import { writeStepMarker } from './jobSteps.js';

export interface ApplyResult {
  promotedRows: number;
  /** cells whose value changed (in rows promoted or still quarantined) */
  changedCells: number;
  /** rows changed that still fail a check: they stay in quarantine with their new values */
  stillQuarantined: number;
  /** rows whose changes were undone because they made the row fail a new check */
  reverted: number;
  reconciliation: Reconciliation;
  /** per proposal: cells it changed when it ran, and cells still attributed to it once harmed rows were undone */
  perRule: Record<string, { matched: number; kept: number }>;
}

/** Rounds of "revert the harmed rows, judge everyone again" before nothing is kept at all. */
const MAX_REVERT_PASSES = 5;

export interface ApplyOptions {
  reference?: ReferenceTables;
  /**
   * A step of a durable remediation job (job.ts): its marker row, with `payload`, is written in
   * the same DuckDB transaction as the changes, and the audit of the changes is left to the
   * caller (`auditApplied`), which records it in SQLite with the job's progress.
   */
  step?: { runId: string; step: number; payload: unknown };
}

/** What one application committed: enough to audit it and record it, now or on a resume. */
export interface AppliedStep {
  ts: string;
  ruleIds: string[];
  promotedRows: number;
  changedCells: number;
  stillQuarantined: number;
  reverted: number;
  released: number;
  reconciliation: Reconciliation;
  perRule: Record<string, { matched: number; kept: number }>;
}

export async function applyApproved(engine: Engine, s: RemediationScope, proposals: StoredProposal[], opts: ApplyOptions = {}): Promise<ApplyResult & AppliedStep> {
  const conn = engine.duck.conn;
  const r = sqlString(s.runId);
  const work = await createWorkingCopy(conn, s, '_apply');
  await conn.run('CREATE OR REPLACE TEMP TABLE _orig AS SELECT * FROM _apply');
  await conn.run(`CREATE OR REPLACE TEMP TABLE _arrived_viol AS SELECT row_id, "column", reason, rule, detail FROM ${s.st.violations} WHERE run_id = ${r} AND reason <> 'MALFORMED_RECORD'`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _chg (row_id BIGINT, "column" VARCHAR, new_value VARCHAR, rule VARCHAR, proposer VARCHAR, confidence DOUBLE, seq INTEGER, same_entity BOOLEAN)`);
  let seq = 0;
  const agreedRules = proposals.map((p) => ruleOp(p.rule)).filter((op): op is AgreedValueRule => op.kind === 'agreedValue');
  // Rules that vote read the rows as they stand: the evidence is rebuilt after earlier rules changed them.
  let evidence: string | null = null;
  const matched: Record<string, number> = {};
  for (const p of proposals) {
    seq += 1;
    const op = ruleOp(p.rule);
    const written = writtenColumns(op);
    // Every cell the rule may touch: quarantined cells failing in a column it writes, that no
    // earlier rule of this application changed. A rule reaches beyond its cluster, so a later one
    // would otherwise read an earlier one's output afresh ('0.065', fixed from '0,065', read again
    // as a dot-grouped 65). A cell still failing after this application is the next round's work.
    const writes = written.map(sqlString).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE _rule_ids AS SELECT DISTINCT row_id FROM _arrived_viol WHERE "column" IN (${writes})
      AND row_id NOT IN (SELECT row_id FROM _chg WHERE "column" IN (${writes}))`);
    const ids = '(SELECT row_id FROM _rule_ids)';
    if (op.kind === 'agreedValue' && evidence === null) evidence = await materializeEvidence(conn, s, work, '_arrived_viol', '_apply_evidence', agreedRules);
    const ctx = { contract: s.contract, runId: s.runId, evidence: evidence ?? undefined, reference: opts.reference };
    await withCompiledRule(conn, op, ctx, async (c) => {
      // The cells this rule will change, recorded before the UPDATE (no copy of the working table).
      const where = `_airlock_row_id IN ${ids}${c.where ? ` AND coalesce((${c.where}), false)` : ''}`;
      for (const [col, expr] of Object.entries(c.set)) {
        await conn.run(`INSERT INTO _chg SELECT _airlock_row_id, ${sqlString(col)}, (${expr}), ${sqlString(p.id)}, ${sqlString(p.proposer)}, ${p.confidence}, ${seq}, ${sameEntitySql(s.contract, col, sqlIdent(col), `(${expr})`)}
          FROM ${work} WHERE ${where} AND (${expr}) IS DISTINCT FROM ${sqlIdent(col)}`);
      }
      await conn.run(updateSql(work, c.set, ids, c.where));
    });
    matched[p.id] = Number(await queryValue(conn, `SELECT count(*) FROM _chg WHERE seq = ${seq}`));
    if (matched[p.id] > 0) evidence = null;
  }
  const changedColumns = [...new Set(proposals.flatMap((p) => writtenColumns(ruleOp(p.rule))))];
  // Do no harm: a changed row gets its values back when a cell the rules changed now fails a check
  // it did not fail before, or when two or more of its other cells newly fail (the change moved
  // the row into groups it disagrees with). One newly failing other cell is kept: a repaired
  // determinant reveals the one dependent that disagrees with its group (the next round's work).
  // After a revert every row is judged again (a key or group another row relied on is back), until
  // no row is harmed; if that does not settle, nothing of this application is kept.
  const cols = s.contract.columns.map((c) => `${sqlIdent(c.name)} = o.${sqlIdent(c.name)}`).join(', ');
  let reverted = 0;
  for (let pass = 1; ; pass += 1) {
    // Only the checks the changed columns can affect are run again; the rest carry over.
    await violationsOf(conn, s, work, work, `(SELECT _airlock_row_id FROM ${work})`, '_left', changedColumns, '_arrived_viol');
    await conn.run(`CREATE OR REPLACE TEMP TABLE _harmed AS
      WITH same AS (SELECT row_id FROM _chg GROUP BY row_id HAVING bool_and(same_entity)),
      fresh AS (SELECT DISTINCT a.row_id, a."column" FROM _left a
        ANTI JOIN _arrived_viol b ON a.row_id = b.row_id AND a."column" = b."column" AND a.reason = b.reason
        WHERE a.row_id IN (SELECT row_id FROM _chg)
          -- a dependency conflict a same-entity normalization reveals is no harm (sameEntity.ts)
          AND NOT (a.reason = ${sqlString(REVEALED_REASON)} AND a.row_id IN (SELECT row_id FROM same)
                   AND NOT EXISTS (SELECT 1 FROM _chg c WHERE c.row_id = a.row_id AND c."column" = a."column"))),
      judged AS (SELECT f.row_id, bool_or(c.row_id IS NOT NULL) AS own, count(*) FILTER (WHERE c.row_id IS NULL) AS others
        FROM fresh f LEFT JOIN (SELECT DISTINCT row_id, "column" FROM _chg) c ON c.row_id = f.row_id AND c."column" = f."column" GROUP BY f.row_id)
      SELECT row_id FROM judged WHERE own OR others >= 2`);
    const harmed = Number(await queryValue(conn, 'SELECT count(*) FROM _harmed'));
    if (harmed === 0) break;
    if (pass >= MAX_REVERT_PASSES) await conn.run('CREATE OR REPLACE TEMP TABLE _harmed AS SELECT DISTINCT row_id FROM _chg');
    reverted += Number(await queryValue(conn, 'SELECT count(*) FROM _harmed'));
    await conn.run(`UPDATE ${work} SET ${cols} FROM _orig o WHERE ${work}._airlock_row_id = o._airlock_row_id AND o._airlock_row_id IN (SELECT row_id FROM _harmed)`);
    await conn.run('DELETE FROM _chg WHERE row_id IN (SELECT row_id FROM _harmed)');
  }
  // The rows this application decides: those it changed, and those it freed without touching
  // them. A row held only by a peer (a dependency group of two that disagreed, a key it shared)
  // passes every check once the peer is repaired; it leaves now, as its last violation is gone.
  // Only rows whose every arrival reason was a check that can be judged again qualify: a
  // malformed record has none and never leaves this way.
  await conn.run(`CREATE OR REPLACE TEMP TABLE _changed AS
    SELECT w.*, b._airlock_row_hash, w._airlock_row_id NOT IN (SELECT row_id FROM _left) AS _airlock_ready
    FROM ${work} w JOIN ${s.rt.stage} b USING (_airlock_row_id)
    WHERE w._airlock_row_id IN (SELECT row_id FROM _chg)
       OR (w._airlock_row_id IN (SELECT row_id FROM _arrived_viol) AND w._airlock_row_id NOT IN (SELECT row_id FROM _left)
           AND w._airlock_row_id NOT IN (SELECT row_id FROM ${s.st.violations} WHERE run_id = ${r} AND reason = 'MALFORMED_RECORD'))`);
  const released = Number(await queryValue(conn, 'SELECT count(*) FROM _changed WHERE _airlock_row_id NOT IN (SELECT row_id FROM _chg)'));
  await conn.run(`CREATE OR REPLACE TEMP TABLE _ready AS SELECT * EXCLUDE (_airlock_ready) FROM _changed WHERE _airlock_ready`);
  const ts = nowIso();
  let promoted = 0;
  let stillQuarantined = 0;
  let changedCells = 0;
  let perRule: AppliedStep['perRule'] = {};
  let rec: Reconciliation;
  const ruleIds = proposals.map((p) => p.id);
  // Each cell's arrival reasons and each held row's remaining ones, as bounded aggregates
  // (store/distinctJoin.ts): millions of quarantined rows are millions of groups.
  const cellReasons = await distinctJoinSql(conn, { from: '_arrived_viol', keys: ['row_id', '"column"'], value: 'reason', sep: `'+'`, as: 'reasons' });
  const rowReasons = await distinctJoinSql(conn, { from: '_left', keys: ['row_id'], value: `"column" || ':' || reason`, sep: `';'`, as: 'reasons' });
  await conn.run('BEGIN TRANSACTION');
  try {
    // The cell's new value, attributed to the last rule that changed it; old = as it stood.
    await conn.run(`INSERT INTO ${s.st.changes}
      SELECT ${r}, c.row_id, c."column", ${valueOf(s, 'o', 'c."column"')}, ${valueOf(s, 'w', 'c."column"')},
             coalesce(v.reasons, 'FIXED'), c.rule, c.confidence, c.proposer, ${sqlString(ts)}
      FROM (SELECT row_id, "column", arg_max(rule, seq) AS rule, arg_max(proposer, seq) AS proposer, arg_max(confidence, seq) AS confidence FROM _chg GROUP BY ALL) c
      JOIN _orig o ON o._airlock_row_id = c.row_id JOIN _changed w ON w._airlock_row_id = c.row_id
      LEFT JOIN ${cellReasons} v
        ON v.row_id = c.row_id AND v."column" = c."column"
      WHERE ${valueOf(s, 'o', 'c."column"')} IS DISTINCT FROM ${valueOf(s, 'w', 'c."column"')}`);
    promoted = await upsertIntoProduction(conn, s.contract, s.runId, s.st, '_ready');
    await conn.run(`DELETE FROM ${s.st.quarantine} WHERE _airlock_run_id = ${r} AND _airlock_row_id IN (SELECT _airlock_row_id FROM _ready)`);
    // Rows that still fail keep their new values and the reasons that remain.
    const assign = s.contract.columns.map((c) => `${sqlIdent(c.name)} = w.${sqlIdent(c.name)}`).join(', ');
    await conn.run(`UPDATE ${s.st.quarantine} SET ${assign} FROM _changed w
      WHERE ${s.st.quarantine}._airlock_run_id = ${r} AND ${s.st.quarantine}._airlock_row_id = w._airlock_row_id AND NOT w._airlock_ready`);
    // Every row still held gets the reasons that remain, changed or not: a peer's repair can end
    // one of its violations (a group that now agrees) while another keeps it here, and a stale
    // reason would be clustered and proposed for again. _left judged every held row.
    const held = `(SELECT _airlock_row_id FROM ${work} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM _ready))`;
    await conn.run(`DELETE FROM ${s.st.violations} WHERE run_id = ${r} AND reason <> 'MALFORMED_RECORD' AND row_id IN ${held}`);
    await conn.run(`INSERT INTO ${s.st.violations} (run_id, row_id, "column", reason, rule, detail)
      SELECT ${r}, row_id, "column", reason, rule, detail FROM _left WHERE row_id IN ${held}`);
    await conn.run(`UPDATE ${s.st.quarantine} SET _airlock_reasons = v.reasons
      FROM ${rowReasons} v
      WHERE ${s.st.quarantine}._airlock_run_id = ${r} AND ${s.st.quarantine}._airlock_row_id = v.row_id
        AND v.row_id IN ${held}`);
    // The batch as it now stands: later rounds and later reviews judge groups on these values.
    await conn.run(`UPDATE ${s.rt.stage} SET ${assign} FROM _changed w WHERE ${s.rt.stage}._airlock_row_id = w._airlock_row_id`);
    stillQuarantined = Number(await queryValue(conn, 'SELECT count(*) FROM _changed WHERE NOT _airlock_ready'));
    rec = await reconcile(conn, s.runId, 'promote-remediated', s.st, s.rt);
    // What the transaction wrote, read inside it: a job's marker row carries it (job.ts).
    changedCells = Number(await queryValue(conn, `SELECT count(*) FROM ${s.st.changes} WHERE run_id = ${r} AND rule IN (${ruleIds.length ? ruleIds.map(sqlString).join(', ') : "''"}) AND ts = ${sqlString(ts)}`));
    const keptRows = await queryRows<{ rule: string; n: number | bigint }>(conn, `SELECT rule, count(*) AS n FROM ${s.st.changes} WHERE run_id = ${r} AND ts = ${sqlString(ts)} GROUP BY rule`);
    const kept = new Map(keptRows.map((x) => [x.rule, Number(x.n)]));
    perRule = Object.fromEntries(proposals.map((p) => [p.id, { matched: matched[p.id] ?? 0, kept: kept.get(p.id) ?? 0 }]));
    if (rec.ok && opts.step) {
      const done: AppliedStep = { ts, ruleIds, promotedRows: promoted, changedCells, stillQuarantined, reverted, released, reconciliation: rec, perRule };
      await writeStepMarker(conn, opts.step.runId, opts.step.step, { payload: opts.step.payload, applied: done });
    }
    await conn.run(rec.ok ? 'COMMIT' : 'ROLLBACK');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  if (!rec.ok) perRule = Object.fromEntries(proposals.map((p) => [p.id, { matched: matched[p.id] ?? 0, kept: 0 }]));
  await conn.run('DROP TABLE IF EXISTS _apply; DROP TABLE IF EXISTS _orig; DROP TABLE IF EXISTS _chg; DROP TABLE IF EXISTS _left; DROP TABLE IF EXISTS _ready; DROP TABLE IF EXISTS _changed; DROP TABLE IF EXISTS _harmed; DROP TABLE IF EXISTS _arrived_viol; DROP TABLE IF EXISTS _apply_evidence; DROP TABLE IF EXISTS _rule_ids;');
  const out: AppliedStep = { ts, ruleIds, promotedRows: rec.ok ? promoted : 0, changedCells: rec.ok ? changedCells : 0, stillQuarantined: rec.ok ? stillQuarantined : 0, reverted, released, reconciliation: rec, perRule };
  if (!opts.step) await auditApplied(engine, s, out);
  return out;
}

/** The audit of one committed application: its cell changes, and the promotion. */
export async function auditApplied(engine: Engine, s: RemediationScope, a: AppliedStep): Promise<void> {
  if (!a.reconciliation.ok || (a.changedCells === 0 && a.released === 0)) return;
  if (a.changedCells > 0) await auditTableChanges(engine, s.contract, s.runId, s.st, undefined, a.ruleIds, a.ts);
  engine.audit.append({ runId: s.runId, kind: 'promote', payload: { lane: 'remediated', rows: a.promotedRows, cells: a.changedCells, stillQuarantined: a.stillQuarantined, reverted: a.reverted, released: a.released, rules: a.ruleIds, reconciliation: a.reconciliation } });
}

function valueOf(s: RemediationScope, alias: string, columnExpr: string): string {
  return `CASE ${columnExpr} ${s.contract.columns.map((c) => `WHEN ${sqlString(c.name)} THEN ${alias}.${sqlIdent(c.name)}`).join(' ')} END`;
}

