// Proving a rule in the sandbox: it is applied to its whole cluster in a working copy of the
// quarantined rows, as one UPDATE, and the contract is checked again on the result, in the
// context of the batch. Nothing here touches production or the quarantine itself.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { compileViolations } from '../validate/compileViolations.js';
import { clusterRowIds, evidenceRows, quarantinedRows, validationUniverseSteps, type RemediationScope } from './context.js';
import { harmOf } from './harmGuard.js';
import { REVEALED_REASON, sameEntitySql } from './sameEntity.js';
import { withCompiledRule } from './rules/runRule.js';
import type { TypedRule } from './rules/ruleTypes.js';
import { referenceTables } from '../contract/referenceData.js';

export interface Verification {
  clusterRows: number;
  /** rows of the cluster the rule changed */
  changedRows: number;
  /** rows of the cluster whose failing cell in the rule's column passes afterwards */
  cellsFixed: number;
  /** rows of the cluster that pass every check afterwards (with earlier verified fixes applied) */
  fullyValid: number;
  /** share of the cluster's rows that become fully valid */
  coverage: number;
  /** changed rows where a written cell fails a check it did not fail before, or two other cells do */
  regressions: number;
  /** why the rule would destroy data although it passes the checks (harmGuard.ts); never accepted */
  harm?: string;
}

/** The working copy: the run's quarantined rows, as text, to which verified rules are applied. */
export async function createWorkingCopy(conn: DuckDBConnection, s: RemediationScope, name = '_work'): Promise<string> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM ${quarantinedRows(s)}`);
  return name;
}

export function updateSql(table: string, set: Record<string, string>, rowIds: string, where?: string): string {
  const assignments = Object.entries(set).map(([c, e]) => `${sqlIdent(c)} = (${e})`).join(', ');
  return `UPDATE ${table} SET ${assignments} WHERE _airlock_row_id IN ${rowIds}${where ? ` AND coalesce((${where}), false)` : ''}`;
}

/**
 * Violations of the subject rows, judged in the batch's context. `subject` holds the rows under
 * test (with their new values); `work` is the working copy of every quarantined row; the rest of
 * the batch is as routed. Only rows tied to the subject by a key or a dependency group are read.
 * With `only` (changed columns) and `before` (the subject's violations before the change), only the
 * checks the change can affect are run; the others are carried over from `before`.
 */
export async function violationsOf(conn: DuckDBConnection, s: RemediationScope, subject: string, work: string, subjectIds: string, into: string, only?: string[], before?: string): Promise<void> {
  const partial = only && before ? only : undefined;
  for (const step of validationUniverseSteps(s, subject, work, subjectIds, '_uni', partial)) await conn.run(step);
  const { sql, rules } = compileViolations(s.contract, '_uni', partial);
  const fresh = `SELECT * FROM (${sql}) WHERE row_id IN (SELECT _airlock_row_id FROM _subjrows)`;
  if (partial) {
    const kept = `SELECT row_id, "column", reason, rule, detail FROM ${before} WHERE row_id IN (SELECT _airlock_row_id FROM _subjrows)${rules.length ? ` AND rule NOT IN (${rules.map(sqlString).join(', ')})` : ''}`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${into} AS ${fresh} UNION ALL ${kept}`);
  } else {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${into} AS ${fresh}`);
  }
  await conn.run('DROP TABLE IF EXISTS _uni; DROP TABLE IF EXISTS _subjrows;');
}

/**
 * Verifies `set`/`where` on a cluster against the working copy `work`. Only the cluster's rows
 * are copied and changed. When the rule fixes cells and breaks (almost) nothing, the working copy
 * keeps the change (later rules build on it).
 */
export async function verifyRule(conn: DuckDBConnection, s: RemediationScope, work: string, clusterId: string, column: string, set: Record<string, string>, where: string | undefined, keep: boolean, before?: string, proposer?: string, kind?: string): Promise<Verification> {
  const ids = clusterRowIds(s, clusterId, column);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _try AS SELECT * FROM ${work} WHERE _airlock_row_id IN ${ids}`);
  await conn.run(updateSql('_try', set, '(SELECT _airlock_row_id FROM _try)', where));
  const beforeTable = before ?? '_before';
  if (!before) await violationsOf(conn, s, work, work, ids, '_before');
  await violationsOf(conn, s, '_try', work, ids, '_after', Object.keys(set), before);
  const changedPred = Object.keys(set).map((c) => `a.${sqlIdent(c)} IS DISTINCT FROM b.${sqlIdent(c)}`).join(' OR ');
  const [row] = await queryRows<Record<string, number>>(conn, `WITH
    ids AS (SELECT * FROM ${ids}),
    changed AS (SELECT a._airlock_row_id AS id FROM _try a JOIN ${work} b USING (_airlock_row_id) WHERE a._airlock_row_id IN (SELECT row_id FROM ids) AND (${changedPred})),
    still AS (SELECT DISTINCT row_id FROM _after WHERE "column" = ${sqlString(column)}),
    bad AS (SELECT DISTINCT row_id FROM _after),
    -- rows whose change only re-wrote case or spacing (sameEntity.ts)
    same AS (SELECT a._airlock_row_id AS id FROM _try a JOIN ${work} b USING (_airlock_row_id) WHERE ${Object.keys(set).map((c) => sameEntitySql(s.contract, c, `b.${sqlIdent(c)}`, `a.${sqlIdent(c)}`)).join(' AND ')}),
    newly AS (SELECT DISTINCT a.row_id, a."column" FROM _after a ANTI JOIN ${beforeTable} b ON a.row_id = b.row_id AND a."column" = b."column" AND a.reason = b.reason
              WHERE a.row_id IN (SELECT id FROM changed)
                AND NOT (a.reason = ${sqlString(REVEALED_REASON)} AND a."column" NOT IN (${Object.keys(set).map(sqlString).join(', ')}) AND a.row_id IN (SELECT id FROM same))),
    -- As apply.ts judges harm: a written cell newly failing, or two other cells of the row; one
    -- other cell newly failing is what a repaired determinant reveals, not a regression, and so
    -- is any dependency conflict a same-entity normalization reveals.
    fresh AS (SELECT row_id FROM newly GROUP BY row_id
              HAVING bool_or("column" IN (${Object.keys(set).map(sqlString).join(', ')})) OR count(*) FILTER (WHERE "column" NOT IN (${Object.keys(set).map(sqlString).join(', ')})) >= 2)
    SELECT (SELECT count(*) FROM ids) AS n,
           (SELECT count(*) FROM changed) AS changed,
           (SELECT count(*) FROM ids WHERE row_id NOT IN (SELECT row_id FROM still)) AS fixed,
           (SELECT count(*) FROM ids WHERE row_id NOT IN (SELECT row_id FROM bad)) AS valid,
           (SELECT count(*) FROM fresh) AS regressions`);
  const v: Verification = {
    clusterRows: Number(row.n),
    changedRows: Number(row.changed),
    cellsFixed: Number(row.fixed),
    fullyValid: Number(row.valid),
    coverage: Number(row.n) ? Number(row.valid) / Number(row.n) : 0,
    regressions: Number(row.regressions),
  };
  // Every proposal passes here, model proposals included: the harm guard is part of verification.
  const harm = await harmOf(conn, s, '_try', work, Object.keys(set), proposer, kind);
  if (harm) v.harm = harm;
  if (keep && acceptable(v)) {
    const assign = Object.keys(set).map((c) => `${sqlIdent(c)} = t.${sqlIdent(c)}`).join(', ');
    await conn.run(`UPDATE ${work} SET ${assign} FROM _try t WHERE ${work}._airlock_row_id = t._airlock_row_id`);
    if (before) await conn.run(`DELETE FROM _wviol WHERE row_id IN ${ids}; INSERT INTO _wviol SELECT row_id, "column", reason, rule, detail FROM _after;`);
  }
  await conn.run(`DROP TABLE IF EXISTS _try; DROP TABLE IF EXISTS _after;${before ? '' : ' DROP TABLE IF EXISTS _before;'}`);
  return v;
}

