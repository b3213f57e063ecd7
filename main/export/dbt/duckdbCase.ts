// DuckDB's lower() and upper() as a mapping of code points (duckdbCaseTable.ts, generated from
// DuckDB): Spark's translate(x, from, to) with it gives DuckDB's answer on any JVM.
import { DUCKDB_CASE } from './duckdbCaseTable.js';

const cache = new Map<string, { from: string; to: string }>();

/** The code points DuckDB's lower (or upper) changes, and what each becomes, as two strings of equal length in code points. */
export function duckdbCaseMapping(kind: 'lower' | 'upper'): { from: string; to: string } {
  const hit = cache.get(kind);
  if (hit) return hit;
  const column = kind === 'lower' ? 1 : 2;
  const changed = DUCKDB_CASE.filter((r) => r[column] !== r[0]);
  const mapping = { from: String.fromCodePoint(...changed.map((r) => r[0])), to: String.fromCodePoint(...changed.map((r) => r[column]!)) };
  cache.set(kind, mapping);
  return mapping;
}
