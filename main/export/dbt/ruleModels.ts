// One approved rule of the recipe as dbt relations, compiled by the engine's own compilers
// (remediate/rules/): a value map or a look-up is a seed of its lines keyed in a model, an
// agreed value is its grouped evidence (ballots, votes, suspects, final vote) as models over the
// rows as they stand, an expression is the sandboxed SQL translated for the target engine. What
// cannot be exported exactly is refused, naming the rule.
import type { Contract } from '../../contract/types.js';
import type { ReferenceTables } from '../../contract/reference.js';
import { UserError } from '../../contract/errors.js';
import { agreedValueTables, compileAgreedValue } from '../../remediate/rules/compileAgreedValue.js';
import { lookupTable, mapTable, tableRuleKeyedSql, tableRuleSetSql, type TableRule } from '../../remediate/rules/compileRule.js';
import { writtenColumns, type TypedRule } from '../../remediate/rules/ruleTypes.js';
import { ref } from './jinjaSql.js';
import { columnList } from './laneModels.js';
import type { DbtModel, DbtSeed } from './model.js';
import type { ModelNames } from './names.js';
import { translateRuleExpression, type TranslationTarget } from './translateExpression.js';

export interface ExportedRule {
  /** the recipe's id for the rule (its proposal id) */
  id: string;
  column: string;
  rule: TypedRule;
}

export interface RuleStep {
  models: DbtModel[];
  seeds: DbtSeed[];
  set: Record<string, string>;
  where?: string;
  written: string[];
}

interface StepContext {
  contract: Contract;
  names: ModelNames;
  /** the working copy before this rule */
  prev: string;
  reference?: ReferenceTables;
  dialect: TranslationTarget;
}

function refuse(i: number, r: ExportedRule, why: string): never {
  throw new UserError(`recipe rule ${i} (${r.id}, ${r.rule.kind} on ${r.column}) cannot be exported to dbt: ${why}. Nothing was written.`);
}

function tableStep(i: number, t: TableRule, ctx: StepContext, what: string): RuleStep {
  const seed = ctx.names.rule(i, 'lines');
  const keyed = ctx.names.rule(i, 'keyed');
  return {
    seeds: [{ name: seed, lines: t.lines, description: `The lines of recipe rule ${i} (${what} on ${t.column}): from, to.` }],
    models: [{ name: keyed, dir: 'remediation', sql: tableRuleKeyedSql(t, ref(seed)), description: `Recipe rule ${i}'s lines keyed as the engine matches them; a key two lines send to different values is dropped.` }],
    ...tableRuleSetSql(t, ref(keyed)),
    written: [t.column],
  };
}

function expressionStep(i: number, r: ExportedRule, rule: Extract<TypedRule, { kind: 'expression' }>, ctx: StepContext): RuleStep {
  const tr = (sql: string, what: string) => {
    const out = translateRuleExpression(sql, ctx.dialect);
    if (!out.ok) refuse(i, r, `its ${what} ${JSON.stringify(sql)} has no exact ${ctx.dialect} translation (${out.reason})`);
    return out.sql;
  };
  const set = Object.fromEntries(Object.entries(rule.set).map(([c, e]) => [c, tr(e, `expression for ${c}`)]));
  return { models: [], seeds: [], set, ...(rule.where ? { where: tr(rule.where, 'row filter') } : {}), written: Object.keys(rule.set) };
}

/**
 * The rows as they stand before rule `i`, as the engine's evidenceRows builds them (rows that passed on arrival, and the working copy).
 * Row ids are never NULL, so coalesce(…, false) changes nothing on DuckDB; it says so to the Spark translation (sparkModel.ts).
 */
function evidenceSql(ctx: StepContext): string {
  const cols = columnList(ctx.contract);
  const n = ctx.names;
  return `SELECT ${cols}, _airlock_row_id, TRUE AS _airlock_passes FROM ${ref(n.candidates)} WHERE _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${ref(n.arrived)})
UNION ALL SELECT ${cols}, _airlock_row_id, coalesce(_airlock_row_id NOT IN (SELECT row_id FROM ${ref(n.violations)}), false) AS _airlock_passes FROM ${ref(ctx.prev)}`;
}

function agreedValueStep(i: number, r: ExportedRule, rule: Extract<TypedRule, { kind: 'agreedValue' }>, ctx: StepContext): RuleStep {
  const evidence = ctx.names.rule(i, 'evidence');
  const compiled = compileAgreedValue(rule, { contract: ctx.contract, runId: 'dbt-export', evidence: ref(evidence) });
  // The compiler names its evidence tables; here each is a model of this step.
  const tables = agreedValueTables(rule);
  const renames = Object.entries(tables).map(([part, table]) => ({ re: new RegExp(`${table}(?![A-Za-z0-9_])`, 'g'), model: ctx.names.rule(i, `agree_${part}`) }));
  const rename = (sql: string) => renames.reduce((s, x) => s.replace(x.re, ref(x.model)), sql);
  const models: DbtModel[] = [{ name: evidence, dir: 'remediation', sql: evidenceSql(ctx), description: `The rows as they stand before recipe rule ${i}: the groups it votes over.` }];
  for (const stmt of compiled.setup) {
    const m = /^CREATE OR REPLACE TEMP TABLE (\S+) AS ([\s\S]*)$/.exec(stmt.trim());
    const part = m ? Object.entries(tables).find(([, t]) => t === m[1])?.[0] : undefined;
    // Weighting votes by source accuracy is an iterated statement, not one relation.
    if (!m || !part) refuse(i, r, 'a vote weighted by source accuracy (sourceColumn) is computed by iterated statements the export does not write yet');
    models.push({ name: ctx.names.rule(i, `agree_${part}`), dir: 'remediation', sql: rename(m[2]), description: `Recipe rule ${i}'s grouped evidence (${part}) for ${rule.column}.` });
  }
  return {
    models, seeds: [],
    set: Object.fromEntries(Object.entries(compiled.set).map(([c, e]) => [c, rename(e)])),
    ...(compiled.where ? { where: rename(compiled.where) } : {}),
    written: writtenColumns(rule),
  };
}

export function ruleStep(i: number, r: ExportedRule, ctx: StepContext): RuleStep {
  const rule = r.rule;
  switch (rule.kind) {
    case 'expression':
      return expressionStep(i, r, rule, ctx);
    case 'map':
      return tableStep(i, mapTable(rule), ctx, 'value map');
    case 'lookup':
      try {
        return tableStep(i, lookupTable(rule, ctx.reference), ctx, `look-up in ${rule.table}`);
      } catch (e) {
        return refuse(i, r, (e as Error).message);
      }
    case 'agreedValue':
      return agreedValueStep(i, r, rule, ctx);
    case 'manual':
      return refuse(i, r, 'a manual edit names rows of one run and belongs to no recipe');
  }
}
