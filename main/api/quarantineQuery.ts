// Pages and facets of a run's quarantine for the grid. A row's reasons are stored as one text,
// `zip:PATTERN_MISMATCH;city:FD_VIOLATION`; filters match whole `column:REASON` tokens with
// literal string search (never LIKE, whose `_` would match any character in a column name), and
// every value from the analyst goes into the SQL as a quoted literal.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { streamTables } from '../store/tables.js';
import { UserError } from '../contract/errors.js';
import { bucketSql, doubleSql, numberSql, shapeSql, yearSql } from './fieldSql.js';
import type { QuarantineFacets, QuarantineFilter, QuarantinePage, QuarantineRow, QuarantineSort } from './contract.js';

/** `a:X;b:Y` as a list of {column, reason}; a column name may itself hold a colon. */
export function parseReasons(text: string | null): { column: string; reason: string }[] {
  if (!text) return [];
  return text.split(';').filter(Boolean).map((tok) => {
    const at = tok.lastIndexOf(':');
    return at < 0 ? { column: '', reason: tok } : { column: tok.slice(0, at), reason: tok.slice(at + 1) };
  });
}

/** The WHERE condition for a run and a filter (reasons are wrapped in `;` so tokens match whole). */
export function filterCondition(runId: string, columns: string[], filter: QuarantineFilter): string {
  const parts = [`_airlock_run_id = ${sqlString(runId)}`, ...fieldConditions(columns, filter)];
  const reasons = `(';' || coalesce(_airlock_reasons, '') || ';')`;
  if (filter.column && filter.reason) parts.push(`contains(${reasons}, ${sqlString(`;${filter.column}:${filter.reason};`)})`);
  else if (filter.column) parts.push(`contains(${reasons}, ${sqlString(`;${filter.column}:`)})`);
  else if (filter.reason) parts.push(`contains(${reasons}, ${sqlString(`:${filter.reason};`)})`);
  const term = filter.search?.trim().toLowerCase();
  if (term) {
    const row = `lower(concat_ws(chr(31), ${columns.map((c) => sqlIdent(c)).join(', ')}))`;
    parts.push(`contains(${row}, ${sqlString(term)})`);
  }
  return parts.join(' AND ');
}

/** The picks of the value, shape, number and date facets, all on the filter's `field`. */
function fieldConditions(columns: string[], filter: QuarantineFilter): string[] {
  const { field } = filter;
  if (!field) return [];
  if (!columns.includes(field)) throw new UserError(`the quarantine has no column ${JSON.stringify(field)} to facet on.`);
  const col = sqlIdent(field);
  const parts: string[] = [];
  if (filter.value === null) parts.push(`${col} IS NULL`);
  else if (filter.value !== undefined) parts.push(`${col} = ${sqlString(filter.value)}`);
  if (filter.shape !== undefined) parts.push(`${shapeSql(col)} = ${sqlString(filter.shape)}`);
  const num = numberSql(col);
  if (filter.numberRange === null) parts.push(`${num} IS NULL`);
  else if (filter.numberRange) {
    const { min, max, bucket } = filter.numberRange;
    parts.push(`${num} BETWEEN ${doubleSql(min)} AND ${doubleSql(max)}`, `${bucketSql(num, min, max)} = ${bucket}`);
  }
  if (filter.year === null) parts.push(`${yearSql(col)} IS NULL`);
  else if (filter.year !== undefined) parts.push(`${yearSql(col)} = ${filter.year}`);
  return parts;
}

/** ORDER BY for the grid: row order, or one column's text (empty last) with row order breaking ties. */
function orderBy(columns: string[], sort: QuarantineSort | undefined, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  if (!sort) return `${p}_airlock_row_id`;
  if (!columns.includes(sort.column)) throw new UserError(`the grid cannot sort by ${JSON.stringify(sort.column)}: the run's contract has no such column.`);
  return `${p}${sqlIdent(sort.column)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ${p}_airlock_row_id`;
}

