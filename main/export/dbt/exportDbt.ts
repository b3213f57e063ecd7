// `airlock export-dbt`: a contract of the workspace and its approved recipe written out as a dbt
// project (dbtProject.ts) that runs the same cleaning in the customer's engine. The recipe's rules
// pass the rule gate again first, as a run's recipe does; a rule that cannot be exported exactly
// is refused by name, and nothing is written.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../contract/errors.js';
import { refuseJinjaInContract } from './jinjaSafe.js';
import { parseContract } from '../../contract/load.js';
import { referenceTables } from '../../contract/referenceData.js';
import type { Contract } from '../../contract/types.js';
import type { Engine } from '../../pipeline/context.js';
import { listRecipe } from '../../remediate/recipeAdmin.js';
import { validateRule } from '../../remediate/rules/validateRule.js';
import { contractOfRun, resolveRunId } from '../exportRun.js';
import { buildDbtProject } from './dbtProject.js';
import { withoutRunVariants } from '../../validate/variants.js';
import type { ExportedRule } from './ruleModels.js';
import type { TranslationTarget } from './translateExpression.js';

export interface ExportDbtOptions {
  contractId: string;
  /** the run whose contract version is exported (default: the contract's latest run, or its latest version) */
  runId?: string;
  outDir: string;
  /** the delivered file the project reads; none: the warehouse table airlock_raw.<table> */
  sourceFile?: string;
  dialect?: TranslationTarget;
}

export interface ExportDbtResult {
  outDir: string;
  contractId: string;
  contractVersion: string;
  rules: number;
  files: string[];
}

function contractFor(engine: Engine, contractId: string, runId: string | undefined): Contract {
  const known = (engine.sqlite.prepare('SELECT DISTINCT contract_id FROM contract_versions ORDER BY contract_id').all() as Array<{ contract_id: string }>).map((r) => r.contract_id);
  if (!known.includes(contractId)) {
    throw new UserError(`contract ${JSON.stringify(contractId)} is not in workspace ${engine.ws.root}${known.length ? ` (its contracts: ${known.join(', ')})` : ' (it has no contract yet: run a file first)'}.`);
  }
  if (runId) {
    const id = resolveRunId(engine, runId);
    const run = engine.sqlite.prepare('SELECT contract_id FROM runs WHERE run_id = ?').get(id) as { contract_id: string };
    if (run.contract_id !== contractId) throw new UserError(`run ${id} used contract ${run.contract_id}, not ${contractId}.`);
    return contractOfRun(engine, id).contract;
  }
  const latest = engine.sqlite.prepare(`SELECT run_id FROM runs WHERE contract_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`).get(contractId) as { run_id: string } | undefined;
  if (latest) return contractOfRun(engine, latest.run_id).contract;
  const v = engine.sqlite.prepare(`SELECT yaml FROM contract_versions WHERE contract_id = ? AND origin = 'loaded' ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(contractId) as { yaml: string };
  return parseContract(v.yaml, `contract ${contractId}`);
}

function checkOutDir(out: string): void {
  if (!existsSync(out)) {
    if (!existsSync(dirname(out))) throw new UserError(`--out ${out}: the folder ${dirname(out)} does not exist. Create it first.`, out);
    return;
  }
  if (!statSync(out).isDirectory()) throw new UserError(`--out ${out} is a file: name a new or empty folder for the dbt project.`, out);
  if (readdirSync(out).length > 0) throw new UserError(`--out ${out} is not empty: name a new or empty folder for the dbt project (nothing of yours is overwritten).`, out);
}

export async function exportDbt(engine: Engine, opts: ExportDbtOptions): Promise<ExportDbtResult> {
  // A run's LIKELY_VARIANT list is what that batch showed; the project checks the next file, whose
  // variants Airlock reads afresh (the recipe's approved value maps are exported as rules).
  const contract = withoutRunVariants(contractFor(engine, opts.contractId, opts.runId));
  refuseJinjaInContract(contract);
  const out = resolve(opts.outDir);
  checkOutDir(out);
  const sourceFile = opts.sourceFile ? resolve(opts.sourceFile) : undefined;
  if (sourceFile && (!existsSync(sourceFile) || !statSync(sourceFile).isFile())) throw new UserError(`--source-file ${sourceFile}: no such file.`, sourceFile);
  const entries = listRecipe(engine.sqlite, contract.id).filter((e) => e.enabled);
  const rules: ExportedRule[] = [];
  for (const [i, e] of entries.entries()) {
    const gate = await validateRule(engine.duck.conn, e.rule, contract);
    if (!gate.ok) throw new UserError(`recipe rule ${i + 1} (${e.proposalId}, ${e.rule.kind} on ${e.column}) no longer passes the rule gate for contract ${contract.id} ${contract.version}: ${gate.reason}. Switch it off or fix it; nothing was written.`);
    rules.push({ id: e.proposalId, column: e.column, rule: gate.rule });
  }
  const files = buildDbtProject({ contract, rules, reference: referenceTables(), sourceFile, dialect: opts.dialect ?? 'duckdb' });
  for (const [path, text] of Object.entries(files)) {
    const full = join(out, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  engine.audit.append({ runId: null, kind: 'export', payload: { event: 'dbt-project', contract: contract.id, version: contract.version, outDir: out, rules: rules.map((r) => r.id), dialect: opts.dialect ?? 'duckdb' } });
  return { outDir: out, contractId: contract.id, contractVersion: contract.version, rules: rules.length, files: Object.keys(files) };
}
