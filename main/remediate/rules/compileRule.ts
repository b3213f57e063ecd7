// One compiler per rule kind: a typed rule becomes SQL the sandbox, verification, application,
// the recipe and exports run. Compiled SQL is never stored or shown: the rule object is.
// A compiled rule is a scalar expression per written column plus an optional row filter, and the
// statements that create (and drop) the small tables it joins: a map's lines, a look-up's
// reference entries, a dependency's agreed values computed over the rows as they stand.
import type { Contract } from '../../contract/types.js';
import { sqlIdent, sqlString } from '../../store/duckdb.js';
import { stableId } from '../clusterCells.js';
import type { ReferenceTables } from '../../contract/reference.js';
import { compileAgreedValue } from './compileAgreedValue.js';
import { foldSql, referenceKeySql } from './foldSql.js';
import type { LookupRule, ManualRule, MapRule, TypedRule } from './ruleTypes.js';

export interface CompileContext {
  contract: Contract;
  /** the run the rule is applied in (a manual rule applies only in its own run) */
  runId: string;
  /**
   * The rows as they stand, for rules that compute their evidence when applied: contract columns
   * as text, `_airlock_row_id`, and `_airlock_passes` (true when the row passes every check).
   */
  evidence?: string;
  reference?: ReferenceTables;
  /**
   * A name for the current state of `evidence`: rules compiled again while it holds may reuse
   * their tables (runRule.ts); the caller releases them when the evidence changes.
   */
  cacheKey?: string;
}

export interface CompiledRule {
  setup: string[];
  set: Record<string, string>;
  where?: string;
  teardown: string[];
}

export function compileRule(rule: TypedRule, ctx: CompileContext): CompiledRule {
  switch (rule.kind) {
    case 'expression':
      return { setup: [], set: { ...rule.set }, ...(rule.where ? { where: rule.where } : {}), teardown: [] };
    case 'map':
      return compileMap(rule);
    case 'manual':
      return compileManual(rule, ctx);
    case 'lookup':
      return compileLookup(rule, ctx);
    case 'agreedValue':
      return compileAgreedValue(rule, ctx);
  }
}

export function tableFor(rule: TypedRule, tag: string): string {
  return `_rule_${tag}_${stableId(JSON.stringify(rule))}`;
}

/** `INSERT ... VALUES` in bounded statements (a map of 50,000 lines is 50 statements). */
export function insertValues(table: string, rows: string[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    out.push(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 1000).map((r) => `(${r.join(', ')})`).join(', ')}`);
  }
  return out;
}

/**
 * A rule that is a small from → to table joined on a key of the cell (a map's enabled lines, a
 * look-up's reference spellings): its lines, and the key both sides are matched on. The compiler
 * below and the dbt export (a seed) build the same table from these.
 */
export interface TableRule {
  column: string;
  lines: Array<[string, string]>;
  key: (expr: string) => string;
}

export function mapTable(rule: MapRule): TableRule {
  const lines = rule.entries.filter((e) => e.enabled !== false).map((e): [string, string] => [e.from, e.to]);
  return { column: rule.column, lines, key: (v: string) => (rule.match === 'folded' ? foldSql(v) : v) };
}

/** The table keyed: a key two lines give different targets is ambiguous and dropped (validateRule refuses it; this is the last word). */
export function tableRuleKeyedSql(t: TableRule, lines: string): string {
  return `SELECT ${t.key('_airlock_from')} AS _airlock_from, any_value(_airlock_to) AS _airlock_to
       FROM ${lines} GROUP BY 1 HAVING count(DISTINCT _airlock_to) = 1`;
}

/** The cell's new value and the rows it applies to, through a scalar subquery DuckDB decorrelates, over the keyed table `keyed`. */
export function tableRuleSetSql(t: TableRule, keyed: string): { set: Record<string, string>; where: string } {
  const col = sqlIdent(t.column);
  return {
    set: { [t.column]: `coalesce((SELECT m._airlock_to FROM ${keyed} m WHERE m._airlock_from = ${t.key(col)}), ${col})` },
    where: `${t.key(col)} IN (SELECT _airlock_from FROM ${keyed})`,
  };
}

function compileTableRule(rule: TypedRule, tag: string, t: TableRule): CompiledRule {
  const name = tableFor(rule, tag);
  const setup = [
    `CREATE OR REPLACE TEMP TABLE ${name}_in (_airlock_from VARCHAR, _airlock_to VARCHAR)`,
    ...insertValues(`${name}_in`, t.lines.map(([from, to]) => [sqlString(from), sqlString(to)])),
    `CREATE OR REPLACE TEMP TABLE ${name} AS ${tableRuleKeyedSql(t, `${name}_in`)}`,
    `DROP TABLE ${name}_in`,
  ];
  return { setup, ...tableRuleSetSql(t, name), teardown: [`DROP TABLE IF EXISTS ${name}`] };
}

function compileMap(rule: MapRule): CompiledRule {
  return compileTableRule(rule, 'map', mapTable(rule));
}

function compileManual(rule: ManualRule, ctx: CompileContext): CompiledRule {
  if (rule.runId !== ctx.runId) return { setup: [], set: { [rule.column]: sqlIdent(rule.column) }, where: 'FALSE', teardown: [] };
  const t = tableFor(rule, 'manual');
  return {
    setup: [
      `CREATE OR REPLACE TEMP TABLE ${t} (_airlock_manual_row BIGINT, _airlock_manual_value VARCHAR)`,
      ...insertValues(t, rule.cells.map((c) => [String(Math.trunc(c.rowId)), c.value === null ? 'NULL' : sqlString(c.value)])),
    ],
    set: { [rule.column]: `(SELECT m._airlock_manual_value FROM ${t} m WHERE m._airlock_manual_row = _airlock_row_id)` },
    where: `_airlock_row_id IN (SELECT _airlock_manual_row FROM ${t})`,
    teardown: [`DROP TABLE IF EXISTS ${t}`],
  };
}

/** Every spelling of every entity of the reference table, keyed in SQL; keys two entities share are dropped. */
export function lookupTable(rule: LookupRule, reference: ReferenceTables | undefined): TableRule {
  const table = reference ? Object.values(reference).find((x) => x.domain === rule.table || `${x.domain}` === rule.table) : undefined;
  if (!table) throw new Error(`lookup rule on ${rule.column}: reference table ${rule.table} is not loaded`);
  const members = rule.members ? new Map(rule.members.map((m) => [m.toLowerCase(), m])) : null;
  const render = (f: string | undefined): string | null => {
    if (!f) return null;
    if (members) return members.get(f.toLowerCase()) ?? null;
    return rule.style === 'upper' ? f.toUpperCase() : rule.style === 'lower' ? f.toLowerCase() : f;
  };
  const lines: Array<[string, string]> = [];
  for (const e of table.entities) {
    const out = render(e.forms[rule.form]);
    if (out === null) continue;
    for (const a of e.aliases) lines.push([a, out]);
  }
  return { column: rule.column, lines, key: referenceKeySql };
}

function compileLookup(rule: LookupRule, ctx: CompileContext): CompiledRule {
  return compileTableRule(rule, 'lookup', lookupTable(rule, ctx.reference));
}
