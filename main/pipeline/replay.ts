// Replay: the batch of an earlier run is re-run from the raw vault, with the exact contract
// version it used and the same approval mode, into a fresh scratch workspace, and its result
// compared with the original: the counts and a digest of the clean rows it produced. Production
// is not touched. To be faithful for any run, not only a stream's first, the scratch workspace
// starts from what the original run started from: production as it stood when the run began
// (so re-deliveries and upserts replay alike) and the recipe rules the run was offered. The vault
// copy is hash-checked first: an altered vault file is named as such, never replayed.
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../contract/errors.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { ensureStreamTables, streamTables } from '../store/tables.js';
import { nowIso } from '../store/sqlite.js';
import { contractOfRun } from '../export/exportRun.js';
import { openEngine, type Engine } from './context.js';
import { runBatch } from './runBatch.js';
import { sha256File, vaultFileOf } from './vaultFile.js';
import type { ApprovalMode, RunSummary } from './types.js';
import type { Contract } from '../contract/types.js';
import { multisetDigestSql } from '../store/multisetDigest.js';

type Counts = Pick<RunSummary, 'sourceRows' | 'successRows' | 'quarantineRows' | 'duplicateRows'> & { cleanDigest: string };

export interface ReplayResult {
  runId: string;
  replayRunId: string;
  identical: boolean;
  /** the replay itself reconciled (a replay that does not is a Sev-1, exit 10) */
  reconciled: boolean;
  /** the fields that differ, e.g. "successRows 40 → 38" */
  differences: string[];
  original: Counts;
  replay: Counts;
  message: string;
}

/** Order-independent digest of a run's production rows (including rows later superseded). */
async function cleanDigest(engine: Engine, contract: Contract, runId: string): Promise<string> {
  const st = streamTables(contract);
  const names = contract.columns.map((c) => sqlIdent(c.name)).join(', ');
  const vals = contract.columns.map((c) => `CAST(${sqlIdent(c.name)} AS VARCHAR)`).join(', ');
  const rows = `(SELECT ${names}, _airlock_row_id FROM ${st.prod} WHERE _airlock_run_id = ${sqlString(runId)}
    UNION ALL SELECT ${names}, _airlock_row_id FROM ${st.history} WHERE _airlock_run_id = ${sqlString(runId)})`;
  // Values as a JSON list: unambiguous (no separator a value could contain, NULL is null).
  // A multiset digest (bounded memory); the row id is in each element, so order carries nothing.
  return String(await queryValue(engine.duck.conn, multisetDigestSql(rows, `CAST(to_json([CAST(_airlock_row_id AS VARCHAR), ${vals}]) AS VARCHAR)`)));
}

