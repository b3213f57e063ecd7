// Per-column summaries of a staged (all-VARCHAR) table, computed by DuckDB in a few set-based
// passes over a long (column, value) view of the table. JavaScript only ever sees one summary row
// per column, the top values per column and the top character-class shapes per column.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';

/** Values that stand for "no value" in a column that is otherwise numeric or a date. */
export const MISSING_TOKENS = ['n/a', 'na', '-', '--', 'null', 'none', '?', 'nan', 'nil', '#n/a'];

// Strict shapes first: DuckDB's casts are lenient ('12.5' casts to BIGINT 13), so a value only
// counts for a type when its text has that type's shape and then casts.
const INTEGER_RE = '[+-]?[0-9]+';
const NUMBER_RE = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?';
const BOOLEAN_WORDS = ['true', 'false', 't', 'f'];
const EMAIL_RE = '[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}';
// Phone numbers with separators; a bare run of digits is left to the column name, since ids and
// codes are bare digits too.
const PHONE_RE = '\\+?[0-9]{0,3}[ .-]?\\(?[0-9]{3}\\)?[ .-]?[0-9]{3}[ .-][0-9]{4}';
const SSN_RE = '[0-9]{3}-[0-9]{2}-[0-9]{4}';

export interface TemporalFormat {
  kind: 'date' | 'timestamp';
  /** strftime format; undefined for ISO-8601 timestamps, which DuckDB casts directly */
  format?: string;
  /** strict shape the text must have before it is parsed */
  re: string;
}

/** Candidate formats, most usual first: on a tie (e.g. 01/02/2020) the earlier one wins. */
export const TEMPORAL_FORMATS: TemporalFormat[] = [
  { kind: 'date', format: '%Y-%m-%d', re: '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}' },
  { kind: 'date', format: '%m/%d/%Y', re: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}' },
  { kind: 'date', format: '%d/%m/%Y', re: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}' },
  { kind: 'date', format: '%Y/%m/%d', re: '[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}' },
  { kind: 'date', format: '%d.%m.%Y', re: '[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}' },
  { kind: 'date', format: '%m-%d-%Y', re: '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}' },
  { kind: 'date', format: '%d-%m-%Y', re: '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}' },
  { kind: 'date', format: '%m/%d/%y', re: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}' },
  { kind: 'date', format: '%d %b %Y', re: '[0-9]{1,2} [A-Za-z]{3} [0-9]{4}' },
  { kind: 'date', format: '%d-%b-%Y', re: '[0-9]{1,2}-[A-Za-z]{3}-[0-9]{4}' },
  { kind: 'date', format: '%b %d, %Y', re: '[A-Za-z]{3} [0-9]{1,2}, [0-9]{4}' },
  { kind: 'timestamp', format: '%Y-%m-%d %H:%M:%S', re: '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}' },
  { kind: 'timestamp', format: '%Y-%m-%dT%H:%M:%S', re: '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' },
  { kind: 'timestamp', format: '%Y-%m-%d %H:%M', re: '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}' },
  { kind: 'timestamp', format: '%m/%d/%Y %H:%M:%S', re: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}' },
  { kind: 'timestamp', format: '%m/%d/%Y %H:%M', re: '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}' },
  { kind: 'timestamp', re: '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?' },
];

export interface ColumnStats {
  name: string;
  rows: number;
  /** NULL or blank */
  empties: number;
  /** values that are a missing token (case-insensitive, trimmed) */
  tokens: number;
  tokenValues: string[];
  /** distinct non-empty raw values */
  distinct: number;
  minLength: number | null;
  maxLength: number | null;
  integers: number;
  /** integer-shaped values with a leading zero ('007'): codes, not quantities */
  leadingZeros: number;
  /** the most common length of integer-shaped values, and how many have it */
  integerModalLength: number | null;
  integerModalCount: number;
  numbers: number;
  numberMin: number | null;
  numberMax: number | null;
  integerMin: number | null;
  integerMax: number | null;
  booleans: number;
  /** per TEMPORAL_FORMATS entry: matching values and their ISO min/max */
  temporal: { count: number; min: string | null; max: string | null }[];
  emails: number;
  phones: number;
  ssns: number;
}

export interface ValueCount {
  value: string;
  count: number;
}

export interface ShapeCount {
  /** the shape as runs: '9<n>', 'a<n>', 'A<n>' for character-class runs, '=<text>' for literal text */
  runs: string[];
  count: number;
  /** distinct raw values with this shape */
  distinct: number;
  /** one value with this shape (the smallest) */
  example: string;
}

export interface ColumnValues {
  /** most frequent non-empty values, most frequent first */
  top: ValueCount[];
  /** non-empty values that occur at least twice: how many distinct, and how many rows they cover */
  repeatedDistinct: number;
  repeatedRows: number;
}

export interface ColumnShapes {
  top: ShapeCount[];
  /** number of distinct shapes in the column */
  shapeCount: number;
}

