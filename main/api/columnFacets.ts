// The value, shape, number and date facets of one quarantined column (the filter's `field`), all
// counted in DuckDB. As in OpenRefine each facet counts with every other pick applied (column,
// reason, search and the other three) but not its own, so its counts are what the grid shows
// once one of them is picked as well.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { streamTables } from '../store/tables.js';
import { UserError } from '../contract/errors.js';
import { filterCondition } from './quarantineQuery.js';
import { NUMBER_BUCKETS, bucketFrom, bucketSql, numberSql, shapeSql, yearSql } from './fieldSql.js';
import type { ColumnFacets, QuarantineFilter } from './contract.js';

/** How many values and shapes a facet lists (the largest counts). */
export const FACET_TOP = 200;
/** The most cells one manual edit may set (the editCells limit). */
export const EDIT_LIMIT = 10_000;

function fieldOf(contract: Contract, filter: QuarantineFilter): string {
  const field = filter.field;
  if (!field || !contract.columns.some((c) => c.name === field)) throw new UserError(`pick a column of the run's contract to facet on (got ${JSON.stringify(field ?? '')}).`);
  return field;
}

export async function columnFacets(conn: DuckDBConnection, contract: Contract, runId: string, filter: QuarantineFilter): Promise<ColumnFacets> {
  const column = fieldOf(contract, filter);
  const columns = contract.columns.map((c) => c.name);
  const table = streamTables(contract).quarantine;
  const col = sqlIdent(column);
  const without = (own: keyof QuarantineFilter) => filterCondition(runId, columns, { ...filter, [own]: undefined });

  const values = await queryRows<{ v: string | null; n: number; d: number }>(conn, `
    SELECT ${col} AS v, count(*) AS n, count(*) OVER () AS d FROM ${table} WHERE ${without('value')}
    GROUP BY ${col} ORDER BY n DESC, v NULLS FIRST LIMIT ${FACET_TOP}`);
  const shapes = await queryRows<{ s: string; n: number }>(conn, `
    SELECT ${shapeSql(col)} AS s, count(*) AS n FROM ${table} WHERE ${without('shape')}
    GROUP BY s ORDER BY n DESC, s LIMIT ${FACET_TOP}`);

  // Numbers: the ends first, then the buckets between them (both with the number pick lifted).
  const num = numberSql(col);
  const numWhere = without('numberRange');
  const ends = (await queryRows<{ lo: number | null; hi: number | null; bad: number }>(conn, `
    SELECT min(${num}) AS lo, max(${num}) AS hi, count(*) FILTER (${num} IS NULL) AS bad FROM ${table} WHERE ${numWhere}`))[0];
  let numbers: ColumnFacets['numbers'] = null;
  if (ends.lo !== null && ends.hi !== null) {
    const min = Number(ends.lo), max = Number(ends.hi);
    const counts = await queryRows<{ b: number; n: number }>(conn, `
      SELECT ${bucketSql(num, min, max)} AS b, count(*) AS n FROM ${table} WHERE ${numWhere} AND ${num} IS NOT NULL GROUP BY b`);
    const byBucket = new Map(counts.map((c) => [Number(c.b), Number(c.n)]));
    const n = max > min ? NUMBER_BUCKETS : 1;
    numbers = {
      min, max,
      buckets: Array.from({ length: n }, (_, b) => ({ bucket: b, from: bucketFrom(min, max, b), to: b === n - 1 ? max : bucketFrom(min, max, b + 1), count: byBucket.get(b) ?? 0 })),
    };
  }

  const year = yearSql(col);
  const years = await queryRows<{ y: number | null; n: number }>(conn, `
    SELECT ${year} AS y, count(*) AS n FROM ${table} WHERE ${without('year')} GROUP BY y ORDER BY y NULLS LAST`);

  const failingCells = Number(await queryValue(conn, `SELECT count(*) FROM ${table} WHERE ${filterCondition(runId, columns, filter)} AND ${failing(column)}`));
  return {
    runId, column,
    values: values.map((v) => ({ value: v.v, count: Number(v.n) })),
    distinctValues: Number(values[0]?.d ?? 0),
    shapes: shapes.map((s) => ({ shape: s.s, count: Number(s.n) })),
    numbers,
    notNumbers: Number(ends.bad ?? 0),
    years: years.filter((y) => y.y !== null).map((y) => ({ year: Number(y.y), count: Number(y.n) })),
    notDates: Number(years.find((y) => y.y === null)?.n ?? 0),
    failingCells,
  };
}

/** The row holds a failure of this column (a whole `column:` token of its reasons). */
function failing(column: string): string {
  return `contains(';' || coalesce(_airlock_reasons, ''), ${sqlString(`;${column}:`)})`;
}

/**
 * The row ids of the failing cells of `field` among the rows the filter matches, for one manual
 * edit: refused above the editCells limit rather than cut short, so an edit never silently
 * covers only part of what the analyst saw counted.
 */
export async function facetCells(conn: DuckDBConnection, contract: Contract, runId: string, filter: QuarantineFilter): Promise<{ column: string; rowIds: number[] }> {
  const column = fieldOf(contract, filter);
  const table = streamTables(contract).quarantine;
  const where = `${filterCondition(runId, contract.columns.map((c) => c.name), filter)} AND ${failing(column)}`;
  const rows = await queryRows<{ id: number }>(conn, `SELECT _airlock_row_id AS id FROM ${table} WHERE ${where} ORDER BY id LIMIT ${EDIT_LIMIT + 1}`);
  if (rows.length > EDIT_LIMIT) {
    const n = Number(await queryValue(conn, `SELECT count(*) FROM ${table} WHERE ${where}`));
    throw new UserError(`${n.toLocaleString('en-US')} failing cells of ${column} match: one manual edit sets at most ${EDIT_LIMIT.toLocaleString('en-US')}. Narrow the facets first, or write a rule for the column.`);
  }
  return { column, rowIds: rows.map((r) => Number(r.id)) };
}
