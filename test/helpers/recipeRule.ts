// A recipe rule for bundle and report fixtures, written as tests wrote them before rules were
// typed (`set`/`where`): the typed rule and its description are derived as the engine derives them.
import type { RecipeRule } from '../../main/audit/bundle.js';
import { describeRule } from '../../main/remediate/rules/describeRule.js';
import type { TypedRule } from '../../main/remediate/rules/ruleTypes.js';

export function asRecipe(r: Omit<RecipeRule, 'rule' | 'description'>): RecipeRule {
  const rule: TypedRule = { kind: 'expression', set: r.set, ...(r.where ? { where: r.where } : {}) };
  return { ...r, rule, description: describeRule(rule) };
}