/**
 * The working copy's violations, kept alongside it: they start as the run's own violations and a
 * kept rule replaces those of its cluster's rows, so a cluster's "before" costs no validation.
 */
export async function initWorkingViolations(conn: DuckDBConnection, s: RemediationScope, into = '_wviol'): Promise<string> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${into} AS SELECT row_id, "column", reason, rule, detail FROM ${s.st.violations}
    WHERE run_id = ${sqlString(s.runId)} AND reason <> 'MALFORMED_RECORD'`);
  return into;
}

export async function violationsBefore(conn: DuckDBConnection, s: RemediationScope, clusterId: string, wviol = '_wviol', into = '_cluster_before'): Promise<string> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${into} AS SELECT * FROM ${wviol} WHERE row_id IN ${clusterRowIds(s, clusterId)}`);
  return into;
}

/**
 * A rule is verified when it fixes cells and breaks (almost) nothing: at most one changed row in
 * ten may fail a check it did not fail before. Such rows are never promoted (only rows that pass
 * every check are), so they stay in quarantine as they arrived. A rule the harm guard flagged is
 * never acceptable.
 */
export function acceptable(v: Verification): boolean {
  return !v.harm && v.cellsFixed > 0 && v.regressions <= Math.floor(0.1 * v.changedRows);
}

/**
 * Verifies a typed rule on its cluster: compiled against the rows as they stand (the working
 * copy `work`, whose current violations are in `violations`), then judged as `verifyRule` does.
 */
/** `evidence`, when given, is the evidence relation already materialised for `work`. */
export async function verifyTypedRule(conn: DuckDBConnection, s: RemediationScope, work: string, violations: string, clusterId: string, column: string, rule: TypedRule, keep: boolean, before?: string, proposer?: string, evidence?: { table: string; cacheKey: string }): Promise<Verification> {
  const ctx = { contract: s.contract, runId: s.runId, evidence: evidence?.table ?? evidenceRows(s, work, violations), reference: referenceTables(), ...(evidence ? { cacheKey: evidence.cacheKey } : {}) };
  return withCompiledRule(conn, rule, ctx, (c) => verifyRule(conn, s, work, clusterId, column, c.set, c.where, keep, before, proposer, rule.kind));
}