/** A long view of `table`: one row per (column, value), NULLs kept. */
function cellsSql(table: string, columns: string[]): string {
  const tokens = MISSING_TOKENS.map(sqlString).join(', ');
  return `(SELECT col, v, trim(v) AS t, (v IS NULL OR trim(v) = '') AS empty,
      (v IS NOT NULL AND lower(trim(v)) IN (${tokens})) AS token
    FROM ${table} UNPIVOT INCLUDE NULLS (v FOR col IN (${columns.map(sqlIdent).join(', ')})))`;
}

export async function columnStats(conn: DuckDBConnection, table: string, columns: string[]): Promise<ColumnStats[]> {
  const isInt = `regexp_full_match(t, '${INTEGER_RE}') AND TRY_CAST(t AS BIGINT) IS NOT NULL`;
  const isNum = `regexp_full_match(t, '${NUMBER_RE}') AND TRY_CAST(t AS DOUBLE) IS NOT NULL`;
  const temporal = TEMPORAL_FORMATS.map((f, i) => {
    const parsed = f.format ? `try_strptime(t, ${sqlString(f.format)})` : 'TRY_CAST(t AS TIMESTAMP)';
    const ok = `present AND regexp_full_match(t, ${sqlString(f.re)}) AND ${parsed} IS NOT NULL`;
    const iso = f.kind === 'date' ? `strftime(${parsed}, '%Y-%m-%d')` : `strftime(${parsed}, '%Y-%m-%dT%H:%M:%S')`;
    return `count(*) FILTER (${ok}) AS t${i}_n, min(${iso}) FILTER (${ok}) AS t${i}_min, max(${iso}) FILTER (${ok}) AS t${i}_max`;
  });
  const sql = `
    WITH c AS (SELECT *, NOT empty AND NOT token AS present FROM ${cellsSql(table, columns)}),
    a AS (
      SELECT col,
        count(*) AS rows,
        count(*) FILTER (empty) AS empties,
        count(*) FILTER (token) AS tokens,
        coalesce(list(DISTINCT v ORDER BY v) FILTER (token), []) AS token_values,
        count(DISTINCT v) FILTER (NOT empty) AS distinct_values,
        min(length(v)) FILTER (NOT empty) AS min_len,
        max(length(v)) FILTER (NOT empty) AS max_len,
        count(*) FILTER (present AND ${isInt}) AS integers,
        count(*) FILTER (present AND ${isInt} AND regexp_full_match(t, '[+-]?0[0-9]+')) AS leading_zeros,
        histogram(length(t)) FILTER (present AND ${isInt}) AS int_lengths,
        min(TRY_CAST(t AS BIGINT)) FILTER (present AND ${isInt}) AS int_min,
        max(TRY_CAST(t AS BIGINT)) FILTER (present AND ${isInt}) AS int_max,
        count(*) FILTER (present AND ${isNum}) AS numbers,
        min(TRY_CAST(t AS DOUBLE)) FILTER (present AND ${isNum}) AS num_min,
        max(TRY_CAST(t AS DOUBLE)) FILTER (present AND ${isNum}) AS num_max,
        count(*) FILTER (present AND lower(t) IN (${BOOLEAN_WORDS.map(sqlString).join(', ')})) AS booleans,
        count(*) FILTER (present AND regexp_full_match(t, ${sqlString(EMAIL_RE)})) AS emails,
        count(*) FILTER (present AND regexp_full_match(t, ${sqlString(PHONE_RE)})) AS phones,
        count(*) FILTER (present AND regexp_full_match(t, ${sqlString(SSN_RE)})) AS ssns,
        ${temporal.join(',\n        ')}
      FROM c GROUP BY col
    )
    SELECT * EXCLUDE (int_lengths),
      list_max(map_values(int_lengths)) AS int_modal_count,
      map_keys(int_lengths)[list_position(map_values(int_lengths), list_max(map_values(int_lengths)))] AS int_modal_length
    FROM a`;
  const rows = await queryRows<Record<string, unknown>>(conn, sql);
  const byName = new Map(rows.map((r) => [r.col as string, r]));
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return columns.map((name) => {
    // A header-only file has no cells, hence no summary row: every count is 0.
    const r = byName.get(name) ?? {};
    return {
      name,
      rows: Number(r.rows ?? 0),
      empties: Number(r.empties ?? 0),
      tokens: Number(r.tokens ?? 0),
      tokenValues: (r.token_values as string[]) ?? [],
      distinct: Number(r.distinct_values ?? 0),
      minLength: num(r.min_len),
      maxLength: num(r.max_len),
      integers: Number(r.integers ?? 0),
      leadingZeros: Number(r.leading_zeros ?? 0),
      integerModalLength: num(r.int_modal_length),
      integerModalCount: Number(r.int_modal_count ?? 0),
      integerMin: num(r.int_min),
      integerMax: num(r.int_max),
      numbers: Number(r.numbers ?? 0),
      numberMin: num(r.num_min),
      numberMax: num(r.num_max),
      booleans: Number(r.booleans ?? 0),
      temporal: TEMPORAL_FORMATS.map((_, i) => ({
        count: Number(r[`t${i}_n`] ?? 0),
        min: (r[`t${i}_min`] as string | null) ?? null,
        max: (r[`t${i}_max`] as string | null) ?? null,
      })),
      emails: Number(r.emails ?? 0),
      phones: Number(r.phones ?? 0),
      ssns: Number(r.ssns ?? 0),
    };
  });
}

