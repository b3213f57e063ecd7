// How a raw text value is checked against, and cast to, a contract column's logical type.
// DuckDB's own casts are too lenient for a contract ('12.5' casts to BIGINT 13, '0x10' to 16,
// '1e309' to DOUBLE inf, '99999-01-01' to a DATE), so each type is a strict shape test first,
// then the cast.
//
// Numbers keep their digits: a `number` column is stored as its canonical text (the value as
// written, without surrounding blanks or a leading '+'), because neither DOUBLE (17 significant
// digits) nor one DECIMAL(38,s) holds every value a file can carry exactly; comparisons (ranges,
// SQL checks) use the DOUBLE value (compareSql).
import type { ColumnSpec } from '../contract/types.js';
import { sqlIdent, sqlString } from '../store/duckdb.js';

export const INTEGER_RE = '[+-]?[0-9]+';
export const NUMBER_RE = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?';
const BOOLEAN_WORDS = ['true', 'false', 't', 'f', '1', '0', 'yes', 'no', 'y', 'n'];
/** Calendar dates outside years 1..9999 are not dates any other tool reads back. */
const DATE_RANGE = `BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'`;
const TS_RANGE = `BETWEEN TIMESTAMP '0001-01-01 00:00:00' AND TIMESTAMP '9999-12-31 23:59:59.999999'`;

/** The text strptime reads: JDK offset patterns write UTC as a trailing `Z`, which %z does not read. */
function strptimeInput(col: ColumnSpec, t: string): string {
  return col.formatZulu ? `regexp_replace(${t}, '[Zz]$', '+00:00')` : t;
}

/** The parsed timestamp (or NULL), as DuckDB reads it with the column's format. */
function parsedSql(col: ColumnSpec, t: string): string {
  if (!col.format) throw new Error('parsedSql needs a format');
  // An offset makes strptime return TIMESTAMPTZ; the engine's session zone is UTC, so the cast
  // to TIMESTAMP is the UTC instant.
  return `CAST(try_strptime(${strptimeInput(col, t)}, ${sqlString(col.format)}) AS TIMESTAMP)`;
}

/**
 * DuckDB reads words as dates and times: TRY_CAST('epoch' AS DATE) is 1970-01-01 (midnight as a
 * TIME), and strptime with any format reads 'epoch', 'infinity' and '-infinity' as 1900-01-01.
 * Every date, timestamp and time a file writes has a digit; a value without one is not typed.
 */
const HAS_DIGIT = (t: string): string => `regexp_matches(${t}, '[0-9]')`;

/** SQL that is TRUE when the (non-missing) text `v` is a valid value of the column's type. */
export function typeOkSql(col: ColumnSpec, v: string): string {
  const t = `trim(${v})`;
  switch (col.logicalType) {
    case 'integer':
      return `(regexp_full_match(${t}, '${INTEGER_RE}') AND TRY_CAST(${t} AS BIGINT) IS NOT NULL)`;
    case 'number':
      return `(regexp_full_match(${t}, '${NUMBER_RE}') AND coalesce(isfinite(TRY_CAST(${t} AS DOUBLE)), false))`;
    case 'boolean':
      return `(lower(${t}) IN (${BOOLEAN_WORDS.map((w) => `'${w}'`).join(', ')}))`;
    case 'date':
      return `(${HAS_DIGIT(t)} AND ${col.format ? `coalesce(CAST(${parsedSql(col, t)} AS DATE) ${DATE_RANGE}, false)` : `coalesce(TRY_CAST(${t} AS DATE) ${DATE_RANGE}, false)`})`;
    case 'timestamp':
      return `(${HAS_DIGIT(t)} AND ${col.format ? `coalesce(${parsedSql(col, t)} ${TS_RANGE}, false)` : `coalesce(TRY_CAST(${t} AS TIMESTAMP) ${TS_RANGE}, false)`})`;
    case 'time':
      return `(${HAS_DIGIT(t)} AND ${col.format ? `(${parsedSql(col, t)} IS NOT NULL)` : `(TRY_CAST(${t} AS TIME) IS NOT NULL)`})`;
    default:
      return 'TRUE';
  }
}

/** SQL casting text `v` to the value production stores (NULL stays NULL). Only used on valid values. */
export function castSql(col: ColumnSpec, v: string): string {
  const t = `trim(${v})`;
  switch (col.logicalType) {
    case 'number':
      return `regexp_replace(${t}, '^[+]', '')`;
    default:
      return compareSql(col, v);
  }
}

/**
 * SQL for the value a key compares by. For a number, its exact decimal text in one spelling
 * (`1.50`, `+1.5` and `01.5` are one key; DOUBLE would merge long numbers that differ in a late
 * digit); numbers written with an exponent compare by their DOUBLE value. Other types: the typed value.
 */
