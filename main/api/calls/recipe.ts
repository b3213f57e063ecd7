// The recipe screen's calls: the contracts that have a recipe, a recipe's rules, a rule switched
// off or on, the recipe written to the exports folder as JSON, and a recipe file read back in
// (checked against the contract's latest version, refused whole if one rule does not pass).
import { readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../contract/errors.js';
import { parseContract } from '../../contract/load.js';
import { exportRecipe, importRecipe, listRecipe, MAX_RECIPE_BYTES, recipeContracts, setRecipeRuleEnabled, type RecipeEntry } from '../../remediate/recipeAdmin.js';
import type { Engine } from '../../pipeline/context.js';
import type { RecipeRuleView } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type RecipeCalls = Pick<CallImpl, 'listRecipes' | 'recipeRules' | 'setRecipeRule' | 'exportRecipe' | 'importRecipe'>;

const view = (e: RecipeEntry): RecipeRuleView => ({
  proposalId: e.proposalId, column: e.column, kind: e.rule.kind, sentence: e.sentence, proposer: e.proposer,
  confidence: e.confidence, addedAt: e.addedAt, contractSha256: e.contractSha256, enabled: e.enabled, disabledBy: e.disabledBy,
});

function latestContract(engine: Engine, contractId: string) {
  const row = engine.sqlite.prepare('SELECT yaml, version FROM contract_versions WHERE contract_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(contractId) as { yaml: string; version: string } | undefined;
  if (!row) throw new UserError(`no run in this workspace used contract ${contractId}: run a file with it first, then import its recipe.`);
  return parseContract(row.yaml, `contract ${contractId} ${row.version}`);
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);

export function recipeCalls(session: EngineSession): RecipeCalls {
  return {
    async listRecipes() {
      return recipeContracts((await session.engine()).sqlite);
    },
    async recipeRules({ contractId }) {
      return listRecipe((await session.engine()).sqlite, contractId).map(view);
    },
    setRecipeRule({ contractId, proposalId, enabled }) {
      return session.exclusive(async (engine) => view(setRecipeRuleEnabled(engine.sqlite, engine.audit, contractId, proposalId, enabled, session.ctx.analyst)));
    },
    exportRecipe({ contractId }) {
      // exclusive: its audit entry must not land inside a background job's SQLite transaction
      return session.exclusive(async (engine) => {
      const rules = listRecipe(engine.sqlite, contractId);
      if (rules.length === 0) throw new UserError(`contract ${contractId} has no recipe to export yet.`);
      mkdirSync(session.exportsDir, { recursive: true });
      const path = join(session.exportsDir, `${safeName(contractId)}.recipe.json`);
      writeFileSync(path, exportRecipe(engine.sqlite, contractId));
      engine.audit.append({ runId: null, kind: 'recipe', payload: { event: 'exported', contract: contractId, rules: rules.length, path, by: session.ctx.analyst } });
      return { path, rules: rules.length };
      });
    },
    importRecipe({ contractId, path }) {
      return session.exclusive(async (engine) => {
        let size: number;
        try {
          size = statSync(path).size;
        } catch {
          throw new UserError(`${path}: the recipe file cannot be read.`);
        }
        if (size > MAX_RECIPE_BYTES) throw new UserError(`${path}: the recipe file is over ${MAX_RECIPE_BYTES / 1024 / 1024} MB.`);
        const contract = latestContract(engine, contractId);
        return importRecipe(engine.sqlite, engine.audit, engine.duck.conn, contract, readFileSync(path, 'utf8'), basename(path), session.ctx.analyst);
      });
    },
  };
}
