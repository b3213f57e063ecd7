// DuckDB's damerau_levenshtein(a, b) in Spark SQL, which has no such function: the unrestricted
// Damerau-Levenshtein distance (Lowrance-Wagner: adjacent transpositions, also of characters
// edited in between; 'CA' to 'ABC' is 2) counted over the UTF-8 BYTES of the two texts, as DuckDB
// counts them ('é' to 'e' is 2). The matrix is built row by row with Spark's higher-order
// functions; a byte of text s is `substr(hex(encode(s, 'UTF-8')), 2k - 1, 2)`. Where the last row
// with byte B[j] (DuckDB's "da" table) and the last column of the current row with byte A[i]
// ("db") are looked up, they are found by a filter over the earlier positions. NULL in, NULL out.
// sparkModelTranslation.test.ts compares it with DuckDB's over generated pairs in real Spark.
import { Dialect, parse } from '@polyglot-sql/sdk';
import { nodeOf } from './sparkAst.js';

const byteOf = (s: string, k: string) => `substr(hex(encode(${s}, 'UTF-8')), 2 * ${k} - 1, 2)`;
const A = '__airlock_dl_a';
const B = '__airlock_dl_b';
const M = `octet_length(${A})`;
const N = `octet_length(${B})`;
const MAX = `(${M} + ${N})`;
const LAST_ROW = `coalesce(array_max(filter(sequence(0, _dl_i - 1), _dl_k -> _dl_k >= 1 AND ${byteOf(A, '_dl_k')} = ${byteOf(B, '_dl_j')})), 0)`;
const LAST_COL = `coalesce(array_max(filter(sequence(0, _dl_j - 1), _dl_k -> _dl_k >= 1 AND ${byteOf(B, '_dl_k')} = ${byteOf(A, '_dl_i')})), 0)`;

// Rows of H are indexed from 0 for the matrix's row -1 (all MAX); row 0 is [MAX, 0, 1, …, n].
// sequence(0, x) filtered to >= 1 is 1..x, and empty for x = 0 (sequence(1, 0) would count down).
const TEMPLATE = `SELECT CASE WHEN ${A} IS NULL OR ${B} IS NULL THEN NULL ELSE CAST(aggregate(
  filter(sequence(0, ${M}), _dl_i -> _dl_i >= 1),
  array(array_repeat(${MAX}, ${N} + 2), concat(array(${MAX}), sequence(0, ${N}))),
  (_dl_h, _dl_i) -> concat(_dl_h, array(aggregate(
    filter(sequence(0, ${N}), _dl_j -> _dl_j >= 1),
    array(${MAX}, _dl_i),
    (_dl_r, _dl_j) -> concat(_dl_r, array(least(
      _dl_h[_dl_i][_dl_j] + IF(${byteOf(A, '_dl_i')} = ${byteOf(B, '_dl_j')}, 0, 1),
      _dl_r[_dl_j] + 1,
      _dl_h[_dl_i][_dl_j + 1] + 1,
      _dl_h[${LAST_ROW}][${LAST_COL}] + (_dl_i - ${LAST_ROW} - 1) + 1 + (_dl_j - ${LAST_COL} - 1))))))))[${M} + 1][${N} + 1] AS BIGINT) END`;

let template: unknown = null;

function templateExpression(): unknown {
  if (template === null) {
    const parsed = parse(TEMPLATE, Dialect.Spark);
    const select = parsed.success && Array.isArray(parsed.ast) ? nodeOf(parsed.ast[0]) : null;
    const exprs = select?.kind === 'select' ? select.fields.expressions : null;
    if (!Array.isArray(exprs) || exprs.length !== 1) throw new Error(`the Damerau-Levenshtein template does not parse: ${parsed.error ?? 'no tree'}`);
    template = exprs[0];
  }
  return structuredClone(template);
}

/** The Spark expression of damerau_levenshtein(a, b), given the two arguments' Spark trees. */
export function sparkDamerauLevenshtein(a: unknown, b: unknown): unknown {
  const put = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(put);
    const n = nodeOf(v);
    if (n?.kind === 'column' && n.fields.table === null) {
      const name = (n.fields.name as { name?: unknown } | undefined)?.name;
      if (name === A) return structuredClone(a);
      if (name === B) return structuredClone(b);
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = put(x);
    }
    return v;
  };
  return put(templateExpression());
}
