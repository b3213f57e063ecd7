// Values swapped between two columns of the same row (an e-mail in the phone column and the phone
// in the e-mail column, origin and destination exchanged). For a cluster of cells of column d that
// fail d's own checks, every other column X is tried: the swap is proposed when, on nearly every
// row of the cluster, X's value is a valid d and d's value is a valid X, while X's value almost
// never passes as a d on rows where both are valid (so the columns are not simply alike). The
// values written come from the row itself: evidence, not invention. Judged in DuckDB only.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { queryRows, sqlIdent } from '../../store/duckdb.js';
import type { Cluster } from '../types.js';
import { valueValidSql } from '../valueChecks.js';
import type { RowStrategyResult } from './types.js';

/** Share of the cluster's rows the swap must make valid on both sides. */
const MIN_CLUSTER_SHARE = 0.9;
/** Share of valid rows on which the two columns' values would pass for each other: above it they are alike. */
const MAX_ALIKE_SHARE = 0.05;

/** Reasons a value fails on its own (a swap explains those; a group disagreement it does not). */
const OWN_FAILURES = new Set(['PATTERN_MISMATCH', 'TYPE_MISMATCH', 'NOT_IN_SET', 'INVALID_VALUE', 'OUT_OF_RANGE', 'LENGTH_VIOLATION']);

export async function swappedColumns(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string): Promise<RowStrategyResult | null> {
  const d = contract.columns.find((c) => c.name === cluster.column);
  if (!d) return null;
  if (!(cluster.reasons ?? [cluster.reason]).some((r) => OWN_FAILURES.has(r))) return null;
  const others = contract.columns.filter((x) => x.name !== d.name && !x.primaryKey && x.logicalType === d.logicalType);
  if (others.length === 0) return null;
  const dv = sqlIdent(d.name);
  const both = (x: (typeof others)[number]) => `${valueValidSql(d, sqlIdent(x.name))} AND ${valueValidSql(x, dv)}`;
  const hits = others.map((x, i) => `avg(CASE WHEN ${both(x)} THEN 1 ELSE 0 END) AS h${i}`);
  const [h] = await queryRows<Record<string, number>>(conn, `SELECT count(*) AS n, ${hits.join(', ')} FROM ${clusterRows}`);
  const candidates = others.map((x, i) => ({ x, share: Number(h[`h${i}`] ?? 0) })).filter((c) => c.share >= MIN_CLUSTER_SHARE);
  if (candidates.length === 0) return null;
  // On rows where both columns are valid, would each value pass for the other? Then they are alike
  // (two codes of one shape) and a swap cannot be told from a wrong value.
  const alike = candidates.map((c, i) => `coalesce(avg(CASE WHEN ${both(c.x)} THEN 1 ELSE 0 END) FILTER (WHERE ${valueValidSql(d, dv)} AND ${valueValidSql(c.x, sqlIdent(c.x.name))}), 0) AS a${i}`);
  const [a] = await queryRows<Record<string, number>>(conn, `SELECT ${alike.join(', ')} FROM ${universe}`);
  const usable = candidates.filter((_, i) => Number(a[`a${i}`]) <= MAX_ALIKE_SHARE).sort((p, q) => q.share - p.share);
  // Two columns that would both explain the cluster: not ours to pick.
  if (usable.length !== 1) return null;
  const { x, share } = usable[0];
  const xv = sqlIdent(x.name);
  return {
    set: { [d.name]: xv, [x.name]: dv },
    where: both(x),
    confidence: Math.min(0.95, share),
    reasoning: `On ${Math.round(share * 100)}% of these ${Number(h.n)} rows, ${d.name} holds a valid ${x.name} and ${x.name} a valid ${d.name}, which rows with both valid never do: the two values are swapped back.`,
    patternType: 'swapped-columns',
    strategy: 'swapped-columns',
  };
}
