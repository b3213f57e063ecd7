// The agreed value of a functional-dependency group, as a typed rule. For a cluster of cells in
// column d, the rule says "d takes the value its determinant group agrees on", for every
// determinant of the contract's dependencies with d as a dependent (rules/compileAgreedValue.ts
// holds the vote: plurality with a margin, passing rows first, valid candidates only, suspicious
// determinants left out, sources weighted by estimated accuracy when the contract names a source
// column). The rule carries no values: its evidence is counted when it is applied. This strategy
// proposes it when the compiled rule, run over the batch as it stands, decides at least one of
// the cluster's rows; that decision is the compiled SQL itself, not a copy of the vote.
import { setUpRule, tearDownRule } from '../rules/runRule.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, FunctionalDependency } from '../../contract/types.js';
import { queryRows, sqlIdent, sqlString } from '../../store/duckdb.js';
import { agreedValueTables, compileAgreedValue, determinantKeySql, sourceAccuracySql, type SourceAccuracy } from '../rules/compileAgreedValue.js';
import type { CompileContext } from '../rules/compileRule.js';
import { insertValues } from '../rules/compileRule.js';
import type { AgreedValueRule } from '../rules/ruleTypes.js';
import type { Cluster } from '../types.js';
import type { AgreedValueResult } from './types.js';

/**
 * Two supporters at least: one row (or one source) alone is an opinion, not an agreement. A
 * parameter of the rule, the same for every table (not tuned to one).
 */
export const DEFAULT_MIN_SUPPORT = 2;
/**
 * The winner must lead the runner-up by a tenth of its group's weight: a 3-2-1 group (a lead of
 * a sixth) decides, a tie never does, and in a large noisy group a lead of one vote is not
 * agreement. A parameter of the rule, the same for every table (not tuned to one).
 */
export const DEFAULT_MIN_MARGIN = 0.1;
/** Never certain: the agreed value is the likeliest, not a proven, truth. */
const MAX_CONFIDENCE = 0.95;

/** The cluster's determinant keys per dependency, as remediate.ts computes them (raw text, joined by U+001F). */
export type ClusterKeys = (fd: FunctionalDependency) => Promise<Set<string>>;

/**
 * The batch as the vote reads it: every row of `universe` (contract columns as text, the row id)
 * and whether it passes every check (it is not in `quarantined`).
 */
export class FdEvidence {
  readonly relation: string;
  /** the evidence's current generation, when the caller keeps vote tables across clusters */
  cacheKey?: string;

  /** `relation`, when given, is an evidence table already built (context.ts materializeEvidence). */
  constructor(readonly conn: DuckDBConnection, readonly contract: Contract, readonly universe: string, readonly quarantined: string, relation?: string) {
    if (relation) {
      this.relation = relation;
      return;
    }
    const cols = contract.columns.map((c) => `CAST(u.${sqlIdent(c.name)} AS VARCHAR) AS ${sqlIdent(c.name)}`).join(', ');
    this.relation = `(SELECT ${cols}, u._airlock_row_id,
      u._airlock_row_id NOT IN (SELECT q._airlock_row_id FROM ${quarantined} q) AS _airlock_passes FROM ${universe} u)`;
  }
}

/** The agreedValue rule the contract gives column `d`, or null when no dependency has it as a dependent. */
export function agreedValueRuleFor(contract: Contract, d: string, minSupport = DEFAULT_MIN_SUPPORT, minMargin = DEFAULT_MIN_MARGIN): AgreedValueRule | null {
  const determinants: string[][] = [];
  for (const fd of contract.fds) {
    if (!fd.dependent.includes(d) || fd.determinant.includes(d)) continue;
    const same = (x: string[]) => x.length === fd.determinant.length && x.every((c) => fd.determinant.includes(c));
    if (!determinants.some(same)) determinants.push([...fd.determinant]);
  }
  if (determinants.length === 0) return null;
  const src = contract.sourceColumn;
  const useSource = src !== undefined && src !== d && !determinants.some((x) => x.includes(src));
  return { kind: 'agreedValue', column: d, determinants, minSupport, minMargin, ...(useSource ? { sourceColumn: src } : {}) };
}

/** A per-call suffix: two proposals in flight on one connection must not share a scratch table. */
let calls = 0;

function rawKeySql(det: string[], alias: string): string {
  return det.length === 1 ? `${alias}.${sqlIdent(det[0])}` : `concat_ws(chr(31), ${det.map((c) => `${alias}.${sqlIdent(c)}`).join(', ')})`;
}

/**
 * Proposes the agreedValue rule for the cluster's column when, over the evidence as it stands, it
 * decides at least one of the cluster's rows. `cluster` names the rows either as a relation (the
 * cluster's rows with the contract's columns and `_airlock_row_id`) or, as remediate.ts calls it
 * today, by their determinant keys per dependency (then the cluster's rows are the quarantined
 * rows of the evidence holding one of those keys).
 */
