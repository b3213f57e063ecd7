// One engine judges every candidate rule: the rule is compiled (rules/compileRule.ts) and run in
// DuckDB over the cluster's distinct values, and each output is tested with the column's own
// checks in SQL (valueChecks.ts valueValidSql, built from the builders validation compiles). No
// JavaScript twin of the SQL decides anything: a pattern DuckDB accepts is a pattern the judge runs.
//
// A candidate is declined when a value it changes is still invalid (a wrong-looking repair), when
// it changes nothing, or when what it repairs is under its coverage floor; its confidence is its
// base scaled by the share of the cluster's rows it repairs.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSpec, Contract } from '../../contract/types.js';
import { queryRows, sqlIdent, sqlString } from '../../store/duckdb.js';
import { stableId } from '../clusterCells.js';
import { compileRule, insertValues } from '../rules/compileRule.js';
import type { TypedRule } from '../rules/ruleTypes.js';
import { checkProposal } from '../sandbox.js';
import type { ValueCount } from '../types.js';
import { valueValidSql } from '../valueChecks.js';
import type { ReferenceTables } from '../../contract/reference.js';

/** Share of a cluster's distinct values a per-value strategy must repair before it proposes. */
export const PER_VALUE_FLOOR = 0.5;
/** Share a systematic (format-level) strategy must repair: one rule for the whole cluster. */
export const SYSTEMATIC_FLOOR = 0.9;

export type ValueOutcomeKind = 'unchanged' | 'valid' | 'invalid';

export interface ValueOutcome {
  value: string | null;
  count: number;
  /** what the rule writes (the value itself when unchanged) */
  out: string | null;
  outcome: ValueOutcomeKind;
}

export interface Coverage {
  /** share of the distinct values the rule repairs (changed into a valid value) */
  distinctShare: number;
  /** share of the cluster's rows it repairs */
  rowShare: number;
}

export interface JudgeOptions {
  contract: Contract;
  reference?: ReferenceTables;
  /** coverage floor: the least distinct share and row share the rule must repair */
  floor: number;
  /** confidence on the values it handles, before coverage */
  base: number;
  /** a strategy's plausibility test over the judged changes (raw → output) */
  plausible?: (changes: Array<[string, string]>) => boolean;
}

export interface Judgement {
  outcomes: ValueOutcome[];
  coverage: Coverage;
  /** raw → output for every value the rule changes into a valid value, most rows first */
  changes: Array<[string, string]>;
  /** why the rule is declined, or null when it is accepted */
  declined: string | null;
  /** base × row share (0 when declined) */
  confidence: number;
}

let serial = 0;

/** Runs a candidate rule for one column over a cluster's distinct values and judges every output in DuckDB. */
export async function judgeRule(
  conn: DuckDBConnection,
  rule: TypedRule,
  values: ValueCount[],
  column: ColumnSpec,
  opts: JudgeOptions,
): Promise<Judgement> {
  const empty = (declined: string): Judgement => ({
    outcomes: values.map((v) => ({ value: v.value, count: v.count, out: v.value, outcome: 'unchanged' })),
    coverage: { distinctShare: 0, rowShare: 0 }, changes: [], declined, confidence: 0,
  });
  let rows: Array<{ i: number; out: string | null; changed: boolean; ok: boolean }>;
  try {
    rows = await runRule(conn, rule, values, column, opts);
  } catch (e) {
    return empty(`the rule does not run: ${(e as Error).message.split('\n')[0]}`);
  }
  const outcomes: ValueOutcome[] = values.map((v) => ({ value: v.value, count: v.count, out: v.value, outcome: 'unchanged' }));
  for (const r of rows) {
    const o = outcomes[Number(r.i)];
    if (!r.changed) continue;
    o.out = r.out;
    o.outcome = r.ok ? 'valid' : 'invalid';
  }
  let total = 0, hitRows = 0, hits = 0;
  for (const o of outcomes) {
    total += o.count;
    if (o.outcome === 'valid') { hits += 1; hitRows += o.count; }
  }
  const coverage = { distinctShare: values.length ? hits / values.length : 0, rowShare: total ? hitRows / total : 0 };
  const changes = outcomes.filter((o) => o.outcome === 'valid' && o.value !== null)
    .sort((a, b) => b.count - a.count)
    .map((o): [string, string] => [o.value as string, o.out as string]);
  const invalid = outcomes.find((o) => o.outcome === 'invalid');
  const declined = invalid ? `it writes '${invalid.out ?? 'NULL'}' for '${invalid.value ?? 'NULL'}', which the column still rejects`
    : changes.length === 0 ? 'it repairs no value'
      : coverage.distinctShare < opts.floor || coverage.rowShare < opts.floor ? `it repairs ${Math.round(coverage.rowShare * 100)}% of the rows, under the floor of ${Math.round(opts.floor * 100)}%`
        : opts.plausible && !opts.plausible(changes) ? 'its repairs do not look like the valid values'
          : null;
  return {
    outcomes, coverage, changes, declined,
    confidence: declined ? 0 : Math.round(opts.base * coverage.rowShare * 1000) / 1000,
  };
}

async function runRule(conn: DuckDBConnection, rule: TypedRule, values: ValueCount[], column: ColumnSpec, opts: JudgeOptions) {
  let compiled = compileRule(rule, { contract: opts.contract, runId: 'judge', reference: opts.reference });
  if (rule.kind === 'expression') {
    // An expression is only a candidate if the sandbox takes it, as the pipeline will check it.
    const checked = await checkProposal(conn, { set: rule.set, ...(rule.where ? { where: rule.where } : {}) }, [column.name]);
    if (!checked.ok) throw new Error(`the sandbox refuses it: ${checked.reason}`);
    compiled = { ...compiled, set: checked.set, ...(checked.where ? { where: checked.where } : {}) };
  }
  const set = compiled.set[column.name];
  if (set === undefined) throw new Error(`the rule does not write ${column.name}`);
  const col = sqlIdent(column.name);
  const t = `_airlock_judge_${stableId(String(process.pid), String(++serial))}`;
  const out = compiled.where ? `CASE WHEN coalesce(${compiled.where}, false) THEN ${set} ELSE ${col} END` : set;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${t} (_airlock_row_id BIGINT, ${col} VARCHAR)`);
    for (const stmt of insertValues(t, values.map((v, i) => [String(i), v.value === null ? 'NULL' : sqlString(v.value)]))) await conn.run(stmt);
    for (const s of compiled.setup) await conn.run(s);
    return await queryRows<{ i: number; out: string | null; changed: boolean; ok: boolean }>(conn,
      `SELECT i, _airlock_out AS out, (_airlock_out IS DISTINCT FROM _airlock_in) AS changed, ${valueValidSql(column, '_airlock_out')} AS ok
       FROM (SELECT _airlock_row_id AS i, ${col} AS _airlock_in, CAST(${out} AS VARCHAR) AS _airlock_out FROM ${t})`);
  } finally {
    for (const s of compiled.teardown) await conn.run(s).catch(() => undefined);
    await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
}
