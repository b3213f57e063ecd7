// An order-independent digest of a multiset of texts, in bounded memory. Each element is hashed
// with SHA-256 and four 60-bit slices of the hash are summed (an additive multiset hash, as
// MSet-Add-Hash): the same elements in any order give the same sums, one element more, less or
// changed gives other sums but for a 2^-60-per-slice accident. It replaces a sha256 over an
// ordered string_agg of every row's hash, whose single state held 64 bytes per row and cannot
// spill (50 million rows are 3.2 GB): see docs/performance.md, "What must stay spillable".
const SLICES = 4;
const SLICE_HEX = 15;

/**
 * SQL: one row, one column `digest`: the digest of `text` (a VARCHAR expression over `from`'s
 * columns; a NULL element counts as the text 'null'), '' when `from` is empty.
 */
export function multisetDigestSql(from: string, text: string): string {
  const slices = Array.from({ length: SLICES }, (_, k) => `CAST(CAST('0x' || substr(_airlock_h, ${1 + k * SLICE_HEX}, ${SLICE_HEX}) AS BIGINT) AS HUGEINT) AS _airlock_s${k}`);
  const sums = Array.from({ length: SLICES }, (_, k) => `CAST(coalesce(sum(_airlock_s${k}), 0) AS VARCHAR)`);
  return `SELECT CASE WHEN count(*) = 0 THEN '' ELSE sha256(concat_ws(':', CAST(count(*) AS VARCHAR), ${sums.join(', ')})) END AS digest
    FROM (SELECT ${slices.join(', ')} FROM (SELECT sha256(coalesce(${text}, 'null')) AS _airlock_h FROM ${from} _airlock_md))`;
}
