// A dependency's determinant that fails its own column's checks through a typo: zip `4819` (a
// digit dropped) in a row whose city and country are exactly what the rows of zip `48191` agree
// on. The value is certainly wrong (it fails the pattern), so the question is only which key it
// was; the row's own dependents answer it when exactly one valid, well-supported key within one
// edit has those dependents. Unlike validation's FD_DETERMINANT_SUSPECT (a valid-looking rare key,
// validate/determinantSuspects.ts) this needs no reverse mapping: many zips may share a city, and
// the edit distance and the dependents together must single out one of them. A value whose rows
// point at two keys, or whose row has a dependent missing, is left as it is.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { queryRows, sqlIdent } from '../../store/duckdb.js';
import type { MapEntry, MapRule } from '../rules/ruleTypes.js';
import type { Cluster } from '../types.js';
import { valueValidSql } from '../valueChecks.js';
import type { RowStrategyResult } from './types.js';

const STRATEGY = 'invalid-key-typo';
/** The key chosen needs this many rows: one row is no evidence (but it is a rival: see `good`). */
const MIN_SUPPORT = 2;
/** One edit (Damerau-Levenshtein), and less than a third of the key's length. */
const MAX_DISTANCE = 1;
const CONFIDENCE = 0.9;

/** Reasons a value fails on its own: what makes it certainly not a key of the batch. */
const OWN_FAILURES = new Set(['PATTERN_MISMATCH', 'TYPE_MISMATCH', 'NOT_IN_SET', 'INVALID_VALUE', 'OUT_OF_RANGE', 'LENGTH_VIOLATION']);

export interface InvalidKeyTypoResult extends RowStrategyResult {
  op: MapRule;
  set: Record<string, never>;
}

export async function invalidKeyTypo(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string): Promise<InvalidKeyTypoResult | null> {
  const d = contract.columns.find((c) => c.name === cluster.column);
  if (!d) return null;
  if (!(cluster.reasons ?? [cluster.reason]).some((r) => OWN_FAILURES.has(r))) return null;
  const fds = contract.fds.filter((fd) => fd.determinant.length === 1 && fd.determinant[0] === d.name && fd.dependent.length > 0 && !fd.dependent.includes(d.name));
  if (fds.length === 0) return null;
  const text = (c: string) => `CAST(${sqlIdent(c)} AS VARCHAR)`;
  const present = (c: string) => `(${sqlIdent(c)} IS NOT NULL AND trim(${text(c)}) <> '')`;
  const x = text(d.name);
  // Candidates per dependency: valid keys one edit away whose rows agree on this row's dependents.
  const parts = fds.map((fd, i) => {
    const y = fd.dependent.length === 1 ? text(fd.dependent[0]) : `{${fd.dependent.map((c, j) => `'d${j}': ${text(c)}`).join(', ')}}`;
    const yok = fd.dependent.map(present).join(' AND ');
    return `SELECT ${i} AS fd, r.x AS det_from, a.k AS det_to, a.total AS support, r.id
      FROM (SELECT _airlock_row_id AS id, ${x} AS x, ${y} AS y FROM ${clusterRows} WHERE ${present(d.name)} AND ${yok}) r
      JOIN (SELECT g.k, g.y, t.total FROM (SELECT ${x} AS k, ${y} AS y, count(*) AS n FROM ${universe} WHERE ${valueValidSql(d, sqlIdent(d.name))} AND ${present(d.name)} AND ${yok} GROUP BY 1, 2) g
            JOIN (SELECT ${x} AS k, count(*) AS total FROM ${universe} WHERE ${present(d.name)} GROUP BY 1) t ON t.k = g.k
            WHERE 2 * g.n > t.total) a
        ON a.y = r.y AND a.k <> r.x
      WHERE damerau_levenshtein(r.x, a.k) <= ${MAX_DISTANCE} AND 3 * damerau_levenshtein(r.x, a.k) < least(length(r.x), length(a.k))`;
  });
  // Which dependencies can judge each row (its dependents present): the key must satisfy all of them.
  const judges = fds.map((fd, i) => `SELECT ${i} AS fd, _airlock_row_id AS id FROM ${clusterRows} WHERE ${present(d.name)} AND ${fd.dependent.map(present).join(' AND ')}`);
  // A map rewrites every cell holding the value: each row of the batch holding it must resolve to
  // the same key, or the value is left.
  const rows = await queryRows<{ det_from: string; det_to: string; n: number | bigint; support: number | bigint }>(conn, `
    WITH c AS (${parts.join(' UNION ALL ')}),
    judges AS (SELECT id, count(DISTINCT fd) AS j FROM (${judges.join(' UNION ALL ')}) GROUP BY id),
    per_id AS (SELECT id, any_value(det_from) AS det_from, any_value(det_to) AS det_to, count(DISTINCT det_to) AS nto,
        count(DISTINCT fd) AS h, max(support) AS support FROM c GROUP BY id),
    -- Rivals are counted over every valid key, however rare (a key of one row may be the truth);
    -- the one chosen must be well supported.
    good AS (SELECT p.* FROM per_id p JOIN judges j ON j.id = p.id WHERE p.nto = 1 AND p.h = j.j AND p.support >= ${MIN_SUPPORT}),
    totals AS (SELECT ${x} AS det_from, count(*) AS total FROM ${universe} WHERE ${x} IN (SELECT det_from FROM good) GROUP BY 1)
    SELECT g.det_from, any_value(g.det_to) AS det_to, count(*) AS n, max(g.support) AS support
    FROM good g JOIN totals t ON t.det_from = g.det_from
    GROUP BY g.det_from, t.total HAVING count(DISTINCT g.det_to) = 1 AND count(*) = t.total ORDER BY n DESC, g.det_from`);
  if (rows.length === 0) return null;
  const entries: MapEntry[] = rows.map((r) => ({ from: r.det_from, to: r.det_to, count: Number(r.n) }));
  const deps = fds.map((fd) => fd.dependent.join(' + ')).join('; ');
  const ex = rows.slice(0, 3).map((r) => `'${r.det_from}' → '${r.det_to}' (${Number(r.support)} rows)`).join(', ');
  return {
    op: { kind: 'map', column: d.name, match: 'exact', entries },
    set: {},
    confidence: CONFIDENCE,
    reasoning: `${entries.length} value(s) of ${d.name} fail its checks and are one edit away from exactly one valid ${d.name} whose rows agree on this row's ${deps}: each is mapped to that value (${ex}). A value near two such keys, or in a row with a dependent missing, is left.`,
    patternType: 'invalid-key-typo',
    strategy: STRATEGY,
  };
}
