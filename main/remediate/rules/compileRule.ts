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

/** A join with the map's lines (enabled ones), through a scalar subquery DuckDB decorrelates. */
function compileMap(rule: MapRule): CompiledRule {
  const t = tableFor(rule, 'map');
  const col = sqlIdent(rule.column);
  const lines = rule.entries.filter((e) => e.enabled !== false);
  const key = (v: string) => (rule.match === 'folded' ? foldSql(v) : v);
  const setup = [
    `CREATE OR REPLACE TEMP TABLE ${t}_in (_airlock_from VARCHAR, _airlock_to VARCHAR)`,
    ...insertValues(`${t}_in`, lines.map((e) => [sqlString(e.from), sqlString(e.to)])),
    // A key two lines give different targets is ambiguous (validateRule refuses it; this is the last word).
    `CREATE OR REPLACE TEMP TABLE ${t} AS SELECT ${key('_airlock_from')} AS _airlock_from, any_value(_airlock_to) AS _airlock_to
       FROM ${t}_in GROUP BY 1 HAVING count(DISTINCT _airlock_to) = 1`,
    `DROP TABLE ${t}_in`,
  ];
  return {
    setup,
    set: { [rule.column]: `coalesce((SELECT m._airlock_to FROM ${t} m WHERE m._airlock_from = ${key(col)}), ${col})` },
    where: `${key(col)} IN (SELECT _airlock_from FROM ${t})`,
    teardown: [`DROP TABLE IF EXISTS ${t}`],
  };
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
function compileLookup(rule: LookupRule, ctx: CompileContext): CompiledRule {
  const table = ctx.reference ? Object.values(ctx.reference).find((x) => x.domain === rule.table || `${x.domain}` === rule.table) : undefined;
  if (!table) throw new Error(`lookup rule on ${rule.column}: reference table ${rule.table} is not loaded`);
  const members = rule.members ? new Map(rule.members.map((m) => [m.toLowerCase(), m])) : null;
  const render = (f: string | undefined): string | null => {
    if (!f) return null;
    if (members) return members.get(f.toLowerCase()) ?? null;
    return rule.style === 'upper' ? f.toUpperCase() : rule.style === 'lower' ? f.toLowerCase() : f;
  };
  const rows: string[][] = [];
  for (const e of table.entities) {
    const out = render(e.forms[rule.form]);
    if (out === null) continue;
    for (const a of e.aliases) rows.push([sqlString(a), sqlString(out)]);
  }
  const t = tableFor(rule, 'lookup');
  const col = sqlIdent(rule.column);
  return {
    setup: [
      `CREATE OR REPLACE TEMP TABLE ${t}_in (_airlock_from VARCHAR, _airlock_to VARCHAR)`,
      ...insertValues(`${t}_in`, rows),
      `CREATE OR REPLACE TEMP TABLE ${t} AS SELECT ${referenceKeySql('_airlock_from')} AS _airlock_from, any_value(_airlock_to) AS _airlock_to
         FROM ${t}_in GROUP BY 1 HAVING count(DISTINCT _airlock_to) = 1`,
      `DROP TABLE ${t}_in`,
    ],
    set: { [rule.column]: `coalesce((SELECT m._airlock_to FROM ${t} m WHERE m._airlock_from = ${referenceKeySql(col)}), ${col})` },
    where: `${referenceKeySql(col)} IN (SELECT _airlock_from FROM ${t})`,
    teardown: [`DROP TABLE IF EXISTS ${t}`],
  };
}
