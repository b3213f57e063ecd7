// The single-column part of a contract column's checks, as one SQL predicate: would this text be
// a valid value of the column on its own (type, pattern, closed set, length, range, the value
// metrics)? It is built from the very check builders validation compiles
// (validate/compileViolations.ts singleValueChecks), so a value it accepts raises none of the
// column's own violations; it also asks for a value that is present (not missing), since a
// repair that writes a missing value repairs nothing. The judge of rule candidates
// (synth/judge.ts) and the agreed-value rule test candidate values with it, in SQL.
import type { ColumnSpec } from '../contract/types.js';
import { sqlString } from '../store/duckdb.js';
import { determinantUsableSql } from '../validate/compileViolations.js';

export function valueValidSql(col: ColumnSpec, v: string): string {
  // A check's `when` that is NULL raises no violation in validation (CASE WHEN NULL): same here.
  return determinantUsableSql(col, v);
}

/** A `CASE <key> WHEN 'k' THEN 'v' ... END` look-up expression (NULL when the key is unmapped). */
export function lookupSql(keyExpr: string, map: Map<string, string>): string {
  if (map.size === 0) return 'CAST(NULL AS VARCHAR)';
  const whens = [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`);
  return `CASE ${keyExpr} ${whens.join(' ')} END`;
}