/** The `limit` most frequent values of each column, and how much of it repeated values cover. */
export async function columnValues(conn: DuckDBConnection, table: string, columns: string[], limit: number): Promise<Map<string, ColumnValues>> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE _airlock_profile_vc AS
    SELECT col, v, count(*) AS c FROM ${cellsSql(table, columns)} WHERE NOT empty GROUP BY col, v`);
  try {
    const top = await queryRows<{ col: string; v: string; c: number }>(conn, `
      SELECT col, v, c FROM _airlock_profile_vc
      QUALIFY row_number() OVER (PARTITION BY col ORDER BY c DESC, v) <= ${limit}
      ORDER BY col, c DESC, v`);
    const rep = await queryRows<{ col: string; d: number; n: number }>(conn, `
      SELECT col, count(*) FILTER (c >= 2) AS d, coalesce(sum(c) FILTER (c >= 2), 0) AS n FROM _airlock_profile_vc GROUP BY col`);
    const out = new Map<string, ColumnValues>(columns.map((c) => [c, { top: [], repeatedDistinct: 0, repeatedRows: 0 }]));
    for (const r of rep) Object.assign(out.get(r.col)!, { repeatedDistinct: Number(r.d ?? 0), repeatedRows: Number(r.n ?? 0) });
    for (const r of top) out.get(r.col)!.top.push({ value: r.v, count: Number(r.c ?? 0) });
    return out;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS _airlock_profile_vc`);
  }
}

/**
 * Character-class shapes of the raw values: ASCII digits become 9, lower-case letters a,
 * upper-case A, and runs of one class collapse into one run with its length; everything else is
 * kept as literal text. '35233' is ['95'], 'al_scip-inf-2' is ['a2', '=_', 'a4', '=-', 'a3', '=-', '91'].
 */
export async function columnShapes(conn: DuckDBConnection, table: string, columns: string[], limit: number): Promise<Map<string, ColumnShapes>> {
  const classes = `regexp_replace(regexp_replace(regexp_replace(v, '[0-9]', '9', 'g'), '[a-z]', 'a', 'g'), '[A-Z]', 'A', 'g')`;
  const runs = `list_transform(regexp_extract_all(${classes}, '9+|a+|A+|\\s+|[\\s\\S]'),
      r -> CASE WHEN r[1] IN ('9', 'a', 'A') THEN r[1] || length(r) ELSE '=' || r END)`;
  const rows = await queryRows<{ col: string; runs: string[]; c: number; d: number; ex: string; shapes: number }>(conn, `
    WITH s AS (SELECT col, v, ${runs} AS runs FROM ${cellsSql(table, columns)} WHERE NOT empty)
    SELECT col, runs, count(*) AS c, count(DISTINCT v) AS d, min(v) AS ex, count(*) OVER (PARTITION BY col) AS shapes
    FROM s GROUP BY col, runs
    QUALIFY row_number() OVER (PARTITION BY col ORDER BY count(*) DESC, min(v)) <= ${limit}
    ORDER BY col, c DESC, ex`);
  const out = new Map<string, ColumnShapes>(columns.map((c) => [c, { top: [], shapeCount: 0 }]));
  for (const r of rows) {
    const s = out.get(r.col)!;
    s.shapeCount = Number(r.shapes ?? 0);
    s.top.push({ runs: r.runs, count: Number(r.c ?? 0), distinct: Number(r.d ?? 0), example: r.ex });
  }
  return out;
}

/** Share of each column's non-empty values that fully match its candidate pattern. */
export async function patternCoverage(conn: DuckDBConnection, table: string, patterns: Map<string, string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (patterns.size === 0) return out;
  const cols = [...patterns.keys()];
  const cases = cols.map((c) => `WHEN ${sqlString(c)} THEN regexp_full_match(v, ${sqlString(patterns.get(c)!)})`).join(' ');
  const rows = await queryRows<{ col: string; share: number }>(conn, `
    SELECT col, avg(CASE WHEN CASE col ${cases} END THEN 1.0 ELSE 0.0 END) AS share
    FROM ${cellsSql(table, cols)} WHERE NOT empty GROUP BY col`);
  for (const r of rows) out.set(r.col, Number(r.share ?? 0));
  return out;
}