async function tableExists(engine: Engine, schema: string, table: string): Promise<boolean> {
  return Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ${sqlString(schema)} AND table_name = ${sqlString(table)}`)) > 0;
}

/**
 * Production as it stood when `runId` began: rows of earlier runs still in production, and rows
 * of earlier runs that a later-or-this run superseded (they sit in history now).
 */
async function seedProduction(engine: Engine, fresh: Engine, contract: Contract, runId: string, startedAt: string): Promise<void> {
  if (!(await tableExists(engine, 'prod', contract.table))) return;
  const earlier = (engine.sqlite.prepare('SELECT run_id FROM runs WHERE started_at < ? AND run_id <> ?').all(startedAt, runId) as { run_id: string }[]).map((r) => r.run_id);
  if (earlier.length === 0) return;
  const st = streamTables(contract);
  const cols = [...contract.columns.map((c) => sqlIdent(c.name)), '_airlock_row_id', '_airlock_run_id', '_airlock_row_hash'].join(', ');
  const ids = `(${earlier.map(sqlString).join(', ')})`;
  const seed = join(fresh.ws.tmp, 'production-before.parquet');
  await engine.duck.conn.run(`COPY (SELECT ${cols} FROM ${st.prod} WHERE _airlock_run_id IN ${ids}
    UNION ALL SELECT ${cols} FROM ${st.history} WHERE _airlock_run_id IN ${ids} AND _airlock_superseded_by NOT IN ${ids}) TO ${sqlString(seed)} (FORMAT parquet)`);
  const fst = await ensureStreamTables(fresh.duck.conn, contract);
  await fresh.duck.conn.run(`INSERT INTO ${fst.prod} (${cols}) SELECT ${cols} FROM read_parquet(${sqlString(seed)})`);
  rmSync(seed, { force: true });
}

/** The recipe rules the original run was offered (its recipe:* proposals), in the same order. */
function seedRecipe(engine: Engine, fresh: Engine, contract: Contract, runId: string): void {
  const rows = engine.sqlite.prepare(`SELECT proposal_id, cluster_id, column_name, rule_json FROM proposals WHERE run_id = ? AND cluster_id LIKE 'recipe:%'`).all(runId) as
    { proposal_id: string; cluster_id: string; column_name: string; rule_json: string }[];
  const order = (id: string) => Number(id.split(':recipe:')[1] ?? 0);
  const insert = fresh.sqlite.prepare('INSERT OR IGNORE INTO recipes (contract_id, contract_sha256, proposal_id, rule_json, added_at) VALUES (?, ?, ?, ?, ?)');
  rows.sort((a, b) => order(a.proposal_id) - order(b.proposal_id)).forEach((r) => {
    const rule = JSON.parse(r.rule_json) as { reasoning?: string };
    const reasoning = String(rule.reasoning ?? '').replace(/^recipe fix \(approved as [^)]*\): /, '');
    // Inserted in the original order (recipeRules reads them by insertion order).
    insert.run(contract.id, contract.yamlSha256, r.cluster_id.slice('recipe:'.length), JSON.stringify({ ...rule, reasoning, column: r.column_name }), nowIso());
  });
}

export async function replayRun(engine: Engine, runId: string): Promise<ReplayResult> {
  const run = engine.sqlite.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Record<string, string> | undefined;
  if (!run) throw new UserError(`run ${runId} is not in this workspace. List runs with: airlock runs`).inTheApp(`run ${runId} is not in this workspace. Pick a run on the Start screen.`);
  const vaultFile = vaultFileOf(engine.ws, run.vault_path);
  if (!existsSync(vaultFile)) throw new UserError(`the vault copy of ${run.input_name} (${vaultFile}) is missing: the workspace was altered, so ${runId} cannot be replayed.`, vaultFile);
  const actual = await sha256File(vaultFile);
  if (actual !== run.input_sha256) {
    throw new UserError(`the vault copy of ${run.input_name} (${vaultFile}) was altered: its SHA-256 is ${actual.slice(0, 16)}…, the run recorded ${run.input_sha256.slice(0, 16)}…. ${runId} cannot be replayed from it.`, vaultFile);
  }
  const { contract, summary } = contractOfRun(engine, runId);
  const approval = (JSON.parse(run.options_json) as { approval: ApprovalMode }).approval;
  const scratch = join(engine.ws.tmp, `replay-${runId}-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const contractFile = join(scratch, 'contract.odcs.yaml');
  writeFileSync(contractFile, contract.yaml);
  const fresh = await openEngine(join(scratch, 'ws'));
  let replay: RunSummary;
  let replayDigest: string;
  try {
    await seedProduction(engine, fresh, contract, runId, run.started_at);
    seedRecipe(engine, fresh, contract, runId);
    replay = await runBatch(fresh, { file: vaultFile, contractPath: contractFile, approval, replayOf: runId, remediation: { modelPath: null, embedderDir: null } });
    replayDigest = await cleanDigest(fresh, contract, replay.runId);
  } finally {
    fresh.close();
  }
  rmSync(scratch, { recursive: true, force: true });
  const originalDigest = await cleanDigest(engine, contract, runId);
  const pick = (s: RunSummary) => ({ sourceRows: s.sourceRows, successRows: s.successRows, quarantineRows: s.quarantineRows, duplicateRows: s.duplicateRows });
  const original: Counts = { ...pick(summary), cleanDigest: originalDigest };
  const again: Counts = { ...pick(replay), cleanDigest: replayDigest };
  const differences = (Object.keys(original) as (keyof Counts)[])
    .filter((k) => original[k] !== again[k])
    .map((k) => (k === 'cleanDigest' ? `clean rows differ (digest ${String(original[k]).slice(0, 12)} → ${String(again[k]).slice(0, 12)})` : `${k} ${original[k]} → ${again[k]}`));
  const identical = differences.length === 0;
  engine.audit.append({ runId, kind: 'replay', payload: { replayRunId: replay.runId, identical, differences, original, replay: again } });
  const message = identical
    ? `replay of ${runId}: identical (source ${again.sourceRows}, success ${again.successRows}, quarantine ${again.quarantineRows}, duplicates ${again.duplicateRows}, clean digest ${again.cleanDigest.slice(0, 12)})`
    : `replay of ${runId}: DIFFERENT from the original run: ${differences.join('; ')}${replay.reconciled ? ' (the replay itself reconciled)' : '; the replay did NOT reconcile (Sev-1)'}`;
  return { runId, replayRunId: replay.runId, identical, reconciled: replay.reconciled, differences, original, replay: again, message };
}