export function keySql(col: ColumnSpec, v: string): string {
  if (col.logicalType !== 'number') return castSql(col, v);
  const t = `regexp_replace(trim(CAST(${v} AS VARCHAR)), '^[+]', '')`;
  const u = `ltrim(${t}, '-')`;
  const ip = `regexp_replace(regexp_extract(${u}, '^([0-9]*)', 1), '^0+', '')`;
  const fp = `regexp_replace(regexp_extract(${u}, '\\.([0-9]*)$', 1), '0+$', '')`;
  const body = `((CASE WHEN ${ip} = '' THEN '0' ELSE ${ip} END) || (CASE WHEN ${fp} = '' THEN '' ELSE '.' || ${fp} END))`;
  return `(CASE WHEN regexp_matches(${t}, '[eE]') THEN CAST(TRY_CAST(${t} AS DOUBLE) AS VARCHAR)
    WHEN ${body} = '0' THEN '0' WHEN starts_with(${t}, '-') THEN '-' || ${body} ELSE ${body} END)`;
}

/**
 * SQL: rows `a` and `b` (aliases) hold the same primary key `pk`, as production compares keys:
 * numbers are stored as delivered, so their keys meet in one canonical spelling (keySql).
 */
export function sameKeySql(pk: ColumnSpec[], a: string, b: string): string {
  return pk.map((c) => (c.logicalType === 'number'
    ? `${keySql(c, `${a}.${sqlIdent(c.name)}`)} = ${keySql(c, `${b}.${sqlIdent(c.name)}`)}`
    : `${a}.${sqlIdent(c.name)} = ${b}.${sqlIdent(c.name)}`)).join(' AND ');
}

/** SQL casting text `v` to the value comparisons use (ranges, typed views). Only used on valid values. */
export function compareSql(col: ColumnSpec, v: string): string {
  const t = `trim(${v})`;
  switch (col.logicalType) {
    case 'integer':
      return `TRY_CAST(${t} AS BIGINT)`;
    case 'number':
      return `TRY_CAST(${t} AS DOUBLE)`;
    case 'boolean':
      return `(CASE WHEN lower(${t}) IN ('true','t','1','yes','y') THEN TRUE WHEN lower(${t}) IN ('false','f','0','no','n') THEN FALSE END)`;
    case 'date':
      return col.format ? `CAST(${parsedSql(col, t)} AS DATE)` : `TRY_CAST(${t} AS DATE)`;
    case 'timestamp':
      // Through TIMESTAMPTZ so that an offset (+02:00, Z) is applied, not dropped: the stored value
      // is UTC (the connection's TimeZone is UTC, so a value without an offset is taken as UTC).
      return col.format ? parsedSql(col, t) : `CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    case 'time':
      return col.format ? `CAST(${parsedSql(col, t)} AS TIME)` : `TRY_CAST(${t} AS TIME)`;
    default:
      return v;
  }
}

/** The typed value of text `v`, NULL when it is missing or does not cast (the typed view of a batch). */
export function typedOrNullSql(col: ColumnSpec, v: string): string {
  if (col.logicalType === 'string' || col.logicalType === 'object' || col.logicalType === 'array') return v;
  return `(CASE WHEN ${v} IS NOT NULL AND trim(${v}) <> '' AND ${typeOkSql(col, v)} THEN ${compareSql(col, v)} END)`;
}

/** The DuckDB type production stores for the column (see the note on numbers above). */
export function duckType(col: ColumnSpec): string {
  return {
    string: 'VARCHAR', integer: 'BIGINT', number: 'VARCHAR', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP',
    time: 'TIME', object: 'VARCHAR', array: 'VARCHAR',
  }[col.logicalType];
}

/** The DuckDB type comparisons and typed views use. */
export function compareType(col: ColumnSpec): string {
  return col.logicalType === 'number' ? 'DOUBLE' : duckType(col);
}

/** SQL rendering a typed value back to text in the contract's declared format (export). */
export function formatSql(col: ColumnSpec, v: string): string {
  if ((col.logicalType === 'date' || col.logicalType === 'timestamp' || col.logicalType === 'time') && col.format) {
    // strftime has no TIME overload: a time is written on an arbitrary day.
    const x = col.logicalType === 'time' ? `(DATE '2000-01-01' + ${v})` : v;
    return `strftime(${x}, ${sqlString(col.format)})`;
  }
  return `CAST(${v} AS VARCHAR)`;
}

/** SQL comparing the typed value with a contract bound (the loader checked the bound casts). */
export function boundLiteral(col: ColumnSpec, bound: number | string): string {
  if (col.logicalType === 'date') return `DATE ${sqlString(String(bound))}`;
  if (col.logicalType === 'timestamp') return `TIMESTAMP ${sqlString(String(bound))}`;
  if (col.logicalType === 'time') return `TIME ${sqlString(String(bound))}`;
  return String(Number(bound));
}
