// Per-column summaries of a staged (all-VARCHAR) table, computed by DuckDB with set operations.
// The table is first folded into a value-count table (column, value, rows): every later pass
// reads that, so each test runs once per distinct value, not once per cell. JavaScript only ever
// sees one summary row per column, the top values and the top character-class shapes per column.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { missingSql } from '../validate/compileViolations.js';
import { compareSql, typeOkSql } from '../validate/typedValue.js';
import type { ColumnSpec, LogicalType } from './types.js';

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

/** Folds `source` into `target` (col, v, c): one row per column and distinct raw value, NULLs kept. */
export async function buildValueCounts(conn: DuckDBConnection, source: string, columns: string[], target: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${target} AS
    SELECT col, v, count(*) AS c
    FROM ${source} UNPIVOT INCLUDE NULLS (v FOR col IN (${columns.map(sqlIdent).join(', ')}))
    GROUP BY col, v`);
}

const EMPTY = `(v IS NULL OR trim(v) = '')`;
const TOKEN = `(v IS NOT NULL AND lower(trim(v)) IN (${MISSING_TOKENS.map(sqlString).join(', ')}))`;

export interface ColumnBasics {
  name: string;
  rows: number;
  /** NULL or blank */
  empties: number;
  /** values that are a missing token (case-insensitive, trimmed) */
  tokens: number;
  tokenValues: string[];
  /** rows holding the most common missing token, as written ('N/A' and 'n/a' are two spellings) */
  largestToken: number;
  /** distinct non-empty raw values */
  distinct: number;
  minLength: number | null;
  maxLength: number | null;
}

export async function columnBasics(conn: DuckDBConnection, vc: string, columns: string[]): Promise<ColumnBasics[]> {
  const rows = await queryRows<Record<string, unknown>>(conn, `
    SELECT col, sum(c) AS rows, coalesce(sum(c) FILTER (${EMPTY}), 0) AS empties, coalesce(sum(c) FILTER (${TOKEN}), 0) AS tokens,
      coalesce(list(v ORDER BY v) FILTER (${TOKEN}), []) AS token_values, coalesce(max(c) FILTER (${TOKEN}), 0) AS largest_token,
      count(*) FILTER (NOT ${EMPTY}) AS distinct_values,
      min(length(v)) FILTER (NOT ${EMPTY}) AS min_len, max(length(v)) FILTER (NOT ${EMPTY}) AS max_len
    FROM ${vc} GROUP BY col`);
  const byName = new Map(rows.map((r) => [r.col as string, r]));
  return columns.map((name) => {
    // A header-only file has no cells, hence no summary row: every count is 0.
    const r = byName.get(name) ?? {};
    return {
      name,
      rows: Number(r.rows ?? 0),
      empties: Number(r.empties ?? 0),
      tokens: Number(r.tokens ?? 0),
      tokenValues: (r.token_values as string[] | undefined) ?? [],
      largestToken: Number(r.largest_token ?? 0),
      distinct: Number(r.distinct_values ?? 0),
      minLength: r.min_len === null || r.min_len === undefined ? null : Number(r.min_len),
      maxLength: r.max_len === null || r.max_len === undefined ? null : Number(r.max_len),
    };
  });
}

/** How many of a column's present values (neither empty nor a missing token) fit each type. */
export interface TypeEvidence {
  present: number;
  integers: number;
  /** integer-shaped values with a leading zero ('007'): codes, not quantities */
  leadingZeros: number;
  /** the most common length of integer-shaped values, and how many have it */
  integerModalLength: number | null;
  integerModalCount: number;
  numbers: number;
  booleans: number;
  /** per TEMPORAL_FORMATS entry */
  temporal: number[];
  /** values that are a date or timestamp in any of the formats */
  temporalAny: number;
  emails: number;
  phones: number;
  ssns: number;
}

/**
 * Type evidence from a value-count table (of the whole table, or of a row sample). Each test is
 * a flag computed once per distinct value; a CASE keeps the costly parse to values whose text
 * already has the format's shape.
 */
export async function typeEvidence(conn: DuckDBConnection, vc: string, columns: string[]): Promise<Map<string, TypeEvidence>> {
  // Only text with a digit, a separator and a plausible length can be a date or a timestamp.
  const gate = `length(t) BETWEEN 6 AND 35 AND regexp_matches(t, '[0-9][-/. :,T][0-9A-Za-z]')`;
  const temporal = TEMPORAL_FORMATS.map((f, i) => {
    const parsed = f.format ? `try_strptime(t, ${sqlString(f.format)})` : 'TRY_CAST(t AS TIMESTAMP)';
    return `CASE WHEN ${gate} AND regexp_full_match(t, ${sqlString(f.re)}) THEN ${parsed} IS NOT NULL ELSE false END AS t${i}`;
  });
  const rows = await queryRows<Record<string, unknown>>(conn, `
    WITH p AS (SELECT col, trim(v) AS t, c FROM ${vc} WHERE NOT ${EMPTY} AND NOT ${TOKEN}),
    f AS (
      SELECT col, t, c,
        CASE WHEN regexp_full_match(t, '${INTEGER_RE}') THEN TRY_CAST(t AS BIGINT) IS NOT NULL ELSE false END AS is_int,
        CASE WHEN regexp_full_match(t, '${NUMBER_RE}') THEN TRY_CAST(t AS DOUBLE) IS NOT NULL ELSE false END AS is_num,
        lower(t) IN (${BOOLEAN_WORDS.map(sqlString).join(', ')}) AS is_bool,
        CASE WHEN contains(t, '@') THEN regexp_full_match(t, ${sqlString(EMAIL_RE)}) ELSE false END AS is_email,
        CASE WHEN length(t) >= 8 THEN regexp_full_match(t, ${sqlString(PHONE_RE)}) ELSE false END AS is_phone,
        CASE WHEN length(t) = 11 THEN regexp_full_match(t, ${sqlString(SSN_RE)}) ELSE false END AS is_ssn,
        ${temporal.join(',\n        ')}
      FROM p
    ),
    lens AS (
      SELECT col, arg_max(len, n) AS modal_len, max(n) AS modal_n
      FROM (SELECT col, length(t) AS len, sum(c) AS n FROM f WHERE is_int GROUP BY col, len) GROUP BY col
    )
    SELECT col, sum(c) AS present,
      coalesce(sum(c) FILTER (is_int), 0) AS integers,
      coalesce(sum(c) FILTER (is_int AND regexp_full_match(t, '[+-]?0[0-9]+')), 0) AS leading_zeros,
      coalesce(sum(c) FILTER (is_num), 0) AS numbers,
      coalesce(sum(c) FILTER (is_bool), 0) AS booleans,
      coalesce(sum(c) FILTER (is_email), 0) AS emails,
      coalesce(sum(c) FILTER (is_phone), 0) AS phones,
      coalesce(sum(c) FILTER (is_ssn), 0) AS ssns,
      ${TEMPORAL_FORMATS.map((_, i) => `coalesce(sum(c) FILTER (t${i}), 0) AS t${i}_n`).join(', ')},
      coalesce(sum(c) FILTER (${TEMPORAL_FORMATS.map((_, i) => `t${i}`).join(' OR ')}), 0) AS t_any,
      any_value(lens.modal_len) AS modal_len, any_value(lens.modal_n) AS modal_n
    FROM f LEFT JOIN lens USING (col) GROUP BY col`);
  const out = new Map<string, TypeEvidence>();
  for (const name of columns) {
    const r = rows.find((x) => x.col === name) ?? {};
    out.set(name, {
      present: Number(r.present ?? 0),
      integers: Number(r.integers ?? 0),
      leadingZeros: Number(r.leading_zeros ?? 0),
      integerModalLength: r.modal_len === null || r.modal_len === undefined ? null : Number(r.modal_len),
      integerModalCount: Number(r.modal_n ?? 0),
      numbers: Number(r.numbers ?? 0),
      booleans: Number(r.booleans ?? 0),
      temporal: TEMPORAL_FORMATS.map((_, i) => Number(r[`t${i}_n`] ?? 0)),
      temporalAny: Number(r.t_any ?? 0),
      emails: Number(r.emails ?? 0),
      phones: Number(r.phones ?? 0),
      ssns: Number(r.ssns ?? 0),
    });
  }
  return out;
}

export interface TypedSummary {
  /** values that are neither empty nor a missing token */
  present: number;
  /** of those, values the validator accepts for the type */
  valid: number;
  min: number | string | null;
  max: number | string | null;
}

/**
 * Checks proposed types over every row with the validator's own SQL (typeOkSql, compareSql), so the
 * share is exactly what validation will accept, and reads the observed range.
 */
export async function typedSummary(conn: DuckDBConnection, table: string, specs: ColumnSpec[]): Promise<Map<string, TypedSummary>> {
  const out = new Map<string, TypedSummary>();
  if (specs.length === 0) return out;
  const iso: Partial<Record<LogicalType, string>> = { date: '%Y-%m-%d', timestamp: '%Y-%m-%dT%H:%M:%S' };
  const parts = specs.map((s, i) => {
    const v = sqlIdent(s.name);
    const present = `NOT ${missingSql(s, v)}`;
    const ok = `${present} AND ${typeOkSql(s, v)}`;
    const typed = iso[s.logicalType] ? `strftime(${compareSql(s, v)}, '${iso[s.logicalType]}')` : compareSql(s, v);
    return `count(*) FILTER (${present}) AS p${i}, count(*) FILTER (${ok}) AS k${i},
      min(${typed}) FILTER (${ok}) AS lo${i}, max(${typed}) FILTER (${ok}) AS hi${i}`;
  });
  const [r] = await queryRows<Record<string, unknown>>(conn, `SELECT ${parts.join(',\n      ')} FROM ${table}`);
  const val = (x: unknown) => (x === null || x === undefined ? null : typeof x === 'string' ? x : Number(x));
  specs.forEach((s, i) => out.set(s.name, { present: Number(r[`p${i}`] ?? 0), valid: Number(r[`k${i}`] ?? 0), min: val(r[`lo${i}`]), max: val(r[`hi${i}`]) }));
  return out;
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
  /**
   * values of this shape that the column also holds in another letter case, in a shape at least
   * CASE_TWIN_RATIO times as common ('Aa1234' beside 'AA1234'): case variants of the dominant
   * form's own values
   */
  caseTwins?: number;
}

/** How many times as common the shape of a value's other spelling in case must be (as FOLD_RATIO). */
export const CASE_TWIN_RATIO = 4;

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
  /** non-empty values counted (all of them, or the sample's) */
  total: number;
}

/** The `limit` most frequent non-empty values of each column, and how much repeated values cover. */
export async function columnValues(conn: DuckDBConnection, vc: string, columns: string[], limit: number): Promise<Map<string, ColumnValues>> {
  const top = await queryRows<{ col: string; v: string; c: number }>(conn, `
    SELECT col, v, c FROM ${vc} WHERE NOT ${EMPTY}
    QUALIFY row_number() OVER (PARTITION BY col ORDER BY c DESC, v) <= ${limit}
    ORDER BY col, c DESC, v`);
  const rep = await queryRows<{ col: string; d: number; n: number }>(conn, `
    SELECT col, count(*) FILTER (c >= 2) AS d, coalesce(sum(c) FILTER (c >= 2), 0) AS n FROM ${vc} WHERE NOT ${EMPTY} GROUP BY col`);
  const out = new Map<string, ColumnValues>(columns.map((c) => [c, { top: [], repeatedDistinct: 0, repeatedRows: 0 }]));
  for (const r of rep) Object.assign(out.get(r.col)!, { repeatedDistinct: Number(r.d ?? 0), repeatedRows: Number(r.n ?? 0) });
  for (const r of top) out.get(r.col)!.top.push({ value: r.v, count: Number(r.c ?? 0) });
  return out;
}

/**
 * Character-class shapes of the raw values: ASCII digits become 9, lower-case letters a,
 * upper-case A, and runs of one class collapse into one run with its length; everything else is
 * kept as literal text. '35233' is ['95'], 'al_scip-inf-2' is ['a2', '=_', 'a4', '=-', 'a3', '=-', '91'].
 */
export async function columnShapes(conn: DuckDBConnection, vc: string, columns: string[], limit: number): Promise<Map<string, ColumnShapes>> {
  const runs = shapeRunsSql('v');
  // Distinct values map to distinct rows of vc, so summing their counts and rows is exact.
  const rows = await queryRows<{ col: string; runs: string[]; c: number; d: number; ex: string; shapes: number; total: number; twins: number }>(conn, `
    WITH s AS (SELECT col, v, c, ${runs} AS runs FROM ${vc} WHERE NOT ${EMPTY}),
    n AS (SELECT col, runs, sum(c) AS n FROM s GROUP BY col, runs),
    sn AS (SELECT s.*, n.n, lower(s.v) AS k FROM s JOIN n USING (col, runs)),
    -- a value whose lower-cased text the column also holds in a shape CASE_TWIN_RATIO times as common
    twin AS (SELECT DISTINCT a.col, a.v FROM sn a JOIN sn b ON a.col = b.col AND a.k = b.k AND a.runs <> b.runs AND b.n >= ${CASE_TWIN_RATIO} * a.n)
    SELECT col, runs, sum(c) AS c, count(*) AS d, min(v) AS ex, count(*) OVER (PARTITION BY col) AS shapes,
      sum(sum(c)) OVER (PARTITION BY col) AS total,
      coalesce(sum(c) FILTER (WHERE twin.v IS NOT NULL), 0) AS twins
    FROM s LEFT JOIN twin USING (col, v) GROUP BY col, runs
    QUALIFY row_number() OVER (PARTITION BY col ORDER BY sum(c) DESC, min(v)) <= ${limit}
    ORDER BY col, c DESC, ex`);
  const out = new Map<string, ColumnShapes>(columns.map((c) => [c, { top: [], shapeCount: 0, total: 0 }]));
  for (const r of rows) {
    const s = out.get(r.col)!;
    s.shapeCount = Number(r.shapes ?? 0);
    s.total = Number(r.total ?? 0);
    s.top.push({ runs: r.runs, count: Number(r.c ?? 0), distinct: Number(r.d ?? 0), example: r.ex, caseTwins: Number(r.twins ?? 0) });
  }
  return out;
}

/** The SQL list of shape runs of a text expression (see columnShapes), shared with the quarantine's shape facet. */
export function shapeRunsSql(v: string): string {
  const classes = `regexp_replace(regexp_replace(regexp_replace(${v}, '[0-9]', '9', 'g'), '[a-z]', 'a', 'g'), '[A-Z]', 'A', 'g')`;
  return `list_transform(regexp_extract_all(${classes}, '9+|a+|A+|\\s+|[\\s\\S]'),
      r -> CASE WHEN r[1] IN ('9', 'a', 'A') THEN r[1] || length(r) ELSE '=' || r END)`;
}

/** Share of each column's non-empty values that fully match its candidate pattern. */
export async function patternCoverage(conn: DuckDBConnection, vc: string, patterns: Map<string, string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (patterns.size === 0) return out;
  const cases = [...patterns].map(([c, pat]) => `WHEN ${sqlString(c)} THEN regexp_full_match(v, ${sqlString(pat)})`).join(' ');
  const rows = await queryRows<{ col: string; share: number }>(conn, `
    SELECT col, sum(c) FILTER (CASE col ${cases} END) / sum(c) AS share
    FROM ${vc} WHERE NOT ${EMPTY} AND col IN (${[...patterns.keys()].map(sqlString).join(', ')}) GROUP BY col`);
  for (const r of rows) out.set(r.col, Number(r.share ?? 0));
  return out;
}
