// A misspelt dependency determinant (validation's FD_DETERMINANT_SUSPECT): the row's key is rare
// and its dependents are exactly those of one well-supported key spelt almost alike, in data where
// the dependents identify their key. The repair is a value map from each suspect key to that key,
// one line per key with its rows, judged by the same builder validation uses
// (validate/determinantSuspects.ts) over the batch as it stands. A key whose rows point at two
// different keys (through two dependencies) is left out: no guess between them.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { queryRows } from '../../store/duckdb.js';
import { determinantSuspectsSql } from '../../validate/determinantSuspects.js';
import type { MapEntry, MapRule } from '../rules/ruleTypes.js';
import type { Cluster } from '../types.js';
import type { RowStrategyResult } from './types.js';

const STRATEGY = 'fd-determinant-typo';
/** Never certain: the well-supported spelling is the likeliest, not a proven, key. */
const CONFIDENCE = 0.9;

export interface DeterminantTypoResult extends RowStrategyResult {
  op: MapRule;
  set: Record<string, never>;
}

/**
 * Proposes the map for a cluster of suspect determinant cells. `universe` is the batch's rows
 * (contract columns and `_airlock_row_id`), `clusterRows` the cluster's rows.
 */
export async function fdDeterminantTypo(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string): Promise<DeterminantTypoResult | null> {
  if (!(cluster.reasons ?? [cluster.reason]).includes('FD_DETERMINANT_SUSPECT')) return null;
  const parts = contract.fds
    .filter((fd) => fd.determinant.length === 1 && fd.determinant[0] === cluster.column)
    .map((fd) => determinantSuspectsSql(fd, universe))
    .filter((sql): sql is string => sql !== null);
  if (parts.length === 0) return null;
  const rows = await queryRows<{ det_from: string; det_to: string; n: number | bigint; support: number | bigint; dist: number | bigint }>(conn, `
    WITH s AS (${parts.map((p) => `SELECT id, det_from, det_to, support, dist FROM (${p})`).join(' UNION ALL ')}),
    mine AS (SELECT * FROM s WHERE id IN (SELECT _airlock_row_id FROM ${clusterRows}))
    SELECT det_from, any_value(det_to) AS det_to, count(DISTINCT id) AS n, max(support) AS support, max(dist) AS dist
    FROM mine GROUP BY det_from HAVING count(DISTINCT det_to) = 1 ORDER BY n DESC, det_from`);
  if (rows.length === 0) return null;
  const entries: MapEntry[] = rows.map((r) => ({ from: r.det_from, to: r.det_to, count: Number(r.n) }));
  const ex = rows.slice(0, 3).map((r) => `'${r.det_from}' → '${r.det_to}' (${Number(r.support)} rows)`).join(', ');
  const deps = contract.fds.filter((fd) => fd.determinant[0] === cluster.column).map((fd) => fd.dependent.join(' + ')).join('; ');
  return {
    op: { kind: 'map', column: cluster.column, match: 'exact', entries },
    set: {},
    confidence: CONFIDENCE,
    reasoning: `${entries.length} rare value(s) of ${cluster.column} are misspellings of a well-supported value: each row's ${deps} are exactly what that value's rows agree on, those identify their ${cluster.column} in this batch, and the two spellings differ by at most ${Math.max(...rows.map((r) => Number(r.dist)))} edit(s) (${ex}).`,
    patternType: 'fd-determinant-typo',
    strategy: STRATEGY,
  };
}
