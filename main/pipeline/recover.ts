// A run that was killed mid-way leaves status 'running'. Before the next run touches the
// workspace, everything that run wrote to DuckDB is undone (production rows it upserted are
// restored from history), its staging tables dropped, and it is marked failed, audited.
import { loadContractFile, parseContract } from '../contract/load.js';
import type { Contract } from '../contract/types.js';
import { streamTables, runTables } from '../store/tables.js';
import { nowIso } from '../store/sqlite.js';
import { undoRun } from './promote.js';
import type { Engine } from './context.js';

export async function recoverInterruptedRuns(engine: Engine): Promise<string[]> {
  const stale = engine.sqlite.prepare(`SELECT r.run_id, r.contract_id, r.contract_sha256, r.options_json, v.yaml, v.columns_json
    FROM runs r LEFT JOIN contract_versions v ON v.contract_id = r.contract_id AND v.yaml_sha256 = r.contract_sha256
    WHERE r.status = 'running' GROUP BY r.run_id`).all() as Array<{ run_id: string; contract_id: string; yaml: string | null; options_json: string }>;
  const recovered: string[] = [];
  for (const run of stale) {
    let contract: Contract | null = null;
    try {
      contract = run.yaml ? parseContract(run.yaml, `contract of ${run.run_id}`) : loadContractFile(JSON.parse(run.options_json).contractPath);
    } catch {
      contract = null;
    }
    const conn = engine.duck.conn;
    if (contract) {
      const st = streamTables(contract);
      const exists = (await (await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'prod' AND table_name = '${contract.table.replace(/'/g, "''")}'`)).getRows())[0][0];
      if (Number(exists) > 0) await undoRun(conn, contract, run.run_id, st);
    }
    const rt = runTables(run.run_id);
    await conn.run(`DROP TABLE IF EXISTS ${rt.stage}; DROP TABLE IF EXISTS ${rt.malformed}; DROP TABLE IF EXISTS ${rt.fast};`);
    // Rules the interrupted run approved were never promoted: they leave the recipe.
    engine.sqlite.prepare('DELETE FROM recipes WHERE proposal_id IN (SELECT proposal_id FROM proposals WHERE run_id = ?)').run(run.run_id);
    engine.sqlite.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, summary_json = coalesce(summary_json, ?) WHERE run_id = ?`)
      .run(nowIso(), JSON.stringify({ runId: run.run_id, status: 'failed', message: 'interrupted; its writes were undone' }), run.run_id);
    engine.sqlite.prepare('INSERT INTO alerts (run_id, severity, code, message, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(run.run_id, 'warning', 'RUN_INTERRUPTED', `run ${run.run_id} was interrupted; everything it wrote was undone`, nowIso());
    engine.audit.append({ runId: run.run_id, kind: 'stage', payload: { stage: 'recovered', decision: 'undone', reason: 'the run was interrupted before it finished' } });
    recovered.push(run.run_id);
  }
  return recovered;
}
