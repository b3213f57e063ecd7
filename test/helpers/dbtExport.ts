// What the dbt export tests share: Airlock's own cleaning of a file with a given recipe (in a
// fresh workspace, the recipe imported, every recipe rule approved and applied in one pass, then
// exported), `dbt build` of an exported project, and an order-independent content hash of a
// table computed by Airlock's DuckDB, so that neither side's own code judges its own output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadContractForRun } from '../../main/contract/duckdbChecks.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { exportRecipe, importRecipe } from '../../main/remediate/recipeAdmin.js';
import { decideProposal, promoteReviewed } from '../../main/remediate/review.js';
import { listProposals } from '../../main/remediate/proposalStore.js';
import { sqlIdent, sqlString } from '../../main/store/duckdb.js';
import type { RunSummary } from '../../main/pipeline/types.js';

/** The recipe of `contractId` in `workspace`, as the JSON document the app exports. */
export async function recipeOf(workspace: string, contractId: string): Promise<string> {
  const engine = await openEngine(workspace, [], { create: false });
  try {
    return exportRecipe(engine.sqlite, contractId);
  } finally {
    engine.close();
  }
}

/**
 * Airlock cleans `file` with exactly `recipe`: a fresh workspace, the recipe imported, a run that
 * approves nothing itself, then every recipe rule approved and promoted as an analyst would
 * (applyApproved: one pass, in recipe order), and the run exported to `outDir`.
 */
export async function airlockWithRecipe(file: string, contractPath: string, recipe: string, workspace: string, outDir: string): Promise<{ summary: RunSummary; clean: string }> {
  const engine = await openEngine(workspace, [outDir, stagingDirFor(outDir)], { create: true });
  try {
    const contract = await loadContractForRun(engine.duck.conn, contractPath);
    // an empty recipe (a run that approved nothing) is nothing to import: the run cleans with no rules
    if ((JSON.parse(recipe) as { rules?: unknown[] }).rules?.length) await importRecipe(engine.sqlite, engine.audit, engine.duck.conn, contract, recipe, 'recipe.json', 'test');
    const run = await runBatch(engine, { file, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
    for (const p of listProposals(engine.sqlite, run.runId)) {
      if (p.clusterId.startsWith('recipe:') && p.status === 'verified') decideProposal(engine, run.runId, p.id, 'approve', 'test');
    }
    const summary = await promoteReviewed(engine, run.runId);
    await exportRun(engine, { runId: run.runId, outDir, format: 'csv' });
    return { summary, clean: join(outDir, 'clean.csv') };
  } finally {
    engine.close();
  }
}

export interface DbtResult { code: number | null; stdout: string; stderr: string }

/** `dbt <args>` on the project, with its DuckDB file at `database`. */
export function runDbt(dbt: string, project: string, database: string, args: string[]): DbtResult {
  const r = spawnSync(dbt, [...args, '--project-dir', project, '--profiles-dir', project], {
    cwd: project, encoding: 'utf8', timeout: 1_200_000, maxBuffer: 256 << 20,
    env: { ...process.env, AIRLOCK_DBT_DUCKDB: database, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1' },
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The names of the nodes a dbt run reports as failed or in error ("Failure in test x", "Failure in model y"). */
export function failedNodes(out: string): string[] {
  return [...out.matchAll(/(?:Failure|Error) in (?:test|model|seed) ([A-Za-z0-9_]+)/g)].map((m) => m[1]).sort();
}

export interface ContentHash { rows: number; hash: string }

/**
 * Order-independent hash of `columns` then `_airlock_row_id` of a relation, every value as text
 * (NULL stays null): each row's JSON list is hashed, the hashes sorted and hashed together.
 */
export async function contentHash(relation: { csv: string } | { duckdbFile: string; table: string } | { parquetDir: string }, columns: string[]): Promise<ContentHash> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    let from: string;
    if ('csv' in relation) {
      from = `read_csv(${sqlString(relation.csv)}, header = true, all_varchar = true, allow_quoted_nulls = false, delim = ',', quote = '"', escape = '"')`;
    } else if ('parquetDir' in relation) {
      // a table Spark wrote (its Parquet part files)
      from = `read_parquet(${sqlString(join(relation.parquetDir, '*.parquet'))})`;
    } else {
      await conn.run(`ATTACH ${sqlString(relation.duckdbFile)} AS dbt (READ_ONLY)`);
      from = `dbt.main.${sqlIdent(relation.table)}`;
    }
    const vals = [...columns, '_airlock_row_id'].map((c) => `CAST(${sqlIdent(c)} AS VARCHAR)`).join(', ');
    const r = await conn.runAndReadAll(`SELECT count(*), coalesce(sha256(string_agg(h, '' ORDER BY h)), '') FROM (SELECT sha256(CAST(to_json([${vals}]) AS VARCHAR)) AS h FROM ${from})`);
    const [row] = r.getRows();
    return { rows: Number(row[0]), hash: String(row[1]) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
