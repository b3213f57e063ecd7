// The single-column part of a contract column's checks, as one SQL predicate: would this text be
// a valid value of the column on its own (type, pattern, enum, length, range)? Strategies use it
// to test candidate values in SQL before proposing them.
import type { ColumnSpec } from '../contract/types.js';
import { sqlString } from '../store/duckdb.js';
import { boundLiteral, compareSql, typeOkSql } from '../validate/typedValue.js';

export function valueValidSql(col: ColumnSpec, v: string): string {
  const parts: string[] = [`${v} IS NOT NULL`, `trim(${v}) <> ''`];
  const tokens = col.missingTokens.filter((t) => t !== '');
  if (tokens.length) parts.push(`${v} NOT IN (${tokens.map(sqlString).join(', ')})`);
  parts.push(typeOkSql(col, v));
  if (col.pattern) parts.push(`regexp_full_match(${v}, ${sqlString(col.pattern)})`);
  if (col.enum) parts.push(`${v} IN (${col.enum.map(sqlString).join(', ')})`);
  if (col.minLength !== undefined) parts.push(`length(${v}) >= ${col.minLength}`);
  if (col.maxLength !== undefined) parts.push(`length(${v}) <= ${col.maxLength}`);
  const typed = compareSql(col, v);
  if (col.minimum !== undefined) parts.push(`${typed} >= ${boundLiteral(col, col.minimum)}`);
  if (col.maximum !== undefined) parts.push(`${typed} <= ${boundLiteral(col, col.maximum)}`);
  if (col.exclusiveMinimum !== undefined) parts.push(`${typed} > ${boundLiteral(col, col.exclusiveMinimum)}`);
  if (col.exclusiveMaximum !== undefined) parts.push(`${typed} < ${boundLiteral(col, col.exclusiveMaximum)}`);
  return `coalesce((${parts.join(' AND ')}), false)`;
}

/** A `CASE <key> WHEN 'k' THEN 'v' ... END` look-up expression (NULL when the key is unmapped). */
export function lookupSql(keyExpr: string, map: Map<string, string>): string {
  if (map.size === 0) return 'CAST(NULL AS VARCHAR)';
  const whens = [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`);
  return `CASE ${keyExpr} ${whens.join(' ')} END`;
}
