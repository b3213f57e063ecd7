// What a key compares by. Production stores keys as typed values, so the batch must compare them
// the same way: with an integer key, `1`, `01`, `+1` and ` 1` are one key (a text comparison let
// all four through as distinct rows and production ended up with four rows whose key is 1).
import type { ColumnSpec } from '../contract/types.js';
import { keySql, typeOkSql } from './typedValue.js';

/**
 * SQL expressions to PARTITION BY for one key column of the raw text `v`: the typed value when
 * the text is a valid value of the column's type, and the raw text otherwise (a value that does
 * not cast is a TYPE_MISMATCH already; it is still compared with its own spelling, never with a
 * typed value, so the two expressions together are the key).
 */
export function keyPartitionSql(col: ColumnSpec, v: string): string[] {
  if (col.logicalType === 'string') return [v];
  const ok = typeOkSql(col, v);
  return [`CASE WHEN ${ok} THEN ${keySql(col, v)} END`, `CASE WHEN NOT coalesce(${ok}, false) THEN ${v} END`];
}

/**
 * One VARCHAR standing for the key value of `v`, equal exactly when keyPartitionSql's
 * expressions are: the typed value's text when `v` is a valid value, the raw text otherwise
 * (prefixed so the two never meet). For joining rows that share a key.
 */
export function keyTextSql(col: ColumnSpec, v: string): string {
  if (col.logicalType === 'string') return v;
  return `coalesce('t:' || CAST(CASE WHEN ${typeOkSql(col, v)} THEN ${keySql(col, v)} END AS VARCHAR), 'r:' || ${v})`;
}
