// The agreed value of a functional-dependency group. For a cluster of cells in column d, every
// FD with d as a dependent proposes, per determinant value, the value held by the clear majority
// (more than half, at least two rows) of the group, when that value is itself valid. Where two
// FDs propose different values for the same row, the row keeps its value (no guess). A row that
// disagrees with its group on most dependents of an FD probably has a wrong determinant: that FD
// is not used for it.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, FunctionalDependency } from '../../contract/types.js';
import { queryRows, sqlIdent, sqlString } from '../../store/duckdb.js';
import type { Cluster } from '../types.js';
import { valueValidSql } from '../valueChecks.js';
import { sqlString as lit } from '../../store/duckdb.js';
import type { RowStrategyResult } from './types.js';

export interface Majority {
  value: string;
  support: number;
  group: number;
}

/**
 * A look-up from the determinant's value(s) to a value: `CASE col WHEN ...` for one column, a
 * searched `CASE WHEN a = .. AND b = ..` for composite determinants (keys joined by U+001F in JS).
 */
function lookupSql(fd: FunctionalDependency, map: Map<string, string>): string {
  if (map.size === 0) return 'CAST(NULL AS VARCHAR)';
  const entries = [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (fd.determinant.length === 1) return `CASE ${sqlIdent(fd.determinant[0])} ${entries.map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`).join(' ')} END`;
  const whens = entries.map(([k, v]) => {
    const parts = k.split('\u001f');
    return `WHEN ${fd.determinant.map((c, i) => `${sqlIdent(c)} = ${lit(parts[i] ?? '')}`).join(' AND ')} THEN ${lit(v)}`;
  });
  return `CASE ${whens.join(' ')} END`;
}

function keySql(fd: FunctionalDependency): string {
  return fd.determinant.length === 1 ? sqlIdent(fd.determinant[0]) : `concat_ws(chr(31), ${fd.determinant.map(sqlIdent).join(', ')})`;
}

/**
 * Majority values of every dependent of every FD, for the determinant keys of the quarantined
 * rows: one grouped query per FD, computed once per run and shared by all clusters.
 */
export class FdEvidence {
  private readonly cache = new Map<number, Map<string, Map<string, Majority>>>();

  constructor(private readonly conn: DuckDBConnection, private readonly contract: Contract, private readonly universe: string, private readonly quarantined: string) {}

  async of(fdIndex: number): Promise<Map<string, Map<string, Majority>>> {
    const hit = this.cache.get(fdIndex);
    if (hit) return hit;
    const fd = this.contract.fds[fdIndex];
    const key = keySql(fd);
    const groups = fd.dependent.map((dep) => {
      const col = this.contract.columns.find((c) => c.name === dep)!;
      return `SELECT ${sqlString(dep)} AS dep, k, v, c, n FROM (
        SELECT k, arg_max(v, c) AS v, max(c) AS c, sum(c) AS n FROM (
          SELECT ${key} AS k, ${sqlIdent(dep)} AS v, count(*) AS c FROM u GROUP BY ALL) GROUP BY k)
        WHERE 2 * c > n AND c >= 2 AND ${valueValidSql(col, 'v')}`;
    });
    // Evidence from rows that pass every check is preferred: a group whose clean rows agree on a
    // value gives that value, even if more of its quarantined rows repeat another. Groups with no
    // clean row fall back to all their rows.
    const run = async (source: string) => queryRows<{ dep: string; k: string; v: string; c: number; n: number }>(this.conn, `
      WITH u AS (SELECT * FROM ${source} WHERE ${key} IN (SELECT ${key} FROM ${this.quarantined}))
      ${groups.join(' UNION ALL ')}`);
    const clean = await run(`(SELECT * FROM ${this.universe} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${this.quarantined}))`);
    const everything = await run(this.universe);
    const seen = new Set(clean.map((r) => `${r.dep}\u001f${r.k}`));
    const rows = [...clean, ...everything.filter((r) => !seen.has(`${r.dep}\u001f${r.k}`))];
    const out = new Map<string, Map<string, Majority>>();
    for (const r of rows) {
      const m = out.get(r.dep) ?? new Map<string, Majority>();
      m.set(r.k, { value: r.v, support: Number(r.c), group: Number(r.n) });
      out.set(r.dep, m);
    }
    this.cache.set(fdIndex, out);
    return out;
  }
}

export async function fdAgreedValue(evidence: FdEvidence, contract: Contract, cluster: Cluster, clusterKeys: (fd: FunctionalDependency) => Promise<Set<string>>): Promise<RowStrategyResult | null> {
  const d = cluster.column;
  const perFd: string[] = [];
  let support = 0;
  let groups = 0;
  const used: string[] = [];
  for (const [i, fd] of contract.fds.entries()) {
    if (!fd.dependent.includes(d) || fd.determinant.includes(d)) continue;
    const all = await evidence.of(i);
    const keys = await clusterKeys(fd);
    const pick = (dep: string) => new Map([...(all.get(dep) ?? new Map<string, Majority>())].filter(([k]) => keys.has(k)).map(([k, m]) => [k, m.value]));
    const mapD = pick(d);
    if (mapD.size === 0) continue;
    let expr = lookupSql(fd, mapD);
    // Determinant suspicion: the row disagrees with its group on at least half of the FD's other
    // dependents (and at least two of them): the determinant is the likelier error.
    const others = fd.dependent.filter((x) => x !== d);
    if (others.length >= 2) {
      const disagreements = others.map((o) => [o, pick(o)] as const).filter(([, m]) => m.size > 0)
        .map(([o, m]) => `(CASE WHEN ${sqlIdent(o)} IS DISTINCT FROM ${lookupSql(fd, m)} AND ${lookupSql(fd, m)} IS NOT NULL THEN 1 ELSE 0 END)`);
      const limit = Math.max(2, Math.ceil(others.length / 2));
      if (disagreements.length >= limit) expr = `CASE WHEN (${disagreements.join(' + ')}) >= ${limit} THEN NULL ELSE ${expr} END`;
    }
    perFd.push(`(${expr})`);
    const mj = all.get(d)!;
    for (const k of mapD.keys()) support += mj.get(k)!.support;
    groups += mapD.size;
    used.push(fd.determinant.join('+'));
  }
  if (perFd.length === 0) return null;
  const agree = perFd.length === 1 ? 'TRUE' : perFd.flatMap((a, i) => perFd.slice(i + 1).map((b) => `(${a} IS NULL OR ${b} IS NULL OR ${a} = ${b})`)).join(' AND ');
  const chosen = perFd.length === 1 ? perFd[0] : `coalesce(${perFd.join(', ')})`;
  const expr = `CASE WHEN ${chosen} IS NOT NULL AND ${agree} THEN ${chosen} ELSE ${sqlIdent(d)} END`;
  return {
    set: { [d]: expr },
    confidence: 0.95,
    reasoning: `${d} is determined by ${used.join(' and ')}; ${groups} group(s) agree on a value held by a clear majority (${support} supporting rows). Rows take their group's agreed value; rows whose dependencies disagree keep theirs.`,
    patternType: 'fd-agreed-value',
    strategy: 'fd-agreed-value',
  };
}
