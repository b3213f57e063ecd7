// A value found inside another column of the same row: the state code glued to the city
// ("Bend OR" with an empty state), a code embedded in a composite key. For a cluster of cells in
// column d, each other text column X is tried with a few extractors (trailing token, leading
// token, parts split on '_'). An extractor is proposed when it yields a valid value of d for
// nearly every row of the cluster, while it almost never does on rows where d is already valid
// (so the token really is an intrusion, not X's own content). A trailing or leading token is then
// also removed from X.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { queryRows, sqlIdent } from '../../store/duckdb.js';
import type { Cluster } from '../types.js';
import { valueValidSql } from '../valueChecks.js';
import type { RowStrategyResult } from './types.js';

interface Extractor {
  name: string;
  value: (x: string) => string;
  rest?: (x: string) => string;
}

const EXTRACTORS: Extractor[] = [
  { name: 'trailing token', value: (x) => `regexp_extract(${x}, '[\\s,;]+([^\\s,;]+)$', 1)`, rest: (x) => `regexp_replace(${x}, '[\\s,;]+[^\\s,;]+$', '')` },
  { name: 'leading token', value: (x) => `regexp_extract(${x}, '^([^\\s,;]+)[\\s,;]+', 1)`, rest: (x) => `regexp_replace(${x}, '^[^\\s,;]+[\\s,;]+', '')` },
  { name: 'part after _', value: (x) => `split_part(${x}, '_', 2)` },
  { name: 'part before _', value: (x) => `CASE WHEN contains(${x}, '_') THEN split_part(${x}, '_', 1) END` },
];

const MIN_CLUSTER_SHARE = 0.9;
const MAX_VALID_SHARE = 0.02;

export async function valueInOtherColumn(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string): Promise<RowStrategyResult | null> {
  const d = contract.columns.find((c) => c.name === cluster.column);
  if (!d) return null;
  const reasons = cluster.reasons ?? [cluster.reason];
  // Only for values that are missing, or fail the column's own checks: not FD-only disagreements.
  if (!reasons.some((r) => ['REQUIRED_MISSING', 'PATTERN_MISMATCH', 'NOT_IN_SET', 'TYPE_MISMATCH', 'MISSING_VALUE'].includes(r))) return null;
  const dv = sqlIdent(d.name);
  const validHere = valueValidSql(d, dv);
  let best: { share: number; x: string; ex: Extractor; rows: number } | null = null;
  for (const x of contract.columns) {
    if (x.name === d.name || x.logicalType !== 'string') continue;
    const xv = sqlIdent(x.name);
    for (const ex of EXTRACTORS) {
      const cand = ex.value(xv);
      const restOk = ex.rest ? ` AND trim(${ex.rest(xv)}) <> ''` : '';
      const hit = `(${valueValidSql(d, cand)}${restOk} AND (${dv} IS NULL OR trim(${dv}) = '' OR levenshtein(${cand}, ${dv}) <= 2))`;
      const [row] = await queryRows<{ share: number; n: number; valid_share: number }>(conn, `SELECT
        (SELECT avg(CASE WHEN ${hit} THEN 1 ELSE 0 END) FROM ${clusterRows}) AS share,
        (SELECT count(*) FROM ${clusterRows}) AS n,
        (SELECT coalesce(avg(CASE WHEN ${valueValidSql(d, cand)} THEN 1 ELSE 0 END), 0) FROM ${universe} WHERE ${validHere}) AS valid_share`);
      const share = Number(row.share ?? 0);
      if (share >= MIN_CLUSTER_SHARE && Number(row.valid_share) <= MAX_VALID_SHARE && (!best || share > best.share)) {
        best = { share, x: x.name, ex, rows: Number(row.n) };
      }
    }
  }
  if (!best) return null;
  const xv = sqlIdent(best.x);
  const cand = best.ex.value(xv);
  const where = `${valueValidSql(d, cand)}${best.ex.rest ? ` AND trim(${best.ex.rest(xv)}) <> ''` : ''}`;
  const set: Record<string, string> = { [d.name]: cand };
  if (best.ex.rest) set[best.x] = best.ex.rest(xv);
  return {
    set,
    where,
    confidence: Math.min(0.95, best.share),
    reasoning: `${Math.round(best.share * 100)}% of these ${best.rows} rows carry a valid ${d.name} as the ${best.ex.name} of ${best.x}, which rows with a valid ${d.name} never do: it is moved into ${d.name}${best.ex.rest ? ` and removed from ${best.x}` : ''}.`,
    patternType: 'value-in-other-column',
    strategy: 'value-in-other-column',
  };
}