export async function quarantinePage(conn: DuckDBConnection, contract: Contract, runId: string, offset: number, limit: number, filter: QuarantineFilter, sort?: QuarantineSort): Promise<QuarantinePage> {
  const t0 = performance.now();
  const columns = contract.columns.map((c) => c.name);
  const table = streamTables(contract).quarantine;
  const where = filterCondition(runId, columns, filter);
  const sortCol = sort ? `, ${sqlIdent(sort.column)}` : '';
  // The page's row ids are found first (a top-N over one column), then only those rows are read
  // whole: at row 900,000 of a million this is several times faster than sorting whole rows.
  const rows = await queryRows<Record<string, string | null>>(conn, `
    WITH page AS (SELECT _airlock_row_id${sortCol} FROM ${table} WHERE ${where} ORDER BY ${orderBy(columns, sort)} LIMIT ${limit} OFFSET ${offset})
    SELECT ${columns.map((c, i) => `t.${sqlIdent(c)} AS c${i}`).join(', ')}, t._airlock_row_id AS rid, t._airlock_reasons AS why FROM ${table} t JOIN page USING (_airlock_row_id)
    WHERE t._airlock_run_id = ${sqlString(runId)} ORDER BY ${orderBy(columns, sort, 't')}`);
  const total = Number(await queryValue(conn, `SELECT count(*) FROM ${table} WHERE ${where}`));
  const out: QuarantineRow[] = rows.map((r) => ({
    rowId: Number(r.rid),
    values: columns.map((_, i) => r[`c${i}`] ?? null),
    reasons: parseReasons(r.why),
  }));
  return { runId, columns, offset, rows: out, total, ms: Math.round(performance.now() - t0) };
}

/**
 * Counts of failing cells by column, by reason, and both, among rows matching the search. Each
 * facet counts against the other's selection (OpenRefine's rule): the column counts keep only
 * cells failing for the picked reason, the reason counts only cells of the picked column, so a
 * count is what the grid shows once that value is picked as well.
 */
export async function quarantineFacets(conn: DuckDBConnection, contract: Contract, runId: string, filter: QuarantineFilter): Promise<QuarantineFacets> {
  const columns = contract.columns.map((c) => c.name);
  const table = streamTables(contract).quarantine;
  // The value, shape, number and date picks are other facets: they apply to these counts too.
  const matching = filterCondition(runId, columns, { ...filter, column: undefined, reason: undefined });
  const totalRows = Number(await queryValue(conn, `SELECT count(*) FROM ${table} WHERE _airlock_run_id = ${sqlString(runId)}`));
  const matchingRows = Number(await queryValue(conn, `SELECT count(*) FROM ${table} WHERE ${matching}`));
  // Counted per whole `column:REASON` token (a handful of distinct ones), then split here.
  const tokens = await queryRows<{ tok: string; n: number }>(conn, `
    SELECT tok, count(*) AS n FROM (SELECT unnest(string_split(_airlock_reasons, ';')) AS tok FROM ${table} WHERE ${matching})
    WHERE tok <> '' GROUP BY tok`);
  const pairs = tokens
    .map((t) => ({ ...parseReasons(t.tok)[0], n: Number(t.n) }))
    .map((p) => ({ col: p.column, reason: p.reason, n: p.n }))
    .sort((a, b) => b.n - a.n || a.col.localeCompare(b.col) || a.reason.localeCompare(b.reason));
  const sum = (key: 'col' | 'reason', keep: (p: (typeof pairs)[number]) => boolean) => {
    const m = new Map<string, number>();
    for (const p of pairs) if (keep(p)) m.set(p[key], (m.get(p[key]) ?? 0) + Number(p.n));
    return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  return {
    runId, totalRows, matchingRows,
    byColumn: sum('col', (p) => !filter.reason || p.reason === filter.reason).map(([column, count]) => ({ column, count })),
    byReason: sum('reason', (p) => !filter.column || p.col === filter.column).map(([reason, count]) => ({ reason, count })),
    byColumnReason: pairs.map((p) => ({ column: p.col, reason: p.reason, count: Number(p.n) })),
  };
}
