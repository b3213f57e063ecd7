// Replay: the batch of an earlier run is re-run from the raw vault, with the exact contract
// version it used and the same approval mode, into a fresh scratch workspace (a fresh staging
// area, untouched by later runs), and its result compared with the original: the counts and a
// digest of the clean rows it produced. Production is not touched.
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../contract/errors.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { streamTables } from '../store/tables.js';
import { contractOfRun } from '../export/exportRun.js';
import { openEngine, type Engine } from './context.js';
import { runBatch } from './runBatch.js';
import type { ApprovalMode, RunSummary } from './types.js';
import type { Contract } from '../contract/types.js';

export interface ReplayResult {
  runId: string;
  replayRunId: string;
  identical: boolean;
  original: Pick<RunSummary, 'sourceRows' | 'successRows' | 'quarantineRows' | 'duplicateRows'> & { cleanDigest: string };
  replay: Pick<RunSummary, 'sourceRows' | 'successRows' | 'quarantineRows' | 'duplicateRows'> & { cleanDigest: string };
  message: string;
}

/** Order-independent digest of a run's production rows (including rows later superseded). */
async function cleanDigest(engine: Engine, contract: Contract, runId: string): Promise<string> {
  const st = streamTables(contract);
  const cols = contract.columns.map((c) => `coalesce(CAST(${sqlIdent(c.name)} AS VARCHAR), chr(0))`).join(', ');
  const rows = `(SELECT ${contract.columns.map((c) => sqlIdent(c.name)).join(', ')}, _airlock_row_id FROM ${st.prod} WHERE _airlock_run_id = ${sqlString(runId)}
    UNION ALL SELECT ${contract.columns.map((c) => sqlIdent(c.name)).join(', ')}, _airlock_row_id FROM ${st.history} WHERE _airlock_run_id = ${sqlString(runId)})`;
  return String(await queryValue(engine.duck.conn, `SELECT coalesce(md5(string_agg(md5(concat_ws(chr(31), _airlock_row_id, ${cols})), '' ORDER BY _airlock_row_id)), '') FROM ${rows}`));
}

export async function replayRun(engine: Engine, runId: string): Promise<ReplayResult> {
  const run = engine.sqlite.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Record<string, string> | undefined;
  if (!run) throw new UserError(`run ${runId} is not in this workspace. List runs with: airlock runs`);
  if (!existsSync(run.vault_path)) throw new UserError(`the vault copy of ${run.input_name} (${run.vault_path}) is missing: the workspace was altered.`);
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
    replay = await runBatch(fresh, { file: run.vault_path, contractPath: contractFile, approval, replayOf: runId, remediation: { modelPath: null, embedderDir: null } });
    replayDigest = await cleanDigest(fresh, contract, replay.runId);
  } finally {
    fresh.close();
  }
  rmSync(scratch, { recursive: true, force: true });
  const originalDigest = await cleanDigest(engine, contract, runId);
  const pick = (s: RunSummary) => ({ sourceRows: s.sourceRows, successRows: s.successRows, quarantineRows: s.quarantineRows, duplicateRows: s.duplicateRows });
  const original = { ...pick(summary), cleanDigest: originalDigest };
  const again = { ...pick(replay), cleanDigest: replayDigest };
  const identical = JSON.stringify(original) === JSON.stringify(again);
  engine.audit.append({ runId, kind: 'replay', payload: { replayRunId: replay.runId, identical, original, replay: again } });
  const message = identical
    ? `replay of ${runId}: identical (source ${again.sourceRows}, success ${again.successRows}, quarantine ${again.quarantineRows}, duplicates ${again.duplicateRows}, clean digest ${again.cleanDigest.slice(0, 12)})`
    : `replay of ${runId}: DIFFERENT: original ${JSON.stringify(original)} vs replay ${JSON.stringify(again)}`;
  return { runId, replayRunId: replay.runId, identical, original, replay: again, message };
}
