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
import { initWorkingViolations, updateSql, violationsOf } from './verify.js';
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

export async function previewRule(engine: Engine, runId: string, proposalId: string, draft: TypedRule | undefined, page: { offset: number; limit: number }): Promise<RulePreview> {
  const t0 = performance.now();
  const p = proposalOf(engine, runId, proposalId);
  const s = scopeOf(engine, runId);
  const conn = engine.duck.conn;
  const checked = await validateRule(conn, draft ?? ruleOp(p.rule), s.contract, draft ? { maxChars: DRAFT_MAX_CHARS } : {});
  if (!checked.ok) return { ok: false, reason: `The sandbox refuses this rule: ${checked.reason}` };
  const rule = checked.rule;
  const cols = writtenColumns(rule);
  const ids = clusterRowIds(s, p.clusterId, p.column);
  // The rows as they arrived serve as the context of keys and dependency groups (no copy needed).
  const work = quarantinedRows(s);
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_ids AS SELECT * FROM ${ids}`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_after AS SELECT * FROM ${work} WHERE _airlock_row_id IN (SELECT row_id FROM _pv_ids)`);
    const viol = await initWorkingViolations(conn, s, '_pv_viol');
    const ctx = { contract: s.contract, runId, evidence: evidenceRows(s, work, viol), reference: referenceTables() };
    await withCompiledRule(conn, rule, ctx, (c) => conn.run(updateSql('_pv_after', c.set, '(SELECT _airlock_row_id FROM _pv_after)', c.where)));
    // Every changed cell, one row each: the groups and the counts are read from this one table.
    const changedCells = cols.map((c) => `SELECT a._airlock_row_id AS row_id, ${sqlString(c)} AS "column", b.${sqlIdent(c)} AS before, a.${sqlIdent(c)} AS after
      FROM _pv_after a JOIN ${work} b USING (_airlock_row_id) WHERE a.${sqlIdent(c)} IS DISTINCT FROM b.${sqlIdent(c)}`).join(' UNION ALL ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_cells AS ${changedCells}`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE _pv_before AS SELECT * FROM ${viol} WHERE row_id IN (SELECT row_id FROM _pv_ids)`);
    await violationsOf(conn, s, '_pv_after', work, '(SELECT row_id FROM _pv_ids)', '_pv_vafter', cols, '_pv_before');
    const written = cols.map(sqlString).join(', ');
    const [n] = await queryRows<Record<string, number | bigint>>(conn, `WITH
      changed AS (SELECT DISTINCT row_id FROM _pv_cells),
      failing AS (SELECT DISTINCT row_id FROM _pv_vafter WHERE row_id IN (SELECT row_id FROM _pv_ids)),
      newly AS (SELECT DISTINCT a.row_id, a."column" FROM _pv_vafter a ANTI JOIN _pv_before b ON a.row_id = b.row_id AND a."column" = b."column" AND a.reason = b.reason
                WHERE a.row_id IN (SELECT row_id FROM changed)),
      fresh AS (SELECT row_id FROM newly GROUP BY row_id
                HAVING bool_or("column" IN (${written})) OR count(*) FILTER (WHERE "column" NOT IN (${written})) >= 2)
      SELECT (SELECT count(*) FROM _pv_ids) AS pattern, (SELECT count(*) FROM _pv_cells) AS cells, (SELECT count(*) FROM changed) AS rows_changed,
             (SELECT count(*) FROM failing) AS failing, (SELECT count(*) FROM fresh) AS regressions,
             (SELECT count(*) FROM (SELECT DISTINCT "column", before, after FROM _pv_cells)) AS groups`);
    const by = await queryRows<{ column: string; reason: string; rows: number | bigint }>(conn, `SELECT "column", reason, count(DISTINCT row_id) AS rows
      FROM _pv_vafter WHERE row_id IN (SELECT row_id FROM _pv_ids) GROUP BY ALL ORDER BY rows DESC, "column", reason`);
    // A total order (a column's before → after pair is unique), so pages never overlap or skip.
    const groups = await queryRows<{ column: string; before: string | null; after: string | null; cells: number | bigint }>(conn, `SELECT "column", before, after, count(*) AS cells
      FROM _pv_cells GROUP BY ALL ORDER BY cells DESC, "column", before NULLS FIRST, after NULLS FIRST LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`);
    const pattern = Number(n.pattern);
    const failing = Number(n.failing);
    return {
      ok: true,
      patternRows: pattern, cellsChanged: Number(n.cells), rowsChanged: Number(n.rows_changed),
      leaveQuarantine: pattern - failing, stillFailing: failing,
      stillFailingBy: by.map((r) => ({ column: r.column, reason: r.reason, rows: Number(r.rows) })),
      regressions: Number(n.regressions),
      groups: groups.map((g) => ({ column: g.column, before: g.before, after: g.after, cells: Number(g.cells) })),
      groupCount: Number(n.groups), offset: page.offset, ms: Math.round(performance.now() - t0),
    };
  } finally {
    await conn.run('DROP TABLE IF EXISTS _pv_ids; DROP TABLE IF EXISTS _pv_after; DROP TABLE IF EXISTS _pv_cells; DROP TABLE IF EXISTS _pv_before; DROP TABLE IF EXISTS _pv_vafter; DROP TABLE IF EXISTS _pv_viol;');
  }
}
