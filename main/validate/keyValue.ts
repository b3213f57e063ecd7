// What a key compares by. Production stores keys as typed values, so the batch must compare them
// the same way: with an integer key, `1`, `01`, `+1` and ` 1` are one key (a text comparison let
// all four through as distinct rows and production ended up with four rows whose key is 1).
import type { ColumnSpec } from '../contract/types.js';
import { castSql, typeOkSql } from './typedValue.js';

/**
 * SQL expressions to PARTITION BY for one key column of the raw text `v`: the typed value when
 * the text is a valid value of the column's type, and the raw text otherwise (a value that does
 * not cast is a TYPE_MISMATCH already; it is still compared with its own spelling, never with a
 * typed value, so the two expressions together are the key).
 */
export function keyPartitionSql(col: ColumnSpec, v: string): string[] {
  if (col.logicalType === 'string') return [v];
  const ok = typeOkSql(col, v);
  return [`CASE WHEN ${ok} THEN ${castSql(col, v)} END`, `CASE WHEN NOT coalesce(${ok}, false) THEN ${v} END`];
}
