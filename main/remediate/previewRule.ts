// The full preview of a rule on its pattern: every change it makes, as distinct before → after
// groups with their counts (paged), and the one set of numbers a fix is judged by (cells and rows
// changed, rows that leave quarantine, rows still failing and why, regressions). Works for the
// stored rule or a draft being edited: either passes the same gate as verification
// (validateRule: the SQL sandbox for an expression) and the same compiler, so nothing unchecked
// is ever run. DuckDB does the counting; JavaScript sees one page of groups and a few sums.
import type { Engine } from '../pipeline/context.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { referenceTables } from '../contract/referenceData.js';
import { clusterRowIds, evidenceRows, quarantinedRows } from './context.js';
import { ruleOp } from './proposalStore.js';
import { proposalOf, scopeOf } from './review.js';
import { initWorkingViolations, violationsOf } from './verify.js';
import { validateRule } from './rules/validateRule.js';
import { withCompiledRule } from './rules/runRule.js';
import { writtenColumns, type TypedRule } from './rules/ruleTypes.js';

export interface PreviewGroup {
  column: string;
  before: string | null;
  after: string | null;
  /** cells changed from `before` to `after` */
  cells: number;
}

export interface PreviewNumbers {
  /** rows of the pattern the rule is judged on */
  patternRows: number;
  cellsChanged: number;
  rowsChanged: number;
  /** rows of the pattern that pass every check afterwards, judged on their own */
  leaveQuarantine: number;
  /** rows of the pattern that still fail a check afterwards */
  stillFailing: number;
  /** why they still fail: rows per column and reason (a row may count under several) */
  stillFailingBy: Array<{ column: string; reason: string; rows: number }>;
  /** changed rows that newly fail a check: a written cell, or two other cells (as verification counts) */
  regressions: number;
}

export type RulePreview =
  | ({ ok: true; groups: PreviewGroup[]; groupCount: number; offset: number; ms: number } & PreviewNumbers)
  | { ok: false; reason: string };

/** Drafts are held to the edit limit (as editProposal); stored rules passed the pipeline's own. */
const DRAFT_MAX_CHARS = 20_000;

/**
 * The last preview computed on a connection: its numbers, and its groups kept in `_pv_groups`,
 * so that turning pages (or coming back to the pattern) reads a page, not the whole pattern
 * again. Valid while the rule, the proposal and the run's data are what they were: the data's
 * fingerprint (changes recorded, rows in production, quarantine and violations) is part of the key.
 */
const kept = new WeakMap<object, { key: string; numbers: PreviewNumbers; groupCount: number }>();

export async function previewRule(engine: Engine, runId: string, proposalId: string, draft: TypedRule | undefined, page: { offset: number; limit: number }): Promise<RulePreview> {
  const t0 = performance.now();
  const p = proposalOf(engine, runId, proposalId);
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const checked = await validateRule(conn, draft ?? ruleOp(p.rule), s.contract, draft ? { maxChars: DRAFT_MAX_CHARS } : {});
  if (!checked.ok) return { ok: false, reason: `The sandbox refuses this rule: ${checked.reason}` };
  const r = sqlString(runId);
  const [fp] = await queryRows<Record<string, unknown>>(conn, `SELECT (SELECT count(*) FROM ${s.st.changes} WHERE run_id = ${r}) AS c, (SELECT max(ts) FROM ${s.st.changes} WHERE run_id = ${r}) AS t,
    (SELECT count(*) FROM ${s.st.prod}) AS p, (SELECT count(*) FROM ${s.st.quarantine} WHERE _airlock_run_id = ${r}) AS q, (SELECT count(*) FROM ${s.st.violations} WHERE run_id = ${r}) AS v`);
  const key = JSON.stringify([runId, p.id, p.clusterId, checked.rule, Object.values(fp).map(String)]);
  let hit = kept.get(conn);
  if (hit?.key !== key) {
    kept.delete(conn);
    hit = { key, ...await computePreview(engine, runId, p.clusterId, p.column, checked.rule) };
    kept.set(conn, hit);
  }
  // A total order (a column's before → after pair is unique), so pages never overlap or skip.
  const groups = await queryRows<{ column: string; before: string | null; after: string | null; cells: number | bigint }>(conn, `SELECT "column", before, after, cells
    FROM _pv_groups ORDER BY cells DESC, "column", before NULLS FIRST, after NULLS FIRST LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`);
  return {
    ok: true, ...hit.numbers,
    groups: groups.map((g) => ({ column: g.column, before: g.before, after: g.after, cells: Number(g.cells) })),
    groupCount: hit.groupCount, offset: page.offset, ms: Math.round(performance.now() - t0),
  };
}

