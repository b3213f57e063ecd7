// How a raw text value is checked against, and cast to, a contract column's logical type.
// DuckDB's own casts are too lenient for a contract ('12.5' casts to BIGINT 13, '0x10' to 16),
// so each type is a strict shape test first, then the cast.
import type { ColumnSpec } from '../contract/types.js';
import { sqlString } from '../store/duckdb.js';

const INTEGER_RE = '[+-]?[0-9]+';
const NUMBER_RE = '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?';
const BOOLEAN_WORDS = ['true', 'false', 't', 'f', '1', '0', 'yes', 'no', 'y', 'n'];

/** SQL that is TRUE when the (non-missing) text `v` is a valid value of the column's type. */
export function typeOkSql(col: ColumnSpec, v: string): string {
  const t = `trim(${v})`;
  switch (col.logicalType) {
    case 'integer':
      return `(regexp_full_match(${t}, '${INTEGER_RE}') AND TRY_CAST(${t} AS BIGINT) IS NOT NULL)`;
    case 'number':
      return `(regexp_full_match(${t}, '${NUMBER_RE}') AND TRY_CAST(${t} AS DOUBLE) IS NOT NULL)`;
    case 'boolean':
      return `(lower(${t}) IN (${BOOLEAN_WORDS.map((w) => `'${w}'`).join(', ')}))`;
    case 'date':
      return col.format ? `(try_strptime(${t}, ${sqlString(col.format)}) IS NOT NULL)` : `(TRY_CAST(${t} AS DATE) IS NOT NULL)`;
    case 'timestamp':
      return col.format ? `(try_strptime(${t}, ${sqlString(col.format)}) IS NOT NULL)` : `(TRY_CAST(${t} AS TIMESTAMP) IS NOT NULL)`;
    default:
      return 'TRUE';
  }
}

/** SQL casting text `v` to the column's DuckDB type (NULL stays NULL). Only used on valid values. */
export function castSql(col: ColumnSpec, v: string): string {
  const t = `trim(${v})`;
  switch (col.logicalType) {
    case 'integer':
      return `TRY_CAST(${t} AS BIGINT)`;
    case 'number':
      return `TRY_CAST(${t} AS DOUBLE)`;
    case 'boolean':
      return `(CASE WHEN lower(${t}) IN ('true','t','1','yes','y') THEN TRUE WHEN lower(${t}) IN ('false','f','0','no','n') THEN FALSE END)`;
    case 'date':
      return col.format ? `CAST(try_strptime(${t}, ${sqlString(col.format)}) AS DATE)` : `TRY_CAST(${t} AS DATE)`;
    case 'timestamp':
      // Through TIMESTAMPTZ so that an offset (+02:00, Z) is applied, not dropped: the stored value
      // is UTC (the connection's TimeZone is UTC, so a value without an offset is taken as UTC).
      return col.format ? `CAST(try_strptime(${t}, ${sqlString(col.format)}) AS TIMESTAMP)` : `CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    default:
      return v;
  }
}

export function duckType(col: ColumnSpec): string {
  return { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' }[col.logicalType];
}

/** SQL rendering a typed value back to text in the contract's declared format (export). */
export function formatSql(col: ColumnSpec, v: string): string {
  if ((col.logicalType === 'date' || col.logicalType === 'timestamp') && col.format) return `strftime(${v}, ${sqlString(col.format)})`;
  if (col.logicalType === 'number') {
    // Whole numbers print without a trailing '.0' noise only when the contract says integer; a
    // number column keeps DuckDB's shortest round-trip text.
    return `CAST(${v} AS VARCHAR)`;
  }
  return `CAST(${v} AS VARCHAR)`;
}

/** SQL comparing the typed value with a contract bound. */
export function boundLiteral(col: ColumnSpec, bound: number | string): string {
  if (col.logicalType === 'date') return `DATE ${sqlString(String(bound))}`;
  if (col.logicalType === 'timestamp') return `TIMESTAMP ${sqlString(String(bound))}`;
  return String(Number(bound));
}
