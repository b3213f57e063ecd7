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
  // Only for values that are missing: a value that is present but malformed is better left to
  // the value strategies than explained by another column.
  if (!reasons.some((r) => r === 'REQUIRED_MISSING' || r === 'MISSING_VALUE' || r === 'NULL_VALUE')) return null;
  const dv = sqlIdent(d.name);
  const validHere = valueValidSql(d, dv);
  const pairs: Array<{ x: string; ex: Extractor }> = [];
  for (const x of contract.columns) {
    if (x.name === d.name || x.logicalType !== 'string') continue;
    for (const ex of EXTRACTORS) pairs.push({ x: x.name, ex });
  }
  if (pairs.length === 0) return null;
  // One pass over the cluster and one over the valid rows score every (column, extractor) pair.
  const hits = pairs.map(({ x, ex }, i) => {
    const xv = sqlIdent(x);
    const cand = ex.value(xv);
    const restOk = ex.rest ? ` AND trim(${ex.rest(xv)}) <> ''` : '';
    return `avg(CASE WHEN ${valueValidSql(d, cand)}${restOk} AND (${dv} IS NULL OR trim(${dv}) = '' OR levenshtein(${cand}, ${dv}) <= 2) THEN 1 ELSE 0 END) AS h${i}`;
  });
  const valids = pairs.map(({ x, ex }, i) => `coalesce(avg(CASE WHEN ${valueValidSql(d, ex.value(sqlIdent(x)))} THEN 1 ELSE 0 END), 0) AS v${i}`);
  const [h] = await queryRows<Record<string, number>>(conn, `SELECT count(*) AS n, ${hits.join(', ')} FROM ${clusterRows}`);
  const candidates = pairs.map((p, i) => ({ ...p, share: Number(h[`h${i}`] ?? 0) })).filter((p) => p.share >= MIN_CLUSTER_SHARE);
  if (candidates.length === 0) return null;
  const [v] = await queryRows<Record<string, number>>(conn, `SELECT ${valids.join(', ')} FROM ${universe} WHERE ${validHere}`);
  let best: { share: number; x: string; ex: Extractor; rows: number } | null = null;
  for (const c of candidates) {
    const i = pairs.indexOf(pairs.find((p) => p.x === c.x && p.ex === c.ex)!);
    if (Number(v[`v${i}`]) <= MAX_VALID_SHARE && (!best || c.share > best.share)) best = { share: c.share, x: c.x, ex: c.ex, rows: Number(h.n) };
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
