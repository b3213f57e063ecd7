// The recipe rules a new contract version leaves behind. Rules approved on earlier files run on
// every later file of the stream; after a schema drift, a rule on a dropped (or renamed) column,
// or one that reads one, no longer passes the rule gate, and the run would skip it. Listed in the
// rule diff before the next run, so that the analyst sees it go instead of finding fewer fixes.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { recipeRules, ruleOp } from '../remediate/proposalStore.js';
import { describeRule } from '../remediate/rules/describeRule.js';
import { validateRule } from '../remediate/rules/validateRule.js';
import type { Sqlite } from '../store/sqlite.js';
import type { RuleDiffLine } from './ruleDiff.js';

export async function recipeRulesLost(db: Sqlite, conn: DuckDBConnection, next: Contract, contractId: string): Promise<RuleDiffLine[]> {
  const out: RuleDiffLine[] = [];
  for (const r of recipeRules(db, contractId)) {
    const rule = ruleOp(r.rule);
    const checked = await validateRule(conn, rule, next);
    if (checked.ok) continue;
    out.push({ kind: 'recipe', before: `${r.column}: ${describeRule(rule).sentence}`, after: null, why: `no longer applies: ${checked.reason}` });
  }
  return out;
}