export async function fdAgreedValue(evidence: FdEvidence, contract: Contract, cluster: Cluster, rows: string | ClusterKeys): Promise<AgreedValueResult | null> {
  const rule = agreedValueRuleFor(contract, cluster.column);
  if (!rule) return null;
  const conn = evidence.conn;
  const ctx: CompileContext = { contract, runId: '', evidence: evidence.relation, ...(evidence.cacheKey ? { cacheKey: evidence.cacheKey } : {}) };
  const compiled = compileAgreedValue(rule, ctx);
  // Temporary tables of this call (the cluster's keys, the decided rows), dropped when it ends.
  const scratchTables: string[] = [];
  const tag = ++calls;
  const decided = `_fd_decided_rows_${tag}`;
  let clusterRows: string;
  if (typeof rows === 'string') clusterRows = rows;
  else {
    const filters: string[] = [];
    for (const [i, det] of rule.determinants.entries()) {
      const fd = contract.fds.find((f) => f.dependent.includes(rule.column) && f.determinant.length === det.length && f.determinant.every((c) => det.includes(c)))!;
      const keys = await rows(fd);
      const t = `_fd_cluster_keys_${tag}_${i}`;
      scratchTables.push(t);
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${t} (k VARCHAR)`);
      for (const s of insertValues(t, [...keys].map((k) => [sqlString(k)]))) await conn.run(s);
      filters.push(`${rawKeySql(fd.determinant, 'e')} IN (SELECT k FROM ${t})`);
    }
    clusterRows = `(SELECT * FROM ${evidence.relation} e WHERE NOT e._airlock_passes AND (${filters.join(' OR ')}))`;
  }
  const T = agreedValueTables(rule);
  let mine = false;
  try {
    mine = await setUpRule(conn, rule, ctx, compiled);
    // The rows the rule decides, computed once: the rule's condition holds a lookup and a suspect
    // check per determinant, and written inline into the count and into every determinant's arm of
    // the groups query below, its cost grew with the square of the column's determinants.
    scratchTables.push(decided);
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${decided} AS SELECT * FROM ${clusterRows} WHERE ${compiled.where}`);
    const [{ n }] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${decided}`);
    if (Number(n) === 0) return null;
    // The decided groups behind those rows: how many, their supporters, their winners' shares.
    const groups = rule.determinants.map((det, i) => `SELECT f.det, f.k, f.supporters, f.share FROM ${T.final} f
      WHERE f.det = ${i} AND f.decided AND f.k IN (SELECT ${determinantKeySql(ctx, det, 'c')} FROM ${decided} c)`);
    const [g] = await queryRows<{ groups: number; support: number; share: number }>(conn,
      `SELECT count(*) AS groups, sum(supporters) AS support, avg(share) AS share FROM (${groups.join(' UNION ALL ')})`);
    // Confidence: the mean share of its group's weight the agreed value holds (1: unanimous).
    const confidence = Math.round(Math.min(MAX_CONFIDENCE, Number(g.share)) * 1000) / 1000;
    const by = rule.determinants.map((x) => x.join('+')).join(' and ');
    let sources: SourceAccuracy[] | undefined;
    let weighted = '';
    if (rule.sourceColumn) {
      sources = (await queryRows<{ source: string; accuracy: number; claims: number }>(conn, sourceAccuracySql(rule)))
        .map((x) => ({ source: x.source, accuracy: Number(x.accuracy), claims: Number(x.claims) }));
      const shown = sources.slice(0, 8).map((x) => `${x.source === '' ? '(none)' : x.source} ${x.accuracy.toFixed(2)}`).join(', ');
      const more = sources.length > 8 ? ` and ${sources.length - 8} more` : '';
      weighted = `, each source's vote weighted by its estimated accuracy (${rule.sourceColumn}: ${shown}${more})`;
    }
    return {
      op: rule,
      set: {},
      confidence,
      reasoning: `${rule.column} is determined by ${by}; ${Number(g.groups)} group(s) of the cluster's rows agree on a value by a plurality leading by at least ${Math.round(rule.minMargin * 100)}% of the group${weighted} (${Number(g.support)} supporting ${rule.sourceColumn ? 'sources' : 'rows'}, ${Number(n)} row(s) decided). Rows take their group's agreed value; a tie between a value and a corrupted spelling of it (stray spaces, off-convention case, a misspelt word) goes to the well-formed value; other ties, thin leads, rows whose determinant looks wrong and rows whose dependencies disagree keep theirs.`,
      patternType: 'fd-agreed-value',
      strategy: 'fd-agreed-value',
      ...(sources ? { sourceAccuracy: sources } : {}),
    };
  } finally {
    if (mine) await tearDownRule(conn, compiled);
    for (const t of scratchTables) await conn.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
