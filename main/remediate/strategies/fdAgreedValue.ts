// The agreed value of a functional-dependency group. For a cluster of cells in column d, every
// FD with d as a dependent proposes, per determinant value, the value held by the clear majority
// (more than half, at least two rows) of the group, when that value is itself valid. Where two
// FDs propose different values for the same row, the row keeps its value (no guess). A row that
// disagrees with its group on most dependents of an FD probably has a wrong determinant: that FD
// is not used for it.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, FunctionalDependency } from '../../contract/types.js';
import { queryRows, sqlIdent } from '../../store/duckdb.js';
import type { Cluster } from '../types.js';
import { lookupSql, valueValidSql } from '../valueChecks.js';
import type { RowStrategyResult } from './types.js';

function keySql(fd: FunctionalDependency): string {
  return fd.determinant.length === 1 ? sqlIdent(fd.determinant[0]) : `concat_ws(chr(31), ${fd.determinant.map(sqlIdent).join(', ')})`;
}

/** Majority value per determinant key, for the keys of the given rows. */
async function majorities(conn: DuckDBConnection, contract: Contract, fd: FunctionalDependency, dep: string, universe: string, keysOf: string): Promise<Map<string, { value: string; support: number; group: number }>> {
  const col = contract.columns.find((c) => c.name === dep)!;
  const key = keySql(fd);
  const rows = await queryRows<{ k: string; v: string; c: number; n: number }>(conn, `
    WITH g AS (SELECT ${key} AS k, ${sqlIdent(dep)} AS v, count(*) AS c FROM ${universe}
               WHERE ${key} IN (SELECT k FROM ${keysOf}) GROUP BY ALL),
    t AS (SELECT k, sum(c) AS n, arg_max(v, c) AS v, max(c) AS c FROM g GROUP BY k)
    SELECT k, v, c, n FROM t WHERE 2 * c > n AND c >= 2 AND ${valueValidSql(col, 'v')}`);
  return new Map(rows.map((r) => [r.k, { value: r.v, support: Number(r.c), group: Number(r.n) }]));
}

export async function fdAgreedValue(conn: DuckDBConnection, contract: Contract, cluster: Cluster, universe: string, clusterRows: string): Promise<RowStrategyResult | null> {
  const d = cluster.column;
  const fds = contract.fds.filter((fd) => fd.dependent.includes(d) && !fd.determinant.includes(d));
  if (fds.length === 0) return null;
  const perFd: string[] = [];
  let evidence = 0;
  let groups = 0;
  for (const fd of fds) {
    const keysOf = `(SELECT DISTINCT ${keySql(fd)} AS k FROM ${clusterRows})`;
    const maj = await majorities(conn, contract, fd, d, universe, keysOf);
    if (maj.size === 0) continue;
    const mapD = new Map([...maj].map(([k, m]) => [k, m.value]));
    let expr = lookupSql(keySql(fd), mapD);
    // Determinant suspicion: the row disagrees with its group on at least half of the FD's other
    // dependents (and at least two of them).
    const others = fd.dependent.filter((x) => x !== d);
    if (others.length >= 2) {
      const disagreements: string[] = [];
      for (const o of others) {
        const mo = await majorities(conn, contract, fd, o, universe, keysOf);
        const mapO = new Map([...mo].map(([k, m]) => [k, m.value]));
        if (mapO.size) disagreements.push(`(CASE WHEN ${sqlIdent(o)} IS DISTINCT FROM ${lookupSql(keySql(fd), mapO)} AND ${lookupSql(keySql(fd), mapO)} IS NOT NULL THEN 1 ELSE 0 END)`);
      }
      const limit = Math.max(2, Math.ceil(others.length / 2));
      if (disagreements.length >= limit) expr = `CASE WHEN (${disagreements.join(' + ')}) >= ${limit} THEN NULL ELSE ${expr} END`;
    }
    perFd.push(`(${expr})`);
    for (const m of maj.values()) evidence += m.support;
    groups += maj.size;
  }
  if (perFd.length === 0) return null;
  const agree = perFd.length === 1 ? 'TRUE' : perFd.flatMap((a, i) => perFd.slice(i + 1).map((b) => `(${a} IS NULL OR ${b} IS NULL OR ${a} = ${b})`)).join(' AND ');
  const chosen = perFd.length === 1 ? perFd[0] : `coalesce(${perFd.join(', ')})`;
  const expr = `CASE WHEN ${chosen} IS NOT NULL AND ${agree} THEN ${chosen} ELSE ${sqlIdent(d)} END`;
  return {
    set: { [d]: expr },
    confidence: 0.95,
    reasoning: `${d} is determined by ${fds.map((f) => f.determinant.join('+')).join(' and ')}; ${groups} group(s) agree on a value held by a clear majority (${evidence} supporting rows). Rows take their group's agreed value; rows whose dependencies disagree keep theirs.`,
    patternType: 'fd-agreed-value',
    strategy: 'fd-agreed-value',
  };
}