/** Applies the checked rule to its pattern in the sandbox; leaves the groups in `_pv_groups`. */
async function computePreview(engine: Engine, runId: string, clusterId: string, column: string, rule: TypedRule): Promise<{ numbers: PreviewNumbers; groupCount: number }> {
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const cols = writtenColumns(rule);
  const ids = clusterRowIds(s, clusterId, column);
  // The rows as they arrived serve as the context of keys and dependency groups (no copy needed).
  const work = quarantinedRows(s);
  try {
    // The pattern's rows after the rule, in one pass (as updateSql's UPDATE would leave them, every
    // SET read from the row as it was), each written column's old value kept beside it for the diff.
    // Every violation of the run is needed only when the rule votes over the evidence.
    const viol = rule.kind === 'agreedValue' ? await initWorkingViolations(conn, s, '_pv_viol') : null;
    const ctx = { contract: s.contract, runId, ...(viol ? { evidence: evidenceRows(s, work, viol) } : {}), reference: referenceTables() };
    await withCompiledRule(conn, rule, ctx, async (c) => {
      const when = c.where ? `coalesce((${c.where}), false)` : 'TRUE';
      const replaced = Object.entries(c.set).map(([col, e]) => `CASE WHEN ${when} THEN (${e}) ELSE ${sqlIdent(col)} END AS ${sqlIdent(col)}`).join(', ');
      const was = cols.map((col, i) => `${sqlIdent(col)} AS _airlock_was_${i}`).join(', ');
      await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_after AS SELECT * REPLACE (${replaced}), ${was} FROM ${work} WHERE _airlock_row_id IN ${ids}`);
    });
    const rowIds = '(SELECT _airlock_row_id FROM _pv_after)';
    // The pattern's violations as they stand, read where needed (not copied).
    const before = `(SELECT row_id, "column", reason, rule, detail FROM ${viol ?? s.st.violations}
      WHERE row_id IN ${rowIds}${viol ? '' : ` AND run_id = ${sqlString(runId)} AND reason <> 'MALFORMED_RECORD'`})`;
    // Every distinct change with its cells: the page and the counts of cells are read from it.
    const groupsOf = cols.map((c, i) => `SELECT ${sqlString(c)} AS "column", _airlock_was_${i} AS before, ${sqlIdent(c)} AS after, count(*) AS cells
      FROM _pv_after WHERE ${sqlIdent(c)} IS DISTINCT FROM _airlock_was_${i} GROUP BY ALL`).join(' UNION ALL ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_groups AS ${groupsOf}`);
    await violationsOf(conn, s, '_pv_after', work, rowIds, '_pv_vafter', cols, before);
    const written = cols.map(sqlString).join(', ');
    const changedPred = cols.map((c, i) => `${sqlIdent(c)} IS DISTINCT FROM _airlock_was_${i}`).join(' OR ');
    const [n] = await queryRows<Record<string, number | bigint>>(conn, `WITH
      changed AS (SELECT _airlock_row_id AS row_id FROM _pv_after WHERE ${changedPred}),
      failing AS (SELECT DISTINCT row_id FROM _pv_vafter),
      newly AS (SELECT DISTINCT a.row_id, a."column" FROM _pv_vafter a ANTI JOIN ${before} b ON a.row_id = b.row_id AND a."column" = b."column" AND a.reason = b.reason
                WHERE a.row_id IN (SELECT row_id FROM changed)),
      fresh AS (SELECT row_id FROM newly GROUP BY row_id
                HAVING bool_or("column" IN (${written})) OR count(*) FILTER (WHERE "column" NOT IN (${written})) >= 2)
      SELECT (SELECT count(*) FROM _pv_after) AS pattern, (SELECT coalesce(sum(cells), 0) FROM _pv_groups) AS cells, (SELECT count(*) FROM changed) AS rows_changed,
             (SELECT count(*) FROM failing) AS failing, (SELECT count(*) FROM fresh) AS regressions,
             (SELECT count(*) FROM _pv_groups) AS groups`);
    const by = await queryRows<{ column: string; reason: string; rows: number | bigint }>(conn, `SELECT "column", reason, count(DISTINCT row_id) AS rows
      FROM _pv_vafter GROUP BY ALL ORDER BY rows DESC, "column", reason`);
    const pattern = Number(n.pattern);
    const failing = Number(n.failing);
    return {
      numbers: {
        patternRows: pattern, cellsChanged: Number(n.cells), rowsChanged: Number(n.rows_changed),
        leaveQuarantine: pattern - failing, stillFailing: failing,
        stillFailingBy: by.map((b) => ({ column: b.column, reason: b.reason, rows: Number(b.rows) })),
        regressions: Number(n.regressions),
      },
      groupCount: Number(n.groups),
    };
  } finally {
    await conn.run('DROP TABLE IF EXISTS _pv_after; DROP TABLE IF EXISTS _pv_vafter; DROP TABLE IF EXISTS _pv_viol;');
  }
}
