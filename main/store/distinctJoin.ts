// Per group, the distinct values of a text expression, sorted and joined: what
// `string_agg(DISTINCT v, sep ORDER BY v) ... GROUP BY keys` computes, in bounded memory.
//
// Why not string_agg itself: DuckDB keeps an ordered (or DISTINCT) aggregate's state per group in
// memory it cannot spill, so with millions of groups (a row's reasons, per quarantined row) the
// query needs far more than the budget: at 2.3 million groups it asked over 600 MB, and the
// 50-million-row run died in apply with "failed to pin block". Here the values are numbered once
// (a small dictionary: the distinct reasons of a run), each group's set is a few 64-bit words
// combined with bit_or (fixed-size states, which the hash aggregate spills), and the words are
// turned back into text per group from the dictionary, in its order.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryValue } from './duckdb.js';

/** Bits per word of a group's set. */
const WORD = 64;
/**
 * Beyond this many distinct values the sets would be wide and the decoding per group long; the
 * plain ordered aggregate is used instead (exact, not bounded). Reasons of a run are a few
 * hundred at most (columns × reason codes).
 */
export const MAX_DICTIONARY = 4096;

export interface DistinctJoin {
  /** a relation (table name or parenthesised query) holding the key columns */
  from: string;
  /** the grouping columns of `from`, as SQL identifiers (quoted where needed); they keep their names */
  keys: string[];
  /** a text expression over `from`'s columns; NULLs are skipped, as string_agg skips them */
  value: string;
  /** the separator, as an SQL string literal */
  sep: string;
  /** the output column's name, as an SQL identifier */
  as: string;
}

/** The plain aggregate this replaces (the reference its tests compare with). */
export function orderedStringAggSql(d: DistinctJoin): string {
  const keys = d.keys.join(', ');
  return `(SELECT ${keys}, string_agg(DISTINCT ${d.value}, ${d.sep} ORDER BY ${d.value}) AS ${d.as} FROM ${d.from} _airlock_dj GROUP BY ${keys})`;
}

/**
 * A parenthesised query with the key columns and `as`: one row per group of `from` (a group whose
 * values are all NULL gets NULL, as string_agg gives). Counts the distinct values first, to size
 * the sets.
 */
export async function distinctJoinSql(conn: DuckDBConnection, d: DistinctJoin): Promise<string> {
  // The value is computed once per row of `from`; every name this query adds carries Airlock's
  // reserved prefix, which no contract column can take, so `from`'s columns keep their meaning.
  const src = `(SELECT ${d.keys.join(', ')}, ${d.value} AS _airlock_dj_v FROM ${d.from} _airlock_dj)`;
  const n = Number(await queryValue(conn, `SELECT count(DISTINCT _airlock_dj_v) FROM ${src}`));
  if (n > MAX_DICTIONARY) return orderedStringAggSql(d);
  const keys = d.keys.join(', ');
  const words = Math.max(1, Math.ceil(n / WORD));
  const w = (j: number) => `_airlock_dj_w${j}`;
  const bits = Array.from({ length: words }, (_, j) =>
    `bit_or(CASE WHEN d._airlock_dj_i // ${WORD} = ${j} THEN CAST(1 AS UBIGINT) << CAST(d._airlock_dj_i % ${WORD} AS INTEGER) END) AS ${w(j)}`);
  const all = Array.from({ length: words }, (_, j) => `coalesce(${w(j)}, CAST(0 AS UBIGINT))`);
  // List lambdas number from 1: dictionary entry k is bit (k - 1) % 64 of word (k - 1) // 64.
  const test = `((list_value(${all.join(', ')})[(_airlock_dj_k - 1) // ${WORD} + 1] >> CAST((_airlock_dj_k - 1) % ${WORD} AS INTEGER)) & CAST(1 AS UBIGINT)) = 1`;
  return `(WITH _airlock_dj_dict AS (
      SELECT _airlock_dj_v, CAST(row_number() OVER (ORDER BY _airlock_dj_v) - 1 AS INTEGER) AS _airlock_dj_i
      FROM (SELECT DISTINCT _airlock_dj_v FROM ${src}) WHERE _airlock_dj_v IS NOT NULL),
    _airlock_dj_bits AS (
      SELECT ${d.keys.map((k) => `s.${k}`).join(', ')}, ${bits.join(', ')}
      FROM ${src} s LEFT JOIN _airlock_dj_dict d ON d._airlock_dj_v = s._airlock_dj_v
      GROUP BY ${d.keys.map((k) => `s.${k}`).join(', ')})
    SELECT ${keys}, CASE WHEN (${all.join(' | ')}) = 0 THEN NULL
      ELSE array_to_string(list_filter((SELECT list(_airlock_dj_v ORDER BY _airlock_dj_i) FROM _airlock_dj_dict), (_airlock_dj_x, _airlock_dj_k) -> ${test}), ${d.sep}) END AS ${d.as}
    FROM _airlock_dj_bits)`;
}
